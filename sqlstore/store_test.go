package sqlstore_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/sqlstore"
	"github.com/latchgo/latch/storetest"

	_ "modernc.org/sqlite"
)

// openDB opens the SQLite file at path as the package recommends and
// closes it when the test ends.
func openDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openStore opens a Store over db and closes it when the test ends.
func openStore(t testing.TB, db *sql.DB) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), db, sqlstore.SQLite)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// tempPath returns the path of a database file in a new temporary
// directory.
func tempPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "latch.db")
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) latch.Store {
		return openStore(t, openDB(t, tempPath(t)))
	})
}

func TestSQLiteDSNPragmas(t *testing.T) {
	// A path with characters that mean something in a URI.
	path := filepath.Join(t.TempDir(), "a dir?#%", "latch.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, path)
	db.SetMaxOpenConns(1) // pragmas are per connection: query the same one.
	for _, tc := range []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"busy_timeout", "5000"},
		{"synchronous", "1"}, // NORMAL
		{"foreign_keys", "1"},
	} {
		var got string
		if err := db.QueryRowContext(t.Context(), "PRAGMA "+tc.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tc.pragma, err)
		}
		if got != tc.want {
			t.Errorf("PRAGMA %s = %q, want %q", tc.pragma, got, tc.want)
		}
	}
	openStore(t, db)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at the path given: %v", err)
	}
}

func TestOpenTwiceKeepsData(t *testing.T) {
	path := tempPath(t)
	db := openDB(t, path)
	s := openStore(t, db)
	rec := latch.Record{Key: storetest.RandomKey(), Deadline: time.Now().Add(time.Hour), Data: []byte("kept")}
	if err := s.Save(t.Context(), rec); err != nil {
		t.Fatalf("Save: %v", err)
	}
	for range 2 {
		again := openStore(t, openDB(t, path))
		got, err := again.Load(t.Context(), rec.Key)
		if err != nil || string(got.Data) != "kept" {
			t.Fatalf("Load after reopening = (%q, %v), want (%q, nil)", got.Data, err, "kept")
		}
	}
	if got, want := schemaVersions(t, db), allVersions(); got != want {
		t.Errorf("schema versions applied = %s, want %s", got, want)
	}
}

func TestConcurrentOpen(t *testing.T) {
	path := tempPath(t)
	const processes = 8
	dbs := make([]*sql.DB, processes)
	for i := range dbs {
		dbs[i] = openDB(t, path)
	}
	var wg sync.WaitGroup
	errs := make([]error, processes)
	for i, db := range dbs {
		wg.Go(func() {
			var s *sqlstore.Store
			s, errs[i] = sqlstore.Open(t.Context(), db, sqlstore.SQLite)
			if s != nil {
				s.Close()
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	if got, want := schemaVersions(t, dbs[0]), allVersions(); got != want {
		t.Errorf("schema versions applied = %s, want %s", got, want)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	db := openDB(t, tempPath(t))
	openStore(t, db)
	if _, err := db.ExecContext(t.Context(), "INSERT INTO latch_schema_version (version) VALUES (99)"); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.Open(t.Context(), db, sqlstore.SQLite); err == nil {
		t.Fatal("Open of a database with a newer schema succeeded, want an error")
	}
	// The failed migration released its transaction: the database still
	// takes writes.
	if _, err := db.ExecContext(t.Context(), "DELETE FROM latch_schema_version WHERE version = 99"); err != nil {
		t.Fatalf("write after failed Open: %v", err)
	}
}

func TestOpenRefusesZeroDialect(t *testing.T) {
	if _, err := sqlstore.Open(t.Context(), openDB(t, tempPath(t)), sqlstore.Dialect{}); err == nil {
		t.Fatal("Open with the zero Dialect succeeded, want an error")
	}
}

// allVersions returns every version of the schema, comma-separated, as
// schemaVersions does: "1,2,3".
func allVersions() string {
	vs := make([]string, sqlstore.SQLiteSchemaVersion)
	for i := range vs {
		vs[i] = strconv.Itoa(i + 1)
	}
	return strings.Join(vs, ",")
}

// schemaVersions returns the applied schema versions, comma-separated.
func schemaVersions(t *testing.T, db *sql.DB) string {
	t.Helper()
	var got string
	err := db.QueryRowContext(t.Context(), "SELECT group_concat(version) FROM (SELECT version FROM latch_schema_version ORDER BY version)").Scan(&got)
	if err != nil {
		t.Fatalf("reading schema versions: %v", err)
	}
	return got
}

// TestTwoProcesses shares one file between two *sql.DB, each with its own
// connection pool, as two processes would; savers on both append to the
// same record with compare-and-set and no update is lost.
func TestTwoProcesses(t *testing.T) {
	path := tempPath(t)
	stores := []*sqlstore.Store{openStore(t, openDB(t, path)), openStore(t, openDB(t, path))}
	rec := latch.Record{Key: storetest.RandomKey(), Deadline: time.Now().Add(time.Hour)}
	if err := stores[0].Save(t.Context(), rec); err != nil {
		t.Fatalf("Save: %v", err)
	}
	const savers = 40
	var wg sync.WaitGroup
	errs := make(chan error, savers)
	for i := range savers {
		wg.Go(func() {
			if err := appendMarker(t, stores[i%2], rec.Key, fmt.Appendf(nil, "<%02d>", i)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, s := range stores {
		got, err := s.Load(t.Context(), rec.Key)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if got.Version != 1+savers {
			t.Errorf("Version = %d, want %d", got.Version, 1+savers)
		}
		for i := range savers {
			if m := fmt.Appendf(nil, "<%02d>", i); !bytes.Contains(got.Data, m) {
				t.Errorf("marker %s lost", m)
			}
		}
	}
}

// appendMarker appends m to the record under key, retrying on conflict.
func appendMarker(t *testing.T, s latch.Store, key string, m []byte) error {
	for {
		rec, err := s.Load(t.Context(), key)
		if err != nil {
			return err
		}
		rec.Data = append(rec.Data, m...)
		err = s.Save(t.Context(), rec)
		if !errors.Is(err, latch.ErrConflict) {
			return err
		}
	}
}

// TestRecordsPages checks Records across several of its pages.
func TestRecordsPages(t *testing.T) {
	s := openStore(t, openDB(t, tempPath(t)))
	const n = 600 // more than two pages.
	want := map[string]bool{}
	for range n {
		rec := latch.Record{Key: storetest.RandomKey(), Deadline: time.Now().Add(time.Hour)}
		if err := s.Save(t.Context(), rec); err != nil {
			t.Fatalf("Save: %v", err)
		}
		want[rec.Key] = true
	}
	seen := 0
	for rec, err := range s.Records(t.Context()) {
		if err != nil {
			t.Fatalf("Records: %v", err)
		}
		if !want[rec.Key] {
			t.Fatalf("Records yielded %q twice or unknown", rec.Key)
		}
		delete(want, rec.Key)
		seen++
	}
	if seen != n {
		t.Errorf("Records yielded %d records, want %d", seen, n)
	}
}
