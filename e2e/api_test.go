package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// sessionJSON is the answer of GET /api/session.
type sessionJSON struct {
	Data      map[string]any `json:"data"`
	CreatedAt string         `json:"created_at"`
	ExpiresAt string         `json:"expires_at"`
}

// getSession reads GET /api/session and fails the test unless it is 200
// JSON of the contract's shape.
func getSession(t *testing.T, c *client) sessionJSON {
	t.Helper()
	r := c.get(t, "/api/session")
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/session: status %d, want 200; body %s", r.status, snippet(r.body))
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET /api/session: Content-Type %q, want application/json", ct)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &raw); err != nil {
		t.Fatalf("GET /api/session: body is not a JSON object: %v\n%s", err, snippet(r.body))
	}
	for _, k := range []string{"data", "created_at", "expires_at"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("GET /api/session: no %q in %s", k, snippet(r.body))
		}
	}
	var sj sessionJSON
	if err := json.Unmarshal([]byte(r.body), &sj); err != nil {
		t.Fatalf("GET /api/session: %v\n%s", err, snippet(r.body))
	}
	if sj.Data == nil {
		t.Errorf("GET /api/session: data is %s, want an object", raw["data"])
	}
	return sj
}

// wantJSONError checks a JSON API error: status and {"error": "..."}.
func wantJSONError(t *testing.T, what string, r *response, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body %s", what, r.status, status, snippet(r.body))
		return
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want application/json", what, ct)
	}
	var e struct {
		Error *string `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == nil || *e.Error == "" {
		t.Errorf("%s: body %q, want {\"error\": \"message\"}", what, snippet(r.body))
	}
}

// put sends PUT /api/session/data/{name} with body.
func (c *client) put(t *testing.T, name, body string) *response {
	t.Helper()
	return c.do(t, http.MethodPut, "/api/session/data/"+url.PathEscape(name), strings.NewReader(body),
		http.Header{"Content-Type": {"application/json"}})
}

// nested returns JSON arrays nested depth levels deep.
func nested(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

func TestSessionAPI(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := s.admin(t)

	t.Run("anonymous gets 401 JSON", func(t *testing.T) {
		wantJSONError(t, "anonymous GET /api/session", s.newClient().get(t, "/api/session"), 401)
		wantJSONError(t, "anonymous PUT", s.newClient().put(t, "k", "1"), 401)
		wantJSONError(t, "anonymous DELETE", s.newClient().do(t, http.MethodDelete, "/api/session/data/k", nil, nil), 401)
		wantJSONError(t, "anonymous cycle", s.newClient().do(t, http.MethodPost, "/api/session/cycle", nil, nil), 401)
	})

	t.Run("GET shows data and RFC 3339 times", func(t *testing.T) {
		sj := getSession(t, c)
		created, err1 := time.Parse(time.RFC3339, sj.CreatedAt)
		expires, err2 := time.Parse(time.RFC3339, sj.ExpiresAt)
		if err1 != nil || err2 != nil {
			t.Fatalf("created_at %q, expires_at %q: want RFC 3339 (%v, %v)", sj.CreatedAt, sj.ExpiresAt, err1, err2)
		}
		if d := time.Since(created); d < -time.Minute || d > time.Minute {
			t.Errorf("created_at %v is %v from now, want about now", created, d)
		}
		if d := expires.Sub(created); d < 335*time.Hour || d > 337*time.Hour {
			t.Errorf("expires_at - created_at = %v, want the default lifetime of 336h", d)
		}
	})

	values := []struct{ name, body string }{
		{"string", `"hello, wörld"`},
		{"number", `42.5`},
		{"integer", `9007199254740991`},
		{"object", `{"a":1,"b":[true,null],"c":{"d":"e"}}`},
		{"array", `[1,"two",{"three":3}]`},
		{"bool", `true`},
		{"null", `null`},
		{"empty-string", `""`},
	}
	t.Run("PUT stores each kind of JSON value", func(t *testing.T) {
		for _, v := range values {
			if r := c.put(t, v.name, v.body); r.status != http.StatusNoContent {
				t.Errorf("PUT %s %s: status %d, want 204; body %s", v.name, v.body, r.status, r.body)
			}
		}
		data := getSession(t, c).Data
		for _, v := range values {
			var want any
			json.Unmarshal([]byte(v.body), &want)
			got, ok := data[v.name]
			if !ok || !reflect.DeepEqual(got, want) {
				t.Errorf("after PUT %s %s, GET shows %#v (present %v), want %#v", v.name, v.body, got, ok, want)
			}
		}
	})
	t.Run("PUT replaces a value", func(t *testing.T) {
		c.put(t, "string", `"second"`)
		if got := getSession(t, c).Data["string"]; got != "second" {
			t.Errorf("after a second PUT, GET shows %#v, want \"second\"", got)
		}
	})

	t.Run("keys beginning with _ are never shown", func(t *testing.T) {
		for k := range getSession(t, c).Data {
			if strings.HasPrefix(k, "_") {
				t.Errorf("GET /api/session shows the internal key %q", k)
			}
		}
	})

	bad := []struct{ what, name, body string }{
		{"name beginning with _", "_x", `1`},
		{"not JSON", "k", `hello`},
		{"empty body", "k", ``},
		{"invalid UTF-8", "k", "\"\xff\xfe\""},
		{"trailing garbage after an object", "k", `{"a":1} x`},
		{"two values", "k", `1 2`},
		{"nested 33 deep", "k", nested(33)},
		{"nested 33 deep in objects", "k", strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33)},
	}
	for _, b := range bad {
		t.Run("400 for "+b.what, func(t *testing.T) {
			wantJSONError(t, "PUT "+b.what, c.put(t, b.name, b.body), http.StatusBadRequest)
		})
	}
	t.Run("a refused PUT changes nothing", func(t *testing.T) {
		if _, ok := getSession(t, c).Data["k"]; ok {
			t.Errorf("a value under k exists after only refused PUTs")
		}
	})
	t.Run("nested 32 deep is stored", func(t *testing.T) {
		if r := c.put(t, "deep", nested(32)); r.status != http.StatusNoContent {
			t.Fatalf("PUT nested 32 deep: status %d, want 204; body %s", r.status, r.body)
		}
		got, _ := json.Marshal(getSession(t, c).Data["deep"])
		if string(got) != nested(32) {
			t.Errorf("GET shows deep = %s, want %s", got, nested(32))
		}
	})
	t.Run("413 for a body over the limit", func(t *testing.T) {
		big := `"` + strings.Repeat("x", 1<<20) + `"`
		wantJSONError(t, "PUT of 1 MiB", c.put(t, "big", big), http.StatusRequestEntityTooLarge)
	})
	t.Run("413 when the session would exceed its size limit", func(t *testing.T) {
		chunk := `"` + strings.Repeat("y", 30<<10) + `"`
		var r *response
		var i int
		for i = 0; i < 100; i++ {
			if r = c.put(t, fmt.Sprintf("fill%d", i), chunk); r.status != http.StatusNoContent {
				break
			}
		}
		wantJSONError(t, fmt.Sprintf("PUT number %d of 30 KiB", i+1), r, http.StatusRequestEntityTooLarge)
		getSession(t, c) // still usable
		for j := 0; j < i; j++ {
			c.do(t, http.MethodDelete, fmt.Sprintf("/api/session/data/fill%d", j), nil, nil)
		}
	})

	t.Run("DELETE removes a value", func(t *testing.T) {
		if r := c.do(t, http.MethodDelete, "/api/session/data/bool", nil, nil); r.status != http.StatusNoContent {
			t.Errorf("DELETE bool: status %d, want 204", r.status)
		}
		if _, ok := getSession(t, c).Data["bool"]; ok {
			t.Errorf("bool is still shown after DELETE")
		}
	})
	t.Run("DELETE of an absent value is 204", func(t *testing.T) {
		if r := c.do(t, http.MethodDelete, "/api/session/data/never-set", nil, nil); r.status != http.StatusNoContent {
			t.Errorf("DELETE never-set: status %d, want 204", r.status)
		}
	})
	t.Run("DELETE of a name beginning with _ is 400", func(t *testing.T) {
		wantJSONError(t, "DELETE _x", c.do(t, http.MethodDelete, "/api/session/data/_x", nil, nil), http.StatusBadRequest)
		c.wantWelcome(t, "admin") // and the sign-in is untouched
	})

	t.Run("cycle issues a new ID and keeps the data", func(t *testing.T) {
		before := getSession(t, c)
		old := c.session()
		r := c.do(t, http.MethodPost, "/api/session/cycle", nil, nil)
		if r.status != http.StatusNoContent {
			t.Fatalf("POST /api/session/cycle: status %d, want 204", r.status)
		}
		if ck := r.cookie(s.cookieName); ck == nil || ck.Value == old || ck.Value == "" {
			t.Fatalf("cycle set cookie %v, want a new value (was %q)", ck, old)
		}
		after := getSession(t, c)
		if !reflect.DeepEqual(after.Data, before.Data) {
			t.Errorf("data after cycle %v, want %v", after.Data, before.Data)
		}
		c.wantWelcome(t, "admin")
		s.withSession(old).wantAnonymous(t)
	})
}

func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := s.admin(t)
	const n = 100
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			r, err := c.tryDo(http.MethodPut, fmt.Sprintf("/api/session/data/k%d", i), strings.NewReader(fmt.Sprint(i)),
				http.Header{"Content-Type": {"application/json"}})
			switch {
			case err != nil:
				errs <- fmt.Errorf("PUT k%d: %v", i, err)
			case r.status != http.StatusNoContent:
				errs <- fmt.Errorf("PUT k%d: status %d, want 204; body %s", i, r.status, snippet(r.body))
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	data := getSession(t, c).Data
	lost := 0
	for i := range n {
		if got, ok := data[fmt.Sprintf("k%d", i)]; !ok || got != float64(i) {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d concurrent writes to different keys were lost", lost, n)
	}
}

func TestCrossSite(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	crossSite := http.Header{"Sec-Fetch-Site": {"cross-site"}}
	evilOrigin := http.Header{"Origin": {"https://evil.example"}}
	form := func(h http.Header) http.Header {
		h = h.Clone()
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		return h
	}

	refused := []struct {
		name, method, path, body string
		hdr                      http.Header
	}{
		{"logout with Sec-Fetch-Site cross-site", "POST", "/logout", "", form(crossSite)},
		{"logout with a foreign Origin", "POST", "/logout", "", form(evilOrigin)},
		{"API PUT with Sec-Fetch-Site cross-site", "PUT", "/api/session/data/x", "1", crossSite},
		{"API PUT with a foreign Origin", "PUT", "/api/session/data/x", "1", evilOrigin},
		{"API cycle with Sec-Fetch-Site cross-site", "POST", "/api/session/cycle", "", crossSite},
		{"revoke all others cross-site", "POST", "/sessions/revoke", "all=others", form(crossSite)},
		{"password change cross-site", "POST", "/password", "old=x&new=yyyyyyyyyy", form(crossSite)},
	}
	for _, tc := range refused {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			c := s.admin(t)
			before := c.session()
			r := c.do(t, tc.method, tc.path, strings.NewReader(tc.body), tc.hdr)
			if r.status != http.StatusForbidden {
				t.Errorf("%s %s: status %d, want 403", tc.method, tc.path, r.status)
			}
			if c.session() != before {
				t.Errorf("the refused request changed the session cookie")
			}
			c.wantWelcome(t, "admin")
			if _, ok := getSession(t, c).Data["x"]; ok {
				t.Errorf("the refused PUT stored its value")
			}
		})
	}
	t.Run("login from another site is refused", func(t *testing.T) {
		c := s.newClient()
		body := url.Values{"username": {"admin"}, "password": {s.adminPW}, "remember": {"1"}}.Encode()
		r := c.do(t, "POST", "/login", strings.NewReader(body), form(crossSite))
		if r.status != http.StatusForbidden {
			t.Errorf("cross-site POST /login: status %d, want 403", r.status)
		}
		c.wantAnonymous(t)
	})
	t.Run("same-origin requests pass", func(t *testing.T) {
		c := s.admin(t)
		if r := c.do(t, "PUT", "/api/session/data/y", strings.NewReader("1"), http.Header{"Sec-Fetch-Site": {"same-origin"}}); r.status != http.StatusNoContent {
			t.Errorf("PUT with Sec-Fetch-Site same-origin: status %d, want 204", r.status)
		}
		if r := c.do(t, "PUT", "/api/session/data/y", strings.NewReader("1"), http.Header{"Origin": {s.base}}); r.status != http.StatusNoContent {
			t.Errorf("PUT with Origin %s: status %d, want 204", s.base, r.status)
		}
	})
	t.Run("a POST with neither header passes", func(t *testing.T) {
		c := s.admin(t)
		if r := c.post(t, "/logout", nil); r.status != http.StatusSeeOther {
			t.Errorf("POST /logout without Origin or Sec-Fetch-Site: status %d, want 303", r.status)
		}
		c.wantAnonymous(t)
	})
}

func TestGarbageCookies(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.admin(t) // a store with a real session in it
	for _, tc := range []struct{ name, cookie string }{
		{"a word", "sessionid=garbage"},
		{"43 random characters", "sessionid=" + randomID()},
		{"a very long value", "sessionid=" + strings.Repeat("a", 4000)},
		{"an empty value", "sessionid=;"},
		{"percent escapes", "sessionid=%00%ff%2e%2e"},
		{"a quoted value", `sessionid="abc"`},
		{"dots and dashes", "sessionid=..--..--"},
		{"two session cookies", "sessionid=" + randomID() + "; sessionid=garbage"},
	} {
		t.Run(tc.name+" is anonymous", func(t *testing.T) {
			c := s.newClient()
			hdr := http.Header{"Cookie": {tc.cookie}}
			r := c.do(t, "GET", "/", nil, hdr)
			if r.status != http.StatusSeeOther || r.location() != "/login?next=%2F" {
				t.Errorf("GET /: %d Location %q, want 303 /login?next=%%2F", r.status, r.location())
			}
			r = c.do(t, "GET", "/api/session", nil, hdr)
			wantJSONError(t, "GET /api/session", r, http.StatusUnauthorized)
			hdr.Set("Content-Type", "application/json")
			r = c.do(t, "PUT", "/api/session/data/k", strings.NewReader("1"), hdr)
			wantJSONError(t, "PUT /api/session/data/k", r, http.StatusUnauthorized)
			r = c.do(t, "GET", "/login", nil, hdr)
			if r.status != http.StatusOK {
				t.Errorf("GET /login: status %d, want 200", r.status)
			}
		})
	}
}
