package latch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchgo/latch"
)

// app is a small handler that operates the session from the URL:
// /set?k=v, /get?k, /del?k, /cycle, /destroy, /fail (a 500 after a set).
func app(t testing.TB) func(http.ResponseWriter, *http.Request, *latch.Session) {
	return func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		q := r.URL.Query()
		var err error
		switch r.URL.Path {
		case "/set":
			for k := range q {
				err = errors.Join(err, s.Set(k, q.Get(k)))
			}
		case "/get":
			var v string
			v, err = latch.Get[string](s, q.Get("k"))
			if err == nil {
				fmt.Fprint(w, v)
			}
		case "/del":
			err = s.Delete(q.Get("k"))
		case "/cycle":
			err = s.Cycle()
		case "/destroy":
			err = s.Destroy()
		case "/fail":
			s.Set("failed", "yes")
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		case "/nothing":
		}
		if err != nil && !errors.Is(err, latch.ErrNoValue) {
			latch.DefaultErrorHandler(w, r, err)
		}
	}
}

func TestNewSessionCookie(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	resp := c.do("GET", "/set?a=1")
	ck := sessionCookie(resp)
	if ck == nil {
		t.Fatal("no session cookie after a set")
	}
	if len(ck.Value) != 43 || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
		t.Errorf("cookie = %+v, want a 43-character HttpOnly Lax cookie on / without Secure", ck)
	}
	if want := 14 * 24 * 3600; ck.MaxAge < want-5 || ck.MaxAge > want {
		t.Errorf("Max-Age = %d, want about %d", ck.MaxAge, want)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := resp.Header.Get("Vary"); got != "Cookie" {
		t.Errorf("Vary = %q, want Cookie", got)
	}
}

func TestUntouchedSessionCostsNothing(t *testing.T) {
	m, store := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	loads, saves := store.loads.Load(), store.saves.Load()
	resp := c.do("GET", "/nothing")
	if store.loads.Load() != loads || store.saves.Load() != saves {
		t.Error("a request that does not touch the session reached the store")
	}
	if resp.Header.Get("Cache-Control") != "" || resp.Header.Get("Vary") != "" || sessionCookie(resp) != nil {
		t.Errorf("untouched response has session headers: %v", resp.Header)
	}
}

func TestReadDoesNotWrite(t *testing.T) {
	m, store := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	saves := store.saves.Load()
	for range 3 {
		resp := c.do("GET", "/get?k=a")
		if sessionCookie(resp) != nil {
			t.Error("a read sent a cookie")
		}
	}
	if got := store.saves.Load() - saves; got != 0 {
		t.Errorf("three reads made %d saves, want 0", got)
	}
	if got := store.loads.Load(); got != 3 {
		t.Errorf("three reads made %d loads, want 3 (one each)", got)
	}
}

func TestEmptyNewSessionIsNotStored(t *testing.T) {
	m, store := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	resp := c.do("GET", "/get?k=a")
	if sessionCookie(resp) != nil || store.saves.Load() != 0 {
		t.Error("reading an anonymous session stored it")
	}
}

func TestValuesRoundTripExactly(t *testing.T) {
	cases := []struct {
		name string
		in   any
		want any
	}{
		{"string", "héllo\x00", "héllo\x00"},
		{"empty string", "", ""},
		{"int64", int64(-1 << 62), int64(-1 << 62)},
		{"int becomes int64", 42, int64(42)},
		{"float64", 3.25, 3.25},
		{"bool", true, true},
		{"nil", nil, nil},
		{"bytes", []byte{0, 1, 0xff}, []byte{0, 1, 0xff}},
		{"strings", []string{"a", "", "c"}, []string{"a", "", "c"}},
		{"string map", map[string]string{"k": "v"}, map[string]string{"k": "v"}},
		{"list", []any{int64(1), "two", []any{3.5, nil}}, []any{int64(1), "two", []any{3.5, nil}}},
		{"map", map[string]any{"a": map[string]any{"b": false}}, map[string]any{"a": map[string]any{"b": false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := newManager(t, latch.Config{})
			var got any
			c := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
				if r.URL.Path == "/set" {
					if err := s.Set("v", tc.in); err != nil {
						t.Fatal(err)
					}
					return
				}
				v, err := s.Get("v")
				if err != nil {
					t.Fatal(err)
				}
				got = v
			})
			c.do("GET", "/set")
			c.do("GET", "/get")
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestTimeKeepsInstantAndOffset(t *testing.T) {
	when := time.Date(2026, 11, 26, 8, 30, 0, 123456789, time.FixedZone("CET", 3600))
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		if r.URL.Path == "/set" {
			s.Set("t", when)
			return
		}
		got, err := latch.Get[time.Time](s, "t")
		if _, off := got.Zone(); err != nil || !got.Equal(when) || off != 3600 {
			t.Errorf("got %v (offset %d), %v; want %v", got, off, err, when)
		}
	})
	c.do("GET", "/set")
	c.do("GET", "/get")
}

func TestTypedGet(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		if r.URL.Path == "/set" {
			s.Set("n", 7)
			return
		}
		if n, err := latch.Get[int64](s, "n"); n != 7 || err != nil {
			t.Errorf("Get[int64] = %v, %v; want 7, nil", n, err)
		}
		if n, err := latch.Get[int](s, "n"); n != 7 || err != nil {
			t.Errorf("Get[int] = %v, %v; want 7, nil", n, err)
		}
		var te *latch.TypeError
		if _, err := latch.Get[string](s, "n"); !errors.As(err, &te) {
			t.Errorf("Get[string] of an int64: err = %v, want a *TypeError", err)
		}
		if _, err := latch.Get[bool](s, "absent"); !errors.Is(err, latch.ErrNoValue) {
			t.Errorf("Get of an absent key: err = %v, want ErrNoValue", err)
		}
	})
	c.do("GET", "/set")
	c.do("GET", "/get")
}

func TestUnsupportedTypeIsAnError(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		for _, v := range []any{struct{}{}, []int{1}, map[int]string{}, []any{make(chan int)}} {
			if err := s.Set("v", v); !errors.Is(err, latch.ErrUnsupportedType) {
				t.Errorf("Set(%T) = %v, want ErrUnsupportedType", v, err)
			}
		}
	})
	c.do("GET", "/")
}

func TestForeignCookiesAreAnonymous(t *testing.T) {
	m, store := newManager(t, latch.Config{})
	for _, value := range []string{
		"", "x", "null", strings.Repeat("A", 43), strings.Repeat("A", 42) + "B",
		strings.Repeat("A", 44), strings.Repeat("é", 22), "../../etc/passwd",
	} {
		c := newClient(t, m, app(t))
		c.cookie = &http.Cookie{Name: "sessionid", Value: value}
		resp := c.do("GET", "/set?a=1")
		ck := sessionCookie(resp)
		if ck == nil || ck.Value == value {
			t.Errorf("cookie %q: the server adopted it or issued none (%v)", value, ck)
		}
	}
	if store.loads.Load() != 1 {
		// Only the well-formed unknown ID reaches the store.
		t.Errorf("malformed cookies made %d loads, want 1", store.loads.Load())
	}
}

func TestServerErrorDoesNotWrite(t *testing.T) {
	m, store := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	saves := store.saves.Load()
	resp := c.do("GET", "/fail")
	if store.saves.Load() != saves || sessionCookie(resp) != nil {
		t.Error("a 500 response wrote the session")
	}
}

func TestCycleKeepsDataAndKillsOldID(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	old := c.id()
	c.do("POST", "/cycle")
	if c.id() == old || c.id() == "" {
		t.Fatalf("cycle kept the ID or dropped the cookie")
	}
	if body := read(c.do("GET", "/get?k=a")); body != "1" {
		t.Errorf("after cycle a = %q, want 1", body)
	}
	replay := newClient(t, m, app(t))
	replay.cookie = &http.Cookie{Name: "sessionid", Value: old}
	if body := read(replay.do("GET", "/get?k=a")); body != "" {
		t.Errorf("the old ID still reads the session: %q", body)
	}
}

func TestDestroy(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	old := c.id()
	resp := c.do("POST", "/destroy")
	if ck := sessionCookie(resp); ck == nil || ck.MaxAge >= 0 {
		t.Fatalf("destroy did not expire the cookie: %v", ck)
	}
	replay := newClient(t, m, app(t))
	replay.cookie = &http.Cookie{Name: "sessionid", Value: old}
	if body := read(replay.do("GET", "/get?k=a")); body != "" {
		t.Errorf("a destroyed session still reads: %q", body)
	}
}

func TestConcurrentWritesAllKept(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?start=1")
	const n = 100
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if resp := c.do("GET", fmt.Sprintf("/set?k%d=%d", i, i)); resp.StatusCode != 200 {
				t.Errorf("write %d: status %d", i, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	kept := 0
	check := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		for i := range n {
			if v, _ := latch.Get[string](s, fmt.Sprintf("k%d", i)); v == fmt.Sprint(i) {
				kept++
			}
		}
	})
	check.cookie = c.cookie
	check.do("GET", "/")
	if kept != n {
		t.Errorf("%d of %d concurrent writes kept", kept, n)
	}
}

func TestDestroyedSessionIsNotResurrected(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	loaded := make(chan struct{})
	destroyed := make(chan struct{})
	slow := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		s.Get("a") // load before the logout
		close(loaded)
		<-destroyed
		s.Set("b", "2")
	})
	slow.cookie = c.cookie
	done := make(chan *http.Response)
	go func() { done <- slow.do("GET", "/") }()
	<-loaded
	old := c.id()
	c.do("POST", "/destroy")
	close(destroyed)
	<-done
	replay := newClient(t, m, app(t))
	replay.cookie = &http.Cookie{Name: "sessionid", Value: old}
	if body := read(replay.do("GET", "/get?k=a")); body != "" {
		t.Errorf("a write that raced a destroy brought the session back: a = %q", body)
	}
}

func TestLifetimeAndIdleTimeout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  latch.Config
		wait time.Duration
	}{
		{"lifetime", latch.Config{Lifetime: time.Second}, 1100 * time.Millisecond},
		{"idle timeout", latch.Config{IdleTimeout: time.Second}, 1100 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, _ := newManager(t, tc.cfg)
			c := newClient(t, m, app(t))
			c.do("GET", "/set?a=1")
			if body := read(c.do("GET", "/get?k=a")); body != "1" {
				t.Fatalf("fresh session reads %q, want 1", body)
			}
			time.Sleep(tc.wait)
			if body := read(c.do("GET", "/get?k=a")); body != "" {
				t.Errorf("expired session still reads %q", body)
			}
		})
	}
}

func TestIdleTimeoutIsMovedByUse(t *testing.T) {
	t.Parallel()
	m, _ := newManager(t, latch.Config{IdleTimeout: time.Second})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	for range 4 {
		time.Sleep(400 * time.Millisecond)
		if body := read(c.do("GET", "/get?k=a")); body != "1" {
			t.Fatalf("a session in use died of idleness")
		}
	}
}

func TestExpiryOnClose(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		s.Set("a", "1")
		s.SetExpiry(latch.ExpireOnClose())
	})
	ck := sessionCookie(c.do("GET", "/"))
	if ck == nil || ck.MaxAge != 0 || !ck.Expires.IsZero() {
		t.Errorf("browser-session cookie has Max-Age %d, Expires %v", ck.MaxAge, ck.Expires)
	}
}

func TestSessionSizeLimit(t *testing.T) {
	m, _ := newManager(t, latch.Config{MaxSize: 1000})
	c := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		if err := s.Set("a", strings.Repeat("x", 500)); err != nil {
			t.Errorf("Set of 500 bytes: %v", err)
		}
		if err := s.Set("b", strings.Repeat("x", 600)); !errors.Is(err, latch.ErrTooLarge) {
			t.Errorf("Set past MaxSize: err = %v, want ErrTooLarge", err)
		}
		if err := s.Set("a", strings.Repeat("x", 900)); err != nil {
			t.Errorf("replacing a value within MaxSize: %v", err)
		}
	})
	c.do("GET", "/")
}

func TestStoreFailureAnswers503(t *testing.T) {
	m, store := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	store.down.Store(true)
	for _, path := range []string{"/get?k=a", "/set?b=2"} {
		resp := c.do("GET", path)
		if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s with the store down: %d, Retry-After %q; want 503 with Retry-After", path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	store.down.Store(false)
	if body := read(c.do("GET", "/get?k=a")); body != "1" {
		t.Errorf("after the store returned: a = %q, want 1 (the session survived)", body)
	}
}

func TestSaveFailureReplacesResponse(t *testing.T) {
	m, store := newManager(t, latch.Config{})
	c := newClient(t, m, func(w http.ResponseWriter, r *http.Request, s *latch.Session) {
		s.Set("a", "1")
		store.down.Store(true)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	})
	resp := c.do("POST", "/")
	if resp.StatusCode != 503 || strings.Contains(read(resp), "ok") {
		t.Errorf("a failed save answered %d; want 503 without the handler's body", resp.StatusCode)
	}
}

func TestSaveEveryRequest(t *testing.T) {
	m, store := newManager(t, latch.Config{SaveEveryRequest: true})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	saves := store.saves.Load()
	if sessionCookie(c.do("GET", "/nothing")) == nil {
		t.Error("SaveEveryRequest did not re-send the cookie")
	}
	if store.saves.Load() != saves+1 {
		t.Error("SaveEveryRequest did not write")
	}
}

func TestConfigValidation(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	store := m.Store()
	cases := []latch.Config{
		{CookieName: "bad name"},
		{Lifetime: time.Millisecond},
		{IdleTimeout: -time.Second},
		{MaxSize: 10},
		{SameSite: http.SameSiteNoneMode, Secure: latch.SecureNever},
	}
	for _, cfg := range cases {
		if _, err := latch.New(store, cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad config", cfg)
		}
	}
	if _, err := latch.New(nil, latch.Config{}); err == nil {
		t.Error("New(nil store) succeeded")
	}
}

func read(resp *http.Response) string {
	var b strings.Builder
	buf := make([]byte, 512)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// stuckStore never answers: every call waits until its context ends.
type stuckStore struct{ latch.Store }

func (stuckStore) Load(ctx context.Context, key string) (latch.Record, error) {
	<-ctx.Done()
	return latch.Record{}, ctx.Err()
}

// TestStoreTimeoutBoundsAStuckStore checks that a store that does not
// answer holds no request past StoreTimeout: the request gets a 503. Were
// the deadline not passed to the store, the test would hang.
func TestStoreTimeoutBoundsAStuckStore(t *testing.T) {
	m, _ := newManager(t, latch.Config{})
	c := newClient(t, m, app(t))
	c.do("GET", "/set?a=1")
	stuck, err := latch.New(stuckStore{m.Store()}, latch.Config{StoreTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.h = stuck.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app(t)(w, r, latch.FromContext(r.Context()))
	}))
	resp := c.do("GET", "/get?k=a")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a stuck store: status %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
