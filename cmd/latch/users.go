package main

import (
	"context"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/sqlstore"
)

// openUsers opens the accounts store that u names: memory: for tests and
// throwaway runs, or the latch_users table of an SQLite file, which may be
// the session store's own file (they then share one *sql.DB).
func (res *resources) openUsers(ctx context.Context, u storeURL) (auth.Users, error) {
	switch u.Kind {
	case kindMemory:
		return auth.NewMemoryUsers(), nil
	case kindSQLite:
		db, err := res.sqlite(u.Path)
		if err != nil {
			return nil, usagef("latch: --users: %v", err)
		}
		users, err := sqlstore.OpenUsers(ctx, db, sqlstore.SQLite)
		if err != nil {
			return nil, usagef("latch: --users: %s: %v", u.Path, err)
		}
		res.onClose(users)
		return users, nil
	}
	return nil, usagef("latch: --users: %s store is not built yet", u.Kind)
}

// openThrottle opens the store of failed sign-ins beside the users, so
// that the login limit holds across restarts and across instances that
// share the file.
func (res *resources) openThrottle(ctx context.Context, u storeURL) (throttle.Store, error) {
	switch u.Kind {
	case kindMemory:
		return throttle.NewMemory(), nil
	case kindSQLite:
		db, err := res.sqlite(u.Path)
		if err != nil {
			return nil, usagef("latch: --users: %v", err)
		}
		t, err := sqlstore.OpenThrottle(ctx, db, sqlstore.SQLite)
		if err != nil {
			return nil, usagef("latch: --users: %s: %v", u.Path, err)
		}
		res.onClose(t)
		return t, nil
	}
	return nil, usagef("latch: --users: %s store is not built yet", u.Kind)
}

// timeoutUsers bounds every call to an auth.Users by a timeout, so that a
// user store that does not answer holds no request longer than the
// session store may.
type timeoutUsers struct {
	auth.Users
	timeout time.Duration
}

var _ auth.Users = timeoutUsers{}

func (u timeoutUsers) UserByName(ctx context.Context, name string) (auth.User, error) {
	ctx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	return u.Users.UserByName(ctx, name)
}

func (u timeoutUsers) UserByID(ctx context.Context, id string) (auth.User, error) {
	ctx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	return u.Users.UserByID(ctx, id)
}

func (u timeoutUsers) CreateUser(ctx context.Context, user auth.User) (auth.User, error) {
	ctx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	return u.Users.CreateUser(ctx, user)
}

func (u timeoutUsers) SetPasswordHash(ctx context.Context, id, hash string) error {
	ctx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	return u.Users.SetPasswordHash(ctx, id, hash)
}

func (u timeoutUsers) SetActive(ctx context.Context, id string, active bool) error {
	ctx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	return u.Users.SetActive(ctx, id, active)
}

// timeoutThrottle bounds every call to a throttle.Store by a timeout.
type timeoutThrottle struct {
	throttle.Store
	timeout time.Duration
}

func (t timeoutThrottle) Add(ctx context.Context, key string, now time.Time, window time.Duration, limit int) ([]time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.Store.Add(ctx, key, now, window, limit)
}

func (t timeoutThrottle) Recent(ctx context.Context, key string, now time.Time, window time.Duration) ([]time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.Store.Recent(ctx, key, now, window)
}

func (t timeoutThrottle) Reset(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	return t.Store.Reset(ctx, key)
}

// nopStore is a latch.Store that holds nothing, for validating a
// latch.Config before any store is opened.
type nopStore struct{}

func (nopStore) Load(context.Context, string) (latch.Record, error) {
	return latch.Record{}, latch.ErrNotFound
}
func (nopStore) Save(context.Context, latch.Record) error { return nil }
func (nopStore) Delete(context.Context, string) error     { return nil }
