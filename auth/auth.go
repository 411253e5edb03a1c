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
	"time"

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

	// UserCacheTTL, when positive, lets [Auth.Middleware] and
	// [Auth.RequireLogin] reuse a user read from Users by ID less than
	// this long ago, instead of reading it on every signed-in request.
	// Default 0: no cache, every signed-in request reads its user.
	//
	// The trade: a change to a user made by another process (another
	// instance deactivating the user or changing the password, `latch
	// passwd`, a direct write to the store) is seen by this process up to
	// UserCacheTTL late. Until then a deactivated user stays signed in
	// here, and so does a session signed in under the old password that
	// is still in the session store. Sessions deleted from the session
	// store are dead at once whatever the TTL, because every request
	// still loads its session from there: those revoked, signed out, or
	// ended by a password change through the store's [latch.UserIndex],
	// as `latch passwd` and [Auth.SetPassword] do.
	//
	// The cache only delays sign-outs, never causes one: a session that
	// the cached user would end (inactive, or a session auth hash that
	// does not match) is checked against a fresh read first. Changes made
	// through this Auth ([Auth.ChangePassword], [Auth.SetPassword], the
	// upgrade of a hash at sign-in, and SetPasswordHash or SetActive on
	// [Auth.Users]) drop the user from the cache at once.
	UserCacheTTL time.Duration

	// UserCacheSize bounds the number of users the cache holds; when it
	// is full, expired users are dropped, or all of them. Default
	// [DefaultUserCacheSize]. It matters only with UserCacheTTL.
	UserCacheSize int
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
	cache    *userCache // nil without Config.UserCacheTTL
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
	if cfg.UserCacheTTL < 0 {
		errs = append(errs, fmt.Errorf("auth: Config.UserCacheTTL: must not be negative, got %v", cfg.UserCacheTTL))
	}
	if cfg.UserCacheSize < 0 {
		errs = append(errs, fmt.Errorf("auth: Config.UserCacheSize: must not be negative, got %d", cfg.UserCacheSize))
	}
	if cfg.UserCacheSize == 0 {
		cfg.UserCacheSize = DefaultUserCacheSize
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	a := &Auth{
		sessions: cfg.Sessions,
		users:    cfg.Users,
		hasher:   cfg.Hasher,
		throttle: cfg.Throttle,
		loginURL: login,
		proxies:  cfg.TrustedProxies,
		audit:    cfg.Audit,
	}
	if cfg.UserCacheTTL > 0 {
		a.cache = newUserCache(cfg.UserCacheTTL, cfg.UserCacheSize)
		a.users = forgettingUsers{a.users, a.cache}
	}
	return a, nil
}

// Users returns the accounts store. With a user cache
// ([Config.UserCacheTTL]) it is a wrapper of [Config.Users] whose
// SetPasswordHash and SetActive also drop the user from the cache.
func (a *Auth) Users() Users { return a.users }

// usersErr wraps a failure of the user store: not-found and exists stay
// recognisable, anything else becomes [ErrUnavailable].
func usersErr(op string, err error) error {
	if errors.Is(err, ErrUserNotFound) || errors.Is(err, ErrUserExists) {
		return fmt.Errorf("auth: %s: %w", op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}
