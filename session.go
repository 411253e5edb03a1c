package latch

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"
)

// Session is the session of one request, what Django calls
// request.session. Get it with [FromContext] inside [Manager.Handler].
//
// The session is loaded from the store when a method first needs it, at
// most once per request. Every method that needs the stored data returns
// the store's error, wrapped in [ErrUnavailable], when that load fails: a
// store outage is never mistaken for an empty session.
//
// Changes are written once, after the handler, and only if there are any.
// A Session is safe for use by the goroutines of its request.
type Session struct {
	m   *Manager
	ctx context.Context

	mu      sync.Mutex
	id      string // the raw ID: from a valid cookie, or issued at save
	cookie  bool   // the request carried a well-formed session cookie
	loaded  bool
	loadErr error

	version int64 // the stored version; 0: not in the store
	userID  string
	h       header
	values  map[string]any
	size    int // encoded size of the session, kept up to date by Set

	ops      []op     // this request's changes of values, for replay
	dirty    bool     // something to write
	cookieUp bool     // the cookie's attributes changed (new ID, expiry)
	stale    []string // keys of this request's earlier IDs, to delete at save
	userSet  bool     // this request changed userID
	expSet   bool     // this request changed the expiry
}

// op is one change a request made to the values, kept so that it can be
// replayed onto a newer version after a conflict.
type op struct {
	kind opKind
	key  string
	val  any
}

type opKind byte

const (
	opSet opKind = iota
	opDelete
	opClear
)

// FromContext returns the session of the request whose context is ctx. It
// panics if the request did not pass through [Manager.Handler]: that is a
// wiring mistake, not a condition to handle.
func FromContext(ctx context.Context) *Session {
	s, ok := ctx.Value(sessionKey{}).(*Session)
	if !ok {
		panic(ErrNoSession)
	}
	return s
}

type sessionKey struct{}

// load reads the session from the store, once. The caller holds s.mu.
func (s *Session) load() error {
	if s.loaded {
		return s.loadErr
	}
	s.loaded = true
	if s.id == "" {
		s.reset()
		return nil
	}
	rec, h, values, err := s.m.fetch(s.ctx, KeyOf(s.id))
	switch {
	case errors.Is(err, ErrNotFound):
		s.id = "" // never adopt an ID the store does not know
		s.reset()
		return nil
	case err != nil:
		s.loadErr = err
		return err
	}
	s.adopt(rec, h, values)
	return nil
}

// reset makes s a new, empty session.
func (s *Session) reset() {
	now := time.Now()
	s.version = 0
	s.userID = ""
	s.h = header{created: now, lastActive: now}
	s.values = map[string]any{}
	s.size = encodedBaseSize
}

// adopt takes a freshly loaded record as the session's state.
func (s *Session) adopt(rec Record, h header, values map[string]any) {
	s.version = rec.Version
	s.userID = rec.UserID
	s.h = h
	s.values = values
	s.size = len(rec.Data)
}

// encodedBaseSize bounds the size of an encoded header.
const encodedBaseSize = 1 + 3*10 + 1 + 10

// Get returns the value stored under key, or [ErrNoValue].
func (s *Session) Get(key string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	v, ok := s.values[key]
	if !ok {
		return nil, ErrNoValue
	}
	return v, nil
}

// Set stores v under key. v must be nil, a bool, an integer (stored as
// int64), a float (stored as float64), a string, a []byte, a time.Time, a
// []string, a map[string]string, or a []any or map[string]any of these:
// [Get] gives back exactly that Go value, through every store. (A time
// keeps its instant and its zone offset; zone names other than UTC and
// Local are not kept.) Maps and
// slices are kept, not copied: do not change them after Set.
func (s *Session) Set(key string, v any) error {
	v, err := normalize(v, 0)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	size := s.size + entrySize(key, v)
	if old, ok := s.values[key]; ok {
		size -= entrySize(key, old)
	}
	if size > s.m.cfg.MaxSize {
		return ErrTooLarge
	}
	s.values[key] = v
	s.size = size
	s.change(op{kind: opSet, key: key, val: v})
	return nil
}

// Delete removes the value under key; removing an absent key is not an
// error.
func (s *Session) Delete(key string) error {
	_, err := s.Pop(key)
	if errors.Is(err, ErrNoValue) {
		return nil
	}
	return err
}

// Pop removes the value under key and returns it, or [ErrNoValue].
func (s *Session) Pop(key string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	v, ok := s.values[key]
	if !ok {
		return nil, ErrNoValue
	}
	delete(s.values, key)
	s.size -= entrySize(key, v)
	s.change(op{kind: opDelete, key: key})
	return v, nil
}

// Keys returns the keys of the session's values, sorted.
func (s *Session) Keys() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(s.values)), nil
}

// Values returns a copy of the session's values.
func (s *Session) Values() (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	return maps.Clone(s.values), nil
}

// Clear removes every value. The session, its ID and the signed-in user
// stay; see [Session.Destroy] to end the session.
func (s *Session) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	clear(s.values)
	s.size = encodedBaseSize
	s.change(op{kind: opClear})
	return nil
}

// change records a change of the values.
func (s *Session) change(o op) {
	s.ops = append(s.ops, o)
	s.dirty = true
}

// Destroy ends the session, what Django calls flush: its record is deleted
// from the store and its cookie expired when the response is written. A
// value set after Destroy starts a new session with a new ID.
func (s *Session) Destroy() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	s.retireID()
	s.reset()
	s.ops = s.ops[:0]
	s.dirty, s.userSet, s.expSet = false, false, false
	return nil
}

// Cycle gives the session a new ID and keeps its data, as Django's
// cycle_key does: the old ID is dead once the response is written. Call it
// whenever the privilege of a session changes, as signing in does.
func (s *Session) Cycle() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if s.version == 0 {
		return nil // not stored yet: it gets a fresh ID when it is
	}
	s.retireID()
	s.version = 0
	s.dirty = true
	return nil
}

// retireID schedules the current record for deletion and forgets the ID.
func (s *Session) retireID() {
	if s.id != "" && s.version > 0 {
		s.stale = append(s.stale, KeyOf(s.id))
	}
	s.id = ""
	s.cookieUp = true
}

// SetExpiry says when this session ends; see [Expiry].
func (s *Session) SetExpiry(e Expiry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	s.h.expiry = e
	s.expSet, s.dirty, s.cookieUp = true, true, true
	return nil
}

// ExpiresAt returns when the session ends on the server if no further
// request comes.
func (s *Session) ExpiresAt() (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return time.Time{}, err
	}
	h := s.h
	h.lastActive = time.Now() // as this request's save will have it
	end, _ := s.m.cfg.deadline(h)
	return end, nil
}

// ExpiryAge returns how long the session has left; see [Session.ExpiresAt].
func (s *Session) ExpiryAge() (time.Duration, error) {
	t, err := s.ExpiresAt()
	return time.Until(t), err
}

// ExpiresOnClose reports whether the cookie is a browser-session cookie.
func (s *Session) ExpiresOnClose() (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return false, err
	}
	return s.m.cfg.onClose(s.h), nil
}

// CreatedAt returns when the session was created.
func (s *Session) CreatedAt() (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return time.Time{}, err
	}
	return s.h.created, nil
}

// IsNew reports whether the session is not in the store under its
// current ID yet: the request came without a live session, or this
// request destroyed it or cycled its ID.
func (s *Session) IsNew() (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return false, err
	}
	return s.version == 0 && s.id == "", nil
}

// Modified reports whether this request changed the session.
func (s *Session) Modified() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dirty || len(s.stale) > 0
}

// UserID returns the ID of the user signed in to this session, or "".
// Package auth sets it; stores index sessions by it.
func (s *Session) UserID() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return "", err
	}
	return s.userID, nil
}

// SetUserID records the user signed in to this session ("" for none).
// Call [Session.Cycle] with it: package auth's Login does both.
func (s *Session) SetUserID(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	s.userID = id
	s.userSet, s.dirty = true, true
	return nil
}

// Key returns the store key of the session as loaded, or "" for a session
// that is not in the store. See [KeyOf] and [Handle].
func (s *Session) Key() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return "", err
	}
	if s.id == "" || s.version == 0 {
		return "", nil
	}
	return KeyOf(s.id), nil
}
