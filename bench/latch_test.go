package bench

import (
	"net/http"
	"testing"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
	"github.com/latchgo/latch/sqlstore"
)

func latchMemKit(tb testing.TB) kit {
	s := memstore.New()
	tb.Cleanup(func() { s.Close() })
	return newLatchKit(tb, s)
}

func latchSQLiteKit(tb testing.TB) kit {
	s, err := sqlstore.Open(tb.Context(), openSQLite(tb), sqlstore.SQLite)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return newLatchKit(tb, s)
}

// newLatchKit wires a latch Manager with its defaults (Config{}) over s.
func newLatchKit(tb testing.TB, s latch.Store) kit {
	m, err := latch.New(s, latch.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	return kit{
		cookie: m.Config().CookieName,
		wrap:   m.Handler,
		get: func(r *http.Request, key string) (any, error) {
			return latch.FromContext(r.Context()).Get(key)
		},
		set: func(_ http.ResponseWriter, r *http.Request, key string, v any) error {
			return latch.FromContext(r.Context()).Set(key, v)
		},
		count: func(r *http.Request) (int, error) {
			keys, err := latch.FromContext(r.Context()).Keys()
			return len(keys), err
		},
	}
}
