package password

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// gate bounds the hash operations that run at once and the callers that may
// wait for a turn. A flood of logins then costs at most maxWaiting
// goroutines and the memory of len(slots) hashes, and the surplus is told
// [ErrBusy] at once instead of piling up.
type gate struct {
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	timeout    time.Duration

	// held, when set by a test, runs while a slot is held.
	held func()
}

func newGate(concurrent, queue int, timeout time.Duration) *gate {
	return &gate{
		slots:      make(chan struct{}, concurrent),
		maxWaiting: int64(queue),
		timeout:    timeout,
	}
}

// do runs f while holding a slot, or returns an error wrapping [ErrBusy].
func (g *gate) do(ctx context.Context, f func()) error {
	if err := g.acquire(ctx); err != nil {
		return err
	}
	defer func() { <-g.slots }()
	if g.held != nil {
		g.held()
	}
	f()
	return nil
}

func (g *gate) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.waiting.Add(1) > g.maxWaiting {
		g.waiting.Add(-1)
		return ErrBusy
	}
	defer g.waiting.Add(-1)
	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, context.Cause(ctx))
	case <-timer.C:
		return fmt.Errorf("%w: waited %v", ErrBusy, g.timeout)
	}
}
