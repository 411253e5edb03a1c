package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth/throttle"
)

// Session keys written by [Auth.Login]. Keys beginning with "_" are
// internal: sites never show or accept them.
const (
	SessionAuthHash  = "_auth_hash" // see authHash
	SessionIP        = "_auth_ip"   // client address at sign-in
	SessionUserAgent = "_auth_ua"   // User-Agent at sign-in, at most 256 bytes
	SessionAt        = "_auth_at"   // time of sign-in
)

// maxUserAgent bounds the User-Agent kept in a session.
const maxUserAgent = 256

// SignIn signs in the user called name with password pw, for a login
// form: it checks the throttle for the name and the client address, calls
// [Auth.Authenticate], records a failure for both keys when it fails and
// forgets the name's failures when it succeeds, and then calls
// [Auth.Login]. Failures and throttling go to the audit hook.
//
// Errors: [ErrInvalidCredentials] (answer 401 and the form again),
// a [*throttle.Error] (429), [password.ErrBusy] (503), [ErrUnavailable]
// and latch errors (503); [HTTPStatus] maps them. For the 429 and 503
// answers SignIn sets Retry-After on w; the caller writes the status.
func (a *Auth) SignIn(w http.ResponseWriter, r *http.Request, name, pw string) (User, error) {
	ctx := r.Context()
	ip := a.ClientIP(r)
	userKey, keys := throttleKeys(name, ip)
	if err := a.checkThrottle(r, name, keys); err != nil {
		setRetryAfter(w, err)
		return User{}, err
	}
	u, err := a.Authenticate(ctx, name, pw)
	if errors.Is(err, ErrInvalidCredentials) {
		if a.throttle != nil {
			if ferr := a.throttle.Fail(ctx, keys...); ferr != nil {
				slog.ErrorContext(ctx, "auth: recording a failed sign-in failed", "err", ferr)
			}
		}
		a.emit(ctx, r, EventSignInFailed, User{Name: name}, "")
		return User{}, err
	}
	if err != nil {
		setRetryAfter(w, err)
		return User{}, err
	}
	if a.throttle != nil {
		if err := a.throttle.Reset(ctx, userKey); err != nil {
			slog.ErrorContext(ctx, "auth: resetting the sign-in throttle failed", "err", err)
		}
	}
	if err := a.Login(r, u); err != nil {
		setRetryAfter(w, err)
		return User{}, err
	}
	return u, nil
}

// throttleKeys returns the throttle key of name and the keys SignIn
// checks. An IPv6 client is limited by its /64, which one subscriber
// usually holds whole.
func throttleKeys(name string, ip netip.Addr) (string, []string) {
	if len(name) > 4*MaxNameLength {
		name = name[:4*MaxNameLength] // no real name is longer
	}
	if ip.Is6() {
		ip = netip.PrefixFrom(ip, 64).Masked().Addr()
	}
	userKey := "user:" + name
	return userKey, []string{userKey, "ip:" + ip.String()}
}

// checkThrottle returns a *throttle.Error when keys are throttled, and
// audits it.
func (a *Auth) checkThrottle(r *http.Request, name string, keys []string) error {
	if a.throttle == nil {
		return nil
	}
	err := a.throttle.Check(r.Context(), keys...)
	var te *throttle.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		a.emit(r.Context(), r, EventThrottled, User{Name: name}, "retry after "+te.RetryAfter.String())
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// setRetryAfter sets the Retry-After header that answers err, if any.
func setRetryAfter(w http.ResponseWriter, err error) {
	var te *throttle.Error
	switch {
	case errors.As(err, &te):
		w.Header().Set("Retry-After", strconv.Itoa(int((te.RetryAfter+time.Second-1)/time.Second)))
	case HTTPStatus(err) == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	}
}

// Login signs u in to the request's session, what Django's login does.
// It always gives the session a new ID (also when u was signed in
// already), and starts a new, empty session when another user was signed
// in; it records u's ID, the session auth hash, and the client address,
// User-Agent and time for the "your sessions" page. r must have passed
// through [latch.Manager.Handler]; the changes are written with the
// response. [CurrentUser] returns u for the rest of the request.
func (a *Auth) Login(r *http.Request, u User) error {
	ctx := r.Context()
	s := latch.FromContext(ctx)
	prev, err := s.UserID()
	if err != nil {
		return err
	}
	if prev != "" && prev != u.ID {
		err = s.Destroy() // nothing of the previous user's session carries over
	} else {
		err = s.Cycle()
	}
	if err != nil {
		return err
	}
	err = errors.Join(
		s.SetUserID(u.ID),
		s.Set(SessionAuthHash, authHash(u.PasswordHash)),
		s.Set(SessionIP, a.ClientIP(r).String()),
		s.Set(SessionUserAgent, truncate(r.UserAgent(), maxUserAgent)),
		s.Set(SessionAt, time.Now()),
	)
	if err != nil {
		return err
	}
	setCurrent(ctx, u, true)
	a.emit(ctx, r, EventSignedIn, u, "")
	return nil
}

// Logout signs the request's user out, what Django's logout does: the
// session is deleted from the store and its cookie expired, so that an old
// copy of the cookie signs nobody in. Logging out an anonymous request is
// not an error.
func (a *Auth) Logout(r *http.Request) error {
	ctx := r.Context()
	u, signedIn := CurrentUser(ctx)
	if err := latch.FromContext(ctx).Destroy(); err != nil {
		return err
	}
	setCurrent(ctx, User{}, false)
	if signedIn {
		a.emit(ctx, r, EventSignedOut, u, "")
	}
	return nil
}

// authHash derives the session auth hash from a password hash, Django's
// get_session_auth_hash: a session whose stored value differs from the
// user's current one was signed in under another password and counts as
// anonymous. It is a one-way digest, so a session store holds nothing that
// helps guess the password.
func authHash(passwordHash string) string {
	sum := sha256.Sum256([]byte("latch session auth\x00" + passwordHash))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// truncate cuts s to at most n bytes of valid UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
