package site_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/internal/site"
	"github.com/latchgo/latch/memstore"
)

// testPassword is the password of every test user.
const testPassword = "correct horse battery"

// harness runs the site over a memory store with fast hashing.
type harness struct {
	t       *testing.T
	srv     *httptest.Server
	auth    *auth.Auth
	users   *auth.MemoryUsers
	hasher  *password.Hasher
	metrics *site.Metrics
	ready   error
}

// options tune a harness.
type options struct {
	session   latch.Config
	limit     int
	accessLog io.Writer // nil: no access log
}

func newHarness(t *testing.T, opts options) *harness {
	t.Helper()
	store := memstore.New()
	t.Cleanup(func() { store.Close() })
	h := &harness{t: t, users: auth.NewMemoryUsers(), metrics: site.NewMetrics()}
	var err error
	h.hasher, err = password.New(password.Options{Argon2: password.Params{Memory: 64, Time: 1}})
	if err != nil {
		t.Fatal(err)
	}
	opts.session.ErrorHandler = site.ErrorHandler
	m, err := latch.New(site.Instrument(store, h.metrics), opts.session)
	if err != nil {
		t.Fatal(err)
	}
	if opts.limit == 0 {
		opts.limit = 100
	}
	h.auth, err = auth.New(auth.Config{
		Sessions: m,
		Users:    h.users,
		Hasher:   h.hasher,
		Throttle: &throttle.Limiter{Store: throttle.NewMemory(), Limit: opts.limit, Window: time.Minute},
		Audit:    func(context.Context, auth.Event) {},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := site.Config{
		Auth: h.auth, Sessions: m, Metrics: h.metrics,
		Ready: func(context.Context) error { return h.ready },
	}
	if opts.accessLog != nil {
		cfg.AccessLog = slog.New(slog.NewJSONHandler(opts.accessLog, nil))
	}
	h.srv = httptest.NewServer(site.New(cfg))
	t.Cleanup(h.srv.Close)
	h.addUser("alice")
	return h
}

// addUser creates a user with testPassword, bypassing name validation.
func (h *harness) addUser(name string) {
	h.t.Helper()
	hash, err := h.hasher.Hash(context.Background(), testPassword)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.users.CreateUser(context.Background(), auth.User{Name: name, PasswordHash: hash, Active: true}); err != nil {
		h.t.Fatal(err)
	}
}

// client returns a browser-like client with its own cookie jar that does
// not follow redirects.
func (h *harness) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request and returns the response with its body read.
func (h *harness) do(c *http.Client, method, path string, body io.Reader, header ...string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// post sends a form.
func (h *harness) post(c *http.Client, path string, form url.Values, header ...string) (*http.Response, string) {
	h.t.Helper()
	return h.do(c, http.MethodPost, path, strings.NewReader(form.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

// login signs c in as name and fails the test unless it worked.
func (h *harness) login(c *http.Client, name string) {
	h.t.Helper()
	resp, body := h.post(c, "/login", url.Values{"username": {name}, "password": {testPassword}, "remember": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("login: status %d, want 303; body %s", resp.StatusCode, body)
	}
}

// cookie returns c's session cookie value.
func (h *harness) cookie(c *http.Client) string {
	u, _ := url.Parse(h.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "sessionid" {
			return ck.Value
		}
	}
	return ""
}

// checkStatus fails the test unless resp has status want.
func checkStatus(t *testing.T, resp *http.Response, body string, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %q", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}

// checkPrivate fails the test unless resp may not be cached and varies by
// cookie.
func checkPrivate(t *testing.T, resp *http.Response) {
	t.Helper()
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s %s: Cache-Control = %q, want no-store", resp.Request.Method, resp.Request.URL.Path, got)
	}
	if got := resp.Header.Values("Vary"); len(got) != 1 || got[0] != "Cookie" {
		t.Errorf("%s %s: Vary = %q, want [Cookie]", resp.Request.Method, resp.Request.URL.Path, got)
	}
}

func TestHealthAndReady(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	resp, body := h.do(c, "GET", "/healthz", nil)
	checkStatus(t, resp, body, 200)
	if body != "ok\n" {
		t.Errorf("healthz body = %q", body)
	}
	resp, body = h.do(c, "GET", "/readyz", nil)
	checkStatus(t, resp, body, 200)
	h.ready = errors.New("down")
	resp, body = h.do(c, "GET", "/readyz", nil)
	checkStatus(t, resp, body, 503)
}

func TestStylesheetIsCacheable(t *testing.T) {
	h := newHarness(t, options{})
	resp, body := h.do(h.client(), "GET", "/static/style.css", nil)
	checkStatus(t, resp, body, 200)
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
		t.Errorf("Cache-Control = %q, want max-age", cc)
	}
	if resp.Header.Get("Vary") != "" || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("stylesheet touches the session: %v", resp.Header)
	}
}

func TestMetrics(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	h.login(c, "alice")
	h.post(h.client(), "/login", url.Values{"username": {"alice"}, "password": {"nope"}})
	resp, body := h.do(c, "GET", "/metrics", nil)
	checkStatus(t, resp, body, 200)
	for _, want := range []string{
		`latch_signins_total{outcome="ok"} 1`,
		`latch_signins_total{outcome="invalid"} 1`,
		`latch_http_requests_total{code="303",method="POST"} 1`,
		`latch_http_requests_total{code="401",method="POST"} 1`,
		`latch_session_saves_total 1`,
		`latch_store_seconds_bucket{op="save",le="+Inf"} 1`,
		"# TYPE latch_store_seconds histogram",
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestAccessLogHoldsNoSecrets(t *testing.T) {
	var buf syncBuffer
	h := newHarness(t, options{accessLog: &buf})
	c := h.client()
	h.login(c, "alice")
	h.do(c, "GET", "/?token=hunter2", nil)
	log := buf.String()
	if strings.Count(log, "\n") != 2 {
		t.Errorf("want 2 lines, got %q", log)
	}
	for _, secret := range []string{testPassword, h.cookie(c), "hunter2", "sessionid"} {
		if strings.Contains(log, secret) {
			t.Errorf("access log holds %q: %s", secret, log)
		}
	}
	for _, want := range []string{`"method":"POST"`, `"path":"/login"`, `"status":303`, `"bytes":`, `"duration":`} {
		if !strings.Contains(log, want) {
			t.Errorf("access log lacks %s: %s", want, log)
		}
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

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t, options{})
	for _, path := range []string{"/login", "/", "/api/session", "/static/style.css"} {
		resp, _ := h.do(h.client(), "GET", path, nil)
		for name, want := range map[string]string{
			"X-Frame-Options":        "DENY",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "same-origin",
		} {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, name, got, want)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "form-action 'self'") {
			t.Errorf("GET %s: Content-Security-Policy = %q", path, csp)
		}
	}
}

func TestBackScriptOnlyOnSignedInPages(t *testing.T) {
	h := newHarness(t, options{})
	_, body := h.do(h.client(), "GET", "/login", nil)
	if strings.Contains(body, "back.js") {
		t.Error("the sign-in page loads back.js")
	}
	h.addUser("carol")
	c := h.client()
	h.login(c, "carol")
	if _, body := h.do(c, "GET", "/", nil); !strings.Contains(body, `<script src="/static/back.js">`) {
		t.Error("the signed-in home page does not load back.js")
	}
	resp, js := h.do(h.client(), "GET", "/static/back.js", nil)
	checkStatus(t, resp, js, 200)
	if !strings.Contains(js, "pageshow") {
		t.Errorf("back.js = %q", js)
	}
}
