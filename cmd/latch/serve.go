package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth/throttle"
)

// shutdownTimeout is how long in-flight requests get to finish after
// SIGINT or SIGTERM.
const shutdownTimeout = 10 * time.Second

// serveCmd is "latch serve": the reference site.
type serveCmd struct {
	cli *cli

	addr, store, users string
	lifetime           time.Duration
	idleTimeout        time.Duration
	storeTimeout       time.Duration
	userCacheTTL       time.Duration
	expireOnClose      bool
	saveEveryRequest   bool
	cookieName         string
	cookieSecure       string
	loginLimit         throttle.Rate
	secretFile         string
	trustedProxies     string
	logFormat          string
	accessLog          bool
}

// serveConfig is the validated configuration of serve.
type serveConfig struct {
	store, users storeURL
	session      latch.Config
	limit        throttle.Rate
	proxies      []netip.Prefix
	userCacheTTL time.Duration
	log          *slog.Logger
	accessLog    bool
}

func (c *serveCmd) flags() *flag.FlagSet {
	fs := newFlagSet("serve")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8000", "listen `address` (port 0 picks a free port)")
	fs.StringVar(&c.store, "store", "sqlite://latch.db", "session store `URL`: memory:, sqlite://PATH (file://, cookie:, redis://, postgres://, mysql:// are not built yet)")
	fs.StringVar(&c.users, "users", "", "user store `URL` (default: the --store database when SQL, else sqlite://latch.db)")
	fs.DurationVar(&c.lifetime, "lifetime", 14*24*time.Hour, "absolute lifetime of a session from its creation")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 0, "end a session unused this long (0: off)")
	fs.DurationVar(&c.storeTimeout, "store-timeout", 2*time.Second, "longest wait for a store before answering 503")
	fs.DurationVar(&c.userCacheTTL, "user-cache-ttl", time.Second, "reuse a signed-in user read from the user store this long (0: read it on every request); other processes' changes to users are seen this late")
	fs.BoolVar(&c.expireOnClose, "expire-on-close", false, "browser-session cookies (no Max-Age or Expires)")
	fs.BoolVar(&c.saveEveryRequest, "save-every-request", false, "refresh the expiry and write the session on every request")
	fs.StringVar(&c.cookieName, "cookie-name", "sessionid", "session cookie `name`")
	fs.StringVar(&c.cookieSecure, "cookie-secure", "auto", "Secure attribute of the cookie: auto (when over TLS), true or false")
	c.loginLimit = throttle.Rate{Limit: 5, Window: 15 * time.Minute}
	fs.Var(&c.loginLimit, "login-limit", "failed sign-ins per user name and per client address before 429, as `N/WINDOW`")
	fs.StringVar(&c.secretFile, "secret-file", "latch.secret", "`file` of the 32-byte secret key, created 0600 on first start")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", "", "comma-separated `CIDRs` of reverse proxies whose X-Forwarded-For is believed")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&c.accessLog, "access-log", true, "log one line per request on standard error")
	return fs
}

func (c *serveCmd) run(ctx context.Context, args []string) error {
	fs := c.flags()
	pos, err := c.cli.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("latch serve: unexpected argument %q", pos[0])
	}
	cfg, err := c.config()
	if err != nil {
		return err
	}
	if _, err := loadSecret(c.secretFile); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return usagef("latch: --addr: %v", err)
	}
	defer ln.Close()
	app, err := openApp(ctx, cfg, c.cli)
	if err != nil {
		return err
	}
	defer app.close()
	return c.serve(ctx, ln, app, cfg.log)
}

// config validates every setting, so that a mistake exits 2 before
// anything is opened.
func (c *serveCmd) config() (serveConfig, error) {
	var cfg serveConfig
	var err error
	if cfg.store, err = parseStoreURL("store", c.store); err != nil {
		return cfg, err
	}
	if cfg.users, err = parseUsersURL(c.users, cfg.store); err != nil {
		return cfg, err
	}
	secure, err := parseSecure(c.cookieSecure)
	if err != nil {
		return cfg, err
	}
	if cfg.proxies, err = parsePrefixes(c.trustedProxies); err != nil {
		return cfg, err
	}
	if cfg.log, err = newLogger(c.logFormat, c.cli); err != nil {
		return cfg, err
	}
	durations := []struct {
		name   string
		d      time.Duration
		zeroOK bool
	}{{"lifetime", c.lifetime, false}, {"idle-timeout", c.idleTimeout, true}, {"store-timeout", c.storeTimeout, false}, {"user-cache-ttl", c.userCacheTTL, true}}
	for _, d := range durations {
		if d.d < 0 || d.d == 0 && !d.zeroOK {
			return cfg, usagef("latch: --%s: must be positive, got %v", d.name, d.d)
		}
	}
	cfg.limit = c.loginLimit
	cfg.userCacheTTL = c.userCacheTTL
	cfg.accessLog = c.accessLog
	cfg.session = latch.Config{
		CookieName:       c.cookieName,
		Lifetime:         c.lifetime,
		IdleTimeout:      c.idleTimeout,
		ExpireOnClose:    c.expireOnClose,
		SaveEveryRequest: c.saveEveryRequest,
		Secure:           secure,
		StoreTimeout:     c.storeTimeout,
		Logger:           cfg.log,
	}
	// latch.New validates the rest (the cookie name, idle timeout against
	// lifetime); try it now on a throwaway store so that its error is a
	// usage error too.
	if _, err := latch.New(nopStore{}, cfg.session); err != nil {
		return cfg, usagef("latch: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return cfg, nil
}

// parseSecure parses --cookie-secure.
func parseSecure(s string) (latch.Secure, error) {
	switch strings.ToLower(s) {
	case "auto":
		return latch.SecureAuto, nil
	case "true", "1", "yes", "always":
		return latch.SecureAlways, nil
	case "false", "0", "no", "never":
		return latch.SecureNever, nil
	}
	return 0, usagef("latch: --cookie-secure: want auto, true or false, got %q", s)
}

// parsePrefixes parses a comma-separated list of CIDR prefixes; a bare
// address is a prefix of its full length.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, usagef("latch: --trusted-proxies: %q is not a CIDR prefix or an address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// newLogger returns the logger of the access log and of failures, on
// standard error.
func newLogger(format string, c *cli) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(c.stderr, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(c.stderr, nil)), nil
	}
	return nil, usagef("latch: --log-format: want text or json, got %q", format)
}

// serve runs the HTTP server on ln until ctx ends, then shuts it down,
// letting requests in flight finish.
func (c *serveCmd) serve(ctx context.Context, ln net.Listener, app *app, log *slog.Logger) error {
	var conns connTracker
	srv := &http.Server{
		Handler:           app.handler,
		ConnState:         conns.track,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	sweepCtx, stopSweep := context.WithCancel(ctx)
	defer stopSweep()
	go app.sweep(sweepCtx, sweepInterval)

	fmt.Fprintf(c.cli.stderr, "latch: listening on http://%s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return failf("serving: %v", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(c.cli.stderr, "latch: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	done := make(chan struct{})
	go conns.closeFreshUntil(done)
	err := srv.Shutdown(sctx)
	close(done)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return failf("shutting down: %v", err)
	}
	return nil
}
