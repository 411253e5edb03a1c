package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// sessionRow is one row of the sessions page as the tests read it.
type sessionRow struct {
	handle  string
	current bool
}

// rowRE splits the sessions page into rows: table rows or list items.
var rowRE = regexp.MustCompile(`(?i)<(?:tr|li)[\s>]`)

// sessionRows reads the rows of the sessions page that carry a revoke
// button with a handle; a row is the current one when it says "this
// device".
func sessionRows(body string) []sessionRow {
	var rows []sessionRow
	for _, seg := range rowRE.Split(body, -1)[1:] {
		h, ok := inputs(seg)["handle"]
		if !ok || h["value"] == "" {
			continue
		}
		rows = append(rows, sessionRow{handle: h["value"], current: strings.Contains(strings.ToLower(seg), "this device")})
	}
	return rows
}

// sessionsOf loads the sessions page of c and returns its rows.
func sessionsOf(t *testing.T, c *client) (*response, []sessionRow) {
	t.Helper()
	r := c.get(t, "/sessions")
	if r.status != http.StatusOK {
		t.Fatalf("GET /sessions: status %d, want 200", r.status)
	}
	return r, sessionRows(r.body)
}

// otherHandles returns the handles of the rows that are not c's own.
func otherHandles(t *testing.T, rows []sessionRow) []string {
	t.Helper()
	var out []string
	current := 0
	for _, r := range rows {
		if r.current {
			current++
		} else {
			out = append(out, r.handle)
		}
	}
	if current != 1 {
		t.Fatalf("sessions page marks %d rows as this device, want 1 (rows %+v)", current, rows)
	}
	return out
}

func TestSessionsPage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	a := s.admin(t)
	b := s.newClient()
	b.header.Set("User-Agent", "e2e-other-agent/1.0")
	login(t, b, "admin", s.adminPW)

	r, rows := sessionsOf(t, a)
	t.Run("lists each live session with a handle", func(t *testing.T) {
		if len(rows) != 2 {
			t.Fatalf("sessions page has %d rows with a handle, want 2 (the two clients); body:\n%s", len(rows), snippet(r.body))
		}
		otherHandles(t, rows)
	})
	t.Run("never shows a session ID", func(t *testing.T) {
		for _, id := range []string{a.session(), b.session()} {
			if strings.Contains(r.body, id) {
				t.Errorf("sessions page holds the session cookie value %q", id)
			}
			for _, row := range rows {
				if row.handle == id {
					t.Errorf("handle %q is the session ID itself", row.handle)
				}
			}
		}
	})
	t.Run("shows the client IP and user agent", func(t *testing.T) {
		for _, want := range []string{"127.0.0.1", "e2e-other-agent/1.0"} {
			if !strings.Contains(unescapeHTML(r.body), want) {
				t.Errorf("sessions page lacks %q", want)
			}
		}
	})

	t.Run("revoking a handle ends that session at once", func(t *testing.T) {
		_, rows := sessionsOf(t, a)
		others := otherHandles(t, rows)
		if len(others) != 1 {
			t.Fatalf("want 1 other session, got %d", len(others))
		}
		r := a.post(t, "/sessions/revoke", url.Values{"handle": {others[0]}})
		if r.status != http.StatusSeeOther || r.location() != "/sessions" {
			t.Errorf("POST /sessions/revoke: %d Location %q, want 303 /sessions", r.status, r.location())
		}
		b.wantAnonymous(t)
		a.wantWelcome(t, "admin")
	})

	t.Run("all=others ends every other session but this one", func(t *testing.T) {
		c, d := s.admin(t), s.admin(t)
		r := a.post(t, "/sessions/revoke", url.Values{"all": {"others"}})
		if r.status != http.StatusSeeOther || r.location() != "/sessions" {
			t.Errorf("POST /sessions/revoke all=others: %d Location %q, want 303 /sessions", r.status, r.location())
		}
		c.wantAnonymous(t)
		d.wantAnonymous(t)
		a.wantWelcome(t, "admin")
		if _, rows := sessionsOf(t, a); len(rows) != 1 || !rows[0].current {
			t.Errorf("after all=others the page lists %+v, want only this device", rows)
		}
	})

	t.Run("another user's handle revokes nothing", func(t *testing.T) {
		s.createUser(t, "bob", "e2e-bob-password")
		bob := s.signedIn(t, "bob", "e2e-bob-password")
		_, rows := sessionsOf(t, bob)
		if len(rows) != 1 {
			t.Fatalf("bob's sessions page has %d rows, want 1", len(rows))
		}
		r := a.post(t, "/sessions/revoke", url.Values{"handle": {rows[0].handle}})
		if r.status >= 500 {
			t.Errorf("revoking another user's handle: status %d, want no server error", r.status)
		}
		bob.wantWelcome(t, "bob")
	})
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	a, b := s.admin(t), s.admin(t)
	const newPW = "e2e-new-password"

	t.Run("a wrong old password changes nothing", func(t *testing.T) {
		before := a.session()
		r := a.post(t, "/password", url.Values{"old": {"wrong-old-password"}, "new": {newPW}})
		if r.status < 400 || r.status > 499 {
			t.Errorf("POST /password with a wrong old password: status %d, want 4xx", r.status)
		}
		if a.session() != before {
			t.Errorf("the session cookie changed after a refused password change")
		}
		a.wantWelcome(t, "admin")
		b.wantWelcome(t, "admin")
	})

	old := a.session()
	r := a.post(t, "/password", url.Values{"old": {s.adminPW}, "new": {newPW}})
	t.Run("redirects home", func(t *testing.T) {
		if r.status != http.StatusSeeOther || r.location() != "/" {
			t.Fatalf("POST /password: %d Location %q, want 303 /; body:\n%s", r.status, r.location(), snippet(r.body))
		}
	})
	t.Run("this session lives on with a new ID", func(t *testing.T) {
		if a.session() == old || a.session() == "" {
			t.Errorf("session cookie after the change = %q, want a new value (was %q)", a.session(), old)
		}
		a.wantWelcome(t, "admin")
	})
	t.Run("the old ID of this session is dead", func(t *testing.T) {
		s.withSession(old).wantAnonymous(t)
	})
	t.Run("every other session of the user is dead at once", func(t *testing.T) { b.wantAnonymous(t) })
	t.Run("the new password signs in", func(t *testing.T) {
		s.signedIn(t, "admin", newPW).wantWelcome(t, "admin")
	})
	t.Run("the old password does not", func(t *testing.T) {
		if r := s.newClient().loginForm(t, "admin", s.adminPW, "/"); r.status != http.StatusUnauthorized {
			t.Errorf("login with the old password: status %d, want 401", r.status)
		}
	})
}
