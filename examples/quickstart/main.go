// Command quickstart is the README's five-minute program: a site whose
// home page only signed-in users see, with sessions, accounts and login
// throttling kept in one SQLite file.
//
//	go run ./examples/quickstart
//
// then open http://127.0.0.1:8080 and sign in as alice, "correct horse".
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/sqlstore"
	_ "modernc.org/sqlite" // the SQLite driver: pure Go, no cgo
)

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<title>Sign in</title>
<p>{{.}}</p>
<form method="post" action="/login">
  <label>Name <input name="username"></label>
  <label>Password <input name="password" type="password"></label>
  <input type="hidden" name="next" value="/">
  <button>Sign in</button>
</form>`))

func main() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN("quickstart.db"))
	if err != nil {
		log.Fatal(err)
	}
	store, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	users, err := sqlstore.OpenUsers(ctx, db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	failures, err := sqlstore.OpenThrottle(ctx, db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}

	// Sessions: Django's defaults (two weeks), plus an hour of idleness.
	sessions, err := latch.New(store, latch.Config{IdleTimeout: time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	a, err := auth.New(auth.Config{
		Sessions: sessions,
		Users:    users,
		Throttle: &throttle.Limiter{Store: failures, Limit: 5, Window: 15 * time.Minute},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := a.CreateUser(ctx, "alice", "correct horse"); err != nil && !errors.Is(err, auth.ErrUserExists) {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("GET /{$}", a.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.CurrentUser(r.Context())
		s := latch.FromContext(r.Context())
		visits, err := latch.Get[int64](s, "visits")
		if err != nil && !errors.Is(err, latch.ErrNoValue) {
			latch.DefaultErrorHandler(w, r, err) // the store is down: 503
			return
		}
		if err := s.Set("visits", visits+1); err != nil {
			latch.DefaultErrorHandler(w, r, err)
			return
		}
		fmt.Fprintf(w, "Welcome, %s: visit %d.\n", template.HTMLEscapeString(u.Name), visits+1)
	})))
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		loginPage.Execute(w, "")
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.SignIn(w, r, r.FormValue("username"), r.FormValue("password")); err != nil {
			status := auth.HTTPStatus(err) // 401, 429 or 503
			msg := "Invalid username or password."
			if status != http.StatusUnauthorized {
				msg = http.StatusText(status)
			}
			w.WriteHeader(status)
			loginPage.Execute(w, msg)
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
			latch.DefaultErrorHandler(w, r, err)
			return
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
	})

	// Sessions outermost, then the signed-in user, then cross-site
	// request protection for every POST.
	site := sessions.Handler(a.Middleware(auth.CrossOrigin(mux)))
	log.Println("listening on http://127.0.0.1:8080")
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", site))
}
