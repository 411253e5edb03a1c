package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/latchgo/latch/auth"
)

func TestValidateName(t *testing.T) {
	for _, name := range []string{"a", "alice", "Alice.Smith+tag@example.com", "a-b_c", "Zoë", "用户", strings.Repeat("x", auth.MaxNameLength), strings.Repeat("é", auth.MaxNameLength)} {
		if err := auth.ValidateName(name); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", name, err)
		}
	}
	for _, name := range []string{"", " ", "a b", "a\tb", "a\x00", "alice ", "a/b", "a\\b", "a:b", "<script>", "a\u200bb", "a\u00a0b", "\xff", strings.Repeat("x", auth.MaxNameLength+1)} {
		if err := auth.ValidateName(name); !errors.Is(err, auth.ErrInvalidName) {
			t.Errorf("ValidateName(%q) = %v, want ErrInvalidName", name, err)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	for _, pw := range []string{"12345678", "correct horse battery staple", "pässwörd", strings.Repeat("x", auth.MaxPasswordLength)} {
		if err := auth.ValidatePassword(pw); err != nil {
			t.Errorf("ValidatePassword(%q) = %v, want nil", pw, err)
		}
	}
	for _, pw := range []string{"", "1234567", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", strings.Repeat("x", auth.MaxPasswordLength+1)} {
		if err := auth.ValidatePassword(pw); !errors.Is(err, auth.ErrInvalidPassword) {
			t.Errorf("ValidatePassword(%.20q) = %v, want ErrInvalidPassword", pw, err)
		}
	}
}

func TestCreateUser(t *testing.T) {
	ctx := context.Background()
	a, _ := newAuth(t)
	u, err := a.CreateUser(ctx, "alice", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Active || u.ID == "" || !strings.HasPrefix(u.PasswordHash, "$argon2id$") || strings.Contains(u.PasswordHash, "correct") {
		t.Errorf("CreateUser = %+v", u)
	}
	tests := []struct {
		name, user, pw string
		want           error
	}{
		{"taken name", "alice", "correct horse", auth.ErrUserExists},
		{"bad name", "al ice", "correct horse", auth.ErrInvalidName},
		{"short password", "bob", "short", auth.ErrInvalidPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := a.CreateUser(ctx, tt.user, tt.pw); !errors.Is(err, tt.want) {
				t.Errorf("CreateUser error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNewValidatesConfig(t *testing.T) {
	_, err := auth.New(auth.Config{})
	if err == nil {
		t.Fatal("New(Config{}) succeeded")
	}
	for _, want := range []string{"Sessions", "Users"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}
