package latch

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Errors returned by stores and by the engine.
var (
	// ErrNotFound means the store holds no live record under the key: it
	// never existed, it was deleted, or its Deadline has passed.
	ErrNotFound = errors.New("latch: session not found")

	// ErrConflict means a Save did not happen because the stored version is
	// not the one the caller read: another request saved or deleted the
	// record in between. The manager reloads, replays and tries again.
	ErrConflict = errors.New("latch: session version conflict")

	// ErrNotSupported means a store lacks an optional capability.
	ErrNotSupported = errors.New("latch: not supported by this store")
)

// Record is what a store keeps for one session. Stores treat Data as opaque
// bytes and must return every field exactly as saved.
type Record struct {
	// Key identifies the record: a hash of the session ID, never the ID
	// itself, so that a leaked store signs nobody in. See [KeyOf].
	Key string

	// Version counts the saves of the record. A record that was never saved
	// has version 0; each successful Save stores Version+1.
	Version int64

	// UserID is the signed-in user, or "" for an anonymous session. Stores
	// that implement [UserIndex] index records by it.
	UserID string

	// Deadline is when the record expires. A store must treat a record past
	// its deadline as absent (Load returns ErrNotFound) and may forget it
	// from then on.
	Deadline time.Time

	// Data is the encoded session; at most [Config.MaxSize] bytes.
	Data []byte
}

// Store keeps session records. Implementations must be safe for concurrent
// use by multiple goroutines and, for shared backends, multiple processes.
//
// Load returns the live record stored under key, or [ErrNotFound].
//
// Save stores rec if, and only if, the version currently stored equals
// rec.Version, where a missing or expired record has version 0. On success
// the stored record has version rec.Version+1. Otherwise Save changes
// nothing and returns [ErrConflict]: so a record deleted by one request is
// never brought back by another request that loaded it earlier.
//
// Delete removes the record; deleting an absent record is not an error.
//
// Any other error means the store failed; the caller answers 503 and
// retries nothing on the user's behalf. Every method honours ctx.
type Store interface {
	Load(ctx context.Context, key string) (Record, error)
	Save(ctx context.Context, rec Record) error
	Delete(ctx context.Context, key string) error
}

// Sweeper is implemented by stores that must delete expired records
// themselves (SQL tables, files). DeleteExpired removes at most limit
// expired records and reports how many it removed; callers loop until it
// returns fewer than limit.
type Sweeper interface {
	DeleteExpired(ctx context.Context, limit int) (int, error)
}

// UserIndex is implemented by stores that index records by [Record.UserID],
// so that one user's sessions are listed and ended without a scan.
//
// UserSessions returns the live records of a user, in no particular order.
// DeleteUserSessions deletes them all except the one under keep (which may
// be "") and reports how many it deleted.
type UserIndex interface {
	UserSessions(ctx context.Context, userID string) ([]Record, error)
	DeleteUserSessions(ctx context.Context, userID, keep string) (int, error)
}

// Iterator is implemented by stores that can enumerate their live records,
// for operators' tools ("list every session", "revoke all").
type Iterator interface {
	Records(ctx context.Context) iter.Seq2[Record, error]
}

// Pinger is implemented by stores that can check that their backend
// answers, for readiness probes.
type Pinger interface {
	Ping(ctx context.Context) error
}
