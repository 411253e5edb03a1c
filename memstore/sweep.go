package memstore

import (
	"context"
	"fmt"
	"time"
)

// maxSweepRounds bounds the rounds the background sweeper spends on one
// shard in one tick.
const maxSweepRounds = 16

// DeleteExpired forgets at most limit expired records and reports how many
// it forgot. The background sweeper makes calling it optional.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	n := 0
	for i := range s.shards {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("memstore: delete expired sessions: %w", err)
		}
		if n >= limit {
			break
		}
		n += s.shards[i].sweep(limit-n, -1, time.Now()).removed
	}
	return n, nil
}

// Close stops the background sweeper and waits for it to return. The
// store keeps working, without background sweeping. Close is idempotent
// and always returns nil.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.stop) })
	if s.done != nil {
		<-s.done
	}
	return nil
}

// sweepEvery runs the background sweeper until Close.
func (s *Store) sweepEvery(interval time.Duration) {
	defer close(s.done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-ticker.C:
			s.sweepTick()
		}
	}
}

// sweepTick examines a bounded number of records in each shard and
// forgets the expired ones. Like Redis's active expiry, it samples: Go
// starts each map iteration at a random place, and a shard whose sample
// was more than a quarter expired is sampled again, up to maxSweepRounds.
func (s *Store) sweepTick() {
	for i := range s.shards {
		for range maxSweepRounds {
			select {
			case <-s.stop:
				return
			default:
			}
			r := s.shards[i].sweep(s.batch, s.batch, time.Now())
			if r.removed*4 <= r.examined || r.examined < s.batch {
				break
			}
		}
	}
}

// sweepResult is what one sweep of a shard did.
type sweepResult struct{ examined, removed int }

// sweep forgets the shard's records that are expired at now, stopping
// when it has removed maxRemoved or examined maxExamined records (no limit
// if negative).
func (sh *shard) sweep(maxRemoved, maxExamined int, now time.Time) sweepResult {
	var r sweepResult
	if maxRemoved <= 0 {
		return r
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for key, e := range sh.records {
		if r.examined == maxExamined {
			break
		}
		r.examined++
		if !e.live(now) {
			sh.remove(key, e.userID)
			r.removed++
			if r.removed == maxRemoved {
				break
			}
		}
	}
	return r
}
