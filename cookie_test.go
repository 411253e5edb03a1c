package latch

import (
	"net/http"
	"testing"
)

func TestSessionIDFromCookieHeader(t *testing.T) {
	id := newID()
	cases := []struct {
		name   string
		header []string
		want   string
	}{
		{"alone", []string{"sessionid=" + id}, id},
		{"among others", []string{"a=1; sessionid=" + id + "; b=2"}, id},
		{"quoted", []string{`sessionid="` + id + `"`}, id},
		{"second header line", []string{"a=1", "sessionid=" + id}, id},
		{"first malformed, second good", []string{"sessionid=bad; sessionid=" + id}, id},
		{"other name", []string{"xsessionid=" + id}, ""},
		{"malformed only", []string{"sessionid=" + id[:42]}, ""},
		{"no value", []string{"sessionid"}, ""},
		{"none", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{Header: http.Header{"Cookie": tc.header}}
			if got := sessionID(r, "sessionid"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzSessionID checks that the cookie parser never panics, and that what
// it returns is a well-formed ID that net/http's own parser also sees.
func FuzzSessionID(f *testing.F) {
	f.Add("sessionid=" + newID())
	f.Add(`a=1; sessionid="` + newID() + `"; b`)
	f.Add(";;=;sessionid=;")
	f.Fuzz(func(t *testing.T, header string) {
		r := &http.Request{Header: http.Header{"Cookie": {header}}}
		got := sessionID(r, "sessionid")
		if got == "" {
			return
		}
		if !validID(got) {
			t.Fatalf("returned malformed ID %q", got)
		}
		for _, c := range r.CookiesNamed("sessionid") {
			if c.Value == got {
				return
			}
		}
		t.Fatalf("returned %q, which net/http does not see in %q", got, header)
	})
}
