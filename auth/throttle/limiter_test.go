package throttle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/latchgo/latch/auth/throttle"
)

// clock is a settable time for Limiter.Now.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func newLimiter(limit int, window time.Duration) (*throttle.Limiter, *clock) {
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	return &throttle.Limiter{Store: throttle.NewMemory(), Limit: limit, Window: window, Now: c.Now}, c
}

// retryAfter returns the RetryAfter of err, or 0 if err is nil; any other
// error fails t.
func retryAfter(t *testing.T, err error) time.Duration {
	t.Helper()
	if err == nil {
		return 0
	}
	var te *throttle.Error
	if !errors.As(err, &te) {
		t.Fatalf("error %v, want *throttle.Error", err)
	}
	return te.RetryAfter
}

func fail(t *testing.T, l *throttle.Limiter, keys ...string) {
	t.Helper()
	if err := l.Fail(t.Context(), keys...); err != nil {
		t.Fatalf("Fail: %v", err)
	}
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	l, c := newLimiter(3, 15*time.Minute)

	for i := range 3 {
		if got := retryAfter(t, l.Check(ctx, "user:alice")); got != 0 {
			t.Fatalf("after %d failures: throttled for %v, want not throttled", i, got)
		}
		fail(t, l, "user:alice")
		c.Advance(time.Minute)
	}
	// Failures at 0, 1m and 2m; now 3m. The one at 0 leaves at 15m.
	if got, want := retryAfter(t, l.Check(ctx, "user:alice")), 12*time.Minute; got != want {
		t.Errorf("at limit: RetryAfter %v, want %v", got, want)
	}
	if got := retryAfter(t, l.Check(ctx, "user:bob")); got != 0 {
		t.Errorf("other key throttled for %v, want not throttled", got)
	}
	if got := retryAfter(t, l.Check(ctx, "user:bob", "user:alice")); got == 0 {
		t.Errorf("Check(bob, alice) not throttled, want throttled")
	}

	c.Advance(12*time.Minute - time.Millisecond)
	if got := retryAfter(t, l.Check(ctx, "user:alice")); got != time.Second {
		t.Errorf("1ms before the window slides: RetryAfter %v, want 1s (rounded up)", got)
	}
	c.Advance(time.Millisecond)
	if got := retryAfter(t, l.Check(ctx, "user:alice")); got != 0 {
		t.Errorf("after the window slid: throttled for %v, want not throttled", got)
	}
}

func TestLimiterLongestRetryAfter(t *testing.T) {
	ctx := context.Background()
	l, c := newLimiter(1, time.Minute)
	fail(t, l, "ip:192.0.2.1")
	c.Advance(30 * time.Second)
	fail(t, l, "user:alice")
	if got, want := retryAfter(t, l.Check(ctx, "ip:192.0.2.1", "user:alice")), time.Minute; got != want {
		t.Errorf("RetryAfter %v, want %v", got, want)
	}
}

func TestLimiterReset(t *testing.T) {
	ctx := context.Background()
	l, _ := newLimiter(2, time.Minute)
	fail(t, l, "user:alice", "ip:192.0.2.1")
	fail(t, l, "user:alice", "ip:192.0.2.1")
	if err := l.Reset(ctx, "user:alice"); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if got := retryAfter(t, l.Check(ctx, "user:alice")); got != 0 {
		t.Errorf("after Reset: throttled for %v", got)
	}
	if got := retryAfter(t, l.Check(ctx, "ip:192.0.2.1")); got == 0 {
		t.Errorf("other key not throttled after Reset of user key")
	}
}

func TestErrorMessage(t *testing.T) {
	err := &throttle.Error{RetryAfter: 90 * time.Second}
	if got, want := err.Error(), "throttle: too many failed attempts; retry after 90s"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestLimiterStoreErrors(t *testing.T) {
	l, _ := newLimiter(3, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, err := range map[string]error{
		"Check": l.Check(ctx, "k"),
		"Fail":  l.Fail(ctx, "k"),
		"Reset": l.Reset(ctx, "k"),
	} {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s error %v, want wrapping context.Canceled", name, err)
		}
	}
}

func TestLimiterInvalid(t *testing.T) {
	for name, l := range map[string]*throttle.Limiter{
		"no store":    {Limit: 1, Window: time.Minute},
		"zero limit":  {Store: throttle.NewMemory(), Window: time.Minute},
		"zero window": {Store: throttle.NewMemory(), Limit: 1},
	} {
		if err := l.Check(context.Background(), "k"); err == nil {
			t.Errorf("%s: Check succeeded, want error", name)
		}
	}
}
