package memstore_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
	"github.com/latchgo/latch/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) latch.Store {
		s := memstore.New()
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestCloseStopsSweeper relies on synctest: if the sweeper goroutine were
// still running when the bubble's function returns, synctest.Test would
// report a deadlock instead of returning.
func TestCloseStopsSweeper(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memstore.NewWithOptions(memstore.Options{SweepInterval: time.Second})
		time.Sleep(3 * time.Second) // let it tick.
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
}

func TestCloseWithoutSweeper(t *testing.T) {
	s := memstore.NewWithOptions(memstore.Options{SweepInterval: -1})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestStoreWorksAfterClose(t *testing.T) {
	s := memstore.New()
	s.Close()
	rec := latch.Record{Key: storetest.RandomKey(), Deadline: time.Now().Add(time.Hour)}
	if err := s.Save(t.Context(), rec); err != nil {
		t.Fatalf("Save after Close: %v", err)
	}
	if _, err := s.Load(t.Context(), rec.Key); err != nil {
		t.Fatalf("Load after Close: %v", err)
	}
}

func TestBackgroundSweeperForgetsExpired(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memstore.NewWithOptions(memstore.Options{SweepInterval: time.Second, SweepBatch: 4})
		defer s.Close()
		const short, long = 2000, 10
		for i := range short + long {
			rec := latch.Record{Key: storetest.RandomKey(), UserID: "u", Deadline: time.Now().Add(time.Second)}
			if i < long {
				rec.Deadline = time.Now().Add(time.Hour)
			}
			if err := s.Save(t.Context(), rec); err != nil {
				t.Fatalf("Save: %v", err)
			}
		}
		// The first tick finds nothing expired; later ticks sample small
		// batches, going on while they find mostly expired records.
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if got := s.Len(); got != long {
			t.Fatalf("after sweeping, Len = %d, want %d", got, long)
		}
		recs, err := s.UserSessions(t.Context(), "u")
		if err != nil || len(recs) != long {
			t.Fatalf("UserSessions = %d records, %v; want %d", len(recs), err, long)
		}
	})
}

func TestLoadForgetsExpired(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memstore.NewWithOptions(memstore.Options{SweepInterval: -1})
		rec := latch.Record{Key: storetest.RandomKey(), Deadline: time.Now().Add(time.Second)}
		if err := s.Save(t.Context(), rec); err != nil {
			t.Fatalf("Save: %v", err)
		}
		time.Sleep(time.Second)
		if _, err := s.Load(t.Context(), rec.Key); err != latch.ErrNotFound {
			t.Fatalf("Load at the deadline: %v, want ErrNotFound", err)
		}
		if got := s.Len(); got != 0 {
			t.Fatalf("after Load of expired record, Len = %d, want 0", got)
		}
	})
}
