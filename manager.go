package latch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Manager is the session engine: it holds the [Config] and the [Store],
// and its [Manager.Handler] gives every request a [Session]. A Manager is
// safe for concurrent use; make one per application with [New].
type Manager struct {
	cfg         Config
	store       Store
	cookieAttrs [2]string // see cookieAttributes
}

// New returns a Manager over store, with cfg validated and its defaults
// filled in. The error lists every invalid setting.
func New(store Store, cfg Config) (*Manager, error) {
	if store == nil {
		return nil, errors.New("latch: nil store")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	attrs, err := cookieAttributes(&cfg)
	if err != nil {
		return nil, err
	}
	return &Manager{cfg: cfg, store: store, cookieAttrs: attrs}, nil
}

// Config returns the settings in force, defaults filled in.
func (m *Manager) Config() Config { return m.cfg }

// Store returns the store, for its optional capabilities ([UserIndex],
// [Sweeper], [Iterator]).
func (m *Manager) Store() Store { return m.store }

// Handler returns middleware that gives each request a [Session], loads it
// when first used, and writes it, if it changed, before the response's
// header is sent. It works with any router.
func (m *Manager) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &requestState{}
		s := &st.session
		s.m = m
		s.ctx = r.Context()
		s.id = sessionID(r, m.cfg.CookieName)
		s.cookie = s.id != ""
		st.writer = responseWriter{ResponseWriter: w, s: s, r: r}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, s))
		next.ServeHTTP(&st.writer, r)
		st.writer.finish()
	})
}

// requestState puts a request's session and response writer in one
// allocation.
type requestState struct {
	session Session
	writer  responseWriter
}

// storeCtx bounds a store call by StoreTimeout.
func (m *Manager) storeCtx(ctx context.Context) (context.Context, func()) {
	return withLazyDeadline(ctx, time.Now().Add(m.cfg.StoreTimeout))
}

// fetch loads and decodes the live record under key. A record that cannot
// be decoded, or whose deadline has passed by the engine's clock, is
// reported as ErrNotFound.
func (m *Manager) fetch(ctx context.Context, key string) (Record, header, map[string]any, error) {
	ctx, cancel := m.storeCtx(ctx)
	rec, err := m.store.Load(ctx, key)
	cancel()
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return rec, header{}, nil, ErrNotFound
		}
		return rec, header{}, nil, unavailable("load", err)
	}
	h, values, err := decode(rec.Data)
	if err != nil {
		m.cfg.Logger.Warn("latch: dropping undecodable session record", "err", err)
		return rec, header{}, nil, ErrNotFound
	}
	if end, _ := m.cfg.deadline(h); !time.Now().Before(end) {
		return rec, header{}, nil, ErrNotFound
	}
	return rec, h, values, nil
}

// maxAttempts bounds the reload-and-replay loop of a save under contention.
const maxAttempts = 100

// commit writes the session's changes, if any, and sets the cookie on w's
// header. The response has not been sent yet.
func (s *Session) commit(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cfg := &s.m.cfg
	if cfg.SaveEveryRequest && s.cookie {
		if err := s.load(); err != nil {
			return err
		}
		if s.version > 0 {
			s.dirty, s.cookieUp = true, true
		}
	}
	if !s.loaded {
		return nil
	}
	now := time.Now()
	if !s.dirty && s.version > 0 && cfg.touchDue(s.h, now) {
		s.dirty = true
	}
	// A write must still happen after the client has gone: a change that
	// the handler made is never lost to a cancelled request.
	ctx := s.ctx
	if s.dirty || len(s.stale) > 0 {
		ctx = context.WithoutCancel(ctx)
	}
	if s.version == 0 && len(s.values) == 0 && s.userID == "" {
		s.dirty = false // Django does not store an empty new session
	}
	if s.dirty {
		if err := s.save(ctx, now); err != nil {
			return err
		}
	}
	for _, key := range s.stale {
		sctx, cancel := s.m.storeCtx(ctx)
		err := s.m.store.Delete(sctx, key)
		cancel()
		if err != nil {
			return unavailable("delete", err)
		}
	}
	s.stale = s.stale[:0]
	switch {
	case s.id != "" && (s.cookieUp || cfg.SaveEveryRequest):
		s.m.setCookie(w, r, s.id, s.h)
	case s.id == "" && s.cookie:
		// The request's session is gone (destroyed, expired or never
		// ours): drop the cookie rather than send it to the store again.
		s.m.setCookie(w, r, "", s.h)
	}
	return nil
}

// save writes the session with compare-and-set, reloading and replaying
// this request's operations on a conflict. The caller holds s.mu.
func (s *Session) save(ctx context.Context, now time.Time) error {
	m := s.m
	for attempt := 0; ; attempt++ {
		if s.version == 0 && s.id == "" {
			s.id = newID()
			s.cookieUp = true
		}
		s.h.lastActive = now
		end, _ := m.cfg.deadline(s.h)
		data := encode(make([]byte, 0, s.size+16), s.h, s.values)
		if len(data) > m.cfg.MaxSize {
			return ErrTooLarge
		}
		rec := Record{Key: KeyOf(s.id), Version: s.version, UserID: s.userID, Deadline: end, Data: data}
		sctx, cancel := m.storeCtx(ctx)
		err := m.store.Save(sctx, rec)
		cancel()
		switch {
		case err == nil:
			s.version++
			s.size = len(data)
			s.dirty = false
			return nil
		case !errors.Is(err, ErrConflict):
			return unavailable("save", err)
		case attempt+1 >= maxAttempts:
			return unavailable("save", fmt.Errorf("%d conflicting writers: %w", maxAttempts, err))
		case s.version == 0:
			s.id = "" // an ID taken already: draw another
			continue
		}
		time.Sleep(backoff(attempt))
		if err := s.reload(ctx); err != nil {
			return err
		}
		if !s.dirty {
			return nil
		}
	}
}

// backoff is the pause before the attempt after attempt: short and random,
// so that contending writers spread out.
func backoff(attempt int) time.Duration {
	limit := time.Duration(min(attempt+1, 20)) * 500 * time.Microsecond
	return rand.N(limit)
}

// reload reads the newest version of the session and replays this
// request's changes onto it. A session that is gone stays gone: the
// request's changes are dropped rather than resurrecting it.
func (s *Session) reload(ctx context.Context) error {
	rec, h, values, err := s.m.fetch(ctx, KeyOf(s.id))
	if errors.Is(err, ErrNotFound) {
		s.id, s.version, s.dirty = "", 0, false
		s.cookieUp = true
		return nil
	}
	if err != nil {
		return err
	}
	mine := s.h
	userID := s.userID
	s.adopt(rec, h, values)
	if s.expSet {
		s.h.expiry = mine.expiry
	}
	if s.userSet {
		s.userID = userID
	}
	for _, o := range s.ops {
		switch o.kind {
		case opSet:
			s.values[o.key] = o.val
		case opDelete:
			delete(s.values, o.key)
		case opClear:
			clear(s.values)
		}
	}
	s.dirty = len(s.ops) > 0 || s.expSet || s.userSet
	return nil
}

// setCookie adds the session cookie for id to w's header; for id "" one
// that expires it. The header is built from attributes rendered once, in
// New: http.SetCookie would validate and render them again per response.
func (m *Manager) setCookie(w http.ResponseWriter, r *http.Request, id string, h header) {
	secure := m.cfg.Secure == SecureAlways || m.cfg.Secure == SecureAuto && r.TLS != nil
	attrs := m.cookieAttrs[0]
	if secure {
		attrs = m.cookieAttrs[1]
	}
	maxAge := ""
	switch {
	case id == "":
		maxAge = "; Max-Age=0"
	case !m.cfg.onClose(h):
		_, absolute := m.cfg.deadline(h)
		maxAge = "; Max-Age=" + strconv.Itoa(max(1, int(time.Until(absolute).Seconds())))
	}
	w.Header().Add("Set-Cookie", m.cfg.CookieName+"="+id+maxAge+attrs)
}

// cookieAttributes renders the fixed attributes of the session cookie,
// without and with Secure, as "; Path=/; HttpOnly; SameSite=Lax".
func cookieAttributes(cfg *Config) ([2]string, error) {
	var attrs [2]string
	for i, secure := range []bool{false, true} {
		c := &http.Cookie{
			Name:     cfg.CookieName,
			Value:    "x",
			Path:     cfg.Path,
			Domain:   cfg.Domain,
			HttpOnly: !cfg.AllowScriptAccess,
			SameSite: cfg.SameSite,
			Secure:   secure,
		}
		if err := c.Valid(); err != nil {
			return attrs, fmt.Errorf("latch: cookie: %w", err)
		}
		attrs[i] = strings.TrimPrefix(c.String(), cfg.CookieName+"=x")
	}
	return attrs, nil
}
