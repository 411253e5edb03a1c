package e2e

import (
	"net/http"
	"testing"
	"time"
)

func TestLifetime(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--lifetime", "2s")
	c := s.newClient()
	r := login(t, c, "admin", s.adminPW)
	start := time.Now()
	t.Run("cookie Max-Age is the lifetime", func(t *testing.T) {
		if ck := r.cookie(s.cookieName); ck.MaxAge < 1 || ck.MaxAge > 2 {
			t.Errorf("cookie %q: Max-Age %d, want 2 (or 1 after rounding)", ck.Raw, ck.MaxAge)
		}
	})
	t.Run("the session lives before its lifetime ends, even when used", func(t *testing.T) {
		for time.Since(start) < 1200*time.Millisecond {
			c.wantWelcome(t, "admin")
			time.Sleep(400 * time.Millisecond)
		}
	})
	t.Run("the session is dead after its lifetime", func(t *testing.T) {
		time.Sleep(time.Until(start.Add(2500 * time.Millisecond)))
		c.wantAnonymous(t)
	})
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--idle-timeout", "2s")
	c := s.admin(t)
	start := time.Now()
	t.Run("a session used every 0.7 s stays alive", func(t *testing.T) {
		for time.Since(start) < 4*time.Second {
			time.Sleep(700 * time.Millisecond)
			c.wantWelcome(t, "admin")
		}
	})
	t.Run("a session unused for longer than the idle timeout is dead", func(t *testing.T) {
		time.Sleep(2500 * time.Millisecond)
		c.wantAnonymous(t)
	})
}

func TestExpireOnClose(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--expire-on-close")
	c := s.newClient()
	r := login(t, c, "admin", s.adminPW)
	ck := r.cookie(s.cookieName)
	if ck.MaxAge != 0 || ck.RawExpires != "" {
		t.Errorf("cookie %q: want a browser-session cookie without Max-Age or Expires", ck.Raw)
	}
	c.wantWelcome(t, "admin")
}

func TestCookieName(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--cookie-name", "x")
	c := s.newClient()
	r := login(t, c, "admin", s.adminPW)
	if ck := r.cookie("sessionid"); ck != nil {
		t.Errorf("login with --cookie-name x also set sessionid: %q", ck.Raw)
	}
	c.wantWelcome(t, "admin")
	t.Run("the default name is not read", func(t *testing.T) {
		r := s.newClient().do(t, "GET", "/", nil, http.Header{"Cookie": {"sessionid=" + c.session()}})
		if r.status != http.StatusSeeOther {
			t.Errorf("GET / with the session under sessionid: status %d, want 303 (anonymous)", r.status)
		}
	})
}
