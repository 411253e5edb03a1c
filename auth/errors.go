package auth

import (
	"errors"
	"net/http"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/auth/throttle"
)

// Errors of the accounts store; see [Users].
var (
	// ErrUserNotFound means no user has that name or ID.
	ErrUserNotFound = errors.New("auth: user not found")

	// ErrUserExists means a user with that name (or ID) exists already.
	ErrUserExists = errors.New("auth: user exists already")
)

// Errors of signing in and of the pages around it.
var (
	// ErrInvalidCredentials means the name is unknown, the user is inactive
	// or the password is wrong: one error for all three, so that a caller
	// cannot tell them apart and neither can an attacker.
	ErrInvalidCredentials = errors.New("auth: invalid username or password")

	// ErrNotSignedIn means the request has no signed-in user.
	ErrNotSignedIn = errors.New("auth: not signed in")

	// ErrNoSuchSession means the handle names none of the user's live
	// sessions.
	ErrNoSuchSession = errors.New("auth: no such session")

	// ErrInvalidName means a user name breaks the rule of [ValidateName].
	ErrInvalidName = errors.New("auth: invalid user name")

	// ErrInvalidPassword means a new password breaks the policy of
	// [ValidatePassword].
	ErrInvalidPassword = errors.New("auth: invalid password")

	// ErrUnavailable wraps failures of the user store and of the throttle
	// store, so that they are answered with 503 like a failing session store
	// and never mistaken for a wrong password or a signed-out user.
	ErrUnavailable = errors.New("auth: store unavailable")
)

// HTTPStatus returns the status that answers an error of this package:
// 401 for [ErrInvalidCredentials] and [ErrNotSignedIn], 429 for a
// [*throttle.Error], 503 for [password.ErrBusy], [ErrUnavailable] and
// [latch.ErrUnavailable], 400 for [ErrInvalidName] and
// [ErrInvalidPassword], 404 for [ErrNoSuchSession], 409 for
// [ErrUserExists], and otherwise what [latch.HTTPStatus] says.
func HTTPStatus(err error) int {
	var te *throttle.Error
	switch {
	case errors.As(err, &te):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrInvalidCredentials), errors.Is(err, ErrNotSignedIn):
		return http.StatusUnauthorized
	case errors.Is(err, password.ErrBusy), errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrInvalidName), errors.Is(err, ErrInvalidPassword):
		return http.StatusBadRequest
	case errors.Is(err, ErrNoSuchSession):
		return http.StatusNotFound
	case errors.Is(err, ErrUserExists):
		return http.StatusConflict
	}
	return latch.HTTPStatus(err)
}
