package sqlstore_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/auth/throttle/throttletest"
	"github.com/latchgo/latch/sqlstore"
)

// openThrottle opens a Throttle over db and closes it when the test ends.
func openThrottle(t testing.TB, db *sql.DB) *sqlstore.Throttle {
	t.Helper()
	th, err := sqlstore.OpenThrottle(t.Context(), db, sqlstore.SQLite)
	if err != nil {
		t.Fatalf("OpenThrottle: %v", err)
	}
	t.Cleanup(func() {
		if err := th.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return th
}

func TestThrottle(t *testing.T) {
	throttletest.Run(t, func(t *testing.T) throttle.Store {
		return openThrottle(t, openDB(t, tempPath(t)))
	})
}

// countRows returns the number of rows in table.
func countRows(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("counting rows of %s: %v", table, err)
	}
	return n
}

func TestThrottleAddKeepsAtMostLimitRows(t *testing.T) {
	db := openDB(t, tempPath(t))
	th := openThrottle(t, db)
	t0 := time.Now().Truncate(time.Millisecond)
	for i := range 20 {
		if _, err := th.Add(t.Context(), "k", t0, time.Minute, 3); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	if got := countRows(t, db, "latch_throttle"); got != 3 {
		t.Errorf("after 20 failures at one time with limit 3: %d rows, want 3", got)
	}
	// A failure a window later deletes the old ones.
	if _, err := th.Add(t.Context(), "k", t0.Add(time.Minute), time.Minute, 3); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if got := countRows(t, db, "latch_throttle"); got != 1 {
		t.Errorf("after a failure a window later: %d rows, want 1", got)
	}
}

func TestThrottleAddReturnsOnlyTheWindow(t *testing.T) {
	th := openThrottle(t, openDB(t, tempPath(t)))
	t0 := time.Now().Truncate(time.Millisecond)
	// Another process's clock runs ahead: its failure is kept, but it is
	// not within the window that ends at t0.
	if _, err := th.Add(t.Context(), "k", t0.Add(time.Second), time.Minute, 5); err != nil {
		t.Fatalf("Add: %v", err)
	}
	got, err := th.Add(t.Context(), "k", t0, time.Minute, 5)
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if len(got) != 1 || !got[0].Equal(t0) {
		t.Errorf("Add = %v, want [%v]", got, t0)
	}
	recent, err := th.Recent(t.Context(), "k", t0.Add(time.Second), time.Minute)
	if err != nil || len(recent) != 2 {
		t.Errorf("Recent a second later = (%v, %v), want both failures", recent, err)
	}
}

func TestThrottleDeleteExpired(t *testing.T) {
	db := openDB(t, tempPath(t))
	th := openThrottle(t, db)
	t0 := time.Now().Truncate(time.Millisecond)
	for i := range 10 {
		// Ten keys that each failed once, one a second.
		key := string(rune('a' + i))
		if _, err := th.Add(t.Context(), key, t0.Add(time.Duration(i)*time.Second), time.Minute, 5); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	before := t0.Add(6 * time.Second) // the failures at +0s…+6s
	for _, want := range []int{3, 3, 1, 0} {
		n, err := th.DeleteExpired(t.Context(), before, 3)
		if err != nil {
			t.Fatalf("DeleteExpired: %v", err)
		}
		if n != want {
			t.Errorf("DeleteExpired deleted %d, want %d", n, want)
		}
	}
	if got := countRows(t, db, "latch_throttle"); got != 3 {
		t.Errorf("%d rows left, want the 3 newer failures", got)
	}
	if n, err := th.DeleteExpired(t.Context(), t0.Add(time.Hour), 0); n != 0 || err != nil {
		t.Errorf("DeleteExpired with limit 0 = (%d, %v), want (0, nil)", n, err)
	}
}
