package auth

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/latchgo/latch/auth/password"
)

// Authenticate returns the active user called name whose password is pw,
// what Django's authenticate does. An unknown name, an inactive user and a
// wrong password all give [ErrInvalidCredentials], after the same work: an
// unknown name (or a user without a usable password) is verified against a
// dummy hash, and an inactive user's password is checked before the flag.
//
// After a successful check of a hash that is weaker than the Hasher's
// default (bcrypt, Django's pbkdf2, older argon2id parameters), the hash
// is upgraded in the store; the returned User carries the new hash. A
// failed upgrade is logged and changes nothing else. As in Django, the
// upgrade changes the session auth hash, so it ends the user's other
// sessions once.
//
// Other errors: [password.ErrBusy] when the Hasher's concurrency limit
// refused the work, [ErrUnavailable] when the user store failed.
func (a *Auth) Authenticate(ctx context.Context, name, pw string) (User, error) {
	if len(pw) > MaxPasswordLength {
		return User{}, ErrInvalidCredentials // no work is owed to an oversized password
	}
	u, err := a.users.UserByName(ctx, name)
	switch {
	case errors.Is(err, ErrUserNotFound):
		return User{}, a.dummy(ctx, pw)
	case err != nil:
		return User{}, usersErr("find user", err)
	case unusable(u.PasswordHash):
		return User{}, a.dummy(ctx, pw)
	}
	ok, rehash, err := a.hasher.Verify(ctx, pw, u.PasswordHash)
	switch {
	case errors.Is(err, password.ErrMalformed):
		slog.WarnContext(ctx, "auth: stored password hash is malformed", "user_id", u.ID, "err", err)
		return User{}, ErrInvalidCredentials
	case err != nil:
		return User{}, err
	case !ok || !u.Active:
		return User{}, ErrInvalidCredentials
	}
	if rehash {
		u = a.upgrade(ctx, u, pw)
	}
	return u, nil
}

// dummy spends the time of a verification and returns ErrInvalidCredentials,
// or the Hasher's error.
func (a *Auth) dummy(ctx context.Context, pw string) error {
	if err := a.hasher.DummyVerify(ctx, pw); err != nil {
		return err
	}
	return ErrInvalidCredentials
}

// unusable reports whether hash matches no password, which Verify would
// answer at once, without the work.
func unusable(hash string) bool {
	return hash == "" || strings.HasPrefix(hash, "!")
}

// upgrade stores a fresh hash of pw for u, best effort.
func (a *Auth) upgrade(ctx context.Context, u User, pw string) User {
	hash, err := a.hasher.Hash(ctx, pw)
	if err == nil {
		err = a.users.SetPasswordHash(ctx, u.ID, hash)
	}
	if err != nil {
		slog.WarnContext(ctx, "auth: upgrading the password hash failed", "user_id", u.ID, "err", err)
		return u
	}
	u.PasswordHash = hash
	return u
}
