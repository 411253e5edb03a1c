package main

import (
	"context"
	"errors"
	"flag"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/password"
)

// cliTimeout bounds each store call of the operators' commands, which may
// wait on a busy database longer than a web request should.
const cliTimeout = 30 * time.Second

// storeFlags are the --store and --users flags of the operators' commands.
type storeFlags struct {
	store, users string
}

// register adds --store (when withStore) and --users to fs.
func (f *storeFlags) register(fs *flag.FlagSet, withStore bool) {
	f.store = "sqlite://latch.db"
	if withStore {
		fs.StringVar(&f.store, "store", "sqlite://latch.db", "session store `URL`")
	}
	fs.StringVar(&f.users, "users", "", "user store `URL` (default: the --store database when SQL, else sqlite://latch.db)")
}

// parse validates both URLs.
func (f *storeFlags) parse() (store, users storeURL, err error) {
	if store, err = parseStoreURL("store", f.store); err != nil {
		return
	}
	users, err = parseUsersURL(f.users, store)
	return
}

// toolkit is what an operators' command opens: stores and an Auth.
type toolkit struct {
	res   *resources
	store latch.Store // nil unless opened
	users auth.Users
	auth  *auth.Auth
}

// openToolkit opens the user store and, with withStore, the session
// store, and an Auth over them. Without withStore the Auth's session
// store holds nothing: enough to create users.
func openToolkit(ctx context.Context, f *storeFlags, withStore bool) (_ *toolkit, err error) {
	su, uu, err := f.parse()
	if err != nil {
		return nil, err
	}
	t := &toolkit{res: &resources{}}
	defer func() {
		if err != nil {
			t.res.Close()
		}
	}()
	var store latch.Store = nopStore{}
	if withStore {
		if store, err = t.res.openStore(ctx, su); err != nil {
			return nil, err
		}
		t.store = store
	}
	users, err := t.res.openUsers(ctx, uu)
	if err != nil {
		return nil, err
	}
	t.users = timeoutUsers{users, cliTimeout}
	m, err := latch.New(store, latch.Config{StoreTimeout: cliTimeout})
	if err != nil {
		return nil, failf("%v", err)
	}
	hasher, err := password.New(password.Options{})
	if err != nil {
		return nil, failf("%v", err)
	}
	t.auth, err = auth.New(auth.Config{Sessions: m, Users: t.users, Hasher: hasher, Audit: func(context.Context, auth.Event) {}})
	if err != nil {
		return nil, failf("%v", err)
	}
	return t, nil
}

// close closes what openToolkit opened.
func (t *toolkit) close() { t.res.Close() }

// userByName finds a user; a missing user is bad usage.
func (t *toolkit) userByName(ctx context.Context, name string) (auth.User, error) {
	u, err := t.users.UserByName(ctx, name)
	if errors.Is(err, auth.ErrUserNotFound) {
		return u, usagef("latch: no user named %q", name)
	}
	if err != nil {
		return u, failf("finding user %q: %v", name, err)
	}
	return u, nil
}

// authErr turns an error of auth's account functions into a usage error
// when the input was at fault.
func authErr(op string, err error) error {
	switch {
	case errors.Is(err, auth.ErrInvalidName), errors.Is(err, auth.ErrInvalidPassword),
		errors.Is(err, auth.ErrUserExists), errors.Is(err, auth.ErrUserNotFound):
		return usagef("latch: %s: %v", op, err)
	}
	return failf("%s: %v", op, err)
}
