// Package site is latch's reference web application: sign-in, a home page
// that shows and changes the session, "your sessions", password change,
// and a small JSON API over the session, as CONTRACT.md describes. It is a
// thin layer of handlers and templates over packages auth and latch.
package site

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
)

// Config holds what the site needs. Auth and Sessions are required.
type Config struct {
	// Auth signs users in and out; it must use Sessions.
	Auth *auth.Auth

	// Sessions is the session engine. Give it [ErrorHandler] as its
	// Config.ErrorHandler so that its failures are answered in the site's
	// style.
	Sessions *latch.Manager

	// Logger receives the site's own failures. Default slog.Default.
	Logger *slog.Logger

	// AccessLog, if not nil, receives one line per request: method, path
	// without query, status, duration and bytes; never a header, so never
	// a cookie, a session ID or a password.
	AccessLog *slog.Logger

	// Metrics counts requests and sign-ins and is served at /metrics.
	// Default nil: no /metrics.
	Metrics *Metrics

	// Ready reports whether the stores answer, for /readyz. Default nil:
	// always ready.
	Ready func(ctx context.Context) error

	// ReadyTimeout bounds Ready. Default 2 s.
	ReadyTimeout time.Duration

	// Serving, when set, counts the requests in flight for the password
	// hasher; see [Serving].
	Serving *Serving
}

// site holds the handlers' dependencies.
type site struct {
	auth     *auth.Auth
	sessions *latch.Manager
	log      *slog.Logger
	metrics  *Metrics
	lifetime time.Duration
}

// New returns the handler of the whole site. It panics if Auth or Sessions
// is nil: that is a wiring mistake.
func New(cfg Config) http.Handler {
	if cfg.Auth == nil || cfg.Sessions == nil {
		panic("site: Config.Auth and Config.Sessions are required")
	}
	s := &site{
		auth:     cfg.Auth,
		sessions: cfg.Sessions,
		log:      cfg.Logger,
		metrics:  cfg.Metrics,
		lifetime: cfg.Sessions.Config().Lifetime,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.metrics == nil {
		s.metrics = NewMetrics() // counted, not served
	}
	top := http.NewServeMux()
	top.HandleFunc("GET /healthz", healthz)
	top.Handle("GET /readyz", readyz(cfg.Ready, cfg.ReadyTimeout))
	top.Handle("GET /static/style.css", static("text/css; charset=utf-8", styleCSS))
	top.Handle("GET /static/back.js", static("text/javascript; charset=utf-8", backJS))
	if cfg.Metrics != nil {
		top.Handle("GET /metrics", cfg.Metrics)
	}
	// Everything else reads the session: it goes through the engine and
	// the auth middleware, and no browser or proxy may cache it.
	app := cfg.Sessions.Handler(cfg.Auth.Middleware(s.routes()))
	top.Handle("/", private(apiErrors(auth.CrossOrigin(app))))
	var h http.Handler = secure(top)
	if cfg.Serving != nil {
		h = cfg.Serving.count(h)
	}
	if cfg.AccessLog == nil && cfg.Metrics == nil {
		return h
	}
	return accessLog(cfg.AccessLog, cfg.Metrics, h)
}

// routes returns the mux of the pages and the API.
func (s *site) routes() *http.ServeMux {
	mux := http.NewServeMux()
	login := s.auth.RequireLogin
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.loginPost)
	mux.HandleFunc("POST /logout", s.logout)
	mux.Handle("GET /{$}", login(http.HandlerFunc(s.home)))
	mux.Handle("POST /session/set", login(http.HandlerFunc(s.setValue)))
	mux.Handle("POST /session/delete", login(http.HandlerFunc(s.deleteValue)))
	mux.Handle("GET /sessions", login(http.HandlerFunc(s.sessionsPage)))
	mux.Handle("POST /sessions/revoke", login(http.HandlerFunc(s.revoke)))
	mux.Handle("GET /password", login(http.HandlerFunc(s.passwordForm)))
	mux.Handle("POST /password", login(http.HandlerFunc(s.passwordPost)))

	mux.Handle("GET /api/session", apiLogin(s.apiGet))
	mux.Handle("PUT /api/session/data/{name}", apiLogin(s.apiPut))
	mux.Handle("DELETE /api/session/data/{name}", apiLogin(s.apiDelete))
	mux.Handle("/api/session/data/{$}", apiLogin(s.apiNoName))
	mux.Handle("POST /api/session/cycle", apiLogin(s.apiCycle))
	return mux
}

// healthz answers 200 while the process runs.
func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 when ready returns nil within timeout, else 503.
func readyz(ready func(context.Context) error, timeout time.Duration) http.Handler {
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if ready != nil {
			if err := readyWithin(r.Context(), ready, timeout); err != nil {
				slog.WarnContext(r.Context(), "site: not ready", "err", err)
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("not ready\n"))
				return
			}
		}
		w.Write([]byte("ok\n"))
	})
}

// static serves an embedded file: the stylesheet and the one script hold
// no session and may be cached for a day.
func static(contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(body)
	})
}

// readyWithin runs ready and gives up after timeout even if ready ignores
// its context, as a frozen store's client may.
func readyWithin(ctx context.Context, ready func(context.Context) error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ready(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
