package memstore

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/latchgo/latch"
)

// UserSessions returns the live records of userID, in no particular order.
// Anonymous sessions are not indexed: for userID "" it returns none.
func (s *Store) UserSessions(ctx context.Context, userID string) ([]latch.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("memstore: list user sessions: %w", err)
	}
	if userID == "" {
		return nil, nil
	}
	var recs []latch.Record
	now := time.Now()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		for key := range sh.users[userID] {
			if e := sh.records[key]; e.live(now) {
				recs = append(recs, e.record(key))
			}
		}
		sh.mu.RUnlock()
	}
	return recs, nil
}

// DeleteUserSessions deletes the records of userID except the one under
// keep, and reports how many live records it deleted. It deletes nothing
// for userID "".
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("memstore: delete user sessions: %w", err)
	}
	if userID == "" {
		return 0, nil
	}
	n := 0
	now := time.Now()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for key := range sh.users[userID] {
			if key == keep {
				continue
			}
			if e := sh.records[key]; e.live(now) {
				n++
			}
			sh.remove(key, userID)
		}
		sh.mu.Unlock()
	}
	return n, nil
}

// Records returns an iterator over the live records. Each shard is copied
// under its lock and yielded after, so the loop body may call the store;
// records saved or deleted during the loop may or may not be seen.
func (s *Store) Records(ctx context.Context) iter.Seq2[latch.Record, error] {
	return func(yield func(latch.Record, error) bool) {
		var recs []latch.Record
		for i := range s.shards {
			if err := ctx.Err(); err != nil {
				yield(latch.Record{}, fmt.Errorf("memstore: list sessions: %w", err))
				return
			}
			recs = s.shards[i].live(recs[:0], time.Now())
			for _, rec := range recs {
				if !yield(rec, nil) {
					return
				}
			}
		}
	}
}

// live appends copies of the shard's records that are live at now to recs.
func (sh *shard) live(recs []latch.Record, now time.Time) []latch.Record {
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	for key, e := range sh.records {
		if e.live(now) {
			recs = append(recs, e.record(key))
		}
	}
	return recs
}
