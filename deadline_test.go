package latch

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestLazyDeadlineEndsAtDeadline(t *testing.T) {
	ctx, release := withLazyDeadline(context.Background(), time.Now().Add(20*time.Millisecond))
	defer release()
	if err := ctx.Err(); err != nil {
		t.Fatalf("Err before the deadline = %v", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done did not close at the deadline")
	}
	if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err = %v, want DeadlineExceeded", err)
	}
	if cause := context.Cause(ctx); !errors.Is(cause, context.DeadlineExceeded) {
		t.Errorf("Cause = %v, want DeadlineExceeded", cause)
	}
}

func TestLazyDeadlineUnarmedPastDeadline(t *testing.T) {
	ctx, release := withLazyDeadline(context.Background(), time.Now().Add(-time.Second))
	defer release()
	if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err = %v, want DeadlineExceeded", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done of a past deadline did not close")
	}
}

func TestLazyDeadlineFollowsParent(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	ctx, release := withLazyDeadline(parent, time.Now().Add(time.Hour))
	defer release()
	if ctx.Value(key{}) != "v" {
		t.Error("the parent's value is lost")
	}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Errorf("Deadline = %v, %v", d, ok)
	}
	cancel()
	if err := ctx.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err after the parent's cancel = %v, want Canceled", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done did not follow the parent")
	}
}

func TestLazyDeadlineReleased(t *testing.T) {
	for _, armed := range []bool{false, true} {
		ctx, release := withLazyDeadline(context.Background(), time.Now().Add(time.Hour))
		if armed {
			ctx.Done()
		}
		release()
		if err := ctx.Err(); !errors.Is(err, context.Canceled) {
			t.Errorf("armed=%v: Err after release = %v, want Canceled", armed, err)
		}
		select {
		case <-ctx.Done():
		default:
			t.Errorf("armed=%v: Done open after release", armed)
		}
	}
}

func TestLazyDeadlineConcurrentUse(t *testing.T) {
	ctx, release := withLazyDeadline(context.Background(), time.Now().Add(10*time.Millisecond))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			<-ctx.Done()
			_ = ctx.Err()
		})
	}
	wg.Wait()
	release()
}

func BenchmarkStoreContext(b *testing.B) {
	parent := context.Background()
	b.Run("lazy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, release := withLazyDeadline(parent, time.Now().Add(time.Second))
			_ = ctx.Err()
			release()
		}
	})
	b.Run("WithTimeout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := context.WithTimeout(parent, time.Second)
			_ = ctx.Err()
			cancel()
		}
	})
}
