package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/sqlstore"
	"github.com/latchgo/latch/storetest"
)

// openers open each of the package's stores on a database.
var openers = []struct {
	name string
	open func(ctx context.Context, db *sql.DB) (io.Closer, error)
}{
	{"sessions", func(ctx context.Context, db *sql.DB) (io.Closer, error) {
		return sqlstore.Open(ctx, db, sqlstore.SQLite)
	}},
	{"users", func(ctx context.Context, db *sql.DB) (io.Closer, error) {
		return sqlstore.OpenUsers(ctx, db, sqlstore.SQLite)
	}},
	{"throttle", func(ctx context.Context, db *sql.DB) (io.Closer, error) {
		return sqlstore.OpenThrottle(ctx, db, sqlstore.SQLite)
	}},
}

// openAndClose opens the store of openers[i] on db and closes it again.
func openAndClose(ctx context.Context, db *sql.DB, i int) error {
	c, err := openers[i].open(ctx, db)
	if err != nil {
		return fmt.Errorf("open %s: %w", openers[i].name, err)
	}
	return c.Close()
}

// TestStoresShareOneFile opens sessions, users and throttle state on one
// file, in every order, each through its own *sql.DB as separate
// processes would, and checks that the first one opened creates the whole
// schema once and that all three work side by side.
func TestStoresShareOneFile(t *testing.T) {
	orders := [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	for _, order := range orders {
		name := fmt.Sprint(openers[order[0]].name, ",", openers[order[1]].name, ",", openers[order[2]].name)
		t.Run(name, func(t *testing.T) {
			path := tempPath(t)
			for _, i := range order {
				db := openDB(t, path)
				if err := openAndClose(t.Context(), db, i); err != nil {
					t.Fatal(err)
				}
				if got, want := schemaVersions(t, db), allVersions(); got != want {
					t.Fatalf("after opening %s first: schema versions = %s, want %s", openers[i].name, got, want)
				}
			}
			useAll(t, path)
		})
	}
}

// useAll saves a session, creates a user and records a failure in the
// file at path, then finds all three through other connections.
func useAll(t *testing.T, path string) {
	t.Helper()
	ctx := t.Context()
	db := openDB(t, path)
	store, users, th := openStore(t, db), openUsers(t, db), openThrottle(t, db)
	u, err := users.CreateUser(ctx, auth.User{Name: "alice", PasswordHash: "h", Active: true})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	rec := latch.Record{Key: storetest.RandomKey(), UserID: u.ID, Deadline: time.Now().Add(time.Hour), Data: []byte("x")}
	if err := store.Save(ctx, rec); err != nil {
		t.Fatalf("Save: %v", err)
	}
	now := time.Now()
	if _, err := th.Add(ctx, "user:alice", now, time.Minute, 5); err != nil {
		t.Fatalf("Add: %v", err)
	}

	other := openDB(t, path)
	if got, err := openUsers(t, other).UserByName(ctx, "alice"); err != nil || got.ID != u.ID {
		t.Errorf("UserByName = (%+v, %v), want ID %s", got, err, u.ID)
	}
	if recs, err := openStore(t, other).UserSessions(ctx, u.ID); err != nil || len(recs) != 1 {
		t.Errorf("UserSessions = (%d records, %v), want 1", len(recs), err)
	}
	if got, err := openThrottle(t, other).Recent(ctx, "user:alice", now, time.Minute); err != nil || len(got) != 1 {
		t.Errorf("Recent = (%v, %v), want one failure", got, err)
	}
}

// TestConcurrentOpenOfEveryKind opens the three kinds of store on one new
// file at once, from separate *sql.DB, as processes starting together
// would: the schema is created once.
func TestConcurrentOpenOfEveryKind(t *testing.T) {
	path := tempPath(t)
	const perKind = 3
	var wg sync.WaitGroup
	errs := make(chan error, perKind*len(openers))
	for range perKind {
		for i := range openers {
			db := openDB(t, path)
			wg.Go(func() {
				if err := openAndClose(t.Context(), db, i); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := schemaVersions(t, openDB(t, path)), allVersions(); got != want {
		t.Errorf("schema versions applied = %s, want %s", got, want)
	}
}

func TestOpenUsersAndThrottleRefuseZeroDialect(t *testing.T) {
	db := openDB(t, tempPath(t))
	if _, err := sqlstore.OpenUsers(t.Context(), db, sqlstore.Dialect{}); err == nil {
		t.Error("OpenUsers with the zero Dialect succeeded, want an error")
	}
	if _, err := sqlstore.OpenThrottle(t.Context(), db, sqlstore.Dialect{}); err == nil {
		t.Error("OpenThrottle with the zero Dialect succeeded, want an error")
	}
}
