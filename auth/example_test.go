package auth_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/memstore"
)

// This example wires a small login-protected site: sessions, then the
// signed-in user, then cross-origin protection, then the routes.
func Example() {
	store := memstore.New()
	defer store.Close()
	sessions, err := latch.New(store, latch.Config{})
	if err != nil {
		log.Fatal(err)
	}
	a, err := auth.New(auth.Config{
		Sessions: sessions,
		Users:    auth.NewMemoryUsers(),
		Throttle: &throttle.Limiter{Store: throttle.NewMemory(), Limit: 5, Window: 15 * time.Minute},
		Audit:    func(context.Context, auth.Event) {}, // keep the example's output quiet
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := a.CreateUser(context.Background(), "alice", "correct horse"); err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", a.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.CurrentUser(r.Context())
		fmt.Fprintf(w, "Welcome, %s", u.Name)
	})))
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.SignIn(w, r, r.FormValue("username"), r.FormValue("password")); err != nil {
			http.Error(w, "Invalid username or password.", auth.HTTPStatus(err))
			return
		}
		next := r.FormValue("next")
		if !auth.SafeNext(next) {
			next = "/"
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
	site := sessions.Handler(a.Middleware(auth.CrossOrigin(mux)))

	w := httptest.NewRecorder()
	site.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	fmt.Println(w.Code, w.Header().Get("Location"))

	form := url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {"/"}}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w = httptest.NewRecorder()
	site.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Location"))

	r = httptest.NewRequest("GET", "/", nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	w = httptest.NewRecorder()
	site.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 303 /login?next=%2F
	// 303 /
	// 200 Welcome, alice
}

func ExampleAuth_Authenticate() {
	store := memstore.New()
	defer store.Close()
	sessions, _ := latch.New(store, latch.Config{})
	a, _ := auth.New(auth.Config{Sessions: sessions, Users: auth.NewMemoryUsers()})
	ctx := context.Background()
	a.CreateUser(ctx, "alice", "correct horse")

	u, err := a.Authenticate(ctx, "alice", "correct horse")
	fmt.Println(u.Name, err)
	_, err = a.Authenticate(ctx, "alice", "wrong")
	fmt.Println(errors.Is(err, auth.ErrInvalidCredentials))
	_, err = a.Authenticate(ctx, "mallory", "correct horse")
	fmt.Println(errors.Is(err, auth.ErrInvalidCredentials))
	// Output:
	// alice <nil>
	// true
	// true
}

func ExampleSafeNext() {
	for _, next := range []string{"/sessions?tab=2", "//evil.example", "/%2F/evil.example", "https://evil.example"} {
		fmt.Println(next, auth.SafeNext(next))
	}
	// Output:
	// /sessions?tab=2 true
	// //evil.example false
	// /%2F/evil.example false
	// https://evil.example false
}

func ExampleAuth_ClientIP() {
	store := memstore.New()
	defer store.Close()
	sessions, _ := latch.New(store, latch.Config{})
	a, _ := auth.New(auth.Config{
		Sessions:       sessions,
		Users:          auth.NewMemoryUsers(),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	})
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:41234" // the load balancer
	r.Header.Set("X-Forwarded-For", "203.0.113.5, 198.51.100.7")
	fmt.Println(a.ClientIP(r))
	// Output:
	// 198.51.100.7
}

func ExampleAuth_Sessions() {
	store := memstore.New()
	defer store.Close()
	sessions, _ := latch.New(store, latch.Config{})
	a, _ := auth.New(auth.Config{Sessions: sessions, Users: auth.NewMemoryUsers(), Audit: func(context.Context, auth.Event) {}})
	a.CreateUser(context.Background(), "alice", "correct horse")

	// Sign in twice, as from a laptop and a phone.
	signIn := sessions.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.SignIn(w, r, "alice", "correct horse"); err != nil {
			http.Error(w, err.Error(), auth.HTTPStatus(err))
		}
	}))
	var cookie *http.Cookie
	for _, ua := range []string{"Laptop", "Phone"} {
		r := httptest.NewRequest("POST", "/login", nil)
		r.Header.Set("User-Agent", ua)
		w := httptest.NewRecorder()
		signIn.ServeHTTP(w, r)
		cookie = w.Result().Cookies()[0]
	}

	list := sessions.Handler(a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infos, err := a.Sessions(r)
		if err != nil {
			http.Error(w, err.Error(), auth.HTTPStatus(err))
			return
		}
		for _, s := range infos {
			fmt.Printf("%s from %s, this device: %v\n", s.UserAgent, s.IP, s.Current)
		}
	})))
	r := httptest.NewRequest("GET", "/sessions", nil)
	r.AddCookie(cookie)
	list.ServeHTTP(httptest.NewRecorder(), r)
	// Unordered output:
	// Laptop from 192.0.2.1, this device: false
	// Phone from 192.0.2.1, this device: true
}

func ExampleCrossOrigin() {
	h := auth.CrossOrigin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, site := range []string{"", "same-origin", "cross-site"} {
		r := httptest.NewRequest("POST", "/logout", nil)
		if site != "" {
			r.Header.Set("Sec-Fetch-Site", site)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Printf("%q %d\n", site, w.Code)
	}
	// Output:
	// "" 200
	// "same-origin" 200
	// "cross-site" 403
}
