package latch_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/sqlstore"
	_ "modernc.org/sqlite"
)

func init() {
	extraBenchStores["sqlite"] = func(b *testing.B) latch.Store {
		db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(b.TempDir(), "bench.db")))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		s, err := sqlstore.Open(context.Background(), db, sqlstore.SQLite)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
}
