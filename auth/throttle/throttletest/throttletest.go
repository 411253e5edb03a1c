// Package throttletest is the conformance suite for implementations of
// [throttle.Store]. Every implementation runs it against its real backend:
//
//	func TestStore(t *testing.T) {
//		throttletest.Run(t, func(t *testing.T) throttle.Store { return newStore(t) })
//	}
package throttletest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/latchgo/latch/auth/throttle"
)

// Run checks that the stores made by newStore keep the [throttle.Store]
// contract. It calls newStore once per subtest, for an empty store.
func Run(t *testing.T, newStore func(t *testing.T) throttle.Store) {
	t.Helper()
	for _, tt := range []struct {
		name string
		test func(*testing.T, throttle.Store)
	}{
		{"add returns failures in window oldest first", testAddReturns},
		{"recent of unknown key is empty", testRecentUnknown},
		{"window slides", testWindowSlides},
		{"failure exactly window old no longer counts", testWindowBoundary},
		{"limit keeps the newest failures", testLimit},
		{"equal timestamps are distinct failures", testEqualTimes},
		{"reset forgets key", testReset},
		{"reset of unknown key succeeds", testResetUnknown},
		{"keys are independent", testKeysIndependent},
		{"concurrent adds are all counted", testConcurrentAdds},
		{"concurrent adds beyond limit keep limit", testConcurrentAddsLimit},
		{"cancelled context fails", testCancelled},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, newStore(t)) })
	}
}

// base is a recent time at millisecond precision, so that stores with a
// real clock (a TTL) behave and stores with millisecond precision compare
// equal.
func base() time.Time { return time.Now().Truncate(time.Millisecond) }

func add(t *testing.T, s throttle.Store, key string, now time.Time, window time.Duration, limit int) []time.Time {
	t.Helper()
	got, err := s.Add(t.Context(), key, now, window, limit)
	if err != nil {
		t.Fatalf("Add(%q, %v): %v", key, now, err)
	}
	return got
}

func recent(t *testing.T, s throttle.Store, key string, now time.Time, window time.Duration) []time.Time {
	t.Helper()
	got, err := s.Recent(t.Context(), key, now, window)
	if err != nil {
		t.Fatalf("Recent(%q, %v): %v", key, now, err)
	}
	return got
}

// check fails t unless got are the times want, in order.
func check(t *testing.T, what string, got, want []time.Time) {
	t.Helper()
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("%s = %v, want %v", what, format(got), format(want))
	}
}

// format shows times as offsets, which are easier to read.
func format(times []time.Time) string {
	if len(times) == 0 {
		return "[]"
	}
	s := fmt.Sprint(times[0].Format(time.StampMilli))
	for _, tm := range times[1:] {
		s += fmt.Sprintf(" +%v", tm.Sub(times[0]))
	}
	return "[" + s + "]"
}

func testAddReturns(t *testing.T, s throttle.Store) {
	t0 := base()
	check(t, "first Add", add(t, s, "k", t0, time.Minute, 5), []time.Time{t0})
	t1 := t0.Add(time.Second)
	check(t, "second Add", add(t, s, "k", t1, time.Minute, 5), []time.Time{t0, t1})
	check(t, "Recent", recent(t, s, "k", t1, time.Minute), []time.Time{t0, t1})
}

func testRecentUnknown(t *testing.T, s throttle.Store) {
	if got := recent(t, s, "nobody", base(), time.Minute); len(got) != 0 {
		t.Errorf("Recent = %v, want none", got)
	}
}

func testWindowSlides(t *testing.T, s throttle.Store) {
	t0 := base()
	times := []time.Time{t0, t0.Add(20 * time.Second), t0.Add(40 * time.Second)}
	for _, tm := range times {
		add(t, s, "k", tm, time.Minute, 10)
	}
	check(t, "Recent at +50s", recent(t, s, "k", t0.Add(50*time.Second), time.Minute), times)
	check(t, "Recent at +70s", recent(t, s, "k", t0.Add(70*time.Second), time.Minute), times[1:])
	check(t, "Recent at +99s", recent(t, s, "k", t0.Add(99*time.Second), time.Minute), times[2:])
	check(t, "Recent at +2m", recent(t, s, "k", t0.Add(2*time.Minute), time.Minute), nil)
	t3 := t0.Add(90 * time.Second)
	check(t, "Add at +90s", add(t, s, "k", t3, time.Minute, 10), []time.Time{times[2], t3})
}

func testWindowBoundary(t *testing.T, s throttle.Store) {
	t0 := base()
	add(t, s, "k", t0, time.Minute, 10)
	t1 := t0.Add(time.Minute)
	check(t, "Recent a window later", recent(t, s, "k", t1, time.Minute), nil)
	check(t, "Add a window later", add(t, s, "k", t1, time.Minute, 10), []time.Time{t1})
}

func testLimit(t *testing.T, s throttle.Store) {
	t0 := base()
	var all []time.Time
	for i := range 5 {
		tm := t0.Add(time.Duration(i) * time.Second)
		all = append(all, tm)
		got := add(t, s, "k", tm, time.Minute, 3)
		check(t, fmt.Sprintf("Add %d", i+1), got, all[max(0, len(all)-3):])
	}
	got := recent(t, s, "k", t0.Add(5*time.Second), time.Minute)
	if len(got) > 3 && !slices.EqualFunc(got, all, time.Time.Equal) {
		t.Errorf("Recent = %v, want the newest 3 (or all 5)", format(got))
	}
	check(t, "newest 3 of Recent", got[max(0, len(got)-3):], all[2:])
}

func testEqualTimes(t *testing.T, s throttle.Store) {
	t0 := base()
	add(t, s, "k", t0, time.Minute, 10)
	add(t, s, "k", t0, time.Minute, 10)
	check(t, "Recent", recent(t, s, "k", t0, time.Minute), []time.Time{t0, t0})
}

func testReset(t *testing.T, s throttle.Store) {
	t0 := base()
	add(t, s, "k", t0, time.Minute, 10)
	add(t, s, "other", t0, time.Minute, 10)
	if err := s.Reset(t.Context(), "k"); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	check(t, "Recent after Reset", recent(t, s, "k", t0, time.Minute), nil)
	check(t, "Recent of other key", recent(t, s, "other", t0, time.Minute), []time.Time{t0})
	check(t, "Add after Reset", add(t, s, "k", t0, time.Minute, 10), []time.Time{t0})
}

func testResetUnknown(t *testing.T, s throttle.Store) {
	if err := s.Reset(t.Context(), "nobody"); err != nil {
		t.Errorf("Reset: %v", err)
	}
}

func testKeysIndependent(t *testing.T, s throttle.Store) {
	t0 := base()
	for i := range 3 {
		add(t, s, "user:alice", t0.Add(time.Duration(i)*time.Second), time.Minute, 10)
	}
	t1 := t0.Add(5 * time.Second)
	check(t, "Add of other key", add(t, s, "ip:192.0.2.1", t1, time.Minute, 10), []time.Time{t1})
	if got := recent(t, s, "user:alice", t1, time.Minute); len(got) != 3 {
		t.Errorf("Recent(user:alice) has %d failures, want 3", len(got))
	}
}

// concurrentAdds adds n failures of one key from n goroutines.
func concurrentAdds(t *testing.T, s throttle.Store, t0 time.Time, n, limit int) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			now := t0.Add(time.Duration(i) * time.Millisecond)
			if _, err := s.Add(t.Context(), "k", now, time.Minute, limit); err != nil {
				t.Errorf("Add: %v", err)
			}
		})
	}
	wg.Wait()
}

func testConcurrentAdds(t *testing.T, s throttle.Store) {
	t0 := base()
	concurrentAdds(t, s, t0, 50, 100)
	got := recent(t, s, "k", t0.Add(time.Second), time.Minute)
	if len(got) != 50 {
		t.Errorf("Recent has %d failures, want 50", len(got))
	}
	if !slices.IsSortedFunc(got, time.Time.Compare) {
		t.Errorf("Recent = %v, want oldest first", format(got))
	}
}

func testConcurrentAddsLimit(t *testing.T, s throttle.Store) {
	t0 := base()
	concurrentAdds(t, s, t0, 50, 20)
	got := recent(t, s, "k", t0.Add(time.Second), time.Minute)
	if len(got) < 20 {
		t.Errorf("Recent has %d failures, want at least the limit 20", len(got))
	}
	if len(got) > 0 && !got[len(got)-1].Equal(t0.Add(49*time.Millisecond)) {
		t.Errorf("newest of Recent is %v, want the newest added, +49ms", format(got))
	}
}

func testCancelled(t *testing.T, s throttle.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	t0 := base()
	if _, err := s.Add(ctx, "k", t0, time.Minute, 10); err == nil {
		t.Errorf("Add with cancelled context succeeded")
	}
	if _, err := s.Recent(ctx, "k", t0, time.Minute); err == nil {
		t.Errorf("Recent with cancelled context succeeded")
	}
	if err := s.Reset(ctx, "k"); err == nil {
		t.Errorf("Reset with cancelled context succeeded")
	}
}
