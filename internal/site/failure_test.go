package site_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/internal/site"
	"github.com/latchgo/latch/memstore"
	"net/http/httptest"
)

// flakyStore fails every call while down is set.
type flakyStore struct {
	*memstore.Store
	down atomic.Bool
}

var errDown = errors.New("store is down")

func (s *flakyStore) Load(ctx context.Context, key string) (latch.Record, error) {
	if s.down.Load() {
		return latch.Record{}, errDown
	}
	return s.Store.Load(ctx, key)
}

func (s *flakyStore) Save(ctx context.Context, rec latch.Record) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Save(ctx, rec)
}

func TestStoreFailureIs503(t *testing.T) {
	store := &flakyStore{Store: memstore.New()}
	defer store.Close()
	m, err := latch.New(store, latch.Config{ErrorHandler: site.ErrorHandler})
	if err != nil {
		t.Fatal(err)
	}
	hasher, _ := password.New(password.Options{Argon2: password.Params{Memory: 64, Time: 1}})
	users := auth.NewMemoryUsers()
	a, err := auth.New(auth.Config{Sessions: m, Users: users, Hasher: hasher, Audit: func(context.Context, auth.Event) {}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateUser(context.Background(), "alice", testPassword); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(site.New(site.Config{Auth: a, Sessions: m}))
	defer srv.Close()
	h := &harness{t: t, srv: srv}
	c := h.client()
	h.login(c, "alice")

	store.down.Store(true)
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/", ""}, {"GET", "/api/session", ""}, {"PUT", "/api/session/data/k", "1"}, {"POST", "/login", ""},
	} {
		var resp *http.Response
		var body string
		if r.path == "/login" {
			resp, body = h.post(h.client(), "/login", url.Values{"username": {"alice"}, "password": {testPassword}})
		} else {
			resp, body = h.do(c, r.method, r.path, strings.NewReader(r.body))
		}
		checkStatus(t, resp, body, http.StatusServiceUnavailable)
		if resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: no Retry-After", r.method, r.path)
		}
		checkPrivate(t, resp)
		if strings.HasPrefix(r.path, "/api/") && !strings.HasPrefix(body, `{"error":`) {
			t.Errorf("%s %s: body %q, want a JSON error", r.method, r.path, body)
		}
	}
	store.down.Store(false)
	resp, body := h.do(c, "GET", "/", nil)
	checkStatus(t, resp, body, http.StatusOK)
}
