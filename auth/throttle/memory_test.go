package throttle_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/latchgo/latch/auth/throttle"
	"github.com/latchgo/latch/auth/throttle/throttletest"
)

func TestMemory(t *testing.T) {
	throttletest.Run(t, func(*testing.T) throttle.Store { return throttle.NewMemory() })
}

func TestMemoryForgetsOldKeys(t *testing.T) {
	m := throttle.NewMemory()
	t0 := time.Now()
	const n = 5000
	for i := range n {
		if _, err := m.Add(t.Context(), fmt.Sprint("ip:", i), t0, time.Minute, 5); err != nil {
			t.Fatal(err)
		}
	}
	if got := throttle.Keys(m); got != n {
		t.Fatalf("holds %d keys, want %d", got, n)
	}
	// A window later, new keys push the old ones out within a sweep.
	later := t0.Add(time.Minute)
	for i := range n {
		if _, err := m.Add(t.Context(), fmt.Sprint("user:", i%10), later, time.Minute, 5); err != nil {
			t.Fatal(err)
		}
	}
	if got := throttle.Keys(m); got != 10 {
		t.Errorf("holds %d keys, want 10", got)
	}
}

func TestMemoryOutOfOrderAdds(t *testing.T) {
	m := throttle.NewMemory()
	t0 := time.Now()
	for _, d := range []time.Duration{3, 1, 2} {
		if _, err := m.Add(t.Context(), "k", t0.Add(d*time.Second), time.Minute, 5); err != nil {
			t.Fatal(err)
		}
	}
	got, err := m.Recent(t.Context(), "k", t0.Add(5*time.Second), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for i, tm := range got {
		if want := t0.Add(time.Duration(i+1) * time.Second); !tm.Equal(want) {
			t.Errorf("Recent[%d] = %v, want %v", i, tm, want)
		}
	}
}
