package sqlstore_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/authtest"
	"github.com/latchgo/latch/sqlstore"
)

// openUsers opens a Users over db and closes it when the test ends.
func openUsers(t testing.TB, db *sql.DB) *sqlstore.Users {
	t.Helper()
	u, err := sqlstore.OpenUsers(t.Context(), db, sqlstore.SQLite)
	if err != nil {
		t.Fatalf("OpenUsers: %v", err)
	}
	t.Cleanup(func() {
		if err := u.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return u
}

func TestUsers(t *testing.T) {
	authtest.Run(t, func(t *testing.T) auth.Users {
		return openUsers(t, openDB(t, tempPath(t)))
	})
}

func TestUsersKeepCreatedToTheMillisecond(t *testing.T) {
	users := openUsers(t, openDB(t, tempPath(t)))
	created := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	got, err := users.CreateUser(t.Context(), auth.User{Name: "alice", Created: created})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	want := created.Truncate(time.Millisecond)
	if !got.Created.Equal(want) {
		t.Errorf("CreateUser: Created = %v, want %v", got.Created, want)
	}
	found, err := users.UserByID(t.Context(), got.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	if found != got {
		t.Errorf("UserByID = %+v, want what CreateUser returned, %+v", found, got)
	}
}

func TestUsersAssignRandomIDs(t *testing.T) {
	users := openUsers(t, openDB(t, tempPath(t)))
	u, err := users.CreateUser(t.Context(), auth.User{Name: "alice"})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if len(u.ID) != 32 {
		t.Errorf("assigned ID %q has %d characters, want 32 hexadecimal digits", u.ID, len(u.ID))
	}
}

// TestUsersTwoProcesses checks that a user created through one *sql.DB is
// seen, and its name refused, through another on the same file.
func TestUsersTwoProcesses(t *testing.T) {
	path := tempPath(t)
	a, b := openUsers(t, openDB(t, path)), openUsers(t, openDB(t, path))
	u, err := a.CreateUser(t.Context(), auth.User{Name: "alice", PasswordHash: "h", Active: true})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if got, err := b.UserByName(t.Context(), "alice"); err != nil || got != u {
		t.Errorf("UserByName in the other process = (%+v, %v), want (%+v, nil)", got, err, u)
	}
	if _, err := b.CreateUser(t.Context(), auth.User{Name: "alice"}); err == nil {
		t.Error("CreateUser of a taken name in the other process succeeded")
	}
}
