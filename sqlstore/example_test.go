package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/sqlstore"

	_ "modernc.org/sqlite"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "latch")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(dir, "latch.db")))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlstore.Open(ctx, db, sqlstore.SQLite) // creates the tables.
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	rec := latch.Record{Key: "k", UserID: "alice", Deadline: time.Now().Add(time.Hour), Data: []byte("hello")}
	if err := store.Save(ctx, rec); err != nil {
		log.Fatal(err)
	}
	got, err := store.Load(ctx, "k")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.Version, got.UserID, string(got.Data))
	// Output: 1 alice hello
}

func ExampleSQLiteDSN() {
	fmt.Println(sqlstore.SQLiteDSN("/var/lib/latch/latch.db"))
	// Output: file:/var/lib/latch/latch.db?_pragma=busy_timeout%285000%29&_pragma=journal_mode%28WAL%29&_pragma=synchronous%28NORMAL%29&_pragma=foreign_keys%281%29&_txlock=immediate
}

func ExampleOpenUsers() {
	dir, err := os.MkdirTemp("", "latch")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	// Users and sessions may share one database, and one *sql.DB.
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(dir, "latch.db")))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	users, err := sqlstore.OpenUsers(ctx, db, sqlstore.SQLite) // creates the tables.
	if err != nil {
		log.Fatal(err)
	}
	defer users.Close()

	// auth.Auth.CreateUser validates the name and hashes the password;
	// the store keeps what it is given.
	if _, err := users.CreateUser(ctx, auth.User{Name: "alice", PasswordHash: "!", Active: true}); err != nil {
		log.Fatal(err)
	}
	_, err = users.CreateUser(ctx, auth.User{Name: "alice"})
	fmt.Println(errors.Is(err, auth.ErrUserExists))

	u, err := users.UserByName(ctx, "alice")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Name, u.Active, len(u.ID))
	// Output:
	// true
	// alice true 32
}

func ExampleOpenThrottle() {
	dir, err := os.MkdirTemp("", "latch")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(filepath.Join(dir, "latch.db")))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlstore.OpenThrottle(ctx, db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	// Every process sharing the database counts the same failures.
	limiter := &throttle.Limiter{Store: store, Limit: 2, Window: time.Minute}
	for range 2 {
		if err := limiter.Fail(ctx, "user:alice"); err != nil {
			log.Fatal(err)
		}
	}
	var te *throttle.Error
	fmt.Println(errors.As(limiter.Check(ctx, "user:alice"), &te))

	// Now and then, forget failures older than the longest window.
	if _, err := store.DeleteExpired(ctx, time.Now().Add(-time.Minute), 1000); err != nil {
		log.Fatal(err)
	}
	// Output: true
}
