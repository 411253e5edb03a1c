package throttle

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Memory is a [Store] that keeps failures in this process's memory. It is
// safe for concurrent use; create one with [NewMemory].
//
// It keeps at most limit failures per key, and forgets a key once its
// newest failure has left the window, sweeping all keys now and then
// during Add (the cost of a sweep is spread over as many calls as there
// are keys), so that memory stays bounded by the keys that failed within
// a window. It starts no goroutine.
type Memory struct {
	mu         sync.Mutex
	keys       map[string]*failures
	sinceSweep int
}

// failures are the recent failures of one key, oldest first.
type failures struct {
	times  []time.Time
	window time.Duration // of the latest Add, for the sweep
}

var _ Store = (*Memory)(nil)

// minSweepInterval is the fewest Adds between two sweeps.
const minSweepInterval = 1024

// NewMemory returns an empty Memory.
func NewMemory() *Memory {
	return &Memory{keys: make(map[string]*failures)}
}

// Add implements [Store].
func (m *Memory) Add(ctx context.Context, key string, now time.Time, window time.Duration, limit int) ([]time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.maybeSweep(now)
	f := m.keys[key]
	if f == nil {
		f = &failures{}
		m.keys[key] = f
	}
	f.window = window
	f.times = append(f.times, now)
	// Callers' clocks may disagree, so now need not be the newest.
	slices.SortStableFunc(f.times, time.Time.Compare)
	old := firstAfter(f.times, now.Add(-window))
	f.times = slices.Delete(f.times, 0, max(old, len(f.times)-max(limit, 0)))
	return slices.Clone(inWindow(f.times, now, window)), nil
}

// Recent implements [Store].
func (m *Memory) Recent(ctx context.Context, key string, now time.Time, window time.Duration) ([]time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.keys[key]
	if f == nil {
		return nil, nil
	}
	return slices.Clone(inWindow(f.times, now, window)), nil
}

// Reset implements [Store].
func (m *Memory) Reset(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.keys, key)
	return nil
}

// inWindow returns the part of times, sorted oldest first, within
// (now-window, now]. It shares times' backing array.
func inWindow(times []time.Time, now time.Time, window time.Duration) []time.Time {
	return times[firstAfter(times, now.Add(-window)):firstAfter(times, now)]
}

// firstAfter returns the index of the first of times, sorted oldest first,
// after t, or len(times).
func firstAfter(times []time.Time, t time.Time) int {
	i, _ := slices.BinarySearchFunc(times, t, func(e, t time.Time) int {
		if e.After(t) {
			return 1
		}
		return -1
	})
	return i
}

// maybeSweep forgets the keys whose newest failure has left its window,
// once every max(minSweepInterval, len(m.keys)) calls.
func (m *Memory) maybeSweep(now time.Time) {
	m.sinceSweep++
	if m.sinceSweep < max(minSweepInterval, len(m.keys)) {
		return
	}
	m.sinceSweep = 0
	for k, f := range m.keys {
		if n := len(f.times); n == 0 || !f.times[n-1].After(now.Add(-f.window)) {
			delete(m.keys, k)
		}
	}
}
