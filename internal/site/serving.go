package site

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Serving counts the requests in flight other than sign-ins, so that
// password hashing can leave a CPU to them: pass its Busy method as
// password.Options.Busy and the Serving itself as [Config.Serving].
// Without that, a flood of sign-ins holds every CPU for the tens of
// milliseconds of each hash, and signed-in users wait.
type Serving struct {
	n    atomic.Int64 // requests in flight
	last atomic.Int64 // when the last one ended, in Unix nanoseconds
}

// quiet is how long after its last request the site counts as idle: a
// client with a connection open sends its next request within it, and a
// hash that starts in that gap would hold the CPU for its whole length.
const quiet = 100 * time.Millisecond

// Busy reports whether a request other than a sign-in is in flight, or
// ended less than 100 ms ago.
func (s *Serving) Busy() bool {
	return s.n.Load() > 0 || time.Now().UnixNano()-s.last.Load() < int64(quiet)
}

// count wraps h so that s counts its requests, but for POST /login: the
// sign-ins are what waits for the CPU, not what it is left for.
func (s *Serving) count(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/login" {
			h.ServeHTTP(w, r)
			return
		}
		s.n.Add(1)
		defer s.done()
		h.ServeHTTP(w, r)
	})
}

func (s *Serving) done() {
	s.last.Store(time.Now().UnixNano())
	s.n.Add(-1)
}
