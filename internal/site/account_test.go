package site_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestPasswordChange(t *testing.T) {
	h := newHarness(t, options{})
	c, other := h.client(), h.client()
	h.login(c, "alice")
	h.login(other, "alice")

	resp, body := h.post(c, "/password", url.Values{"old": {testPassword}, "new": {"new password 1"}, "confirm": {"new password 2"}})
	checkStatus(t, resp, body, http.StatusBadRequest)
	if !strings.Contains(body, "do not match") {
		t.Errorf("mismatch not explained: %s", body)
	}
	resp, body = h.post(c, "/password", url.Values{"old": {"wrong password"}, "new": {"new password 1"}})
	checkStatus(t, resp, body, http.StatusBadRequest)
	resp, body = h.post(c, "/password", url.Values{"old": {testPassword}, "new": {"short"}})
	checkStatus(t, resp, body, http.StatusBadRequest)

	old := h.cookie(c)
	resp, body = h.post(c, "/password", url.Values{"old": {testPassword}, "new": {"new password 1"}, "confirm": {"new password 1"}})
	checkStatus(t, resp, body, http.StatusSeeOther)
	checkPrivate(t, resp)
	if h.cookie(c) == old {
		t.Error("the session kept its ID across a password change")
	}
	resp, body = h.do(c, "GET", "/", nil)
	checkStatus(t, resp, body, http.StatusOK)
	resp, body = h.do(other, "GET", "/", nil)
	checkStatus(t, resp, body, http.StatusSeeOther)
}

// handleRE finds the revoke handles on the sessions page.
var handleRE = regexp.MustCompile(`name="handle" value="([^"]+)"`)

func TestSessionsPageAndRevoke(t *testing.T) {
	h := newHarness(t, options{})
	c, b, d := h.client(), h.client(), h.client()
	h.login(c, "alice")
	h.login(b, "alice")
	h.login(d, "alice")

	resp, body := h.do(c, "GET", "/sessions", nil)
	checkStatus(t, resp, body, http.StatusOK)
	checkPrivate(t, resp)
	handles := handleRE.FindAllStringSubmatch(body, -1)
	if len(handles) != 3 {
		t.Fatalf("%d sessions listed, want 3: %s", len(handles), body)
	}
	if strings.Count(body, "This device") != 1 {
		t.Errorf("want exactly one \"This device\": %s", body)
	}
	if strings.Contains(body, h.cookie(c)) {
		t.Fatal("the page shows a session ID")
	}

	// Revoke the first session that is not this device.
	var victim string
	for _, m := range handles {
		row := body[:strings.Index(body, m[0])]
		if !strings.HasSuffix(strings.TrimSpace(row[strings.LastIndex(row, "<td>"):]), "</strong>") {
			victim = m[1]
			break
		}
	}
	resp, body = h.post(c, "/sessions/revoke", url.Values{"handle": {victim}})
	checkStatus(t, resp, body, http.StatusSeeOther)
	if got := resp.Header.Get("Location"); got != "/sessions" {
		t.Errorf("Location = %q, want /sessions", got)
	}
	alive := 0
	for _, cl := range []*http.Client{b, d} {
		if resp, _ := h.do(cl, "GET", "/", nil); resp.StatusCode == http.StatusOK {
			alive++
		}
	}
	if alive != 1 {
		t.Errorf("%d other sessions alive after revoking one of two, want 1", alive)
	}

	resp, body = h.post(c, "/sessions/revoke", url.Values{"all": {"others"}})
	checkStatus(t, resp, body, http.StatusSeeOther)
	for _, cl := range []*http.Client{b, d} {
		resp, body := h.do(cl, "GET", "/", nil)
		checkStatus(t, resp, body, http.StatusSeeOther)
	}
	resp, body = h.do(c, "GET", "/", nil)
	checkStatus(t, resp, body, http.StatusOK)

	resp, body = h.post(c, "/sessions/revoke", url.Values{"handle": {"no-such-handle"}})
	checkStatus(t, resp, body, http.StatusSeeOther)
	resp, body = h.post(c, "/sessions/revoke", nil)
	checkStatus(t, resp, body, http.StatusBadRequest)
}
