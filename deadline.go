package latch

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// lazyDeadline is a context that ends at a deadline, like the one of
// context.WithDeadline, but arms its timer only when a caller asks for
// Done. A store that never waits (memstore checks only Err) then costs no
// timer and no goroutine bookkeeping, which were a quarter of the cost of
// an in-memory load; a store that does wait gets a real
// context.WithDeadline, made on first use, with all its semantics.
type lazyDeadline struct {
	parent   context.Context
	deadline time.Time
	once     sync.Once
	real     atomic.Pointer[realDeadline]
}

type realDeadline struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// withLazyDeadline returns a context that ends at d, or when parent ends,
// and the function that releases it, to call when the store call returns.
func withLazyDeadline(parent context.Context, d time.Time) (context.Context, func()) {
	c := &lazyDeadline{parent: parent, deadline: d}
	return c, c.release
}

// arm makes the real context, once.
func (c *lazyDeadline) arm() *realDeadline {
	c.once.Do(c.makeReal)
	return c.real.Load()
}

func (c *lazyDeadline) makeReal() {
	ctx, cancel := context.WithDeadline(c.parent, c.deadline)
	c.real.Store(&realDeadline{ctx, cancel})
}

func (c *lazyDeadline) Deadline() (time.Time, bool) {
	if d, ok := c.parent.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

func (c *lazyDeadline) Done() <-chan struct{} { return c.arm().ctx.Done() }

func (c *lazyDeadline) Err() error {
	if r := c.real.Load(); r != nil {
		return r.ctx.Err()
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

func (c *lazyDeadline) Value(key any) any {
	if r := c.real.Load(); r != nil {
		return r.ctx.Value(key) // so that context.Cause sees the real context
	}
	return c.parent.Value(key)
}

// release frees the timer, if one was armed; if none was, later calls to
// Done and Err see a context that has been canceled, as they would after
// the cancel function of context.WithDeadline.
func (c *lazyDeadline) release() {
	c.once.Do(c.markReleased)
	c.real.Load().cancel()
}

func (c *lazyDeadline) markReleased() { c.real.Store(&released) }

// released stands in for the real context of a lazyDeadline released
// before it was armed.
var released = func() realDeadline {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return realDeadline{ctx, cancel}
}()
