package latch_test

import (
	"net/http"
	"testing"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
)

// These benchmarks put the middleware beside a bare handler in the same
// set, so that the cost of sessions reads as a difference:
//
//	go test -run '^$' -bench Middleware -count 10 | benchstat -col /handler -
//
// See bench/ for the same workloads run against other libraries.

// discard is a ResponseWriter that keeps nothing, so that the benchmarks
// measure the middleware, not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

func BenchmarkMiddleware(b *testing.B) {
	stores := map[string]func(b *testing.B) latch.Store{
		"memory": func(b *testing.B) latch.Store {
			s := memstore.New()
			b.Cleanup(func() { s.Close() })
			return s
		},
	}
	for name, open := range extraBenchStores {
		stores[name] = open
	}
	ok := []byte("ok")
	b.Run("store=none/op=bare", func(b *testing.B) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := r.Cookie("sessionid"); err != nil {
				b.Fatal(err)
			}
			w.Write(ok)
		})
		benchHandler(b, h, &http.Cookie{Name: "sessionid", Value: "x"})
	})
	for name, open := range stores {
		b.Run("store="+name+"/op=read", func(b *testing.B) {
			m, _ := latch.New(open(b), latch.Config{})
			cookie := seed(b, m)
			benchHandler(b, m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := latch.FromContext(r.Context()).Get("user"); err != nil {
					b.Fatal(err)
				}
				w.Write(ok)
			})), cookie)
		})
		b.Run("store="+name+"/op=write", func(b *testing.B) {
			m, _ := latch.New(open(b), latch.Config{})
			cookie := seed(b, m)
			n := 0
			benchHandler(b, m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n++
				if err := latch.FromContext(r.Context()).Set("n", n); err != nil {
					b.Fatal(err)
				}
				w.Write(ok)
			})), cookie)
		})
		b.Run("store="+name+"/op=new", func(b *testing.B) {
			m, _ := latch.New(open(b), latch.Config{})
			benchHandler(b, m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := latch.FromContext(r.Context()).Set("user", "alice"); err != nil {
					b.Fatal(err)
				}
				w.Write(ok)
			})), nil)
		})
	}
}

// extraBenchStores holds the stores of other test files (SQLite).
var extraBenchStores = map[string]func(b *testing.B) latch.Store{}

// seed creates a session like a signed-in user's and returns its cookie.
func seed(b *testing.B, m *latch.Manager) *http.Cookie {
	var cookie *http.Cookie
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := latch.FromContext(r.Context())
		s.Set("user", "alice")
		s.Set("_auth_hash", "0123456789abcdef0123456789abcdef")
		s.Set("theme", "dark")
	}))
	w := &discard{h: http.Header{}}
	r, _ := http.NewRequest("GET", "/", nil)
	h.ServeHTTP(w, r)
	cookie, err := http.ParseSetCookie(w.h.Get("Set-Cookie"))
	if err != nil {
		b.Fatal(err)
	}
	return cookie
}

func benchHandler(b *testing.B, h http.Handler, cookie *http.Cookie) {
	r, _ := http.NewRequest("GET", "/", nil)
	if cookie != nil {
		r.Header.Set("Cookie", cookie.Name+"="+cookie.Value)
	}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}
