package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/latchgo/latch"
)

// current holds the user of one request, so that Login and Logout can
// change what CurrentUser returns for the rest of it.
type current struct {
	mu       sync.Mutex
	user     User
	signedIn bool
}

type currentKey struct{}

// Middleware resolves the signed-in user of each request before next runs,
// so that [CurrentUser] works in next. It must sit inside
// [latch.Manager.Handler]:
//
//	m.Handler(a.Middleware(mux))
//
// A session whose user is gone, inactive, or whose session auth hash no
// longer matches the user's password hash (the password changed since)
// is treated as anonymous and destroyed, as Django flushes it. A failure
// of the session store or of the user store is not: the request is
// answered with 503 and Retry-After, never signed out silently.
//
// A request without a session cookie costs no store access. With
// [Config.UserCacheTTL], a signed-in request whose user was read recently
// costs no user store access either.
func (a *Auth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok, err := a.resolve(r.Context())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), currentKey{}, &current{user: u, signedIn: ok})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// CurrentUser returns the user signed in to the request whose context is
// ctx, and whether there is one. It reports false outside [Auth.Middleware].
func CurrentUser(ctx context.Context) (User, bool) {
	c, _ := ctx.Value(currentKey{}).(*current)
	if c == nil {
		return User{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user, c.signedIn
}

// setCurrent changes what CurrentUser returns for the request of ctx.
func setCurrent(ctx context.Context, u User, signedIn bool) {
	if c, _ := ctx.Value(currentKey{}).(*current); c != nil {
		c.mu.Lock()
		c.user, c.signedIn = u, signedIn
		c.mu.Unlock()
	}
}

// resolve returns the user signed in to the session of ctx.
func (a *Auth) resolve(ctx context.Context) (User, bool, error) {
	s := latch.FromContext(ctx)
	id, err := s.UserID()
	if err != nil || id == "" {
		return User{}, false, err
	}
	u, cached, err := a.userByID(ctx, id, false)
	ok, err := signedIn(s, u, err)
	if !ok && err == nil && cached {
		// A cached user only delays a sign-out, never causes one: the user
		// may have been reactivated, or signed in to this session under a
		// new password, in another process.
		u, _, err = a.userByID(ctx, id, true)
		ok, err = signedIn(s, u, err)
	}
	switch {
	case err != nil:
		return User{}, false, err
	case !ok:
		return User{}, false, s.Destroy()
	}
	return u, true, nil
}

// signedIn reports whether u, read with err, is signed in to s: it exists,
// is active, and s holds the auth hash of its password. An error is a
// failure of a store.
func signedIn(s *latch.Session, u User, err error) (bool, error) {
	switch {
	case errors.Is(err, ErrUserNotFound):
		return false, nil
	case err != nil:
		return false, usersErr("load signed-in user", err)
	case !u.Active:
		return false, nil
	}
	stored, err := latch.Get[string](s, SessionAuthHash)
	if err != nil && errors.Is(err, latch.ErrUnavailable) {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(stored), []byte(authHash(u.PasswordHash))) == 1, nil
}

// user returns the signed-in user of r, resolving it when r did not pass
// through Middleware.
func (a *Auth) user(r *http.Request) (User, error) {
	ctx := r.Context()
	u, ok := CurrentUser(ctx)
	if ctx.Value(currentKey{}) == nil {
		var err error
		if u, ok, err = a.resolve(ctx); err != nil {
			return User{}, err
		}
	}
	if !ok {
		return User{}, ErrNotSignedIn
	}
	return u, nil
}

// fail answers a request whose user could not be resolved.
func (a *Auth) fail(w http.ResponseWriter, r *http.Request, err error) {
	slog.ErrorContext(r.Context(), "auth: resolving the signed-in user failed", "err", err, "path", r.URL.Path)
	status := HTTPStatus(err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	http.Error(w, http.StatusText(status), status)
}
