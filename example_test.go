package latch_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
)

// A handler counts the visits of each browser in its session.
func Example() {
	store := memstore.New()
	defer store.Close()
	sessions, err := latch.New(store, latch.Config{IdleTimeout: 30 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	visits := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := latch.FromContext(r.Context())
		n, err := latch.Get[int64](s, "visits")
		if err != nil && err != latch.ErrNoValue {
			latch.DefaultErrorHandler(w, r, err) // the store is down: 503
			return
		}
		if err := s.Set("visits", n+1); err != nil {
			latch.DefaultErrorHandler(w, r, err)
			return
		}
		fmt.Fprintf(w, "visit %d\n", n+1)
	})
	srv := httptest.NewServer(sessions.Handler(visits))
	defer srv.Close()

	// A client with a cookie jar, as a browser.
	var cookie *http.Cookie
	for range 3 {
		req, _ := http.NewRequest("GET", srv.URL, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range resp.Cookies() {
			cookie = c
		}
		var line string
		fmt.Fscanln(resp.Body, &line)
		resp.Body.Close()
	}
	fmt.Println(cookie.Name, len(cookie.Value), cookie.HttpOnly)
	// Output: sessionid 43 true
}

func ExampleGet() {
	sessions, _ := latch.New(memstore.New(), latch.Config{})
	h := sessions.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := latch.FromContext(r.Context())
		s.Set("since", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		since, err := latch.Get[time.Time](s, "since")
		fmt.Println(since, err)
		_, err = latch.Get[string](s, "since")
		fmt.Println(err)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	// Output:
	// 2026-01-02 03:04:05 +0000 UTC <nil>
	// latch: value "since" is time.Time, not string
}

func ExampleSession_Cycle() {
	sessions, _ := latch.New(memstore.New(), latch.Config{})
	h := sessions.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := latch.FromContext(r.Context())
		// After checking a password: a new ID for the new privilege, so
		// that an ID planted before sign-in is worth nothing after it.
		if err := s.Cycle(); err != nil {
			latch.DefaultErrorHandler(w, r, err)
			return
		}
		s.SetUserID("42")
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/login", nil))
	fmt.Println(w.Result().Cookies()[0].Name)
	// Output: sessionid
}

func ExampleSession_SetExpiry() {
	sessions, _ := latch.New(memstore.New(), latch.Config{})
	h := sessions.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := latch.FromContext(r.Context())
		s.Set("user", "alice")
		// "Remember me" left unticked: forget the session with the browser.
		s.SetExpiry(latch.ExpireOnClose())
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/login", nil))
	fmt.Println(w.Result().Cookies()[0].MaxAge)
	// Output: 0
}
