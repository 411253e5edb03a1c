// Package memstore keeps latch sessions in the memory of one process: for
// tests, development and single-instance sites that accept losing every
// session on restart.
package memstore

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"sync"
	"time"

	"github.com/latchgo/latch"
)

var (
	_ latch.Store     = (*Store)(nil)
	_ latch.Sweeper   = (*Store)(nil)
	_ latch.UserIndex = (*Store)(nil)
	_ latch.Iterator  = (*Store)(nil)
	_ io.Closer       = (*Store)(nil)
)

// numShards is how many independently locked parts a Store has; a power
// of two, so that a hash picks one with a mask.
const numShards = 64

// Options configure a Store. The zero value gives the defaults.
type Options struct {
	// SweepInterval is how often the background sweeper looks for expired
	// records to forget. Zero means 10 seconds; a negative value disables
	// background sweeping, leaving expired records to Load and to
	// DeleteExpired.
	SweepInterval time.Duration

	// SweepBatch is how many records the sweeper examines in each shard
	// per round, so that a tick costs bounded work; while more than a
	// quarter of those examined had expired it goes on, for at most 16
	// rounds a shard a tick. Zero means 128.
	SweepBatch int
}

// Store is an in-memory [latch.Store]. It also implements [latch.Sweeper],
// [latch.UserIndex], [latch.Iterator] and [io.Closer].
//
// Records are spread over 64 shards by a hash of their key, each with its
// own lock and its own index of records by user, so that requests for
// different sessions rarely wait for each other. Data is copied on Save
// and on Load: callers never share memory with the store.
//
// A Store is safe for concurrent use. Create one with [New] or
// [NewWithOptions] and stop its background sweeper with [Store.Close].
type Store struct {
	seed      maphash.Seed
	shards    [numShards]shard
	batch     int
	stop      chan struct{} // closed by Close.
	done      chan struct{} // closed when the sweeper has returned; nil without one.
	closeOnce sync.Once
}

// shard is one independently locked part of a Store.
type shard struct {
	mu      sync.RWMutex
	records map[string]entry
	users   map[string]map[string]struct{} // user ID → keys of its records.
	_       [64]byte                       // keeps shards on separate cache lines.
}

// entry is a stored record without its key.
type entry struct {
	version  int64
	userID   string
	deadline time.Time
	data     []byte
}

// live reports whether e has not expired at now.
func (e *entry) live(now time.Time) bool { return now.Before(e.deadline) }

// record returns e as the record under key, with a copy of its data.
func (e *entry) record(key string) latch.Record {
	return latch.Record{
		Key:      key,
		Version:  e.version,
		UserID:   e.userID,
		Deadline: e.deadline,
		Data:     bytes.Clone(e.data),
	}
}

// New returns an empty Store with the default [Options]; it starts a
// background sweeper that [Store.Close] stops.
func New() *Store {
	return NewWithOptions(Options{})
}

// NewWithOptions returns an empty Store configured by opts. Unless
// opts.SweepInterval is negative, it starts a background sweeper that
// [Store.Close] stops.
func NewWithOptions(opts Options) *Store {
	if opts.SweepInterval == 0 {
		opts.SweepInterval = 10 * time.Second
	}
	if opts.SweepBatch <= 0 {
		opts.SweepBatch = 128
	}
	s := &Store{
		seed:  maphash.MakeSeed(),
		batch: opts.SweepBatch,
		stop:  make(chan struct{}),
	}
	for i := range s.shards {
		s.shards[i].records = make(map[string]entry)
		s.shards[i].users = make(map[string]map[string]struct{})
	}
	if opts.SweepInterval > 0 {
		s.done = make(chan struct{})
		go s.sweepEvery(opts.SweepInterval)
	}
	return s
}

// shard returns the shard that holds key.
func (s *Store) shard(key string) *shard {
	return &s.shards[maphash.String(s.seed, key)&(numShards-1)]
}

// Load returns the live record under key, or [latch.ErrNotFound]. An
// expired record is forgotten on the way.
func (s *Store) Load(ctx context.Context, key string) (latch.Record, error) {
	if err := ctx.Err(); err != nil {
		return latch.Record{}, fmt.Errorf("memstore: load session: %w", err)
	}
	sh := s.shard(key)
	now := time.Now()
	sh.mu.RLock()
	e, ok := sh.records[key]
	if ok && e.live(now) {
		rec := e.record(key)
		sh.mu.RUnlock()
		return rec, nil
	}
	sh.mu.RUnlock()
	if ok {
		sh.mu.Lock()
		if e, ok := sh.records[key]; ok && !e.live(now) {
			sh.remove(key, e.userID)
		}
		sh.mu.Unlock()
	}
	return latch.Record{}, latch.ErrNotFound
}

// Save stores rec if the stored version is rec.Version, a missing or
// expired record having version 0; otherwise it returns
// [latch.ErrConflict] and changes nothing.
func (s *Store) Save(ctx context.Context, rec latch.Record) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: save session: %w", err)
	}
	data := bytes.Clone(rec.Data)
	sh := s.shard(rec.Key)
	now := time.Now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	old, exists := sh.records[rec.Key]
	var version int64
	if exists && old.live(now) {
		version = old.version
	}
	if rec.Version != version {
		return latch.ErrConflict
	}
	if exists && old.userID != rec.UserID {
		sh.unindex(rec.Key, old.userID)
	}
	if rec.UserID != "" && (!exists || old.userID != rec.UserID) {
		sh.index(rec.Key, rec.UserID)
	}
	sh.records[rec.Key] = entry{
		version:  rec.Version + 1,
		userID:   rec.UserID,
		deadline: rec.Deadline,
		data:     data,
	}
	return nil
}

// Delete removes the record under key, if any.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: delete session: %w", err)
	}
	sh := s.shard(key)
	sh.mu.Lock()
	if e, ok := sh.records[key]; ok {
		sh.remove(key, e.userID)
	}
	sh.mu.Unlock()
	return nil
}

// Len returns how many records the store holds, counting expired records
// that it has not forgotten yet.
func (s *Store) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		n += len(sh.records)
		sh.mu.RUnlock()
	}
	return n
}

// remove deletes the record under key, owned by userID, and its index
// entry. The caller holds sh.mu for writing.
func (sh *shard) remove(key, userID string) {
	delete(sh.records, key)
	sh.unindex(key, userID)
}

// index adds key to userID's records. The caller holds sh.mu for writing.
func (sh *shard) index(key, userID string) {
	keys := sh.users[userID]
	if keys == nil {
		keys = make(map[string]struct{}, 1)
		sh.users[userID] = keys
	}
	keys[key] = struct{}{}
}

// unindex removes key from userID's records. The caller holds sh.mu for
// writing.
func (sh *shard) unindex(key, userID string) {
	if userID == "" {
		return
	}
	keys := sh.users[userID]
	delete(keys, key)
	if len(keys) == 0 {
		delete(sh.users, userID)
	}
}
