package password_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchgo/latch/auth/password"
)

// holdOne starts an operation on h that holds its only slot until the
// returned release is called, and returns once the slot is held.
func holdOne(t *testing.T, h *password.Hasher) (release func(), done <-chan error) {
	t.Helper()
	entered, unblock := make(chan struct{}), make(chan struct{})
	var once sync.Once
	password.Hold(h, func() {
		once.Do(func() { close(entered); <-unblock })
	})
	errc := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.Background(), "first")
		errc <- err
	}()
	<-entered
	return sync.OnceFunc(func() { close(unblock) }), errc
}

// waitForWaiters yields until n callers wait for a slot of h.
func waitForWaiters(h *password.Hasher, n int) {
	for password.Waiting(h) < n {
		runtime.Gosched()
	}
}

func TestBusy(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap, MaxConcurrent: 1, MaxQueue: 1})
	release, first := holdOne(t, h)
	defer release()

	stored := mustHash(t, newHasher(t, password.Options{Argon2: cheap}), "second")
	second := make(chan error, 1)
	go func() {
		_, _, err := h.Verify(context.Background(), "second", stored)
		second <- err
	}()
	waitForWaiters(h, 1)

	// The slot is held and the queue is full: the surplus is refused at once.
	for i := range 5 {
		if _, err := h.Hash(context.Background(), "surplus"); !errors.Is(err, password.ErrBusy) {
			t.Errorf("surplus Hash %d: error %v, want ErrBusy", i, err)
		}
	}
	if err := h.DummyVerify(context.Background(), "surplus"); !errors.Is(err, password.ErrBusy) {
		t.Errorf("surplus DummyVerify: error %v, want ErrBusy", err)
	}

	release()
	if err := <-first; err != nil {
		t.Errorf("first Hash: %v", err)
	}
	if err := <-second; err != nil {
		t.Errorf("queued Verify: %v", err)
	}
}

func TestBusyWhenContextEndsWhileWaiting(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap, MaxConcurrent: 1})
	release, _ := holdOne(t, h)
	defer release()

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := h.Hash(ctx, "waiting")
		errc <- err
	}()
	waitForWaiters(h, 1)
	cancel()
	err := <-errc
	if !errors.Is(err, password.ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want ErrBusy and context.Canceled", err)
	}
}

func TestBusyAfterQueueTimeout(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap, MaxConcurrent: 1, QueueTimeout: time.Millisecond})
	release, _ := holdOne(t, h)
	defer release()
	if _, err := h.Hash(context.Background(), "waiting"); !errors.Is(err, password.ErrBusy) {
		t.Errorf("error %v, want ErrBusy", err)
	}
}

func TestNoQueue(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap, MaxConcurrent: 1, MaxQueue: -1})
	release, _ := holdOne(t, h)
	defer release()
	if _, err := h.Hash(context.Background(), "waiting"); !errors.Is(err, password.ErrBusy) {
		t.Errorf("error %v, want ErrBusy", err)
	}
}

func TestConcurrentHashes(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap, MaxConcurrent: 2})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			enc, err := h.Hash(context.Background(), "pw")
			if err != nil {
				t.Errorf("Hash: %v", err)
				return
			}
			if ok, _, err := h.Verify(context.Background(), "pw", enc); !ok || err != nil {
				t.Errorf("Verify = (%v, %v), want (true, nil)", ok, err)
			}
		})
	}
	wg.Wait()
}

// holdAll makes every operation of h wait inside its slot until release
// is called, and returns the number of operations inside.
func holdAll(h *password.Hasher) (inside *atomic.Int64, release func()) {
	inside = new(atomic.Int64)
	unblock := make(chan struct{})
	password.Hold(h, func() {
		inside.Add(1)
		<-unblock
	})
	return inside, sync.OnceFunc(func() { close(unblock) })
}

// hashInBackground starts a hash on h and returns its result channel.
func hashInBackground(h *password.Hasher) <-chan error {
	errc := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.Background(), "pw")
		errc <- err
	}()
	return errc
}

// waitInside yields until n operations are inside their slots.
func waitInside(inside *atomic.Int64, n int64) {
	for inside.Load() < n {
		runtime.Gosched()
	}
}

// TestBusyLeavesOneCPU checks that while Busy reports other work, hashes
// leave the last slot free, and take it again when the work is done.
func TestBusyLeavesOneCPU(t *testing.T) {
	var busy atomic.Bool
	busy.Store(true)
	h := newHasher(t, password.Options{Argon2: cheap, MaxConcurrent: 2, Busy: busy.Load})
	if got := h.MaxConcurrent(); got != 2 {
		t.Fatalf("MaxConcurrent = %d, want 2", got)
	}
	inside, release := holdAll(h)
	defer release()
	first, second := hashInBackground(h), hashInBackground(h)
	waitInside(inside, 1)
	waitForWaiters(h, 1)
	if n := inside.Load(); n != 1 {
		t.Fatalf("%d hashes run while busy, want 1", n)
	}
	busy.Store(false) // the other work is done: the reserve opens
	waitInside(inside, 2)
	release()
	for _, errc := range []<-chan error{first, second} {
		if err := <-errc; err != nil {
			t.Errorf("hash: %v", err)
		}
	}
}

// TestNotBusyUsesEverySlot checks that without other work every slot is
// open.
func TestNotBusyUsesEverySlot(t *testing.T) {
	h := newHasher(t, password.Options{Argon2: cheap, MaxConcurrent: 2, Busy: func() bool { return false }})
	inside, release := holdAll(h)
	defer release()
	first, second := hashInBackground(h), hashInBackground(h)
	waitInside(inside, 2) // hangs, and the test times out, if one waits
	release()
	for _, errc := range []<-chan error{first, second} {
		if err := <-errc; err != nil {
			t.Errorf("hash: %v", err)
		}
	}
}
