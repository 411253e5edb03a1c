package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/internal/site"
)

// Sweeping of expired sessions by serve.
const (
	sweepInterval = 5 * time.Minute
	sweepBatch    = 1000
	sweepMaxBatch = 100 // per tick, so that one tick's work is bounded
)

// app is the running site: its stores, engine, auth and handler.
type app struct {
	res      *resources
	store    latch.Store // the store itself, not instrumented
	users    auth.Users
	sessions *latch.Manager
	auth     *auth.Auth
	handler  http.Handler
	timeout  time.Duration
	log      *slog.Logger
}

// openApp opens the stores and builds the site; on first start with an
// empty user store it creates "admin" and prints its password once.
func openApp(ctx context.Context, cfg serveConfig, c *cli) (_ *app, err error) {
	a := &app{res: &resources{}, timeout: cfg.session.StoreTimeout, log: cfg.log}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if a.store, err = a.res.openStore(ctx, cfg.store); err != nil {
		return nil, err
	}
	users, err := a.res.openUsers(ctx, cfg.users)
	if err != nil {
		return nil, err
	}
	a.users = timeoutUsers{users, a.timeout}
	ts, err := a.res.openThrottle(ctx, cfg.users)
	if err != nil {
		return nil, err
	}
	metrics := site.NewMetrics()
	scfg := cfg.session
	scfg.ErrorHandler = site.ErrorHandler
	if a.sessions, err = latch.New(site.Instrument(a.store, metrics), scfg); err != nil {
		return nil, usagef("latch: %v", err)
	}
	serving := new(site.Serving)
	if a.auth, err = newAuth(a.sessions, a.users, ts, serving, cfg); err != nil {
		return nil, err
	}
	if err := a.bootstrap(ctx, c); err != nil {
		return nil, err
	}
	var access *slog.Logger
	if cfg.accessLog {
		access = cfg.log
	}
	a.handler = site.New(site.Config{
		Auth:         a.auth,
		Sessions:     a.sessions,
		Logger:       cfg.log,
		AccessLog:    access,
		Metrics:      metrics,
		Ready:        a.ready,
		ReadyTimeout: a.timeout,
		Serving:      serving,
	})
	return a, nil
}

// newAuth returns the auth of the site, with the login limit and an audit
// log on the site's logger. Hashing leaves a CPU to the requests that
// serving counts.
func newAuth(m *latch.Manager, users auth.Users, ts throttle.Store, serving *site.Serving, cfg serveConfig) (*auth.Auth, error) {
	hasher, err := password.New(password.Options{Busy: serving.Busy})
	if err != nil {
		return nil, failf("%v", err)
	}
	a, err := auth.New(auth.Config{
		Sessions:       m,
		Users:          users,
		Hasher:         hasher,
		Throttle:       &throttle.Limiter{Store: timeoutThrottle{ts, cfg.session.StoreTimeout}, Limit: cfg.limit.Limit, Window: cfg.limit.Window},
		TrustedProxies: cfg.proxies,
		Audit:          auditTo(cfg.log),
		UserCacheTTL:   cfg.userCacheTTL,
	})
	if err != nil {
		return nil, usagef("latch: %v", err)
	}
	return a, nil
}

// auditTo returns an audit hook that logs each event on log.
func auditTo(log *slog.Logger) func(context.Context, auth.Event) {
	return func(ctx context.Context, e auth.Event) {
		log.LogAttrs(ctx, slog.LevelInfo, "auth: "+string(e.Kind),
			slog.String("user", e.UserName),
			slog.String("user_id", e.UserID),
			slog.String("ip", e.ClientIP.String()),
			slog.String("detail", e.Detail))
	}
}

// bootstrap creates the user admin with a random password when the user
// store is empty, and prints the password once on standard error. It is
// never stored or printed again.
func (a *app) bootstrap(ctx context.Context, c *cli) error {
	list, err := a.users.ListUsers(ctx)
	if err != nil {
		return failf("listing users: %v", err)
	}
	if len(list) > 0 {
		return nil
	}
	pw := randomPassword()
	if _, err := a.auth.CreateUser(ctx, "admin", pw); err != nil {
		if errors.Is(err, auth.ErrUserExists) {
			return nil // another instance created it first
		}
		return failf("creating user admin: %v", err)
	}
	fmt.Fprintf(c.stderr, "latch: created user admin with password %s\n", pw)
	return nil
}

// randomPassword returns 16 random bytes, base64url: 22 characters.
func randomPassword() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ready checks that the session store and the user store answer: the
// store's Ping when it has one, else a Load of a random key, which must
// find nothing; and a look-up of a user name that cannot exist.
func (a *app) ready(ctx context.Context) error {
	if p, ok := a.store.(latch.Pinger); ok {
		if err := p.Ping(ctx); err != nil {
			return fmt.Errorf("session store: %w", err)
		}
	} else if _, err := a.store.Load(ctx, randomPassword()); !errors.Is(err, latch.ErrNotFound) {
		return fmt.Errorf("session store: %v", err)
	}
	if _, err := a.users.UserByName(ctx, "\x00ready"); err != nil && !errors.Is(err, auth.ErrUserNotFound) {
		return fmt.Errorf("user store: %w", err)
	}
	return nil
}

// sweep deletes expired sessions every interval, in batches, until ctx
// ends; stores that forget expired records by themselves have no Sweeper
// and are left alone.
func (a *app) sweep(ctx context.Context, interval time.Duration) {
	if _, ok := a.store.(latch.Sweeper); !ok {
		return
	}
	s := a.sessions.Store().(latch.Sweeper) // the instrumented store, timed
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := sweepBatches(ctx, s, a.timeout, sweepMaxBatch, nil)
		if err != nil {
			a.log.Warn("latch: sweeping expired sessions failed", "err", err, "removed", n)
		} else if n > 0 {
			a.log.Info("latch: swept expired sessions", "removed", n)
		}
	}
}

// sweepBatches calls DeleteExpired in batches of sweepBatch until a batch
// comes back short, or maxBatches (0: no limit) have run, each call
// bounded by timeout. progress, if not nil, is called after each full
// batch (so only when there is more than one) with the running total.
// It returns the total removed.
func sweepBatches(ctx context.Context, s latch.Sweeper, timeout time.Duration, maxBatches int, progress func(batch, total int)) (int, error) {
	total := 0
	for batch := 1; maxBatches == 0 || batch <= maxBatches; batch++ {
		bctx, cancel := context.WithTimeout(ctx, timeout)
		n, err := s.DeleteExpired(bctx, sweepBatch)
		cancel()
		total += n
		if err != nil {
			return total, err
		}
		if n < sweepBatch {
			break
		}
		if progress != nil {
			progress(batch, total)
		}
	}
	return total, nil
}

// close closes the stores.
func (a *app) close() {
	if err := a.res.Close(); err != nil {
		a.log.Warn("latch: closing the stores", "err", err)
	}
}
