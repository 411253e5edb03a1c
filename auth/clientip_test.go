package auth_test

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/memstore"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name    string
		proxies []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{"ipv4 peer", nil, "192.0.2.1:1234", nil, "192.0.2.1"},
		{"ipv6 peer", nil, "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"ipv6 peer with zone", nil, "[fe80::1%eth0]:443", nil, "fe80::1"},
		{"ipv4-mapped peer", nil, "[::ffff:192.0.2.1]:80", nil, "192.0.2.1"},
		{"peer without port", nil, "192.0.2.1", nil, "192.0.2.1"},
		{"garbage peer", nil, "not an address", nil, "invalid IP"},
		{"header ignored without trusted proxies", nil, "192.0.2.1:1", []string{"198.51.100.7"}, "192.0.2.1"},
		{"header ignored from an untrusted peer", trusted, "192.0.2.1:1", []string{"198.51.100.7"}, "192.0.2.1"},
		{"trusted peer: header believed", trusted, "10.0.0.1:1", []string{"198.51.100.7"}, "198.51.100.7"},
		{"rightmost untrusted hop wins", trusted, "10.0.0.1:1", []string{"6.6.6.6, 198.51.100.7, 10.0.0.2"}, "198.51.100.7"},
		{"several headers are one list", trusted, "10.0.0.1:1", []string{"6.6.6.6", "198.51.100.7", "10.0.0.2"}, "198.51.100.7"},
		{"ipv6 hops", trusted, "[fd00::1]:1", []string{"2001:db8::9, fd00::2"}, "2001:db8::9"},
		{"hop with port", trusted, "10.0.0.1:1", []string{"198.51.100.7:5555"}, "198.51.100.7"},
		{"all hops trusted: leftmost", trusted, "10.0.0.1:1", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		{"garbage hop stops at the proxy that sent it", trusted, "10.0.0.1:1", []string{"198.51.100.7, junk, 10.0.0.2"}, "10.0.0.2"},
		{"empty header", trusted, "10.0.0.1:1", nil, "10.0.0.1"},
	}
	store := memstore.New()
	t.Cleanup(func() { store.Close() })
	m, _ := latch.New(store, latch.Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := auth.New(auth.Config{Sessions: m, Users: auth.NewMemoryUsers(), TrustedProxies: tt.proxies})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := a.ClientIP(r).String(); got != tt.want {
				t.Errorf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}
}
