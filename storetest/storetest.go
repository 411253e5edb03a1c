// Package storetest is the conformance suite for [latch.Store]
// implementations. Every store runs the same suite against its real backend:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) latch.Store {
//			s := memstore.New()
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// The suite checks the contract written in the doc comment of [latch.Store]
// and, when a store implements them, of [latch.Sweeper], [latch.UserIndex],
// [latch.Iterator] and [latch.Pinger]. Keys and user IDs are random, so the
// suite may run against a server that other runs share.
package storetest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/latchgo/latch"
)

// test is one behaviour of the contract, checked against a fresh store.
type test struct {
	name string
	fn   func(t *testing.T, s latch.Store)
}

// Run runs the conformance suite against the stores that newStore returns.
//
// Each behaviour is a parallel subtest named for what it checks, and calls
// newStore once with its own *testing.T; newStore may return a new store
// each time or the same shared one, and should register any cleanup with
// t.Cleanup. Behaviours that need an optional capability the store lacks
// are skipped with a message that says so.
func Run(t *testing.T, newStore func(t *testing.T) latch.Store) {
	t.Helper()
	groups := [][]test{
		basicTests,
		casTests,
		expiryTests,
		contextTests,
		sweeperTests,
		userIndexTests,
		iteratorTests,
		pingerTests,
		managerTests,
	}
	for _, group := range groups {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, newStore(t))
			})
		}
	}
}

// RandomKey returns a new random key: 43 characters of unpadded base64url
// encoding 256 random bits, the shape of the keys that [latch] gives stores.
// Use it in tests so that runs against a shared server do not collide.
func RandomKey() string {
	var b [32]byte
	rand.Read(b[:]) // never returns an error; see crypto/rand.Read.
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// newRecord returns a never-saved record under a random key that lives for
// an hour, with a little data.
func newRecord() latch.Record {
	return latch.Record{
		Key:      RandomKey(),
		Deadline: time.Now().Add(time.Hour),
		Data:     []byte("data"),
	}
}

// create saves rec as a new record and returns it as stored.
func create(t *testing.T, s latch.Store, rec latch.Record) latch.Record {
	t.Helper()
	rec.Version = 0
	if err := s.Save(t.Context(), rec); err != nil {
		t.Fatalf("Save(version 0) of new key: %v", err)
	}
	rec.Version = 1
	return rec
}

// mustLoad loads key and fails the test unless it is found.
func mustLoad(t *testing.T, s latch.Store, key string) latch.Record {
	t.Helper()
	rec, err := s.Load(t.Context(), key)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return rec
}

// assertNotFound fails the test unless key loads as ErrNotFound.
func assertNotFound(t *testing.T, s latch.Store, key string) {
	t.Helper()
	rec, err := s.Load(t.Context(), key)
	if !errors.Is(err, latch.ErrNotFound) {
		t.Fatalf("Load = (version %d, %v), want ErrNotFound", rec.Version, err)
	}
}

// assertConflict fails the test unless err is ErrConflict.
func assertConflict(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, latch.ErrConflict) {
		t.Fatalf("Save error = %v, want ErrConflict", err)
	}
}

// assertRecord fails the test unless got has want's fields. Deadlines are
// compared to the millisecond, the precision every store must keep; an
// empty Data equals a nil one.
func assertRecord(t *testing.T, got, want latch.Record) {
	t.Helper()
	if got.Key != want.Key {
		t.Errorf("Key = %q, want %q", got.Key, want.Key)
	}
	if got.Version != want.Version {
		t.Errorf("Version = %d, want %d", got.Version, want.Version)
	}
	if got.UserID != want.UserID {
		t.Errorf("UserID = %q, want %q", got.UserID, want.UserID)
	}
	if g, w := got.Deadline.Truncate(time.Millisecond), want.Deadline.Truncate(time.Millisecond); !g.Equal(w) {
		t.Errorf("Deadline = %v, want %v (to the millisecond)", g, w)
	}
	if !bytes.Equal(got.Data, want.Data) {
		t.Errorf("Data = %s, want %s", summary(got.Data), summary(want.Data))
	}
}

// summary describes b briefly, for failure messages about large data.
func summary(b []byte) string {
	if len(b) <= 64 {
		return "\"" + base64.StdEncoding.EncodeToString(b) + "\" (base64)"
	}
	return fmt.Sprintf("%s... (base64, %d bytes)", base64.StdEncoding.EncodeToString(b[:48]), len(b))
}
