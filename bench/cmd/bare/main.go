// Command bare is the baseline of bench/wrk.sh: a net/http server that
// does what latch serve does on the benchmarked routes, minus sessions.
//
//	GET /                    reads the session cookie, answers a small HTML page
//	PUT /api/session/data/k  reads the body, answers 204
//	POST /login              verifies one argon2id hash, answers 303
//
// The password is "bench" unless -password says otherwise; its hash is
// made at start with the OWASP parameters latch uses (m=19456 KiB, t=2,
// p=1), so that a sign-in here costs what the hash costs, and nothing
// else; at most -hash-limit (default: the number of CPUs, as latch) run at
// once. Only for benchmarks: it signs nobody in.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/crypto/argon2"
)

// The argon2id parameters: OWASP's first recommendation.
const (
	argonMemory  = 19456 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

var home = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Home</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Welcome, {{.User}}</h1><p>Your session cookie is {{.Len}} bytes long.</p></main></body></html>
`))

func main() {
	addr := flag.String("addr", "127.0.0.1:8001", "listen address")
	password := flag.String("password", "bench", "the password POST /login accepts")
	cookie := flag.String("cookie-name", "sessionid", "the cookie GET / reads")
	hashLimit := flag.Int("hash-limit", runtime.NumCPU(), "how many hashes may run at once (0: no limit)")
	flag.Parse()
	log.SetFlags(0)

	salt := make([]byte, 16)
	rand.Read(salt)
	hash := argon2.IDKey([]byte(*password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(*cookie)
		if err != nil {
			http.Redirect(w, r, "/login?next=%2F", http.StatusSeeOther)
			return
		}
		var buf bytes.Buffer
		if err := home.Execute(&buf, struct {
			User string
			Len  int
		}{"admin", len(c.Value)}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	})
	mux.HandleFunc("PUT /api/session/data/{name}", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	// Like latch, verify at most hashLimit passwords at once: without a
	// limit, 32 concurrent hashes of 19 MiB each spend more time in the
	// garbage collector than in argon2, and the baseline would be slow.
	var gate chan struct{}
	if *hashLimit > 0 {
		gate = make(chan struct{}, *hashLimit)
	}
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if gate != nil {
			gate <- struct{}{}
			defer func() { <-gate }()
		}
		got := argon2.IDKey([]byte(r.PostFormValue("password")), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
		if r.PostFormValue("username") != "admin" || subtle.ConstantTimeCompare(got, hash) != 1 {
			http.Error(w, "Invalid username or password.", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("bare: %v", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	log.Printf("bare: listening on %s", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("bare: %v", err)
	}
}
