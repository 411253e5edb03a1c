package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
)

func TestUsersPersistInSQLite(t *testing.T) {
	inTempDir(t)
	code, _, stderr := run(t, nil, "a good password\n", "createuser", "bob", "--password-stdin")
	if code != 0 {
		t.Fatalf("createuser: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "a good password\n", "createuser", "bob", "--password-stdin")
	if code != 2 || !strings.Contains(stderr, "exists") {
		t.Errorf("second createuser: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "another password\n", "passwd", "bob", "--password-stdin")
	if code != 0 || !strings.Contains(stderr, "changed the password of bob") {
		t.Errorf("passwd: exit %d, stderr %q", code, stderr)
	}
	code, out, stderr := run(t, nil, "", "sessions", "list", "--user", "bob")
	if code != 0 || !strings.HasPrefix(out, "USER") {
		t.Errorf("sessions list --user: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = run(t, nil, "", "sessions", "revoke", "--user", "bob")
	if code != 0 || out != "revoked 0 sessions of bob\n" {
		t.Errorf("sessions revoke --user: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	code, _, stderr = run(t, nil, "", "sessions", "list", "--user", "nobody")
	if code != 2 || !strings.Contains(stderr, `no user named "nobody"`) {
		t.Errorf("unknown user: exit %d, stderr %q", code, stderr)
	}
}

func TestUsersFromEnvironment(t *testing.T) {
	inTempDir(t)
	env := map[string]string{"LATCH_USERS": "sqlite://people.db", "LATCH_PASSWORD_STDIN": "true"}
	code, _, stderr := run(t, env, "a good password\n", "createuser", "carol")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, nil, "", "sessions", "list", "--user", "carol", "--users", "sqlite://people.db")
	if code != 0 {
		t.Errorf("carol not in people.db: exit %d, stderr %q", code, stderr)
	}
}

// TestSQLitePoolWritesUnderConcurrency writes from more goroutines than
// the pool has connections, to the session, user and throttle tables of
// one file: writers must wait for the write lock (busy_timeout, BEGIN
// IMMEDIATE), never fail with SQLITE_BUSY.
func TestSQLitePoolWritesUnderConcurrency(t *testing.T) {
	dir := inTempDir(t)
	ctx := context.Background()
	res := &resources{}
	defer res.Close()
	u := storeURL{Kind: kindSQLite, Path: filepath.Join(dir, "busy.db")}
	store, err := res.openStore(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	users, err := res.openUsers(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := res.openThrottle(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := res.sqlite(u.Path)
	if got := db.Stats().MaxOpenConnections; got != sqlitePoolSize {
		t.Errorf("MaxOpenConnections = %d, want %d", got, sqlitePoolSize)
	}
	bob, err := users.CreateUser(ctx, auth.User{Name: "bob", Active: true})
	if err != nil {
		t.Fatal(err)
	}

	const workers, rounds = 4 * sqlitePoolSize, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*3)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				key := fmt.Sprintf("k-%d-%d", w, i)
				rec := latch.Record{Key: key, UserID: bob.ID, Deadline: time.Now().Add(time.Hour), Data: []byte("x")}
				errs <- store.Save(ctx, rec)
				errs <- users.SetPasswordHash(ctx, bob.ID, key)
				_, err := ts.Add(ctx, "ip:127.0.0.1", time.Now(), time.Minute, 5)
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if failed++; failed <= 3 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d writes failed", failed, workers*rounds*3)
	}
	if n := db.Stats().OpenConnections; n > sqlitePoolSize {
		t.Errorf("%d connections open, want at most %d", n, sqlitePoolSize)
	}
}
