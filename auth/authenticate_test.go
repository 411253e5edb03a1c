package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/memstore"
)

// newAuth returns an Auth over fresh memory stores, and its users.
func newAuth(tb testing.TB) (*auth.Auth, *auth.MemoryUsers) {
	tb.Helper()
	store := memstore.New()
	tb.Cleanup(func() { store.Close() })
	m, err := latch.New(store, latch.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	users := auth.NewMemoryUsers()
	a, err := auth.New(auth.Config{Sessions: m, Users: users, Hasher: fastHasher(tb), Audit: func(context.Context, auth.Event) {}})
	if err != nil {
		tb.Fatal(err)
	}
	return a, users
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	a, users := newAuth(t)
	alice, err := a.CreateUser(ctx, "alice", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := a.CreateUser(ctx, "bob", "correct horse")
	users.SetActive(ctx, bob.ID, false)
	users.CreateUser(ctx, auth.User{Name: "carol", PasswordHash: "!unusable", Active: true})
	users.CreateUser(ctx, auth.User{Name: "dave", PasswordHash: "$argon2id$garbage", Active: true})

	t.Run("success", func(t *testing.T) {
		u, err := a.Authenticate(ctx, "alice", "correct horse")
		if err != nil || u.ID != alice.ID {
			t.Errorf("Authenticate = %+v, %v; want alice", u, err)
		}
	})
	failures := []struct{ name, user, pw string }{
		{"unknown user", "nobody", "correct horse"},
		{"inactive user", "bob", "correct horse"},
		{"wrong password", "alice", "Correct horse"},
		{"empty password", "alice", ""},
		{"unusable hash", "carol", "anything"},
		{"malformed hash", "dave", "anything"},
		{"name differs in case", "Alice", "correct horse"},
		{"oversized password", "alice", strings.Repeat("x", auth.MaxPasswordLength+1)},
	}
	want := auth.ErrInvalidCredentials.Error()
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			u, err := a.Authenticate(ctx, tt.user, tt.pw)
			if !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Fatalf("error = %v, want ErrInvalidCredentials", err)
			}
			if err.Error() != want {
				t.Errorf("error text %q, want %q for every failure", err, want)
			}
			if u != (auth.User{}) {
				t.Errorf("user = %+v, want the zero User", u)
			}
		})
	}
}

func TestAuthenticateUpgradesHash(t *testing.T) {
	ctx := context.Background()
	a, users := newAuth(t)
	old, err := bcrypt.GenerateFromPassword([]byte("correct horse"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	created, _ := users.CreateUser(ctx, auth.User{Name: "erin", PasswordHash: string(old), Active: true})
	if _, err := a.Authenticate(ctx, "erin", "wrong"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if u, _ := users.UserByID(ctx, created.ID); u.PasswordHash != string(old) {
		t.Fatal("a failed sign-in changed the hash")
	}
	u, err := a.Authenticate(ctx, "erin", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := users.UserByID(ctx, created.ID)
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$") {
		t.Errorf("stored hash %q, want it upgraded to argon2id", stored.PasswordHash)
	}
	if u.PasswordHash != stored.PasswordHash {
		t.Error("the returned user does not carry the new hash")
	}
	if _, err := a.Authenticate(ctx, "erin", "correct horse"); err != nil {
		t.Errorf("sign-in with the upgraded hash: %v", err)
	}
}

// BenchmarkAuthenticate compares an unknown user with a wrong password:
// their ns/op should be within a few percent of each other. It uses the
// default (OWASP) argon2id parameters.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	store := memstore.New()
	b.Cleanup(func() { store.Close() })
	m, _ := latch.New(store, latch.Config{})
	a, err := auth.New(auth.Config{Sessions: m, Users: auth.NewMemoryUsers(), Audit: func(context.Context, auth.Event) {}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.CreateUser(ctx, "alice", "correct horse"); err != nil {
		b.Fatal(err)
	}
	for _, bb := range []struct{ name, user string }{
		{"unknown-user", "nobody"},
		{"wrong-password", "alice"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := a.Authenticate(ctx, bb.user, "wrong horse"); !errors.Is(err, auth.ErrInvalidCredentials) {
					b.Fatal(err)
				}
			}
		})
	}
}
