package auth

import (
	"context"
	"time"
)

// User is one account.
type User struct {
	// ID identifies the user for ever; sessions record it. It is assigned
	// by [Users.CreateUser] and never changes.
	ID string

	// Name is what the user signs in with. Names are unique and compared
	// exactly, byte for byte: "alice" and "Alice" are two users. No
	// normalisation happens anywhere below [Auth.CreateUser], which only
	// validates (see [ValidateName]).
	Name string

	// PasswordHash is the encoded hash of the password, in one of the
	// formats of package password; "" or a hash beginning with "!" matches
	// no password.
	PasswordHash string

	// Active is false for a deactivated account, which cannot sign in and
	// whose sessions count as anonymous.
	Active bool

	// Created is when the account was created.
	Created time.Time
}

// Users is the accounts store. [NewMemoryUsers] returns one that lives in
// memory; package sqlstore keeps users in SQL. Implementations must be safe
// for concurrent use and pass the conformance suite of package authtest.
//
// The contract:
//
//   - UserByName and UserByID return the user with exactly that name or
//     ID, or an error wrapping [ErrUserNotFound].
//   - CreateUser stores u and returns it as stored. It assigns a new,
//     unique ID when u.ID is empty and keeps a given one. A zero u.Created
//     becomes the current time; Created is kept to at least the second.
//     A name (or given ID) that is taken gives an error wrapping
//     [ErrUserExists] and stores nothing; of concurrent creations of one
//     name exactly one succeeds. Users does not validate names: that is
//     [Auth.CreateUser]'s job.
//   - SetPasswordHash and SetActive change one field of the user with that
//     ID, or return an error wrapping [ErrUserNotFound].
//   - ListUsers returns every user, sorted by name (byte-wise).
//
// Any other error means the store failed: callers answer 503, never "wrong
// password" or "signed out". Every method honours ctx.
type Users interface {
	UserByName(ctx context.Context, name string) (User, error)
	UserByID(ctx context.Context, id string) (User, error)
	CreateUser(ctx context.Context, u User) (User, error)
	SetPasswordHash(ctx context.Context, id, hash string) error
	SetActive(ctx context.Context, id string, active bool) error
	ListUsers(ctx context.Context) ([]User, error)
}
