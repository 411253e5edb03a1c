package site

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/latchgo/latch"
)

// Compile-time checks: the instrumented store offers every capability.
var (
	_ latch.Store     = (*InstrumentedStore)(nil)
	_ latch.UserIndex = (*InstrumentedStore)(nil)
	_ latch.Sweeper   = (*InstrumentedStore)(nil)
	_ latch.Iterator  = (*InstrumentedStore)(nil)
	_ latch.Pinger    = (*InstrumentedStore)(nil)
)

// InstrumentedStore is a latch.Store that times every call to the store
// it wraps in latch_store_seconds and counts loads and saves.
//
// It has the methods of every optional capability ([latch.UserIndex],
// [latch.Sweeper], [latch.Iterator], [latch.Pinger]), so a type assertion
// on it always succeeds: each of them forwards to the wrapped store when
// that has the capability, and otherwise returns an error wrapping
// [latch.ErrNotSupported]. This keeps one decorator for every combination
// of capabilities.
type InstrumentedStore struct {
	inner   latch.Store
	metrics *Metrics
}

// Instrument wraps s so that m measures it. It does not take ownership:
// closing s stays the caller's job.
func Instrument(s latch.Store, m *Metrics) *InstrumentedStore {
	return &InstrumentedStore{inner: s, metrics: m}
}

// time records the time since start under op.
func (s *InstrumentedStore) time(op string, start time.Time) {
	s.metrics.observe(op, time.Since(start))
}

// Load implements latch.Store.
func (s *InstrumentedStore) Load(ctx context.Context, key string) (latch.Record, error) {
	defer s.time("load", time.Now())
	s.metrics.loads.Add(1)
	return s.inner.Load(ctx, key)
}

// Save implements latch.Store.
func (s *InstrumentedStore) Save(ctx context.Context, rec latch.Record) error {
	defer s.time("save", time.Now())
	s.metrics.saves.Add(1)
	return s.inner.Save(ctx, rec)
}

// Delete implements latch.Store.
func (s *InstrumentedStore) Delete(ctx context.Context, key string) error {
	defer s.time("delete", time.Now())
	return s.inner.Delete(ctx, key)
}

// notSupported is the error of a capability the wrapped store lacks.
func notSupported(capability string) error {
	return fmt.Errorf("%w: %s", latch.ErrNotSupported, capability)
}

// UserSessions implements latch.UserIndex.
func (s *InstrumentedStore) UserSessions(ctx context.Context, userID string) ([]latch.Record, error) {
	x, ok := s.inner.(latch.UserIndex)
	if !ok {
		return nil, notSupported("UserIndex")
	}
	defer s.time("user_sessions", time.Now())
	return x.UserSessions(ctx, userID)
}

// DeleteUserSessions implements latch.UserIndex.
func (s *InstrumentedStore) DeleteUserSessions(ctx context.Context, userID, keep string) (int, error) {
	x, ok := s.inner.(latch.UserIndex)
	if !ok {
		return 0, notSupported("UserIndex")
	}
	defer s.time("delete_user_sessions", time.Now())
	return x.DeleteUserSessions(ctx, userID, keep)
}

// DeleteExpired implements latch.Sweeper.
func (s *InstrumentedStore) DeleteExpired(ctx context.Context, limit int) (int, error) {
	x, ok := s.inner.(latch.Sweeper)
	if !ok {
		return 0, notSupported("Sweeper")
	}
	defer s.time("delete_expired", time.Now())
	return x.DeleteExpired(ctx, limit)
}

// Records implements latch.Iterator; the whole iteration is timed as one
// "records" operation.
func (s *InstrumentedStore) Records(ctx context.Context) iter.Seq2[latch.Record, error] {
	x, ok := s.inner.(latch.Iterator)
	if !ok {
		return func(yield func(latch.Record, error) bool) {
			yield(latch.Record{}, notSupported("Iterator"))
		}
	}
	return func(yield func(latch.Record, error) bool) {
		defer s.time("records", time.Now())
		for rec, err := range x.Records(ctx) {
			if !yield(rec, err) {
				return
			}
		}
	}
}

// Ping implements latch.Pinger.
func (s *InstrumentedStore) Ping(ctx context.Context) error {
	x, ok := s.inner.(latch.Pinger)
	if !ok {
		return notSupported("Pinger")
	}
	defer s.time("ping", time.Now())
	return x.Ping(ctx)
}
