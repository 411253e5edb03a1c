package bench

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/latchgo/latch/sqlstore"
)

// A kit is one session library wired for the workloads: its middleware
// and the few calls a handler makes. Every workload runs the same handler
// over every kit, so that the libraries differ only in what they do.
type kit struct {
	// cookie is the name of the session cookie.
	cookie string
	// wrap is the library's middleware.
	wrap func(http.Handler) http.Handler
	// get reads the value under key from the request's session.
	get func(r *http.Request, key string) (any, error)
	// set stores v under key in the request's session, saving it too
	// where the library has no middleware to do that.
	set func(w http.ResponseWriter, r *http.Request, key string, v any) error
	// count returns how many values the request's session holds, or is
	// nil for the bare handler, which has no session.
	count func(r *http.Request) (int, error)
}

// A lib names a kit and opens it; the kit's stores are closed when tb ends.
type lib struct {
	name string
	open func(tb testing.TB) kit
}

// libs is every library the benchmarks and tests compare, the bare
// handler first: the benchstat columns follow this order.
var libs = []lib{
	{"bare", bareKit},
	{"latch-mem", latchMemKit},
	{"scs-mem", scsMemKit},
	{"gorilla-cookie", gorillaCookieKit},
	{"latch-sqlite", latchSQLiteKit},
	{"scs-sqlite", scsSQLiteKit},
	{"gorilla-fs", gorillaFSKit},
}

// bareKit is a handler without sessions: it reads the cookie a session
// library would read, and that is all.
func bareKit(testing.TB) kit {
	return kit{
		cookie: "sessionid",
		wrap:   func(h http.Handler) http.Handler { return h },
		get: func(r *http.Request, key string) (any, error) {
			c, err := r.Cookie("sessionid")
			if err != nil {
				return nil, err
			}
			return c.Value, nil
		},
		// A bare "write" reads the cookie too: there is nothing to save.
		set: func(_ http.ResponseWriter, r *http.Request, _ string, _ any) error {
			r.Cookie("sessionid")
			return nil
		},
	}
}

// openSQLite opens a new SQLite database in tb's temporary directory with
// the settings latch uses (WAL, synchronous=NORMAL, a busy timeout), so
// that the SQLite kits differ only in their library.
func openSQLite(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(tb.TempDir(), "sessions.db")))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
