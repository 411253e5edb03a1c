package site_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/password"
	"github.com/latchgo/latch/internal/site"
	"github.com/latchgo/latch/memstore"
)

// discard is a ResponseWriter that keeps only its header, so that the
// benchmark measures the site, not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkSignedIn measures the site's handler chain for a signed-in
// request, in process, as latch serve wires it with the memory store.
//
//	go test -run '^$' -bench SignedIn -cpuprofile cpu.out ./internal/site
func BenchmarkSignedIn(b *testing.B) {
	store := memstore.New()
	b.Cleanup(func() { store.Close() })
	metrics := site.NewMetrics()
	m, err := latch.New(site.Instrument(store, metrics), latch.Config{ErrorHandler: site.ErrorHandler})
	if err != nil {
		b.Fatal(err)
	}
	hasher, _ := password.New(password.Options{Argon2: password.Params{Memory: 64, Time: 1}})
	a, err := auth.New(auth.Config{
		Sessions: m, Users: auth.NewMemoryUsers(), Hasher: hasher,
		UserCacheTTL: time.Second, Audit: func(context.Context, auth.Event) {},
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.CreateUser(context.Background(), "alice", "correct horse"); err != nil {
		b.Fatal(err)
	}
	h := site.New(site.Config{Auth: a, Sessions: m, Metrics: metrics, Serving: new(site.Serving)})

	form := url.Values{"username": {"alice"}, "password": {"correct horse"}}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	cookies := w.Result().Cookies()
	if w.Code != http.StatusSeeOther || len(cookies) == 0 {
		b.Fatalf("sign-in: %d %v", w.Code, cookies)
	}
	for _, path := range []string{"/", "/api/session"} {
		b.Run("GET "+path, func(b *testing.B) {
			r := httptest.NewRequest("GET", path, nil)
			r.AddCookie(cookies[0])
			d := &discard{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(d.h)
				h.ServeHTTP(d, r)
			}
		})
	}
}
