package latch

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"time"
)

// Config holds the settings of a [Manager]. The zero value of every field
// means its documented default, so Config{} is Django's defaults.
type Config struct {
	// CookieName is the name of the session cookie. Default "sessionid".
	CookieName string

	// Lifetime is the absolute lifetime of a session from its creation.
	// Default 14 days.
	Lifetime time.Duration

	// IdleTimeout ends a session that has seen no request for this long.
	// Default 0: off.
	IdleTimeout time.Duration

	// ExpireOnClose makes session cookies browser-session cookies (no
	// Max-Age). The session still ends on the server as configured.
	ExpireOnClose bool

	// SaveEveryRequest writes the session and re-sends its cookie on every
	// request that carries one, not only when it changed.
	SaveEveryRequest bool

	// TouchInterval is how often, at most, an unchanged session is written
	// to move its last-active time (and so its idle deadline). With an idle
	// timeout it is at most a tenth of that timeout. Default 1 minute.
	TouchInterval time.Duration

	// Domain and Path are the cookie's attributes. Default: no Domain
	// (host-only), Path "/".
	Domain string
	Path   string

	// Secure sets the cookie's Secure attribute. Default [SecureAuto]:
	// when the request came over TLS.
	Secure Secure

	// AllowScriptAccess drops the HttpOnly attribute. Default false: the
	// cookie is HttpOnly, out of reach of scripts.
	AllowScriptAccess bool

	// SameSite is the cookie's SameSite attribute. Default Lax.
	SameSite http.SameSite

	// MaxSize bounds the encoded size of one session in bytes; Set returns
	// [ErrTooLarge] past it. Default 1 MiB.
	MaxSize int

	// StoreTimeout bounds every call to the store, so that a store that
	// does not answer holds no request longer. Default 2 s.
	StoreTimeout time.Duration

	// ErrorHandler answers a request whose session could not be saved.
	// Default [DefaultErrorHandler].
	ErrorHandler func(http.ResponseWriter, *http.Request, error)

	// Logger receives store failures. Default [slog.Default].
	Logger *slog.Logger
}

// Secure says when the session cookie carries the Secure attribute.
type Secure int

const (
	SecureAuto   Secure = iota // when the request came over TLS
	SecureAlways               // always; use behind a TLS-terminating proxy
	SecureNever                // never; for plain-HTTP development only
)

var cookieNameRE = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")

// withDefaults validates c and fills in the defaults.
func (c Config) withDefaults() (Config, error) {
	set := func(p *time.Duration, d time.Duration) {
		if *p == 0 {
			*p = d
		}
	}
	if c.CookieName == "" {
		c.CookieName = "sessionid"
	}
	set(&c.Lifetime, 14*24*time.Hour)
	set(&c.TouchInterval, time.Minute)
	set(&c.StoreTimeout, 2*time.Second)
	if c.Path == "" {
		c.Path = "/"
	}
	if c.SameSite == 0 {
		c.SameSite = http.SameSiteLaxMode
	}
	if c.MaxSize == 0 {
		c.MaxSize = 1 << 20
	}
	if c.ErrorHandler == nil {
		c.ErrorHandler = DefaultErrorHandler
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	var errs []error
	check := func(bad bool, format string, args ...any) {
		if bad {
			errs = append(errs, fmt.Errorf("latch: "+format, args...))
		}
	}
	check(!cookieNameRE.MatchString(c.CookieName), "cookie name %q is not a valid cookie name", c.CookieName)
	check(c.Lifetime < time.Second, "lifetime %v is shorter than a second", c.Lifetime)
	check(c.IdleTimeout < 0, "idle timeout %v is negative", c.IdleTimeout)
	check(c.TouchInterval < 0, "touch interval %v is negative", c.TouchInterval)
	check(c.StoreTimeout < 0, "store timeout %v is negative", c.StoreTimeout)
	check(c.MaxSize < 64, "max size %d is below 64 bytes", c.MaxSize)
	check(c.Secure < SecureAuto || c.Secure > SecureNever, "unknown Secure mode %d", c.Secure)
	check(c.SameSite == http.SameSiteNoneMode && c.Secure == SecureNever, "SameSite=None needs a Secure cookie")
	return c, errors.Join(errs...)
}
