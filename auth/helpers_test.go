package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/memstore"
)

// fastHasher returns a Hasher with tiny argon2 parameters, so that tests
// run fast.
func fastHasher(tb testing.TB) *password.Hasher {
	tb.Helper()
	h, err := password.New(password.Options{Argon2: password.Params{Memory: 64, Time: 1}})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// flakyStore is a memstore that fails every call while down is set.
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

func (s *flakyStore) Delete(ctx context.Context, key string) error {
	if s.down.Load() {
		return errDown
	}
	return s.Store.Delete(ctx, key)
}

// events records audit events.
type events struct {
	mu   sync.Mutex
	list []auth.Event
}

func (e *events) record(_ context.Context, ev auth.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

func (e *events) kinds() []auth.EventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var k []auth.EventKind
	for _, ev := range e.list {
		k = append(k, ev.Kind)
	}
	return k
}

// site is a small login-protected site over auth, as the reference server
// wires it.
type site struct {
	t      *testing.T
	store  *flakyStore
	users  *auth.MemoryUsers
	auth   *auth.Auth
	events *events
	h      http.Handler
}

// newSite returns a site whose config is changed by opt, with the user
// alice (password "correct horse") created.
func newSite(t *testing.T, opt func(*auth.Config)) *site {
	t.Helper()
	st := &site{t: t, store: &flakyStore{Store: memstore.New()}, users: auth.NewMemoryUsers(), events: &events{}}
	t.Cleanup(func() { st.store.Close() })
	m, err := latch.New(st.store, latch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := auth.Config{Sessions: m, Users: st.users, Hasher: fastHasher(t), Audit: st.events.record}
	if opt != nil {
		opt(&cfg)
	}
	if st.auth, err = auth.New(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := st.auth.CreateUser(context.Background(), "alice", "correct horse"); err != nil {
		t.Fatal(err)
	}
	st.h = m.Handler(st.auth.Middleware(auth.CrossOrigin(st.routes())))
	return st
}

func (st *site) routes() http.Handler {
	a := st.auth
	mux := http.NewServeMux()
	answer := func(w http.ResponseWriter, err error) {
		http.Error(w, err.Error(), auth.HTTPStatus(err))
	}
	mux.Handle("GET /{$}", a.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.CurrentUser(r.Context())
		w.Write([]byte("Welcome, " + u.Name))
	})))
	mux.HandleFunc("POST /cart", func(w http.ResponseWriter, r *http.Request) {
		if err := latch.FromContext(r.Context()).Set("cart", r.FormValue("item")); err != nil {
			answer(w, err)
		}
	})
	mux.HandleFunc("GET /cart", func(w http.ResponseWriter, r *http.Request) {
		v, _ := latch.Get[string](latch.FromContext(r.Context()), "cart")
		w.Write([]byte(v))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.SignIn(w, r, r.FormValue("username"), r.FormValue("password")); err != nil {
			answer(w, err)
			return
		}
		next := r.FormValue("next")
		if !auth.SafeNext(next) {
			next = "/"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := a.Logout(r); err != nil {
			answer(w, err)
			return
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})
	mux.HandleFunc("POST /password", func(w http.ResponseWriter, r *http.Request) {
		if err := a.ChangePassword(r, r.FormValue("old"), r.FormValue("new")); err != nil {
			answer(w, err)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /sessions", func(w http.ResponseWriter, r *http.Request) {
		infos, err := a.Sessions(r)
		if err != nil {
			answer(w, err)
			return
		}
		json.NewEncoder(w).Encode(infos)
	})
	mux.HandleFunc("POST /sessions/revoke", func(w http.ResponseWriter, r *http.Request) {
		var err error
		if r.FormValue("all") == "others" {
			_, err = a.RevokeOthers(r)
		} else {
			err = a.Revoke(r, r.FormValue("handle"))
		}
		if err != nil {
			answer(w, err)
			return
		}
		http.Redirect(w, r, "/sessions", http.StatusSeeOther)
	})
	return mux
}

// do sends a request with the session cookie id ("" for none) and form
// (nil for none) and returns the response.
func (st *site) do(method, path, id string, form url.Values, header ...string) *http.Response {
	st.t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	if id != "" {
		r.AddCookie(&http.Cookie{Name: "sessionid", Value: id})
	}
	w := httptest.NewRecorder()
	st.h.ServeHTTP(w, r)
	return w.Result()
}

// cookie returns the session cookie set by resp: its value, "" when it
// was expired, and whether one was set at all.
func cookie(resp *http.Response) (string, bool) {
	for _, c := range resp.Cookies() {
		if c.Name == "sessionid" {
			if c.MaxAge < 0 {
				return "", true
			}
			return c.Value, true
		}
	}
	return "", false
}

// login signs alice in from the session id ("" for none) and returns the
// new session ID.
func (st *site) login(id, pw string) string {
	st.t.Helper()
	resp := st.do("POST", "/login", id, url.Values{"username": {"alice"}, "password": {pw}})
	if resp.StatusCode != http.StatusSeeOther {
		st.t.Fatalf("POST /login: status %d, want 303", resp.StatusCode)
	}
	newID, ok := cookie(resp)
	if !ok || newID == "" {
		st.t.Fatal("POST /login set no session cookie")
	}
	return newID
}

// signedIn reports whether the session id is signed in, by GET /.
func (st *site) signedIn(id string) bool {
	st.t.Helper()
	resp := st.do("GET", "/", id, nil)
	switch resp.StatusCode {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		return false
	}
	st.t.Fatalf("GET /: status %d", resp.StatusCode)
	return false
}

// sessions returns GET /sessions for id.
func (st *site) sessions(id string) []auth.SessionInfo {
	st.t.Helper()
	resp := st.do("GET", "/sessions", id, nil)
	if resp.StatusCode != http.StatusOK {
		st.t.Fatalf("GET /sessions: status %d", resp.StatusCode)
	}
	var infos []auth.SessionInfo
	if err := json.NewDecoder(resp.Body).Decode(&infos); err != nil {
		st.t.Fatal(err)
	}
	return infos
}
