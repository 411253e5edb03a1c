package password

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// gate bounds the hash operations that run at once and the callers that may
// wait for a turn. A flood of logins then costs at most maxWaiting
// goroutines and the memory of cap(slots)+cap(reserve) hashes, and the
// surplus is told [ErrBusy] at once instead of piling up.
//
// The last slot is kept apart, in reserve: while busy reports other work,
// hashes leave it alone, so that one CPU stays free for that work; a
// waiting hash looks again every reserveRetry.
type gate struct {
	slots      chan struct{}
	reserve    chan struct{} // nil when there is one slot only
	busy       func() bool   // nil: the reserve is always free
	waiting    atomic.Int64
	maxWaiting int64
	timeout    time.Duration

	// held, when set by a test, runs while a slot is held.
	held func()
}

// reserveRetry is how often a waiting hash checks whether the reserved
// slot has become free to take.
const reserveRetry = 2 * time.Millisecond

func newGate(concurrent, queue int, timeout time.Duration, busy func() bool) *gate {
	g := &gate{
		slots:      make(chan struct{}, concurrent),
		maxWaiting: int64(queue),
		timeout:    timeout,
		busy:       busy,
	}
	if concurrent > 1 {
		g.slots = make(chan struct{}, concurrent-1)
		g.reserve = make(chan struct{}, 1)
	}
	return g
}

// do runs f while holding a slot, or returns an error wrapping [ErrBusy].
func (g *gate) do(ctx context.Context, f func()) error {
	slot, err := g.acquire(ctx)
	if err != nil {
		return err
	}
	defer func() { <-slot }()
	if g.held != nil {
		g.held()
	}
	f()
	return nil
}

// acquire takes a slot and returns its channel, to receive from when done.
func (g *gate) acquire(ctx context.Context) (chan struct{}, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBusy, err)
	}
	if slot := g.tryAcquire(); slot != nil {
		return slot, nil
	}
	if g.waiting.Add(1) > g.maxWaiting {
		g.waiting.Add(-1)
		return nil, ErrBusy
	}
	defer g.waiting.Add(-1)
	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	// Without busy the reserve is one more slot to wait on; with it, it is
	// looked at now and then.
	reserve, retry := g.reserve, (<-chan time.Time)(nil)
	if g.busy != nil && g.reserve != nil {
		t := time.NewTicker(reserveRetry)
		defer t.Stop()
		reserve, retry = nil, t.C
	}
	for {
		select {
		case g.slots <- struct{}{}:
			return g.slots, nil
		case reserve <- struct{}{}:
			return reserve, nil
		case <-retry:
			if slot := g.tryReserve(); slot != nil {
				return slot, nil
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", ErrBusy, context.Cause(ctx))
		case <-timer.C:
			return nil, fmt.Errorf("%w: waited %v", ErrBusy, g.timeout)
		}
	}
}

// tryAcquire takes a free slot without waiting, or returns nil.
func (g *gate) tryAcquire() chan struct{} {
	select {
	case g.slots <- struct{}{}:
		return g.slots
	default:
		return g.tryReserve()
	}
}

// tryReserve takes the reserved slot if it is free and nothing else is
// being served, or returns nil.
func (g *gate) tryReserve() chan struct{} {
	if g.reserve == nil || g.busy != nil && g.busy() {
		return nil
	}
	select {
	case g.reserve <- struct{}{}:
		return g.reserve
	default:
		return nil
	}
}
