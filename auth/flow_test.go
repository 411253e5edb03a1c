package auth_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/throttle"
)

func TestSignInIssuesNewSessionID(t *testing.T) {
	st := newSite(t, nil)
	anon, _ := cookie(st.do("POST", "/cart", "", url.Values{"item": {"tea"}}))
	if anon == "" {
		t.Fatal("no anonymous session")
	}
	first := st.login(anon, "correct horse")
	if first == anon {
		t.Fatal("signing in kept the anonymous session's ID")
	}
	if body, _ := io.ReadAll(st.do("GET", "/cart", anon, nil).Body); len(body) != 0 {
		t.Error("the pre-login session ID still loads")
	}
	if body, _ := io.ReadAll(st.do("GET", "/cart", first, nil).Body); string(body) != "tea" {
		t.Errorf("cart after sign-in = %q, want the anonymous session's data kept", body)
	}
	second := st.login(first, "correct horse")
	if second == first {
		t.Fatal("signing in again kept the session ID")
	}
	if st.signedIn(first) {
		t.Error("the pre-login session ID still signs in")
	}
	if !st.signedIn(second) {
		t.Error("the post-login session ID does not sign in")
	}
	if got := st.do("GET", "/", second, nil).Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestSignInRecordsSessionMetadata(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	infos := st.sessions(id)
	if len(infos) != 1 {
		t.Fatalf("%d sessions, want 1", len(infos))
	}
	s := infos[0]
	if !s.Current || s.IP != "192.0.2.1" || s.Handle == "" || s.Handle == id || s.SignedIn.IsZero() || s.LastSeen.IsZero() {
		t.Errorf("session info = %+v", s)
	}
}

func TestWrongPasswordIs401AndAudited(t *testing.T) {
	st := newSite(t, nil)
	for _, form := range []url.Values{
		{"username": {"alice"}, "password": {"wrong"}},
		{"username": {"nobody"}, "password": {"correct horse"}},
	} {
		resp := st.do("POST", "/login", "", form)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST /login %v: status %d, want 401", form, resp.StatusCode)
		}
		if id, _ := cookie(resp); id != "" {
			t.Errorf("a failed sign-in set a session cookie")
		}
	}
	if got := st.events.kinds(); !slices.Equal(got, []auth.EventKind{auth.EventSignInFailed, auth.EventSignInFailed}) {
		t.Errorf("events = %v", got)
	}
}

func TestLogoutMakesOldCookieAnonymous(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	resp := st.do("POST", "/logout", id, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /logout: status %d", resp.StatusCode)
	}
	if v, set := cookie(resp); !set || v != "" {
		t.Errorf("logout did not expire the cookie")
	}
	if st.signedIn(id) {
		t.Error("the cookie still signs in after logout")
	}
	if n := st.store.Len(); n != 0 {
		t.Errorf("%d records in the store after logout, want 0", n)
	}
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	st := newSite(t, nil)
	laptop := st.login("", "correct horse")
	phone := st.login("", "correct horse")
	resp := st.do("POST", "/password", laptop, url.Values{"old": {"correct horse"}, "new": {"battery staple"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /password: status %d", resp.StatusCode)
	}
	renewed, _ := cookie(resp)
	if renewed == "" || renewed == laptop {
		t.Fatalf("password change did not issue a new session ID")
	}
	if !st.signedIn(renewed) {
		t.Error("the current session did not survive the password change")
	}
	if st.signedIn(laptop) {
		t.Error("the current session's old ID still signs in")
	}
	if st.signedIn(phone) {
		t.Error("the other session survived the password change")
	}
	if n := st.store.Len(); n != 1 {
		t.Errorf("%d records in the store, want 1", n)
	}
	st.login("", "battery staple")
}

func TestChangePasswordWrongOld(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	resp := st.do("POST", "/password", id, url.Values{"old": {"wrong"}, "new": {"battery staple"}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
	if !st.signedIn(id) {
		t.Error("a failed password change ended the session")
	}
}

func TestAuthHashMismatchSignsOut(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	// A password changed behind the session's back, as by another
	// instance whose store lacks the index.
	u, _ := st.users.UserByName(context.Background(), "alice")
	st.users.SetPasswordHash(context.Background(), u.ID, u.PasswordHash+"x")
	resp := st.do("GET", "/", id, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET /: status %d, want 303", resp.StatusCode)
	}
	if v, set := cookie(resp); !set || v != "" {
		t.Error("the stale session's cookie was not expired")
	}
	if n := st.store.Len(); n != 0 {
		t.Errorf("%d records in the store, want the stale session destroyed", n)
	}
}

func TestDeactivatedUserIsAnonymous(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	u, _ := st.users.UserByName(context.Background(), "alice")
	st.users.SetActive(context.Background(), u.ID, false)
	if st.signedIn(id) {
		t.Error("a deactivated user's session is still signed in")
	}
}

func TestRevoke(t *testing.T) {
	st := newSite(t, nil)
	a := st.login("", "correct horse")
	b := st.login("", "correct horse")
	c := st.login("", "correct horse")
	infos := st.sessions(a)
	if len(infos) != 3 {
		t.Fatalf("%d sessions, want 3", len(infos))
	}
	t.Run("unknown handle", func(t *testing.T) {
		resp := st.do("POST", "/sessions/revoke", a, url.Values{"handle": {"nope"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})
	t.Run("by handle", func(t *testing.T) {
		var victim string
		for _, s := range infos {
			if !s.Current {
				victim = s.Handle
				break
			}
		}
		resp := st.do("POST", "/sessions/revoke", a, url.Values{"handle": {victim}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		if got := len(st.sessions(a)); got != 2 {
			t.Errorf("%d sessions after revoking one, want 2", got)
		}
		if st.signedIn(b) && st.signedIn(c) {
			t.Error("both other sessions still sign in")
		}
	})
	t.Run("others", func(t *testing.T) {
		resp := st.do("POST", "/sessions/revoke", a, url.Values{"all": {"others"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		if st.signedIn(b) || st.signedIn(c) {
			t.Error("another session survived RevokeOthers")
		}
		if !st.signedIn(a) {
			t.Error("RevokeOthers ended the current session")
		}
	})
	t.Run("current", func(t *testing.T) {
		handle := st.sessions(a)[0].Handle
		st.do("POST", "/sessions/revoke", a, url.Values{"handle": {handle}})
		if st.signedIn(a) {
			t.Error("revoking the current session left it signed in")
		}
	})
}

func TestRevokeUserAndUserSessions(t *testing.T) {
	st := newSite(t, nil)
	st.login("", "correct horse")
	st.login("", "correct horse")
	u, _ := st.users.UserByName(context.Background(), "alice")
	infos, err := st.auth.UserSessions(context.Background(), u.ID)
	if err != nil || len(infos) != 2 {
		t.Fatalf("UserSessions = %d, %v; want 2", len(infos), err)
	}
	if !infos[0].Created.After(infos[1].Created) && !infos[0].Created.Equal(infos[1].Created) {
		t.Errorf("sessions not newest first: %v, %v", infos[0].Created, infos[1].Created)
	}
	n, err := st.auth.RevokeUser(context.Background(), u.ID)
	if err != nil || n != 2 {
		t.Errorf("RevokeUser = %d, %v; want 2", n, err)
	}
}

func TestSetPasswordSignsOutEverywhere(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	if err := st.auth.SetPassword(context.Background(), "alice", "battery staple"); err != nil {
		t.Fatal(err)
	}
	if st.store.Len() != 0 {
		t.Error("SetPassword left sessions in the store")
	}
	if st.signedIn(id) {
		t.Error("the session survived SetPassword")
	}
	if err := st.auth.SetPassword(context.Background(), "nobody", "battery staple"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Errorf("SetPassword(unknown) error = %v, want ErrUserNotFound", err)
	}
	if err := st.auth.SetPassword(context.Background(), "alice", "short"); !errors.Is(err, auth.ErrInvalidPassword) {
		t.Errorf("SetPassword(short) error = %v, want ErrInvalidPassword", err)
	}
}

func TestRequireLoginRedirect(t *testing.T) {
	st := newSite(t, func(c *auth.Config) { c.LoginURL = "/login" })
	for _, tt := range []struct{ path, want string }{
		{"/", "/login?next=%2F"},
		{"/?a=1&b=%2F", "/login?next=%2F%3Fa%3D1%26b%3D%252F"},
	} {
		resp := st.do("GET", tt.path, "", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("GET %s: status %d, want 303", tt.path, resp.StatusCode)
		}
		if got := resp.Header.Get("Location"); got != tt.want {
			t.Errorf("GET %s: Location %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestRequireLoginWithoutMiddleware(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	m, _ := latch.New(st.store, latch.Config{})
	h := m.Handler(st.auth.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.CurrentUser(r.Context())
		w.Write([]byte(u.Name))
	})))
	st.h = h
	if !st.signedIn(id) {
		t.Error("RequireLogin alone did not resolve the user")
	}
	if st.signedIn("") {
		t.Error("RequireLogin alone let an anonymous request through")
	}
}

func TestStoreFailureIs503NotSignOut(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	st.store.down.Store(true)
	resp := st.do("GET", "/", id, nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET / with the store down: status %d, want 503", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if _, set := cookie(resp); set {
		t.Error("a store failure touched the cookie")
	}
	st.store.down.Store(false)
	if !st.signedIn(id) {
		t.Error("the session did not survive the outage")
	}
}

func TestThrottle(t *testing.T) {
	st := newSite(t, func(c *auth.Config) {
		c.Throttle = &throttle.Limiter{Store: throttle.NewMemory(), Limit: 3, Window: time.Minute}
	})
	bad := url.Values{"username": {"alice"}, "password": {"wrong"}}
	for i := range 3 {
		if resp := st.do("POST", "/login", "", bad); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp := st.do("POST", "/login", "", url.Values{"username": {"alice"}, "password": {"correct horse"}})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 3 failures: status %d, want 429", resp.StatusCode)
	}
	if ra := resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	r := httptest.NewRequest("POST", "/login", nil)
	_, err := st.auth.SignIn(httptest.NewRecorder(), r, "alice", "correct horse")
	var te *throttle.Error
	if !errors.As(err, &te) || te.RetryAfter <= 0 {
		t.Errorf("SignIn error = %v, want *throttle.Error", err)
	}
	if !slices.Contains(st.events.kinds(), auth.EventThrottled) {
		t.Error("throttling was not audited")
	}
}

func TestCrossOrigin(t *testing.T) {
	st := newSite(t, nil)
	form := url.Values{"username": {"alice"}, "password": {"correct horse"}}
	if resp := st.do("POST", "/login", "", form, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: status %d, want 403", resp.StatusCode)
	}
	if resp := st.do("POST", "/login", "", form, "Origin", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin POST: status %d, want 403", resp.StatusCode)
	}
	if resp := st.do("POST", "/login", "", form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("POST without headers: status %d, want 303", resp.StatusCode)
	}
	if resp := st.do("POST", "/login", "", form, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("same-origin POST: status %d, want 303", resp.StatusCode)
	}
}

// failingUsers is a user store that has gone away.
type failingUsers struct{ *auth.MemoryUsers }

func (failingUsers) UserByID(context.Context, string) (auth.User, error) {
	return auth.User{}, errors.New("users database is down")
}

func TestUserStoreFailureIs503NotSignOut(t *testing.T) {
	st := newSite(t, nil)
	id := st.login("", "correct horse")
	m, _ := latch.New(st.store, latch.Config{})
	a, err := auth.New(auth.Config{Sessions: m, Users: failingUsers{st.users}, Hasher: fastHasher(t)})
	if err != nil {
		t.Fatal(err)
	}
	st.h = m.Handler(a.Middleware(http.NotFoundHandler()))
	resp := st.do("GET", "/", id, nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", resp.StatusCode)
	}
	if _, set := cookie(resp); set {
		t.Error("a user store failure touched the cookie")
	}
	if st.store.Len() != 1 {
		t.Error("a user store failure destroyed the session")
	}
}

func TestLoginAsAnotherUserStartsAfresh(t *testing.T) {
	st := newSite(t, nil)
	if _, err := st.auth.CreateUser(context.Background(), "bob", "bob's password"); err != nil {
		t.Fatal(err)
	}
	id := st.login("", "correct horse")
	resp := st.do("POST", "/cart", id, url.Values{"item": {"alice's secret"}})
	if v, _ := cookie(resp); v != "" {
		id = v
	}
	resp = st.do("POST", "/login", id, url.Values{"username": {"bob"}, "password": {"bob's password"}})
	bobID, _ := cookie(resp)
	if bobID == "" || bobID == id {
		t.Fatal("signing in as bob kept alice's session ID")
	}
	if body, _ := io.ReadAll(st.do("GET", "/cart", bobID, nil).Body); len(body) != 0 {
		t.Errorf("bob's session holds alice's data %q", body)
	}
}
