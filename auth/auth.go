// Package auth signs users in and out on top of latch sessions, what
// django.contrib.auth is for a Django site: an accounts store ([Users]),
// [Auth.Authenticate] that costs the same whether or not the user exists,
// [Auth.Login] that cycles the session ID, a session auth hash that ends
// every other session when the password changes, [Auth.RequireLogin] with
// a safe "next", login throttling, the "your sessions" page, and an audit
// hook.
//
// Wire it inside the session middleware:
//
//	m.Handler(a.Middleware(mux))
//
// and wrap state-changing routes with [CrossOrigin].
package auth

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/auth/throttle"
)

// Config holds the settings of an [Auth]. Sessions and Users are required;
// every other zero field means its documented default.
type Config struct {
	// Sessions is the session engine. Required. Listing and revoking a
	// user's sessions need its store to implement [latch.UserIndex].
	Sessions *latch.Manager

	// Users is the accounts store. Required.
	Users Users

	// Hasher hashes and verifies passwords. Default: password.New with
	// its defaults (argon2id with OWASP's parameters).
	Hasher *password.Hasher

	// Throttle limits failed sign-ins per user name and per client
	// address. Default nil: no throttling.
	Throttle *throttle.Limiter

	// LoginURL is where [Auth.RequireLogin] sends anonymous requests.
	// Default "/login". It may carry a query; "next" is added to it.
	LoginURL string

	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; see [Auth.ClientIP]. Default none: the client address is
	// the connection's peer.
	TrustedProxies []netip.Prefix

	// Audit receives the security events. Default: [LogEvent], which logs
	// them with log/slog.
	Audit func(ctx context.Context, e Event)
}

// Auth signs users in and out. It is safe for concurrent use; make one
// with [New].
type Auth struct {
	sessions *latch.Manager
	users    Users
	hasher   *password.Hasher
	throttle *throttle.Limiter
	loginURL *url.URL
	proxies  []netip.Prefix
	audit    func(context.Context, Event)
}

// New returns an Auth configured by cfg, or an error that names every
// invalid setting.
func New(cfg Config) (*Auth, error) {
	var errs []error
	if cfg.Sessions == nil {
		errs = append(errs, errors.New("auth: Config.Sessions is required"))
	}
	if cfg.Users == nil {
		errs = append(errs, errors.New("auth: Config.Users is required"))
	}
	if cfg.LoginURL == "" {
		cfg.LoginURL = "/login"
	}
	login, err := url.Parse(cfg.LoginURL)
	if err != nil {
		errs = append(errs, fmt.Errorf("auth: Config.LoginURL: %w", err))
	}
	for _, p := range cfg.TrustedProxies {
		if !p.IsValid() {
			errs = append(errs, fmt.Errorf("auth: Config.TrustedProxies: invalid prefix %v", p))
		}
	}
	if cfg.Hasher == nil {
		h, err := password.New(password.Options{})
		if err != nil {
			errs = append(errs, err)
		}
		cfg.Hasher = h
	}
	if cfg.Audit == nil {
		cfg.Audit = LogEvent
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Auth{
		sessions: cfg.Sessions,
		users:    cfg.Users,
		hasher:   cfg.Hasher,
		throttle: cfg.Throttle,
		loginURL: login,
		proxies:  cfg.TrustedProxies,
		audit:    cfg.Audit,
	}, nil
}

// Users returns the accounts store.
func (a *Auth) Users() Users { return a.users }

// usersErr wraps a failure of the user store: not-found and exists stay
// recognisable, anything else becomes [ErrUnavailable].
func usersErr(op string, err error) error {
	if errors.Is(err, ErrUserNotFound) || errors.Is(err, ErrUserExists) {
		return fmt.Errorf("auth: %s: %w", op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}
