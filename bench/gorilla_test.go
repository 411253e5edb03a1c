package bench

import (
	"net/http"
	"testing"

	"github.com/gorilla/sessions"
)

// gorillaKeys are a fixed 32-byte signing key and a 32-byte AES key.
var gorillaKeys = [][]byte{
	[]byte("0123456789abcdef0123456789abcdef"),
	[]byte("fedcba9876543210fedcba9876543210"),
}

// gorillaCookieKit keeps the session in a signed, encrypted cookie:
// gorilla's CookieStore with a hash key and a block key.
func gorillaCookieKit(testing.TB) kit {
	return newGorillaKit(sessions.NewCookieStore(gorillaKeys...))
}

// gorillaFSKit keeps the session in one file per session, named by an ID
// that travels in a signed, encrypted cookie.
func gorillaFSKit(tb testing.TB) kit {
	return newGorillaKit(sessions.NewFilesystemStore(tb.TempDir(), gorillaKeys...))
}

func newGorillaKit(store sessions.Store) kit {
	const name = "s"
	return kit{
		cookie: name,
		// gorilla has no middleware. Its registry caches the decoded
		// session in the request, which it replaces in place (*r =
		// *r.WithContext(...)), so each request gets its own copy, as a
		// server's would: otherwise the benchmarks, which reuse one
		// request, would decode the cookie only once.
		wrap: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r2 := *r
				h.ServeHTTP(w, &r2)
			})
		},
		get: func(r *http.Request, key string) (any, error) {
			s, err := store.Get(r, name)
			if err != nil {
				return nil, err
			}
			return s.Values[key], nil
		},
		set: func(w http.ResponseWriter, r *http.Request, key string, v any) error {
			s, err := store.Get(r, name)
			if err != nil {
				return err
			}
			s.Values[key] = v
			return s.Save(r, w)
		},
		count: func(r *http.Request) (int, error) {
			s, err := store.Get(r, name)
			return len(s.Values), err
		},
	}
}
