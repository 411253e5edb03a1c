package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Bounds of every wait in this package.
const (
	startTimeout    = 20 * time.Second // latch serve printing its address
	stopTimeout     = 5 * time.Second  // SIGTERM to exit
	commandTimeout  = 30 * time.Second // one CLI command
	requestTimeout  = 15 * time.Second // one HTTP request
	maxLoggedOutput = 16 << 10         // server log shown on failure
)

// latchBin is the latch binary that TestMain built.
var latchBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "latch-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	latchBin = filepath.Join(dir, "latch")
	if err := build(latchBin); err != nil {
		// A build failure fails the suite: every test here needs the binary.
		fmt.Fprintln(os.Stderr, "e2e: building ./cmd/latch failed:", err)
		return 1
	}
	return m.Run()
}

// build compiles ./cmd/latch of this module into out.
func build(out string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	args := []string{"build", "-o", out}
	if os.Getenv("LATCH_E2E_RACE") == "1" {
		args = append(args, "-race")
	}
	args = append(args, "./cmd/latch")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = ".." // the module root
	output, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, output)
	}
	return nil
}

// server is one running "latch serve" in its own temporary directory.
type server struct {
	t          *testing.T
	dir        string // working directory: the database and the secret
	base       string // http://127.0.0.1:PORT
	addr       string // 127.0.0.1:PORT
	adminPW    string // printed on first start; "" on a later start
	cookieName string
	cmd        *exec.Cmd
	log        *syncBuffer
	exited     chan struct{}
	exitErr    error // set before exited is closed
}

// serverOptions changes how startServerWith starts latch serve.
type serverOptions struct {
	args      []string // more flags
	env       []string // more environment, "K=V"
	dir       string   // reuse this directory (default: a new t.TempDir)
	noAddr    bool     // do not pass --addr (to test LATCH_ADDR)
	restarted bool     // the user store is not empty: no admin line expected
}

// startServer starts latch serve on a free loopback port with a fresh
// SQLite database and secret in a new temporary directory, waits until it
// listens and has printed admin's password, and stops it at the end of
// the test, checking that it exits 0.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	return startServerWith(t, serverOptions{args: args})
}

// dbURL is the SQLite URL of the database in dir.
func dbURL(dir string) string { return "sqlite://" + filepath.Join(dir, "latch.db") }

func startServerWith(t *testing.T, o serverOptions) *server {
	t.Helper()
	dir := o.dir
	if dir == "" {
		dir = t.TempDir()
	}
	args := []string{"serve"}
	if !o.noAddr {
		args = append(args, "--addr", "127.0.0.1:0")
	}
	args = append(args, "--store", dbURL(dir), "--secret-file", filepath.Join(dir, "latch.secret"))
	args = append(args, o.args...)
	s := &server{t: t, dir: dir, cookieName: "sessionid", log: &syncBuffer{}, exited: make(chan struct{})}
	for i, a := range o.args {
		if a == "--cookie-name" && i+1 < len(o.args) {
			s.cookieName = o.args[i+1]
		} else if v, ok := strings.CutPrefix(a, "--cookie-name="); ok {
			s.cookieName = v
		}
	}
	s.cmd = exec.Command(latchBin, args...)
	s.cmd.Dir = dir
	s.cmd.Env = append(cleanEnv(), o.env...)
	s.cmd.SysProcAttr = procAttr()
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout = s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting latch serve: %v", err)
	}
	listening := make(chan string, 1)
	admin := make(chan string, 1)
	go s.readStderr(stderr, listening, admin)
	go func() {
		s.exitErr = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(s.stop)

	deadline := time.After(startTimeout)
	for s.addr == "" || (s.adminPW == "" && !o.restarted) {
		select {
		case a := <-listening:
			s.addr = a
		case pw := <-admin:
			s.adminPW = pw
		case <-s.exited:
			t.Fatalf("latch serve exited before it was ready (%v); its output:\n%s", s.exitErr, s.log.tail(maxLoggedOutput))
		case <-deadline:
			t.Fatalf("latch serve did not print %q and %q within %v; its output:\n%s",
				"listening on http://ADDR", "created user admin with password PASSWORD", startTimeout, s.log.tail(maxLoggedOutput))
		}
	}
	host, _, err := net.SplitHostPort(s.addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("latch serve listens on %q, want an address on 127.0.0.1", s.addr)
	}
	s.base = "http://" + s.addr
	return s
}

var (
	listeningRE = regexp.MustCompile(`listening on http://(\S+)`)
	adminRE     = regexp.MustCompile(`created user admin with password (\S+)`)
)

// readStderr copies the server's standard error into its log and reports
// the listening address and admin's password, each once.
func (s *server) readStderr(r io.Reader, listening, admin chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		s.log.Write([]byte(line + "\n"))
		if m := listeningRE.FindStringSubmatch(line); m != nil {
			select {
			case listening <- m[1]:
			default:
			}
		}
		if m := adminRE.FindStringSubmatch(line); m != nil {
			select {
			case admin <- m[1]:
			default:
			}
		}
	}
	io.Copy(io.Discard, r)
}

// stop sends SIGTERM and checks that the server exits 0 in time: graceful
// shutdown is part of the contract. It is safe to call twice.
func (s *server) stop() {
	t := s.t
	t.Helper()
	select {
	case <-s.exited:
	default:
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Errorf("SIGTERM to latch serve: %v", err)
		}
		select {
		case <-s.exited:
			if s.exitErr != nil {
				t.Errorf("latch serve after SIGTERM: %v, want exit status 0", s.exitErr)
			}
		case <-time.After(stopTimeout):
			s.cmd.Process.Kill()
			<-s.exited
			t.Errorf("latch serve did not exit within %v of SIGTERM", stopTimeout)
		}
	}
	if t.Failed() {
		t.Logf("latch serve output (tail):\n%s", s.log.tail(maxLoggedOutput))
	}
}

// cleanEnv is the environment of the test without any LATCH_ variable,
// so that a developer's settings do not leak into the server.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LATCH_") {
			env = append(env, kv)
		}
	}
	return env
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// tail returns the last n bytes.
func (b *syncBuffer) tail(n int) string {
	s := b.String()
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// cliResult is the outcome of one latch command.
type cliResult struct {
	stdout, stderr string
	code           int
}

// latch runs the latch command with args in dir, stdin as its standard
// input, and env added to the environment; it fails the test if the
// command does not finish in time.
func latch(t *testing.T, dir, stdin string, env []string, args ...string) cliResult {
	t.Helper()
	return latchWithin(t, commandTimeout, dir, stdin, env, args...)
}

// latchWithin is latch with a timeout of its own.
func latchWithin(t *testing.T, timeout time.Duration, dir, stdin string, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, latchBin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("latch %s did not finish within %v; stderr:\n%s", strings.Join(args, " "), timeout, res.stderr)
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("latch %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// mustLatch runs latch and fails the test unless it exits 0.
func mustLatch(t *testing.T, dir, stdin string, args ...string) cliResult {
	t.Helper()
	res := latch(t, dir, stdin, nil, args...)
	if res.code != 0 {
		t.Fatalf("latch %s: exit status %d, want 0; stderr:\n%s", strings.Join(args, " "), res.code, res.stderr)
	}
	return res
}

// createUser creates a user with latch createuser in the server's
// database.
func (s *server) createUser(t *testing.T, name, pw string) {
	t.Helper()
	mustLatch(t, s.dir, pw+"\n", "createuser", name, "--password-stdin", "--users", dbURL(s.dir))
}

// client is an HTTP client of one server with its own cookies. It does
// not follow redirects, and it keeps a cookie until the server deletes or
// replaces it: it never drops one because its Max-Age ran out, so that
// the tests see what the server does with an expired session.
type client struct {
	s      *server
	hc     *http.Client
	header http.Header // sent with every request

	mu      sync.Mutex
	cookies map[string]string
}

// newClient returns a client of s without cookies.
func (s *server) newClient() *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.MaxIdleConnsPerHost = 16
	return &client{
		s: s,
		hc: &http.Client{
			Transport:     tr,
			Timeout:       requestTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		header:  http.Header{"User-Agent": {"latch-e2e"}},
		cookies: map[string]string{},
	}
}

// signedIn returns a new client signed in as user.
func (s *server) signedIn(t *testing.T, user, pw string) *client {
	t.Helper()
	c := s.newClient()
	login(t, c, user, pw)
	return c
}

// admin returns a new client signed in as admin.
func (s *server) admin(t *testing.T) *client {
	t.Helper()
	return s.signedIn(t, "admin", s.adminPW)
}

// response is a response with its body read.
type response struct {
	status  int
	header  http.Header
	body    string
	cookies []*http.Cookie
}

// location is the Location header.
func (r *response) location() string { return r.header.Get("Location") }

// cookie returns the Set-Cookie of name, or nil.
func (r *response) cookie(name string) *http.Cookie {
	var last *http.Cookie
	for _, c := range r.cookies {
		if c.Name == name {
			last = c
		}
	}
	return last
}

// session returns the value of the session cookie, "" if none.
func (c *client) session() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cookies[c.s.cookieName]
}

// setSession sets the session cookie as if the server had set it.
func (c *client) setSession(v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cookies[c.s.cookieName] = v
}

// withSession returns a new client whose only cookie is the session
// cookie with value v: a replayed or stolen copy.
func (s *server) withSession(v string) *client {
	c := s.newClient()
	c.setSession(v)
	return c
}

// do sends a request and reads the whole answer; it fails the test on a
// transport error.
func (c *client) do(t *testing.T, method, path string, body io.Reader, hdr http.Header) *response {
	t.Helper()
	r, err := c.tryDo(method, path, body, hdr)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// tryDo is do for goroutines other than the test's: it returns the error.
func (c *client) tryDo(method, path string, body io.Reader, hdr http.Header) (*response, error) {
	req, err := http.NewRequest(method, c.s.base+path, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if req.Header.Get("Cookie") == "" {
		c.mu.Lock()
		for name, v := range c.cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: v})
		}
		c.mu.Unlock()
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	r := &response{status: resp.StatusCode, header: resp.Header, body: string(b), cookies: resp.Cookies()}
	c.mu.Lock()
	for _, ck := range r.cookies {
		if ck.MaxAge < 0 || ck.Value == "" || !ck.Expires.IsZero() && ck.Expires.Before(time.Now()) {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	c.mu.Unlock()
	return r, nil
}

// get sends a GET.
func (c *client) get(t *testing.T, path string) *response {
	t.Helper()
	return c.do(t, http.MethodGet, path, nil, nil)
}

// post sends a form by POST.
func (c *client) post(t *testing.T, path string, form url.Values) *response {
	t.Helper()
	return c.do(t, http.MethodPost, path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// loginForm posts the sign-in form with remember checked.
func (c *client) loginForm(t *testing.T, user, pw, next string) *response {
	t.Helper()
	return c.post(t, "/login", url.Values{"username": {user}, "password": {pw}, "next": {next}, "remember": {"1"}})
}

// login signs c in and fails the test unless the server answers 303 with
// a session cookie.
func login(t *testing.T, c *client, user, pw string) *response {
	t.Helper()
	r := c.loginForm(t, user, pw, "")
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST /login as %s: status %d, want 303; body:\n%s", user, r.status, snippet(r.body))
	}
	if ck := r.cookie(c.s.cookieName); ck == nil || ck.Value == "" {
		t.Fatalf("POST /login as %s: no %s cookie set; Set-Cookie: %q", user, c.s.cookieName, r.header.Values("Set-Cookie"))
	}
	return r
}

// wantWelcome checks that c is signed in as name: GET / answers 200 with
// "Welcome, NAME".
func (c *client) wantWelcome(t *testing.T, name string) {
	t.Helper()
	r := c.get(t, "/")
	if r.status != http.StatusOK || !strings.Contains(unescapeHTML(r.body), "Welcome, "+name) {
		t.Fatalf("GET / as %s: status %d, Location %q, want 200 with %q; body:\n%s", name, r.status, r.location(), "Welcome, "+name, snippet(r.body))
	}
}

// wantAnonymous checks that c is not signed in: GET / redirects to the
// sign-in page, and GET /api/session answers 401.
func (c *client) wantAnonymous(t *testing.T) {
	t.Helper()
	r := c.get(t, "/")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
		t.Errorf("GET /: status %d, Location %q, want 303 to /login (anonymous)", r.status, r.location())
	}
	r = c.get(t, "/api/session")
	if r.status != http.StatusUnauthorized {
		t.Errorf("GET /api/session: status %d, want 401 (anonymous); body: %s", r.status, snippet(r.body))
	}
}

// snippet shortens a body for a failure message.
func snippet(s string) string {
	const n = 1500
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// unescapeHTML undoes HTML escaping, to compare text that a template may
// or may not have escaped (a "+" becomes "&#43;").
func unescapeHTML(s string) string { return html.UnescapeString(s) }

// freePort returns a loopback address that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
