package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/latchgo/latch"
)

// CreateUser creates an active user called name with password pw, for
// sign-up pages and `latch createuser`. The name must pass
// [ValidateName] and the password [ValidatePassword]; a name that is
// taken gives [ErrUserExists].
func (a *Auth) CreateUser(ctx context.Context, name, pw string) (User, error) {
	if err := errors.Join(ValidateName(name), ValidatePassword(pw)); err != nil {
		return User{}, err
	}
	hash, err := a.hasher.Hash(ctx, pw)
	if err != nil {
		return User{}, err
	}
	u, err := a.users.CreateUser(ctx, User{Name: name, PasswordHash: hash, Active: true, Created: time.Now()})
	if err != nil {
		return User{}, usersErr("create user", err)
	}
	return u, nil
}

// ChangePassword changes the password of the request's user from old to
// pw, for a "change password" form. Every other session of the user ends
// at once and this one lives on with a new ID, as in Django.
//
// Other sessions are deleted through the store's [latch.UserIndex]. A
// store without it still ends them, at their next request, because their
// session auth hash no longer matches; so does a failure of that delete,
// which is logged.
//
// Errors: [ErrNotSignedIn]; [ErrInvalidCredentials] when old is wrong
// (counted by the throttle under the user's key, and refused with a
// [*throttle.Error] past the limit); [ErrInvalidPassword]; and the
// Hasher's and stores' errors.
func (a *Auth) ChangePassword(r *http.Request, old, pw string) error {
	ctx := r.Context()
	u, err := a.user(r)
	if err != nil {
		return err
	}
	if err := ValidatePassword(pw); err != nil {
		return err
	}
	userKey, _ := throttleKeys(u.Name, a.ClientIP(r))
	if err := a.checkThrottle(r, u.Name, []string{userKey}); err != nil {
		return err
	}
	ok, _, err := a.hasher.Verify(ctx, old, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		if a.throttle != nil {
			if err := a.throttle.Fail(ctx, userKey); err != nil {
				slog.ErrorContext(ctx, "auth: recording a failed password change failed", "err", err)
			}
		}
		return ErrInvalidCredentials
	}
	s := latch.FromContext(ctx)
	key, err := s.Key()
	if err != nil {
		return err
	}
	if u, err = a.setHash(ctx, u, pw, key); err != nil {
		return err
	}
	if err := errors.Join(s.Cycle(), s.Set(SessionAuthHash, authHash(u.PasswordHash))); err != nil {
		return err
	}
	setCurrent(ctx, u, true)
	a.emit(ctx, r, EventPasswordChanged, u, "")
	return nil
}

// SetPassword sets the password of the user called name to pw, for
// `latch passwd` and administrators: the user is signed out everywhere.
// The password must pass [ValidatePassword].
func (a *Auth) SetPassword(ctx context.Context, name, pw string) error {
	if err := ValidatePassword(pw); err != nil {
		return err
	}
	u, err := a.users.UserByName(ctx, name)
	if err != nil {
		return usersErr("find user", err)
	}
	if _, err := a.setHash(ctx, u, pw, ""); err != nil {
		return err
	}
	a.emit(ctx, nil, EventPasswordChanged, u, "set by an administrator")
	return nil
}

// setHash stores a hash of pw for u and deletes u's sessions but the one
// under keep.
func (a *Auth) setHash(ctx context.Context, u User, pw, keep string) (User, error) {
	hash, err := a.hasher.Hash(ctx, pw)
	if err != nil {
		return u, err
	}
	if err := a.users.SetPasswordHash(ctx, u.ID, hash); err != nil {
		return u, usersErr("set password", err)
	}
	u.PasswordHash = hash
	// The new hash ends the other sessions already; deleting them now only
	// frees the store and the "your sessions" list.
	if _, err := a.deleteUserSessions(ctx, u.ID, keep); err != nil && !errors.Is(err, latch.ErrNotSupported) {
		slog.WarnContext(ctx, "auth: deleting the sessions of a user whose password changed failed", "user_id", u.ID, "err", err)
	}
	return u, nil
}

// deleteUserSessions deletes the sessions of userID but keep through the
// store's index.
func (a *Auth) deleteUserSessions(ctx context.Context, userID, keep string) (int, error) {
	idx, err := a.index()
	if err != nil {
		return 0, err
	}
	ctx, cancel := a.storeCtx(ctx)
	defer cancel()
	n, err := idx.DeleteUserSessions(ctx, userID, keep)
	if err != nil {
		return n, fmt.Errorf("%w: delete user sessions: %w", latch.ErrUnavailable, err)
	}
	return n, nil
}
