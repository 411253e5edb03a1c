package auth

import (
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client that sent r.
//
// It is the connection's peer address, unless that peer is one of
// [Config.TrustedProxies]: then X-Forwarded-For is read from the right,
// skipping trusted proxies, and the first address that is not one of them
// is the client. A header added by the client itself is thus never
// believed. When every hop is trusted, the leftmost is returned; an
// unparsable hop ends the walk at the trusted proxy that reported it.
// IPv4-mapped IPv6 addresses are unmapped and zones dropped. The zero
// Addr means RemoteAddr could not be parsed.
func (a *Auth) ClientIP(r *http.Request) netip.Addr {
	addr := parseHop(r.RemoteAddr)
	if !addr.IsValid() || !a.trusted(addr) {
		return addr
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseHop(hops[i])
		if !hop.IsValid() {
			return addr
		}
		addr = hop
		if !a.trusted(hop) {
			return hop
		}
	}
	return addr
}

// trusted reports whether addr is one of the trusted proxies.
func (a *Auth) trusted(addr netip.Addr) bool {
	for _, p := range a.proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedFor returns the hops of every X-Forwarded-For header, in order.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for hop := range strings.SplitSeq(v, ",") {
			hops = append(hops, strings.TrimSpace(hop))
		}
	}
	return hops
}

// parseHop parses "ip", "ip:port" or "[ip]:port".
func parseHop(s string) netip.Addr {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}
		}
		addr = ap.Addr()
	}
	return addr.Unmap().WithZone("")
}
