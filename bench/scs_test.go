package bench

import (
	"net/http"
	"testing"
	"time"

	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
)

// scsMemKit is scs as its README sets it up: scs.New(), whose default
// store is its memstore.
func scsMemKit(tb testing.TB) kit {
	return newSCSKit(scs.New())
}

// scsSQLiteKit is scs over its sqlite3store. The store package itself
// imports only database/sql (its go.mod names mattn/go-sqlite3 for its
// tests), so it runs here over the same pure-Go driver and DSN as latch.
// Its background cleanup is off, as latch's sweeping is not running either.
func scsSQLiteKit(tb testing.TB) kit {
	db := openSQLite(tb)
	// The schema from sqlite3store's README.
	const schema = `CREATE TABLE sessions (token TEXT PRIMARY KEY, data BLOB NOT NULL, expiry REAL NOT NULL);
CREATE INDEX sessions_expiry_idx ON sessions(expiry);`
	if _, err := db.Exec(schema); err != nil {
		tb.Fatal(err)
	}
	sm := scs.New()
	sm.Store = sqlite3store.NewWithCleanupInterval(db, time.Duration(0))
	return newSCSKit(sm)
}

func newSCSKit(sm *scs.SessionManager) kit {
	return kit{
		cookie: sm.Cookie.Name,
		wrap:   sm.LoadAndSave,
		get: func(r *http.Request, key string) (any, error) {
			// Get, not GetString: the bare value, as latch's Get returns.
			return sm.Get(r.Context(), key), nil
		},
		set: func(_ http.ResponseWriter, r *http.Request, key string, v any) error {
			sm.Put(r.Context(), key, v)
			return nil
		},
		count: func(r *http.Request) (int, error) {
			return len(sm.Keys(r.Context())), nil
		},
	}
}
