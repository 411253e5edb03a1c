package latch

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
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

// TestSetCookieMatchesNetHTTP checks the hand-built Set-Cookie header
// against what http.SetCookie writes for the same cookie.
func TestSetCookieMatchesNetHTTP(t *testing.T) {
	id := newID()
	cases := []struct {
		name string
		cfg  Config
		tls  bool
		id   string
		h    header
	}{
		{"defaults", Config{}, false, id, header{}},
		{"over TLS", Config{}, true, id, header{}},
		{"always secure, strict, domain", Config{Secure: SecureAlways, SameSite: http.SameSiteStrictMode, Domain: "example.com", Path: "/app"}, false, id, header{}},
		{"script access", Config{AllowScriptAccess: true, Secure: SecureNever}, true, id, header{}},
		{"browser session", Config{ExpireOnClose: true}, false, id, header{}},
		{"expired", Config{}, false, "", header{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(nopStore{}, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			r := &http.Request{}
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			h := header{created: time.Now(), lastActive: time.Now()}
			w := httptest.NewRecorder()
			m.setCookie(w, r, tc.id, h)
			got, err := http.ParseSetCookie(w.Header().Get("Set-Cookie"))
			if err != nil {
				t.Fatal(err)
			}
			cfg := m.cfg
			want := &http.Cookie{
				Name: cfg.CookieName, Value: tc.id, Path: cfg.Path, Domain: cfg.Domain,
				HttpOnly: !cfg.AllowScriptAccess, SameSite: cfg.SameSite,
				Secure: cfg.Secure == SecureAlways || cfg.Secure == SecureAuto && tc.tls,
			}
			switch {
			case tc.id == "":
				want.MaxAge = -1
			case !cfg.ExpireOnClose:
				want.MaxAge = got.MaxAge // checked below
				if got.MaxAge < int(cfg.Lifetime.Seconds())-5 {
					t.Errorf("Max-Age = %d, want about %v", got.MaxAge, cfg.Lifetime)
				}
			}
			if got.String() != want.String() {
				t.Errorf("Set-Cookie = %q\nwant         %q", got.String(), want.String())
			}
		})
	}
}

func TestBadCookieSettingsAreRefused(t *testing.T) {
	for _, cfg := range []Config{{Path: "/a;b"}, {Domain: "exa mple.com"}} {
		if _, err := New(nopStore{}, cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad cookie setting", cfg)
		}
	}
}

type nopStore struct{}

func (nopStore) Load(context.Context, string) (Record, error) { return Record{}, ErrNotFound }
func (nopStore) Save(context.Context, Record) error           { return nil }
func (nopStore) Delete(context.Context, string) error         { return nil }
