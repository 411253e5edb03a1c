package e2e

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, for the Django database
)

// oneLine checks that text is exactly one non-empty line.
func oneLine(t *testing.T, what, text string) {
	t.Helper()
	text = strings.TrimSuffix(text, "\n")
	if text == "" || strings.Contains(text, "\n") {
		t.Errorf("%s: stderr %q, want exactly one line", what, text)
	}
}

// countFor finds the number that output gives for word: "3 imported",
// "imported 3", "imported: 3", "skipped 0 users".
func countFor(output, word string) (int, bool) {
	before := regexp.MustCompile(`(?i)(\d+)\s+(?:[a-z]+\s+){0,2}` + word)
	after := regexp.MustCompile(`(?i)` + word + `[\s:=]+(?:[a-z]+\s+)?(\d+)`)
	for _, re := range []*regexp.Regexp{before, after} {
		if m := re.FindStringSubmatch(output); m != nil {
			n, _ := strconv.Atoi(m[1])
			return n, true
		}
	}
	return 0, false
}

// firstInt returns the first integer in s.
func firstInt(s string) (int, bool) {
	m := regexp.MustCompile(`\d+`).FindString(s)
	if m == "" {
		return 0, false
	}
	n, _ := strconv.Atoi(m)
	return n, true
}

func TestVersion(t *testing.T) {
	t.Parallel()
	res := latch(t, t.TempDir(), "", nil, "version")
	if res.code != 0 {
		t.Fatalf("latch version: exit %d, want 0; stderr %q", res.code, res.stderr)
	}
	if strings.TrimSpace(res.stdout) == "" {
		t.Errorf("latch version printed nothing on standard output")
	}
}

func TestBadConfiguration(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })

	cases := []struct {
		name string
		env  []string
		args []string
	}{
		{"a malformed store URL", nil, []string{"--store", "bogus://x"}},
		{"an unreachable Redis", nil, []string{"--store", "redis://127.0.0.1:1/0"}},
		{"a malformed lifetime", nil, []string{"--lifetime", "abc"}},
		{"a malformed lifetime from the environment", []string{"LATCH_LIFETIME=abc"}, nil},
		{"a malformed login limit", nil, []string{"--login-limit", "lots"}},
		{"an address in use", nil, []string{"--addr", busy.Addr().String()}},
		{"an unknown flag", nil, []string{"--no-such-flag"}},
		{"a cookie name with a space", nil, []string{"--cookie-name", "bad name"}},
		{"a secret file that is a directory", nil, []string{"--secret-file", "."}},
	}
	for _, tc := range cases {
		t.Run(tc.name+" exits 2 with one line", func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := []string{"serve", "--addr", "127.0.0.1:0", "--store", dbURL(dir), "--secret-file", filepath.Join(dir, "latch.secret")}
			args = append(args, tc.args...) // the last flag wins
			res := latchWithin(t, 10*time.Second, dir, "", tc.env, args...)
			if res.code != 2 {
				t.Errorf("exit status %d, want 2; stderr %q", res.code, res.stderr)
			}
			oneLine(t, tc.name, res.stderr)
		})
	}
	t.Run("an unknown command exits 2", func(t *testing.T) {
		t.Parallel()
		if res := latch(t, t.TempDir(), "", nil, "frobnicate"); res.code != 2 {
			t.Errorf("latch frobnicate: exit %d, want 2", res.code)
		}
	})
}

func TestEnvironment(t *testing.T) {
	t.Parallel()
	t.Run("LATCH_ADDR is honoured", func(t *testing.T) {
		t.Parallel()
		addr := freePort(t)
		s := startServerWith(t, serverOptions{noAddr: true, env: []string{"LATCH_ADDR=" + addr}})
		if s.addr != addr {
			t.Errorf("with LATCH_ADDR=%s the server listens on %s", addr, s.addr)
		}
	})
	t.Run("the flag wins over LATCH_ADDR", func(t *testing.T) {
		t.Parallel()
		startServerWith(t, serverOptions{env: []string{"LATCH_ADDR=256.0.0.1:99999"}})
	})
	t.Run("a dashed flag reads LATCH_COOKIE_NAME", func(t *testing.T) {
		t.Parallel()
		s := startServerWith(t, serverOptions{env: []string{"LATCH_COOKIE_NAME=envcookie"}})
		s.cookieName = "envcookie"
		s.admin(t).wantWelcome(t, "admin")
	})
}

func TestRestart(t *testing.T) {
	t.Parallel()
	s1 := startServer(t)
	a := s1.admin(t)
	s1.createUser(t, "carol", "e2e-carol-password")
	s1.stop()

	s2 := startServerWith(t, serverOptions{dir: s1.dir, restarted: true})
	time.Sleep(200 * time.Millisecond) // let a late line arrive
	t.Run("admin's password is printed only on first start", func(t *testing.T) {
		if adminRE.MatchString(s2.log.String()) {
			t.Errorf("second start printed a password line:\n%s", s2.log.tail(2000))
		}
	})
	t.Run("sessions survive a restart", func(t *testing.T) {
		s2.withSession(a.session()).wantWelcome(t, "admin")
	})
	t.Run("users survive a restart", func(t *testing.T) {
		s2.signedIn(t, "admin", s1.adminPW).wantWelcome(t, "admin")
		s2.signedIn(t, "carol", "e2e-carol-password").wantWelcome(t, "carol")
	})
	t.Run("the secret file is 0600", func(t *testing.T) {
		fi, err := os.Stat(filepath.Join(s1.dir, "latch.secret"))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("latch.secret has mode %v, want 0600", fi.Mode().Perm())
		}
	})
	t.Run("no password is stored in plain text", func(t *testing.T) {
		files, _ := filepath.Glob(filepath.Join(s1.dir, "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			for _, pw := range []string{s1.adminPW, "e2e-carol-password"} {
				if bytes.Contains(b, []byte(pw)) {
					t.Errorf("%s holds a password in plain text", filepath.Base(f))
				}
			}
		}
	})
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.createUser(t, "dave", "e2e-dave-password")
	t.Run("the new user signs in", func(t *testing.T) {
		s.signedIn(t, "dave", "e2e-dave-password").wantWelcome(t, "dave")
	})
	for _, tc := range []struct{ what, name, pw string }{
		{"an existing name", "dave", "e2e-other-password"},
		{"a name with a space", "bad name", "e2e-other-password"},
		{"a short password", "erin", "short"},
	} {
		t.Run(tc.what+" is refused with one line", func(t *testing.T) {
			res := latch(t, s.dir, tc.pw+"\n", nil, "createuser", tc.name, "--password-stdin", "--users", dbURL(s.dir))
			if res.code == 0 {
				t.Errorf("createuser %q: exit 0, want a failure", tc.name)
			}
			oneLine(t, "createuser "+tc.name, res.stderr)
		})
	}
	t.Run("the refused password did not replace dave's", func(t *testing.T) {
		s.signedIn(t, "dave", "e2e-dave-password").wantWelcome(t, "dave")
	})
}

func TestPasswd(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	a := s.admin(t)
	const newPW = "e2e-passwd-password"
	mustLatch(t, s.dir, newPW+"\n", "passwd", "admin", "--password-stdin")
	t.Run("logs the user out everywhere", func(t *testing.T) { a.wantAnonymous(t) })
	t.Run("the new password signs in", func(t *testing.T) {
		s.signedIn(t, "admin", newPW).wantWelcome(t, "admin")
	})
	t.Run("the old password does not", func(t *testing.T) {
		if r := s.newClient().loginForm(t, "admin", s.adminPW, "/"); r.status != http.StatusUnauthorized {
			t.Errorf("login with the old password: status %d, want 401", r.status)
		}
	})
	t.Run("a missing user exits 2 with one line", func(t *testing.T) {
		res := latch(t, s.dir, newPW+"\n", nil, "passwd", "nosuchuser", "--password-stdin")
		if res.code != 2 {
			t.Errorf("passwd nosuchuser: exit %d, want 2", res.code)
		}
		oneLine(t, "passwd nosuchuser", res.stderr)
	})
}

func TestClearSessions(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--lifetime", "1s")
	s.admin(t)
	s.admin(t)
	time.Sleep(1500 * time.Millisecond)
	live := s.admin(t)
	res := mustLatch(t, s.dir, "", "clearsessions", "--store", dbURL(s.dir))
	t.Run("prints how many expired sessions it removed", func(t *testing.T) {
		if n, ok := firstInt(res.stdout); !ok || n != 2 {
			t.Errorf("clearsessions printed %q, want the count 2", res.stdout)
		}
	})
	t.Run("keeps the live session", func(t *testing.T) { live.wantWelcome(t, "admin") })
	t.Run("a second run removes none", func(t *testing.T) {
		res := mustLatch(t, s.dir, "", "clearsessions", "--store", dbURL(s.dir))
		if n, ok := firstInt(res.stdout); !ok || n != 0 {
			t.Errorf("second clearsessions printed %q, want the count 0", res.stdout)
		}
	})
}

func TestSessionsCommand(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	a := s.admin(t)
	s.createUser(t, "frank", "e2e-frank-password")
	f := s.signedIn(t, "frank", "e2e-frank-password")

	t.Run("list --user prints a table with the user", func(t *testing.T) {
		res := mustLatch(t, s.dir, "", "sessions", "list", "--user", "admin", "--store", dbURL(s.dir))
		if !strings.Contains(res.stdout, "admin") {
			t.Errorf("sessions list --user admin printed no admin:\n%s", res.stdout)
		}
		if strings.Contains(res.stdout, "frank") {
			t.Errorf("sessions list --user admin lists frank:\n%s", res.stdout)
		}
		if strings.Contains(res.stdout, a.session()) {
			t.Errorf("sessions list prints the session ID")
		}
	})
	t.Run("revoke --user ends that user's sessions only", func(t *testing.T) {
		mustLatch(t, s.dir, "", "sessions", "revoke", "--user", "admin", "--store", dbURL(s.dir))
		a.wantAnonymous(t)
		f.wantWelcome(t, "frank")
	})
	t.Run("revoke without --user or --all exits 2", func(t *testing.T) {
		res := latch(t, s.dir, "", nil, "sessions", "revoke", "--store", dbURL(s.dir))
		if res.code != 2 {
			t.Errorf("sessions revoke: exit %d, want 2", res.code)
		}
		oneLine(t, "sessions revoke", res.stderr)
		f.wantWelcome(t, "frank")
	})
	t.Run("revoke --all ends every session", func(t *testing.T) {
		b := s.admin(t)
		mustLatch(t, s.dir, "", "sessions", "revoke", "--all", "--store", dbURL(s.dir))
		b.wantAnonymous(t)
		f.wantAnonymous(t)
	})
}

// djangoHash returns a Django pbkdf2_sha256 hash of pw.
func djangoHash(t *testing.T, pw, salt string, iter int) string {
	t.Helper()
	dk, err := pbkdf2.Key(sha256.New, pw, []byte(salt), iter, 32)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("pbkdf2_sha256$%d$%s$%s", iter, salt, base64.StdEncoding.EncodeToString(dk))
}

// djangoDB writes a Django-shaped SQLite database with users and returns
// its path.
func djangoDB(t *testing.T, users [][3]any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db.sqlite3")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The table as Django's migrations create it.
	if _, err := db.Exec(`CREATE TABLE "auth_user" (
		"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
		"password" varchar(128) NOT NULL,
		"last_login" datetime NULL,
		"is_superuser" bool NOT NULL,
		"username" varchar(150) NOT NULL UNIQUE,
		"last_name" varchar(150) NOT NULL,
		"email" varchar(254) NOT NULL,
		"is_staff" bool NOT NULL,
		"is_active" bool NOT NULL,
		"date_joined" datetime NOT NULL,
		"first_name" varchar(150) NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, err := db.Exec(`INSERT INTO auth_user (password, last_login, is_superuser, username, last_name, email, is_staff, is_active, date_joined, first_name)
			VALUES (?, NULL, 0, ?, '', '', 0, ?, '2024-01-02 03:04:05.000000', '')`, u[1], u[0], u[2]); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestImportDjangoUsers(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	path := djangoDB(t, [][3]any{
		{"alice", djangoHash(t, "alice-old-password", "c2FsdHNhbHQ", 20000), 1},
		{"bob", djangoHash(t, "bob-old-password", "b2JzYWx0", 20000), 0}, // inactive
		{"carl", "!unusablepasswordxxxxxxxxxxxxxxxxxxxxxxx", 1},          // set_unusable_password
	})
	from := "sqlite://" + path // path is absolute: sqlite:///tmp/...
	res := mustLatch(t, s.dir, "", "importusers", "--from-django", from, "--users", dbURL(s.dir))
	out := res.stdout + res.stderr
	t.Run("prints how many were imported", func(t *testing.T) {
		if n, ok := countFor(out, "imported"); !ok || n != 3 {
			t.Errorf("importusers printed %q, want 3 imported", out)
		}
	})
	t.Run("a user signs in with the old Django password", func(t *testing.T) {
		s.signedIn(t, "alice", "alice-old-password").wantWelcome(t, "alice")
	})
	t.Run("and again after the hash was upgraded", func(t *testing.T) {
		s.signedIn(t, "alice", "alice-old-password").wantWelcome(t, "alice")
		if r := s.newClient().loginForm(t, "alice", "alice-wrong-password", "/"); r.status != http.StatusUnauthorized {
			t.Errorf("alice with a wrong password: status %d, want 401", r.status)
		}
	})
	t.Run("an inactive user cannot sign in", func(t *testing.T) {
		if r := s.newClient().loginForm(t, "bob", "bob-old-password", "/"); r.status != http.StatusUnauthorized {
			t.Errorf("inactive bob: status %d, want 401", r.status)
		}
	})
	t.Run("an unusable password signs no one in", func(t *testing.T) {
		if r := s.newClient().loginForm(t, "carl", "!unusablepasswordxxxxxxxxxxxxxxxxxxxxxxx", "/"); r.status != http.StatusUnauthorized {
			t.Errorf("carl with the unusable hash as password: status %d, want 401", r.status)
		}
	})
	t.Run("a second import skips the users that exist", func(t *testing.T) {
		res := mustLatch(t, s.dir, "", "importusers", "--from-django", from, "--users", dbURL(s.dir))
		out := res.stdout + res.stderr
		if n, ok := countFor(out, "skipped"); !ok || n != 3 {
			t.Errorf("second importusers printed %q, want 3 skipped", out)
		}
		if n, ok := countFor(out, "imported"); ok && n != 0 {
			t.Errorf("second importusers printed %q, want 0 imported", out)
		}
		s.signedIn(t, "alice", "alice-old-password").wantWelcome(t, "alice")
	})
}
