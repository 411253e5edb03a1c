// Package authtest is the conformance suite of [auth.Users]: every
// implementation runs [Run] against its real backend, so that all of them
// keep the one contract written on the interface.
package authtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/latchgo/latch/auth"
)

// Run checks the contract of [auth.Users] on stores made by newUsers,
// which must return an empty store for each call; it is called once per
// subtest.
func Run(t *testing.T, newUsers func(t *testing.T) auth.Users) {
	t.Helper()
	tests := []struct {
		name string
		test func(t *testing.T, u auth.Users)
	}{
		{"create assigns an ID and the time", testCreateAssigns},
		{"create keeps a given ID and time", testCreateKeeps},
		{"find by name and by ID", testFind},
		{"unknown name and ID are not found", testUnknown},
		{"names are compared exactly", testExactNames},
		{"duplicate name fails and stores nothing", testDuplicateName},
		{"duplicate ID fails", testDuplicateID},
		{"set password hash", testSetPasswordHash},
		{"deactivate and reactivate", testSetActive},
		{"updates of an unknown user are not found", testUpdateUnknown},
		{"list is sorted by name", testList},
		{"list of an empty store is empty", testListEmpty},
		{"concurrent creates of one name: exactly one wins", testConcurrentSameName},
		{"concurrent creates of different names all win", testConcurrentNames},
		{"cancelled context fails", testCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, newUsers(t)) })
	}
}

// create makes a user or fails the test.
func create(t *testing.T, users auth.Users, u auth.User) auth.User {
	t.Helper()
	got, err := users.CreateUser(context.Background(), u)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", u.Name, err)
	}
	return got
}

// same fails the test unless got and want are the same user, with Created
// compared to the second.
func same(t *testing.T, op string, got, want auth.User) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || got.PasswordHash != want.PasswordHash || got.Active != want.Active {
		t.Errorf("%s = %+v, want %+v", op, got, want)
	}
	if d := got.Created.Sub(want.Created); d < -time.Second || d > time.Second {
		t.Errorf("%s: Created = %v, want %v", op, got.Created, want.Created)
	}
}

func testCreateAssigns(t *testing.T, users auth.Users) {
	before := time.Now()
	u := create(t, users, auth.User{Name: "alice", PasswordHash: "h1", Active: true})
	if u.ID == "" {
		t.Error("CreateUser assigned no ID")
	}
	if u.Created.Before(before.Add(-time.Second)) || u.Created.After(time.Now().Add(time.Second)) {
		t.Errorf("Created = %v, want about %v", u.Created, before)
	}
	if u.Name != "alice" || u.PasswordHash != "h1" || !u.Active {
		t.Errorf("CreateUser = %+v, want the given fields back", u)
	}
	v := create(t, users, auth.User{Name: "bob"})
	if v.ID == u.ID {
		t.Errorf("two users share the ID %q", u.ID)
	}
}

func testCreateKeeps(t *testing.T, users auth.Users) {
	created := time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC)
	want := auth.User{ID: "u-42", Name: "carol", PasswordHash: "h", Created: created}
	got := create(t, users, want)
	same(t, "CreateUser", got, want)
	found, err := users.UserByID(context.Background(), "u-42")
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	same(t, "UserByID", found, want)
}

func testFind(t *testing.T, users auth.Users) {
	ctx := context.Background()
	want := create(t, users, auth.User{Name: "dave.o'neil@example.com", PasswordHash: "$argon2id$x", Active: true})
	create(t, users, auth.User{Name: "erin", PasswordHash: "other"})
	got, err := users.UserByName(ctx, want.Name)
	if err != nil {
		t.Fatalf("UserByName: %v", err)
	}
	same(t, "UserByName", got, want)
	got, err = users.UserByID(ctx, want.ID)
	if err != nil {
		t.Fatalf("UserByID: %v", err)
	}
	same(t, "UserByID", got, want)
}

func testUnknown(t *testing.T, users auth.Users) {
	ctx := context.Background()
	u := create(t, users, auth.User{Name: "frank"})
	for _, name := range []string{"", "frank2", "fran", "Frank"} {
		if _, err := users.UserByName(ctx, name); !errors.Is(err, auth.ErrUserNotFound) {
			t.Errorf("UserByName(%q) error = %v, want ErrUserNotFound", name, err)
		}
	}
	for _, id := range []string{"", u.ID + "0", "no-such-id"} {
		if _, err := users.UserByID(ctx, id); !errors.Is(err, auth.ErrUserNotFound) {
			t.Errorf("UserByID(%q) error = %v, want ErrUserNotFound", id, err)
		}
	}
}

func testExactNames(t *testing.T, users auth.Users) {
	ctx := context.Background()
	names := []string{"Zoë", "zoë", "Zoe\u0308", "zoë "} // distinct bytes, no normalisation
	ids := map[string]string{}
	for _, n := range names {
		ids[n] = create(t, users, auth.User{Name: n}).ID
	}
	for _, n := range names {
		got, err := users.UserByName(ctx, n)
		if err != nil {
			t.Fatalf("UserByName(%q): %v", n, err)
		}
		if got.ID != ids[n] || got.Name != n {
			t.Errorf("UserByName(%q) = %q (ID %s), want ID %s", n, got.Name, got.ID, ids[n])
		}
	}
}

func testDuplicateName(t *testing.T, users auth.Users) {
	ctx := context.Background()
	first := create(t, users, auth.User{Name: "grace", PasswordHash: "first"})
	_, err := users.CreateUser(ctx, auth.User{Name: "grace", PasswordHash: "second"})
	if !errors.Is(err, auth.ErrUserExists) {
		t.Fatalf("second CreateUser error = %v, want ErrUserExists", err)
	}
	got, err := users.UserByName(ctx, "grace")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "UserByName after duplicate", got, first)
	list, err := users.ListUsers(ctx)
	if err != nil || len(list) != 1 {
		t.Errorf("ListUsers = %d users, %v; want 1", len(list), err)
	}
}

func testDuplicateID(t *testing.T, users auth.Users) {
	create(t, users, auth.User{ID: "id-1", Name: "heidi"})
	_, err := users.CreateUser(context.Background(), auth.User{ID: "id-1", Name: "ivan"})
	if !errors.Is(err, auth.ErrUserExists) {
		t.Errorf("CreateUser with a taken ID error = %v, want ErrUserExists", err)
	}
	if _, err := users.UserByName(context.Background(), "ivan"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Errorf("the refused user was stored: UserByName error = %v", err)
	}
}

func testSetPasswordHash(t *testing.T, users auth.Users) {
	ctx := context.Background()
	u := create(t, users, auth.User{Name: "judy", PasswordHash: "old", Active: true})
	other := create(t, users, auth.User{Name: "ken", PasswordHash: "kept"})
	if err := users.SetPasswordHash(ctx, u.ID, "new"); err != nil {
		t.Fatalf("SetPasswordHash: %v", err)
	}
	u.PasswordHash = "new"
	got, _ := users.UserByName(ctx, "judy")
	same(t, "UserByName after SetPasswordHash", got, u)
	got, _ = users.UserByID(ctx, other.ID)
	same(t, "other user after SetPasswordHash", got, other)
}

func testSetActive(t *testing.T, users auth.Users) {
	ctx := context.Background()
	u := create(t, users, auth.User{Name: "leo", PasswordHash: "h", Active: true})
	for _, active := range []bool{false, true, false} {
		if err := users.SetActive(ctx, u.ID, active); err != nil {
			t.Fatalf("SetActive(%v): %v", active, err)
		}
		u.Active = active
		got, err := users.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("UserByID after SetActive(%v)", active), got, u)
	}
}

func testUpdateUnknown(t *testing.T, users auth.Users) {
	ctx := context.Background()
	create(t, users, auth.User{Name: "mallory"})
	if err := users.SetPasswordHash(ctx, "no-such-id", "h"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Errorf("SetPasswordHash(unknown) error = %v, want ErrUserNotFound", err)
	}
	if err := users.SetActive(ctx, "no-such-id", false); !errors.Is(err, auth.ErrUserNotFound) {
		t.Errorf("SetActive(unknown) error = %v, want ErrUserNotFound", err)
	}
}

func testList(t *testing.T, users auth.Users) {
	names := []string{"oscar", "Bob", "alice", "_x", "zed", "Émile", "1st"}
	for _, n := range names {
		create(t, users, auth.User{Name: n})
	}
	list, err := users.ListUsers(context.Background())
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	var got []string
	for _, u := range list {
		got = append(got, u.Name)
	}
	want := slices.Sorted(slices.Values(names))
	if !slices.Equal(got, want) {
		t.Errorf("ListUsers names = %q, want %q (byte-wise)", got, want)
	}
}

func testListEmpty(t *testing.T, users auth.Users) {
	list, err := users.ListUsers(context.Background())
	if err != nil || len(list) != 0 {
		t.Errorf("ListUsers = %v, %v; want none", list, err)
	}
}

func testConcurrentSameName(t *testing.T, users auth.Users) {
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = users.CreateUser(context.Background(), auth.User{Name: "peggy", PasswordHash: fmt.Sprint(i)})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, auth.ErrUserExists):
			t.Errorf("a losing CreateUser error = %v, want ErrUserExists", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d creates of one name succeeded, want exactly 1", wins)
	}
}

func testConcurrentNames(t *testing.T, users auth.Users) {
	const n = 16
	var wg sync.WaitGroup
	ids := make([]string, n)
	for i := range n {
		wg.Go(func() {
			u, err := users.CreateUser(context.Background(), auth.User{Name: fmt.Sprintf("user%02d", i)})
			if err != nil {
				t.Errorf("CreateUser(user%02d): %v", i, err)
			}
			ids[i] = u.ID
		})
	}
	wg.Wait()
	slices.Sort(ids)
	if len(slices.Compact(ids)) != n {
		t.Errorf("concurrent creates gave IDs %q, want %d distinct", ids, n)
	}
}

func testCancelled(t *testing.T, users auth.Users) {
	create(t, users, auth.User{Name: "quinn"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := users.UserByName(ctx, "quinn"); err == nil {
		t.Error("UserByName with a cancelled context succeeded")
	}
	if _, err := users.CreateUser(ctx, auth.User{Name: "rupert"}); err == nil {
		t.Error("CreateUser with a cancelled context succeeded")
	}
}
