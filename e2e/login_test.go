package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const msgInvalid = "Invalid username or password."

// wantPrivate checks the two headers that every response touching the
// session carries.
func wantPrivate(t *testing.T, what string, r *response) {
	t.Helper()
	if cc := r.header.Get("Cache-Control"); !strings.Contains(strings.ToLower(cc), "no-store") {
		t.Errorf("%s (status %d): Cache-Control %q, want no-store", what, r.status, cc)
	}
	if !varyCookie(r.header) {
		t.Errorf("%s (status %d): Vary %q, want it to name Cookie", what, r.status, r.header.Values("Vary"))
	}
}

// varyCookie reports whether the Vary header names Cookie.
func varyCookie(h http.Header) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Cookie") {
				return true
			}
		}
	}
	return false
}

// randomID returns a well-formed session ID that the server never issued:
// 32 random bytes, base64url, 43 characters.
func randomID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestHealth(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := s.newClient()
	t.Run("healthz answers 200 ok", func(t *testing.T) {
		r := c.get(t, "/healthz")
		if r.status != http.StatusOK || strings.TrimSpace(r.body) != "ok" {
			t.Errorf("GET /healthz: %d %q, want 200 \"ok\"", r.status, r.body)
		}
	})
	t.Run("readyz answers 200 while the stores answer", func(t *testing.T) {
		r := c.get(t, "/readyz")
		if r.status != http.StatusOK {
			t.Errorf("GET /readyz: %d %q, want 200", r.status, r.body)
		}
	})
}

func TestAnonymousIsSentToLogin(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := s.newClient()
	t.Run("home redirects with next=/", func(t *testing.T) {
		r := c.get(t, "/")
		if r.status != http.StatusSeeOther || r.location() != "/login?next=%2F" {
			t.Errorf("GET /: %d Location %q, want 303 /login?next=%%2F", r.status, r.location())
		}
	})
	t.Run("next carries the URL-encoded path and query", func(t *testing.T) {
		r := c.get(t, "/sessions?x=1")
		want := "/login?next=" + url.QueryEscape("/sessions?x=1")
		if r.status != http.StatusSeeOther || r.location() != want {
			t.Errorf("GET /sessions?x=1: %d Location %q, want 303 %s", r.status, r.location(), want)
		}
	})
	t.Run("no cookie is set for an anonymous visit", func(t *testing.T) {
		r := c.get(t, "/")
		if ck := r.cookie(s.cookieName); ck != nil && ck.Value != "" {
			t.Errorf("GET / anonymous set %s=%q, want no session cookie", ck.Name, ck.Value)
		}
	})
}

// inputRE finds the input elements of a page.
var inputRE = regexp.MustCompile(`(?is)<input\b[^>]*>`)

// inputs returns the attributes of each input of a page by its name.
func inputs(body string) map[string]map[string]string {
	attrRE := regexp.MustCompile(`(?is)([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?`)
	out := map[string]map[string]string{}
	for _, in := range inputRE.FindAllString(body, -1) {
		attrs := map[string]string{}
		for _, m := range attrRE.FindAllStringSubmatch(strings.TrimSuffix(strings.TrimPrefix(in, "<input"), ">"), -1) {
			attrs[strings.ToLower(m[1])] = unescapeHTML(m[2] + m[3] + m[4])
		}
		if name := attrs["name"]; name != "" {
			out[name] = attrs
		}
	}
	return out
}

func TestLoginForm(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := s.newClient()
	r := c.get(t, "/login?next=%2Fsessions%3Fx%3D1")
	if r.status != http.StatusOK {
		t.Fatalf("GET /login: status %d, want 200", r.status)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /login: Content-Type %q, want text/html", ct)
	}
	in := inputs(r.body)
	for _, f := range []struct{ name, typ string }{
		{"username", ""}, {"password", "password"}, {"next", "hidden"}, {"remember", "checkbox"},
	} {
		t.Run("has field "+f.name, func(t *testing.T) {
			a, ok := in[f.name]
			if !ok {
				t.Fatalf("no input named %q in the form; inputs: %v", f.name, in)
			}
			if f.typ != "" && !strings.EqualFold(a["type"], f.typ) {
				t.Errorf("input %q has type %q, want %q", f.name, a["type"], f.typ)
			}
		})
	}
	t.Run("hidden next holds the next of the query", func(t *testing.T) {
		if got := in["next"]["value"]; got != "/sessions?x=1" {
			t.Errorf("hidden next = %q, want %q", got, "/sessions?x=1")
		}
	})
}

func TestLogin(t *testing.T) {
	t.Parallel()
	s := startServer(t)

	t.Run("a safe next is followed", func(t *testing.T) {
		for _, next := range []string{"/sessions?x=1", "/api/session", "/password", "/"} {
			c := s.newClient()
			r := c.loginForm(t, "admin", s.adminPW, next)
			if r.status != http.StatusSeeOther || r.location() != next {
				t.Errorf("login with next=%q: %d Location %q, want 303 %s", next, r.status, r.location(), next)
			}
		}
	})
	t.Run("no next goes home", func(t *testing.T) {
		c := s.newClient()
		r := c.loginForm(t, "admin", s.adminPW, "")
		if r.status != http.StatusSeeOther || r.location() != "/" {
			t.Errorf("login without next: %d Location %q, want 303 /", r.status, r.location())
		}
	})
	t.Run("a hostile next goes home", func(t *testing.T) {
		for _, next := range []string{
			"//evil.example",
			"///evil.example",
			`/\evil.example`,
			`\\evil.example`,
			"https://evil.example",
			"http:/evil.example",
			"/%2F%2Fevil.example",
			"/%2f%2fevil.example",
			"%2F%2Fevil.example",
			"/%5Cevil.example",
			"javascript:alert(1)",
			"/%09/evil.example",
			"/\t/evil.example",
			" /evil",
			"/a\r\nSet-Cookie: x=1",
			"/a%0d%0aSet-Cookie:%20x=1",
			"evil",
		} {
			c := s.newClient()
			r := c.loginForm(t, "admin", s.adminPW, next)
			if r.status != http.StatusSeeOther || r.location() != "/" {
				t.Errorf("login with next=%q: %d Location %q, want 303 /", next, r.status, r.location())
			}
		}
	})
	t.Run("the signed-in client sees the welcome page", func(t *testing.T) {
		c := s.admin(t)
		c.wantWelcome(t, "admin")
	})
}

func TestFixation(t *testing.T) {
	t.Parallel()
	s := startServer(t)

	t.Run("a pre-login cookie never becomes the signed-in ID", func(t *testing.T) {
		c := s.newClient()
		c.get(t, "/login")
		pre := c.session()
		if pre == "" {
			pre = randomID() // the server set none: plant a foreign one
			c.setSession(pre)
		}
		login(t, c, "admin", s.adminPW)
		if got := c.session(); got == pre || got == "" {
			t.Fatalf("session cookie after login = %q, want a new value (pre-login %q)", got, pre)
		}
		c.wantWelcome(t, "admin")
		s.withSession(pre).wantAnonymous(t)
	})
	t.Run("a signed-in cookie planted before login is replaced and dies", func(t *testing.T) {
		planted := s.admin(t).session()
		victim := s.withSession(planted)
		login(t, victim, "admin", s.adminPW)
		if got := victim.session(); got == planted {
			t.Fatalf("login over a planted cookie kept its value %q", planted)
		}
		victim.wantWelcome(t, "admin")
		s.withSession(planted).wantAnonymous(t)
	})
	t.Run("a tampered cookie is not adopted", func(t *testing.T) {
		good := s.admin(t).session()
		last := good[len(good)-1]
		flip := byte('A')
		if last == 'A' {
			flip = 'B'
		}
		s.withSession(good[:len(good)-1] + string(flip)).wantAnonymous(t)
	})
}

func TestLoginFailure(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--login-limit", "100/1m")

	check := func(t *testing.T, user, pw string) {
		c := s.newClient()
		r := c.loginForm(t, user, pw, "/")
		if r.status != http.StatusUnauthorized {
			t.Errorf("login %s: status %d, want 401", user, r.status)
		}
		if !strings.Contains(r.body, msgInvalid) {
			t.Errorf("login %s: body lacks %q:\n%s", user, msgInvalid, snippet(r.body))
		}
		if _, ok := inputs(r.body)["password"]; !ok {
			t.Errorf("login %s: the 401 page holds no password field: want the form again", user)
		}
		c.wantAnonymous(t)
	}
	t.Run("wrong password", func(t *testing.T) { check(t, "admin", "not-the-password") })
	t.Run("unknown user", func(t *testing.T) { check(t, "nosuchuser", "not-the-password") })
	t.Run("about the same time whether or not the user exists", func(t *testing.T) {
		c := s.newClient()
		timeOf := func(user string) time.Duration {
			start := time.Now()
			c.loginForm(t, user, "not-the-password", "/")
			return time.Since(start)
		}
		var known, unknown []time.Duration
		for range 5 {
			known = append(known, timeOf("admin"))
			unknown = append(unknown, timeOf("nosuchuser"))
		}
		k, u := slices.Min(known), slices.Min(unknown)
		// The fastest of five is robust to a busy machine; an unknown
		// user answered without hashing would take a few per cent.
		if u < k/3 || k < u/3 {
			t.Errorf("failed sign-in takes %v for a known user and %v for an unknown one: want about the same", k, u)
		}
	})
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--login-limit", "3/1m")
	c := s.newClient()
	for i := 1; i <= 3; i++ {
		if r := c.loginForm(t, "admin", "wrong-password", "/"); r.status != http.StatusUnauthorized {
			t.Fatalf("failed login %d of 3: status %d, want 401", i, r.status)
		}
	}
	t.Run("the fourth failure gets 429 with Retry-After", func(t *testing.T) {
		r := c.loginForm(t, "admin", "wrong-password", "/")
		if r.status != http.StatusTooManyRequests {
			t.Fatalf("failed login 4: status %d, want 429", r.status)
		}
		ra := r.header.Get("Retry-After")
		n, err := strconv.Atoi(ra)
		if err != nil || n <= 0 || n > 60 {
			t.Errorf("Retry-After %q, want whole seconds in 1..60", ra)
		}
		wantPrivate(t, "429", r)
	})
	t.Run("the right password is refused too while throttled", func(t *testing.T) {
		r := c.loginForm(t, "admin", s.adminPW, "/")
		if r.status != http.StatusTooManyRequests {
			t.Errorf("login with the right password while throttled: status %d, want 429", r.status)
		}
		c.wantAnonymous(t)
	})
	t.Run("another user name from the same client address is throttled", func(t *testing.T) {
		r := c.loginForm(t, "someoneelse", "wrong-password", "/")
		if r.status != http.StatusTooManyRequests {
			t.Errorf("login as another user from the same address: status %d, want 429", r.status)
		}
	})
}

func TestNoStoreHeaders(t *testing.T) {
	t.Parallel()
	s := startServer(t, "--login-limit", "2/1m")
	anon := s.newClient()
	signed := s.admin(t)
	loginResp := s.newClient().loginForm(t, "admin", s.adminPW, "/")
	put := func(c *client, hdr http.Header) *response {
		h := http.Header{"Content-Type": {"application/json"}}
		for k, v := range hdr {
			h[k] = v
		}
		return c.do(t, http.MethodPut, "/api/session/data/k", strings.NewReader(`1`), h)
	}
	cases := []struct {
		name   string
		status int
		r      func() *response
	}{
		{"anonymous redirect", 303, func() *response { return anon.get(t, "/") }},
		{"login page", 200, func() *response { return anon.get(t, "/login") }},
		{"login redirect", 303, func() *response { return loginResp }},
		{"home page", 200, func() *response { return signed.get(t, "/") }},
		{"sessions page", 200, func() *response { return signed.get(t, "/sessions") }},
		{"JSON", 200, func() *response { return signed.get(t, "/api/session") }},
		{"JSON 204", 204, func() *response { return put(signed, nil) }},
		{"JSON 401", 401, func() *response { return anon.get(t, "/api/session") }},
		{"cross-site 403", 403, func() *response { return put(signed, http.Header{"Sec-Fetch-Site": {"cross-site"}}) }},
		{"logout redirect", 303, func() *response { return s.admin(t).post(t, "/logout", nil) }},
		{"failed login 401", 401, func() *response { return anon.loginForm(t, "admin", "wrong-password", "/") }},
		{"throttled login 429", 429, func() *response {
			anon.loginForm(t, "admin", "wrong-password", "/")
			return anon.loginForm(t, "admin", "wrong-password", "/")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r()
			if r.status != tc.status {
				t.Errorf("status %d, want %d", r.status, tc.status)
			}
			wantPrivate(t, tc.name, r)
		})
	}
}

func TestCookieFlags(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	r := login(t, s.newClient(), "admin", s.adminPW)
	ck := r.cookie("sessionid")
	t.Run("named sessionid by default", func(t *testing.T) {
		if ck == nil {
			t.Fatalf("no sessionid cookie; Set-Cookie: %q", r.header.Values("Set-Cookie"))
		}
	})
	if ck == nil {
		return
	}
	t.Run("HttpOnly", func(t *testing.T) {
		if !ck.HttpOnly {
			t.Errorf("cookie %q lacks HttpOnly", ck.Raw)
		}
	})
	t.Run("SameSite=Lax", func(t *testing.T) {
		if ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %q: SameSite %v, want Lax", ck.Raw, ck.SameSite)
		}
	})
	t.Run("Path=/", func(t *testing.T) {
		if ck.Path != "/" {
			t.Errorf("cookie %q: Path %q, want /", ck.Raw, ck.Path)
		}
	})
	t.Run("no Secure on plain HTTP", func(t *testing.T) {
		if ck.Secure {
			t.Errorf("cookie %q is Secure over plain HTTP: the browser would never send it back", ck.Raw)
		}
	})
	t.Run("persistent when remembered", func(t *testing.T) {
		if ck.MaxAge <= 0 && (ck.Expires.IsZero() || ck.Expires.Before(time.Now())) {
			t.Errorf("cookie %q has no future Max-Age or Expires, want the two-week lifetime", ck.Raw)
		}
	})
	t.Run("value holds at least 128 bits", func(t *testing.T) {
		if len(ck.Value) < 22 {
			t.Errorf("cookie value %q is %d characters, too short for 128 random bits", ck.Value, len(ck.Value))
		}
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := s.admin(t)
	old := c.session()
	r := c.post(t, "/logout", nil)
	t.Run("redirects to login", func(t *testing.T) {
		if r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Errorf("POST /logout: %d Location %q, want 303 /login", r.status, r.location())
		}
	})
	t.Run("expires the cookie", func(t *testing.T) {
		ck := r.cookie(s.cookieName)
		if ck == nil {
			t.Fatalf("POST /logout sets no %s cookie; want it expired", s.cookieName)
		}
		if ck.MaxAge >= 0 && (ck.Expires.IsZero() || ck.Expires.After(time.Now())) {
			t.Errorf("cookie after logout %q is not expired", ck.Raw)
		}
	})
	t.Run("the client is anonymous", func(t *testing.T) { c.wantAnonymous(t) })
	t.Run("a replayed copy of the old cookie signs no one in", func(t *testing.T) {
		s.withSession(old).wantAnonymous(t)
	})
	t.Run("logout when anonymous still redirects", func(t *testing.T) {
		r := s.newClient().post(t, "/logout", nil)
		if r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Errorf("anonymous POST /logout: %d Location %q, want 303 /login", r.status, r.location())
		}
	})
}

func TestHomeEscapesHTML(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	const name, pw = "x+y@e.example", "e2e-password-1"
	s.createUser(t, name, pw)
	c := s.signedIn(t, name, pw)
	t.Run("welcome names the user", func(t *testing.T) { c.wantWelcome(t, name) })

	put := func(key, value string) {
		r := c.do(t, http.MethodPut, "/api/session/data/"+url.PathEscape(key), strings.NewReader(value),
			http.Header{"Content-Type": {"application/json"}})
		if r.status != http.StatusNoContent {
			t.Fatalf("PUT %s: status %d, want 204; body %s", key, r.status, r.body)
		}
	}
	put("note", `"<script>alert(1)</script>"`)
	put("<i>k", `"v"`)
	r := c.get(t, "/")
	t.Run("a session value is escaped", func(t *testing.T) {
		if strings.Contains(r.body, "<script>alert") {
			t.Errorf("home page holds the raw <script> of a session value:\n%s", snippet(r.body))
		}
		if !strings.Contains(r.body, "&lt;script&gt;") {
			t.Errorf("home page lacks the escaped value &lt;script&gt;:\n%s", snippet(r.body))
		}
	})
	t.Run("a session key is escaped", func(t *testing.T) {
		if strings.Contains(r.body, "<i>k") {
			t.Errorf("home page holds the raw key <i>k:\n%s", snippet(r.body))
		}
		if !strings.Contains(r.body, "&lt;i&gt;k") {
			t.Errorf("home page lacks the escaped key &lt;i&gt;k:\n%s", snippet(r.body))
		}
	})
}
