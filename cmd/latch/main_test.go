package main

import (
	"bytes"
	"context"
	"database/sql"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// run runs the command line args and returns its exit status and output.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	c, out, errOut := testCLI(env, stdin)
	code = c.main(context.Background(), args)
	return code, out.String(), errOut.String()
}

// inTempDir runs the test in a fresh directory, so that the defaults
// (latch.db, latch.secret) land there.
func inTempDir(t *testing.T) string {
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func TestExitCodes(t *testing.T) {
	inTempDir(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	os.WriteFile("short.secret", []byte("too short"), 0o600)
	tests := []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"no command", nil, 2, "no command"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"serve", "--nope"}, 2, "flag provided but not defined"},
		{"malformed store", []string{"serve", "--store", "latch.db"}, 2, "latch: --store: unsupported URL"},
		{"store not built", []string{"serve", "--store", "redis://localhost:6379/0"}, 2, "latch: --store: redis store is not built yet"},
		{"bad duration", []string{"serve", "--lifetime", "forever"}, 2, "invalid value"},
		{"negative duration", []string{"serve", "--idle-timeout", "-1s"}, 2, "--idle-timeout: must be positive"},
		{"negative user cache TTL", []string{"serve", "--user-cache-ttl", "-1s"}, 2, "--user-cache-ttl: must be positive"},
		{"bad cookie-secure", []string{"serve", "--cookie-secure", "maybe"}, 2, "--cookie-secure"},
		{"bad login-limit", []string{"serve", "--login-limit", "five"}, 2, "login-limit"},
		{"bad trusted proxy", []string{"serve", "--trusted-proxies", "10.0.0.0/8,nope"}, 2, "--trusted-proxies"},
		{"bad log format", []string{"serve", "--log-format", "xml"}, 2, "--log-format"},
		{"bad cookie name", []string{"serve", "--store", "memory:", "--cookie-name", "a b"}, 2, "latch: "},
		{"secret of the wrong size", []string{"serve", "--store", "memory:", "--users", "memory:", "--secret-file", "short.secret"}, 2, "holds 9 bytes, want 32"},
		{"port in use", []string{"serve", "--store", "memory:", "--users", "memory:", "--addr", busy.Addr().String()}, 2, "latch: --addr: "},
		{"createuser without name", []string{"createuser"}, 2, "usage: latch createuser"},
		{"sessions without verb", []string{"sessions"}, 2, "usage: latch sessions"},
		{"revoke needs user or all", []string{"sessions", "revoke"}, 2, "usage: latch sessions revoke"},
		{"revoke not both", []string{"sessions", "revoke", "--all", "--user", "x"}, 2, "usage: latch sessions revoke"},
		{"importusers needs a source", []string{"importusers"}, 2, "usage: latch importusers"},
		{"help", []string{"serve", "-h"}, 0, "--addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, nil, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q, want %q", stderr, tt.wantErr)
			}
			if tt.code == 2 && tt.name != "no command" && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want exactly one line", stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, nil, "", "version")
	if code != 0 || !strings.HasPrefix(out, "latch ") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}

func TestSecretFile(t *testing.T) {
	dir := inTempDir(t)
	path := filepath.Join(dir, "latch.secret")
	a, err := loadSecret(path)
	if err != nil || len(a) != 32 {
		t.Fatalf("first start: %d bytes, %v", len(a), err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	b, err := loadSecret(path)
	if err != nil || !bytes.Equal(a, b) {
		t.Errorf("second start read another secret (%v)", err)
	}
	if _, err := loadSecret(filepath.Join(dir, "missing-dir", "s")); err == nil {
		t.Error("an uncreatable secret file is not an error")
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRE = regexp.MustCompile(`latch: listening on http://(127\.0\.0\.1:\d+)\n`)

// serving is a "latch serve" running in the test.
type serving struct {
	addr   string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// startServe runs serve with args on a free port until stop.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	s := &serving{stderr: &syncBuffer{}, done: make(chan int)}
	c := &cli{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: s.stderr, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- c.main(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listeningRE.FindStringSubmatch(s.stderr.String()); m != nil {
			s.addr = m[1]
			return s
		}
	}
	s.stop(t)
	t.Fatalf("no listening line: %q", s.stderr.String())
	return nil
}

// stop sends the equivalent of SIGTERM and checks that serve exits 0.
func (s *serving) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("exit %d after shutdown; stderr %q", code, s.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestServeStartsAndStops(t *testing.T) {
	inTempDir(t)
	s := startServe(t, "--store", "sqlite://s.db")
	if n := strings.Count(s.stderr.String(), "latch: created user admin with password "); n != 1 {
		t.Errorf("admin password printed %d times: %q", n, s.stderr.String())
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get("http://" + s.addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	s.stop(t)
	if _, err := os.Stat("latch.secret"); err != nil {
		t.Errorf("secret file not created: %v", err)
	}

	again := startServe(t, "--store", "sqlite://s.db")
	defer again.stop(t)
	if strings.Contains(again.stderr.String(), "password") {
		t.Errorf("second start printed a password: %q", again.stderr.String())
	}
}

func TestCreateUserFromStdin(t *testing.T) {
	inTempDir(t)
	code, _, stderr := run(t, nil, "a good password\n", "createuser", "bob", "--password-stdin", "--users", "memory:")
	if code != 0 || !strings.Contains(stderr, "created user bob") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "short\n", "createuser", "bob", "--password-stdin", "--users", "memory:")
	if code != 2 || !strings.Contains(stderr, "invalid password") {
		t.Errorf("short password: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "a good password\n", "createuser", "bad name!", "--password-stdin", "--users", "memory:")
	if code != 2 || !strings.Contains(stderr, "invalid user name") {
		t.Errorf("bad name: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "", "createuser", "bob", "--users", "memory:")
	if code != 2 || !strings.Contains(stderr, "not a terminal") {
		t.Errorf("no terminal: exit %d, stderr %q", code, stderr)
	}
}

func TestPasswdMissingUser(t *testing.T) {
	inTempDir(t)
	code, _, stderr := run(t, nil, "a good password\n", "passwd", "nobody", "--password-stdin", "--store", "memory:", "--users", "memory:")
	if code != 2 || !strings.Contains(stderr, `no user named "nobody"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestClearSessionsAndList(t *testing.T) {
	inTempDir(t)
	code, out, stderr := run(t, nil, "", "clearsessions", "--store", "sqlite://s.db")
	if code != 0 || out != "removed 0 expired sessions\n" {
		t.Errorf("clearsessions: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = run(t, nil, "", "sessions", "list", "--store", "sqlite://s.db", "--users", "memory:")
	if code != 0 || !strings.HasPrefix(out, "USER") {
		t.Errorf("sessions list: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = run(t, nil, "", "sessions", "revoke", "--all", "--store", "sqlite://s.db", "--users", "memory:")
	if code != 0 || out != "revoked 0 sessions\n" {
		t.Errorf("sessions revoke: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestImportUsersFromDjango(t *testing.T) {
	dir := inTempDir(t)
	src := filepath.Join(dir, "django.sqlite3")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE auth_user (id INTEGER PRIMARY KEY, username TEXT, password TEXT, is_active BOOL, date_joined DATETIME);
		INSERT INTO auth_user (username, password, is_active, date_joined) VALUES
		('alice', 'pbkdf2_sha256$600000$salt$key', 1, '2020-01-02 03:04:05.678901'),
		('bob', '!unusable', 0, '2021-01-01 00:00:00'),
		('alice', 'pbkdf2_sha256$1$dup$dup', 1, NULL)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, nil, "", "importusers", "--from-django", "sqlite://"+src, "--users", "memory:")
	if code != 0 || out != "imported 2, skipped 1\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, _, stderr = run(t, nil, "", "importusers", "--from-django", "sqlite://"+filepath.Join(dir, "missing.db"), "--users", "memory:")
	if code != 2 {
		t.Errorf("missing source: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Error("a missing source database was created")
	}
}
