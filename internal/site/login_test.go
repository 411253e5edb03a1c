package site_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestLogin(t *testing.T) {
	t.Run("success redirects to next with a new session ID", func(t *testing.T) {
		h := newHarness(t, options{})
		c := h.client()
		h.do(c, "PUT", "/api/session/data/x", strings.NewReader("1")) // 401, no session
		resp, body := h.post(c, "/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {"/sessions?a=1"}})
		checkStatus(t, resp, body, http.StatusSeeOther)
		checkPrivate(t, resp)
		if got := resp.Header.Get("Location"); got != "/sessions?a=1" {
			t.Errorf("Location = %q, want /sessions?a=1", got)
		}
		if h.cookie(c) == "" {
			t.Fatal("no session cookie after sign-in")
		}
		resp, body = h.do(c, "GET", "/", nil)
		checkStatus(t, resp, body, 200)
		if !strings.Contains(body, "Welcome, alice") {
			t.Errorf("home lacks the welcome: %s", body)
		}
	})
	t.Run("unsafe next goes home", func(t *testing.T) {
		h := newHarness(t, options{})
		for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil", "/%2F/evil", ""} {
			resp, body := h.post(h.client(), "/login", url.Values{"username": {"alice"}, "password": {testPassword}, "next": {next}})
			checkStatus(t, resp, body, http.StatusSeeOther)
			if got := resp.Header.Get("Location"); got != "/" {
				t.Errorf("next %q: Location = %q, want /", next, got)
			}
		}
	})
	t.Run("failure is 401 with the same words for known and unknown users", func(t *testing.T) {
		h := newHarness(t, options{})
		for _, name := range []string{"alice", "nobody"} {
			resp, body := h.post(h.client(), "/login", url.Values{"username": {name}, "password": {"wrong password"}})
			checkStatus(t, resp, body, http.StatusUnauthorized)
			checkPrivate(t, resp)
			if !strings.Contains(body, "Invalid username or password.") {
				t.Errorf("%s: body lacks the message: %s", name, body)
			}
			if resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("%s: a failed sign-in set a cookie", name)
			}
		}
	})
	t.Run("too many failures are 429 with Retry-After", func(t *testing.T) {
		h := newHarness(t, options{limit: 2})
		bad := url.Values{"username": {"alice"}, "password": {"wrong password"}}
		for range 2 {
			resp, body := h.post(h.client(), "/login", bad)
			checkStatus(t, resp, body, http.StatusUnauthorized)
		}
		resp, body := h.post(h.client(), "/login", url.Values{"username": {"alice"}, "password": {testPassword}})
		checkStatus(t, resp, body, http.StatusTooManyRequests)
		checkPrivate(t, resp)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("Retry-After = %q, want whole seconds", resp.Header.Get("Retry-After"))
		}
	})
	t.Run("remember unchecked gives a browser-session cookie", func(t *testing.T) {
		h := newHarness(t, options{})
		for _, remember := range []string{"", "1"} {
			form := url.Values{"username": {"alice"}, "password": {testPassword}}
			if remember != "" {
				form.Set("remember", remember)
			}
			resp, body := h.post(h.client(), "/login", form)
			checkStatus(t, resp, body, http.StatusSeeOther)
			sc := resp.Header.Get("Set-Cookie")
			if persistent := strings.Contains(sc, "Max-Age"); persistent != (remember != "") {
				t.Errorf("remember=%q: Set-Cookie = %q", remember, sc)
			}
		}
	})
	t.Run("form escapes the name typed back", func(t *testing.T) {
		h := newHarness(t, options{})
		resp, body := h.post(h.client(), "/login", url.Values{"username": {"<script>x</script>"}, "password": {"p"}})
		checkStatus(t, resp, body, http.StatusUnauthorized)
		if strings.Contains(body, "<script>x") {
			t.Errorf("name not escaped: %s", body)
		}
	})
	t.Run("the form shows a safe next and drops an unsafe one", func(t *testing.T) {
		h := newHarness(t, options{})
		_, body := h.do(h.client(), "GET", "/login?next=%2Fsessions", nil)
		if !strings.Contains(body, `name="next" value="/sessions"`) {
			t.Errorf("form lacks next=/sessions: %s", body)
		}
		_, body = h.do(h.client(), "GET", "/login?next=%2F%2Fevil", nil)
		if strings.Contains(body, "evil") {
			t.Errorf("form keeps an unsafe next: %s", body)
		}
	})
}

func TestHomeAnonymousRedirects(t *testing.T) {
	h := newHarness(t, options{})
	resp, body := h.do(h.client(), "GET", "/", nil)
	checkStatus(t, resp, body, http.StatusSeeOther)
	checkPrivate(t, resp)
	if got := resp.Header.Get("Location"); got != "/login?next=%2F" {
		t.Errorf("Location = %q, want /login?next=%%2F", got)
	}
}

func TestHomeEscapesName(t *testing.T) {
	h := newHarness(t, options{})
	h.addUser("<b>bob</b>")
	c := h.client()
	h.login(c, "<b>bob</b>")
	_, body := h.do(c, "GET", "/", nil)
	if !strings.Contains(body, "Welcome, &lt;b&gt;bob&lt;/b&gt;") {
		t.Errorf("name not escaped: %s", body)
	}
}

func TestLogoutKillsOldCookie(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	h.login(c, "alice")
	old := h.cookie(c)
	resp, body := h.post(c, "/logout", nil)
	checkStatus(t, resp, body, http.StatusSeeOther)
	if got := resp.Header.Get("Location"); got != "/login" {
		t.Errorf("Location = %q, want /login", got)
	}
	replay := h.client()
	resp, body = h.do(replay, "GET", "/", nil, "Cookie", "sessionid="+old)
	checkStatus(t, resp, body, http.StatusSeeOther)
}

func TestCrossSitePostRefused(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	h.login(c, "alice")
	resp, body := h.post(c, "/logout", nil, "Sec-Fetch-Site", "cross-site")
	checkStatus(t, resp, body, http.StatusForbidden)
	checkPrivate(t, resp)
	resp, body = h.do(c, "GET", "/", nil)
	checkStatus(t, resp, body, http.StatusOK)
}

func TestWrongMethodIs405(t *testing.T) {
	h := newHarness(t, options{})
	resp, body := h.do(h.client(), "DELETE", "/login", nil)
	checkStatus(t, resp, body, http.StatusMethodNotAllowed)
	resp, body = h.do(h.client(), "POST", "/api/session", nil)
	checkStatus(t, resp, body, http.StatusMethodNotAllowed)
	if body != `{"error":"method not allowed"}`+"\n" {
		t.Errorf("API 405 body %q, want JSON", body)
	}
	if resp.Header.Get("Allow") == "" {
		t.Error("405 without Allow")
	}
}

func TestAPICrossSiteIs403JSON(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	h.login(c, "alice")
	resp, body := h.do(c, "PUT", "/api/session/data/k", strings.NewReader("1"), "Sec-Fetch-Site", "cross-site")
	checkStatus(t, resp, body, http.StatusForbidden)
	checkPrivate(t, resp)
	if !strings.HasPrefix(body, `{"error":`) {
		t.Errorf("body %q, want a JSON error", body)
	}
}
