package site_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/latchgo/latch"
)

func TestAPIAnonymousIs401JSON(t *testing.T) {
	h := newHarness(t, options{})
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/session"}, {"PUT", "/api/session/data/k"}, {"DELETE", "/api/session/data/k"}, {"POST", "/api/session/cycle"},
	} {
		resp, body := h.do(h.client(), r.method, r.path, strings.NewReader("1"))
		checkStatus(t, resp, body, http.StatusUnauthorized)
		checkPrivate(t, resp)
		var e struct{ Error string }
		if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
			t.Errorf("%s %s: body %q, want {\"error\": ...}", r.method, r.path, body)
		}
	}
}

func TestAPIPutGetDelete(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	h.login(c, "alice")
	resp, body := h.do(c, "PUT", "/api/session/data/cart", strings.NewReader(`{"items":[1,2.5,"x"],"n":9007199254740993}`))
	checkStatus(t, resp, body, http.StatusNoContent)
	checkPrivate(t, resp)

	resp, body = h.do(c, "GET", "/api/session", nil)
	checkStatus(t, resp, body, http.StatusOK)
	checkPrivate(t, resp)
	var got struct {
		Data      map[string]json.RawMessage `json:"data"`
		CreatedAt string                     `json:"created_at"`
		ExpiresAt string                     `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if want := `{"items":[1,2.5,"x"],"n":9007199254740993}`; string(got.Data["cart"]) != want {
		t.Errorf("data.cart = %s, want %s", got.Data["cart"], want)
	}
	for k := range got.Data {
		if strings.HasPrefix(k, "_") {
			t.Errorf("internal key %q shown", k)
		}
	}
	for _, ts := range []string{got.CreatedAt, got.ExpiresAt} {
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("time %q is not RFC 3339", ts)
		}
	}

	for range 2 { // absent the second time: still 204
		resp, body = h.do(c, "DELETE", "/api/session/data/cart", nil)
		checkStatus(t, resp, body, http.StatusNoContent)
	}
	_, body = h.do(c, "GET", "/api/session", nil)
	if strings.Contains(body, "cart") {
		t.Errorf("deleted value still there: %s", body)
	}
}

func TestAPIPutRejects(t *testing.T) {
	h := newHarness(t, options{session: latch.Config{MaxSize: 4096}})
	c := h.client()
	h.login(c, "alice")
	tests := []struct {
		name, path, body string
		want             int
	}{
		{"internal name", "/api/session/data/_auth", `1`, 400},
		{"encoded internal name", "/api/session/data/%5Fx", `1`, 400},
		{"name over 128 bytes", "/api/session/data/" + strings.Repeat("n", 129), `1`, 400},
		{"name of 128 bytes", "/api/session/data/" + strings.Repeat("n", 128), `1`, 204},
		{"empty name", "/api/session/data/", `1`, 400},
		{"not JSON", "/api/session/data/k", `{nope`, 400},
		{"trailing data", "/api/session/data/k", `1 2`, 400},
		{"invalid UTF-8", "/api/session/data/k", "\"\xc3\x28\"", 400},
		{"33 levels deep", "/api/session/data/k", strings.Repeat("[", 33) + strings.Repeat("]", 33), 400},
		{"32 levels deep", "/api/session/data/k", strings.Repeat("[", 32) + strings.Repeat("]", 32), 204},
		{"body over 64 KiB", "/api/session/data/k", `"` + strings.Repeat("a", 64<<10) + `"`, 413},
		{"session over its limit", "/api/session/data/big", `"` + strings.Repeat("a", 5000) + `"`, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.do(c, "PUT", tt.path, strings.NewReader(tt.body))
			checkStatus(t, resp, body, tt.want)
			checkPrivate(t, resp)
			if tt.want >= 400 && !strings.HasPrefix(body, `{"error":`) {
				t.Errorf("body %q, want a JSON error", body)
			}
		})
	}
}

func TestAPICycle(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	h.login(c, "alice")
	h.do(c, "PUT", "/api/session/data/k", strings.NewReader(`"v"`))
	old := h.cookie(c)
	resp, body := h.do(c, "POST", "/api/session/cycle", nil)
	checkStatus(t, resp, body, http.StatusNoContent)
	if h.cookie(c) == old {
		t.Fatal("cycle kept the session ID")
	}
	_, body = h.do(c, "GET", "/api/session", nil)
	if !strings.Contains(body, `"k":"v"`) {
		t.Errorf("cycle lost the data: %s", body)
	}
	resp, body = h.do(h.client(), "GET", "/api/session", nil, "Cookie", "sessionid="+old)
	checkStatus(t, resp, body, http.StatusUnauthorized)
}

func TestHomeFormsSetAndDelete(t *testing.T) {
	h := newHarness(t, options{})
	c := h.client()
	h.login(c, "alice")
	resp, body := h.post(c, "/session/set", url.Values{"key": {"colour"}, "value": {"<blue>"}})
	checkStatus(t, resp, body, http.StatusSeeOther)
	h.post(c, "/session/set", url.Values{"key": {"n"}, "value": {"42"}})
	_, body = h.do(c, "GET", "/api/session", nil)
	if !strings.Contains(body, `"colour":"\u003cblue\u003e"`) || !strings.Contains(body, `"n":42`) {
		t.Errorf("values not set: %s", body)
	}
	_, body = h.do(c, "GET", "/", nil)
	if !strings.Contains(body, "&#34;&lt;blue&gt;&#34;") {
		t.Errorf("home does not show the value escaped: %s", body)
	}
	resp, body = h.post(c, "/session/delete", url.Values{"key": {"colour"}})
	checkStatus(t, resp, body, http.StatusSeeOther)
	_, body = h.do(c, "GET", "/api/session", nil)
	if strings.Contains(body, "colour") {
		t.Errorf("value not deleted: %s", body)
	}
	resp, body = h.post(c, "/session/set", url.Values{"key": {"_auth_hash"}, "value": {"x"}})
	checkStatus(t, resp, body, http.StatusBadRequest)
}
