package latch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
)

// countingStore counts the calls that reach a store and can be made to fail.
type countingStore struct {
	latch.Store
	loads, saves, deletes atomic.Int64
	down                  atomic.Bool
}

var errDown = errors.New("store is down")

func (s *countingStore) Load(ctx context.Context, key string) (latch.Record, error) {
	s.loads.Add(1)
	if s.down.Load() {
		return latch.Record{}, errDown
	}
	return s.Store.Load(ctx, key)
}

func (s *countingStore) Save(ctx context.Context, rec latch.Record) error {
	s.saves.Add(1)
	if s.down.Load() {
		return errDown
	}
	return s.Store.Save(ctx, rec)
}

func (s *countingStore) Delete(ctx context.Context, key string) error {
	s.deletes.Add(1)
	if s.down.Load() {
		return errDown
	}
	return s.Store.Delete(ctx, key)
}

// newManager returns a manager over a fresh memory store, and the store.
func newManager(t testing.TB, cfg latch.Config) (*latch.Manager, *countingStore) {
	t.Helper()
	mem := memstore.New()
	t.Cleanup(func() { mem.Close() })
	store := &countingStore{Store: mem}
	m, err := latch.New(store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, store
}

// client sends requests through a handler, keeping the session cookie as a
// browser would.
type client struct {
	t      testing.TB
	h      http.Handler
	mu     sync.Mutex
	cookie *http.Cookie
}

func newClient(t testing.TB, m *latch.Manager, fn func(w http.ResponseWriter, r *http.Request, s *latch.Session)) *client {
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fn(w, r, latch.FromContext(r.Context()))
	}))
	return &client{t: t, h: h}
}

// do sends one request and applies the response's session cookie.
func (c *client) do(method, target string) *http.Response {
	c.t.Helper()
	r := httptest.NewRequest(method, target, nil)
	c.mu.Lock()
	if c.cookie != nil {
		r.AddCookie(c.cookie)
	}
	c.mu.Unlock()
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, r)
	resp := w.Result()
	for _, ck := range resp.Cookies() {
		c.mu.Lock()
		if ck.MaxAge < 0 {
			c.cookie = nil
		} else {
			c.cookie = ck
		}
		c.mu.Unlock()
	}
	return resp
}

func (c *client) id() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cookie == nil {
		return ""
	}
	return c.cookie.Value
}

// sessionCookie returns the session cookie that resp sets, or nil.
func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "sessionid" {
			return c
		}
	}
	return nil
}
