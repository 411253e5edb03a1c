package latch

import "time"

type expiryKind byte

const (
	expireDefault expiryKind = iota
	expireOnClose
	expireAfter
	expireAt
)

// Expiry says when one session ends, overriding the [Config] for it. Make
// one with [ExpireAfter], [ExpireAt], [ExpireOnClose] or [ExpireDefault];
// the zero value is ExpireDefault.
type Expiry struct {
	kind expiryKind
	d    time.Duration
	t    time.Time
}

// ExpireAfter ends the session after d without a request, in place of
// [Config.IdleTimeout]. The absolute [Config.Lifetime] still applies.
func ExpireAfter(d time.Duration) Expiry { return Expiry{kind: expireAfter, d: d} }

// ExpireAt ends the session at t, in place of [Config.Lifetime] and
// [Config.IdleTimeout].
func ExpireAt(t time.Time) Expiry { return Expiry{kind: expireAt, t: t.Round(0)} }

// ExpireOnClose makes the cookie a browser-session cookie, dropped when the
// browser closes. On the server the session still ends as configured.
func ExpireOnClose() Expiry { return Expiry{kind: expireOnClose} }

// ExpireDefault returns the session to the expiry of the [Config].
func ExpireDefault() Expiry { return Expiry{} }

// deadline returns when a session with header h ends on the server, and the
// absolute part of it, which the cookie carries.
func (c *Config) deadline(h header) (end, absolute time.Time) {
	absolute = h.created.Add(c.Lifetime)
	idle := c.IdleTimeout
	switch h.expiry.kind {
	case expireAt:
		return h.expiry.t, h.expiry.t
	case expireAfter:
		idle = h.expiry.d
	}
	end = absolute
	if idle > 0 {
		if t := h.lastActive.Add(idle); t.Before(end) {
			end = t
		}
	}
	return end, absolute
}

// idleLimit is the inactivity timeout in force for header h, or 0.
func (c *Config) idleLimit(h header) time.Duration {
	switch h.expiry.kind {
	case expireAt:
		return 0
	case expireAfter:
		return h.expiry.d
	}
	return c.IdleTimeout
}

// touchDue reports whether the last-active time of h should be moved to now
// by a write: often enough to keep an idle deadline honest, rarely enough
// that a busy session does not cost a write per request.
func (c *Config) touchDue(h header, now time.Time) bool {
	every := c.TouchInterval
	if idle := c.idleLimit(h); idle > 0 && idle/10 < every {
		every = idle / 10
	}
	return every >= 0 && now.Sub(h.lastActive) >= every
}

// onClose reports whether the cookie should be a browser-session cookie.
func (c *Config) onClose(h header) bool {
	switch h.expiry.kind {
	case expireOnClose:
		return true
	case expireDefault:
		return c.ExpireOnClose
	}
	return false
}
