package bench

import (
	"net/http"
	"testing"
)

// BenchmarkSessions runs three workloads over every library in libs, each
// beside the bare handler:
//
//   - op=read: a signed-in request: load the session, read one value,
//     write nothing.
//   - op=write: load, set one value, save.
//   - op=new: a request without a cookie: set one value, save the new
//     session, send its cookie.
//
// The handler and the request are the same for every library; the
// response writer keeps nothing, so the figures are the library's cost
// plus net/http's header handling, not a recorder's. benchstat puts the
// libraries in columns:
//
//	go test -run '^$' -bench Sessions -count 6 | tee new.txt
//	benchstat -col /lib new.txt
func BenchmarkSessions(b *testing.B) {
	ok := []byte("ok")
	for _, op := range []string{"read", "write", "new"} {
		for _, l := range libs {
			b.Run("op="+op+"/lib="+l.name, func(b *testing.B) {
				k := l.open(b)
				var h http.Handler
				var cookie *http.Cookie
				switch op {
				case "read":
					cookie = seed(b, k)
					h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if v, err := k.get(r, "user"); err != nil || v == nil {
							b.Fatalf("get: %v, %v", v, err)
						}
						w.Write(ok)
					})
				case "write":
					cookie = seed(b, k)
					n := 0
					h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						n++
						if err := k.set(w, r, "n", n); err != nil {
							b.Fatal(err)
						}
						w.Write(ok)
					})
				case "new":
					h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						if err := k.set(w, r, "user", "alice"); err != nil {
							b.Fatal(err)
						}
						w.Write(ok)
					})
				}
				serveLoop(b, k.wrap(h), cookie)
			})
		}
	}
}

// discard is a ResponseWriter that keeps nothing but its header map.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// serveLoop serves one request, with cookie if it is not nil, over and
// over, clearing the response header between rounds.
func serveLoop(b *testing.B, h http.Handler, cookie *http.Cookie) {
	r, err := http.NewRequest("GET", "/", nil)
	if err != nil {
		b.Fatal(err)
	}
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

// seed makes a session like a signed-in user's through k and returns its
// cookie. The bare handler gets a cookie of the same length as latch's.
func seed(tb testing.TB, k kit) *http.Cookie {
	tb.Helper()
	if k.count == nil {
		return &http.Cookie{Name: k.cookie, Value: "p3Ok1OmG2dR0h1h1bWwJ1dCqgm2Wb9Rk3l1xZ8mQeYc"}
	}
	h := k.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, kv := range [][2]string{
			{"user", "alice"},
			{"_auth_hash", "0123456789abcdef0123456789abcdef"},
			{"theme", "dark"},
		} {
			if err := k.set(w, r, kv[0], kv[1]); err != nil {
				tb.Fatal(err)
			}
		}
	}))
	w := &discard{h: http.Header{}}
	r, _ := http.NewRequest("GET", "/", nil)
	h.ServeHTTP(w, r)
	return lastCookie(tb, w.h, k.cookie)
}

// lastCookie returns the last cookie named name that h sets, as a
// browser's jar would keep it.
func lastCookie(tb testing.TB, h http.Header, name string) *http.Cookie {
	tb.Helper()
	c := findCookie(h, name)
	if c == nil {
		tb.Fatalf("no %s cookie in %q", name, h.Values("Set-Cookie"))
	}
	return c
}

// findCookie returns the last valid cookie named name that h sets, or nil.
func findCookie(h http.Header, name string) *http.Cookie {
	var last *http.Cookie
	for _, line := range h.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == name {
			last = c
		}
	}
	return last
}
