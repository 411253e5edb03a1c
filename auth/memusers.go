package auth

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"
)

// MemoryUsers is an in-memory [Users], for tests, examples and
// development. IDs it assigns are decimal numbers counting from 1. It is
// safe for concurrent use; its zero value is not: make one with
// [NewMemoryUsers].
type MemoryUsers struct {
	mu     sync.RWMutex
	byID   map[string]User
	byName map[string]string // name → ID
	next   int
}

var _ Users = (*MemoryUsers)(nil)

// NewMemoryUsers returns an empty MemoryUsers.
func NewMemoryUsers() *MemoryUsers {
	return &MemoryUsers{byID: map[string]User{}, byName: map[string]string{}}
}

// UserByName returns the user called name.
func (m *MemoryUsers) UserByName(ctx context.Context, name string) (User, error) {
	if err := ctx.Err(); err != nil {
		return User{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := m.byName[name]
	if !ok {
		return User{}, ErrUserNotFound
	}
	return m.byID[id], nil
}

// UserByID returns the user with ID id.
func (m *MemoryUsers) UserByID(ctx context.Context, id string) (User, error) {
	if err := ctx.Err(); err != nil {
		return User{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	u, ok := m.byID[id]
	if !ok {
		return User{}, ErrUserNotFound
	}
	return u, nil
}

// CreateUser stores u, assigning an ID when it has none.
func (m *MemoryUsers) CreateUser(ctx context.Context, u User) (User, error) {
	if err := ctx.Err(); err != nil {
		return User{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.byName[u.Name]; ok {
		return User{}, fmt.Errorf("%w: name %q", ErrUserExists, u.Name)
	}
	if u.ID == "" {
		for u.ID == "" || m.byID[u.ID].ID != "" {
			m.next++
			u.ID = strconv.Itoa(m.next)
		}
	} else if _, ok := m.byID[u.ID]; ok {
		return User{}, fmt.Errorf("%w: ID %q", ErrUserExists, u.ID)
	}
	if u.Created.IsZero() {
		u.Created = time.Now()
	}
	m.byID[u.ID] = u
	m.byName[u.Name] = u.ID
	return u, nil
}

// SetPasswordHash replaces the password hash of the user with ID id.
func (m *MemoryUsers) SetPasswordHash(ctx context.Context, id, hash string) error {
	return m.update(ctx, id, func(u *User) { u.PasswordHash = hash })
}

// SetActive activates or deactivates the user with ID id.
func (m *MemoryUsers) SetActive(ctx context.Context, id string, active bool) error {
	return m.update(ctx, id, func(u *User) { u.Active = active })
}

// update applies f to the user with ID id.
func (m *MemoryUsers) update(ctx context.Context, id string, f func(*User)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.byID[id]
	if !ok {
		return ErrUserNotFound
	}
	f(&u)
	m.byID[id] = u
	return nil
}

// ListUsers returns every user, sorted by name.
func (m *MemoryUsers) ListUsers(ctx context.Context) ([]User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.SortedFunc(maps.Values(m.byID), func(a, b User) int {
		return cmp.Compare(a.Name, b.Name)
	}), nil
}
