package auth_test

import (
	"testing"

	"github.com/latchgo/latch/auth"
	"github.com/latchgo/latch/auth/authtest"
)

func TestMemoryUsers(t *testing.T) {
	authtest.Run(t, func(*testing.T) auth.Users { return auth.NewMemoryUsers() })
}
