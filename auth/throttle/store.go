// Package throttle limits failed logins with sliding windows: a key such
// as "user:alice" or "ip:192.0.2.1" that failed Limit times within Window
// is refused until its oldest counted failure leaves the window.
//
// The failures are kept in a [Store], so that several instances behind a
// load balancer can share them; [Memory] keeps them in one process.
package throttle

import (
	"context"
	"time"
)

// Store keeps failure timestamps per key for sliding windows.
//
// A window ending at now is the half-open interval (now-window, now]: a
// failure exactly window old no longer counts. Implementations keep
// timestamps to at least millisecond precision, keep failures that share a
// timestamp as distinct failures, and are safe for concurrent use, also
// across processes when the store is shared. Returned slices belong to the
// caller.
//
// Every method returns a non-nil error when ctx is done before it
// completes, and any other error only when the backend failed; an unknown
// key is not an error. The package throttletest checks this contract.
type Store interface {
	// Add records one failure of key at now and returns the failures of
	// key within the window ending at now, oldest first, this one
	// included; limit is at least 1. The store may forget failures at or
	// before now-window and all but the newest limit failures; it returns
	// at most limit.
	Add(ctx context.Context, key string, now time.Time, window time.Duration, limit int) ([]time.Time, error)

	// Recent returns the failures of key within the window ending at now,
	// oldest first.
	Recent(ctx context.Context, key string, now time.Time, window time.Duration) ([]time.Time, error)

	// Reset forgets every failure of key.
	Reset(ctx context.Context, key string) error
}
