package memstore_test

import (
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
	"github.com/latchgo/latch/storetest"
)

// benchStore returns a store holding n small records and their keys.
func benchStore(b *testing.B, n int) (*memstore.Store, []string) {
	b.Helper()
	s := memstore.New()
	b.Cleanup(func() { s.Close() })
	keys := make([]string, n)
	for i := range keys {
		keys[i] = storetest.RandomKey()
		rec := latch.Record{Key: keys[i], UserID: "u", Deadline: time.Now().Add(time.Hour), Data: make([]byte, 100)}
		if err := s.Save(b.Context(), rec); err != nil {
			b.Fatal(err)
		}
	}
	return s, keys
}

func BenchmarkLoad(b *testing.B) {
	s, keys := benchStore(b, 1024)
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Load(ctx, keys[i%len(keys)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkLoadParallel(b *testing.B) {
	s, keys := benchStore(b, 1024)
	ctx := b.Context()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Load(ctx, keys[i%len(keys)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func BenchmarkSave(b *testing.B) {
	s, keys := benchStore(b, 1024)
	ctx := b.Context()
	recs := make([]latch.Record, len(keys))
	for i, k := range keys {
		recs[i], _ = s.Load(ctx, k)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec := &recs[i%len(recs)]
		if err := s.Save(ctx, *rec); err != nil {
			b.Fatal(err)
		}
		rec.Version++
		i++
	}
}

func BenchmarkSaveParallel(b *testing.B) {
	s := memstore.New()
	b.Cleanup(func() { s.Close() })
	ctx := b.Context()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		// Each goroutine updates its own record, as requests of different
		// users do.
		rec := latch.Record{Key: storetest.RandomKey(), UserID: "u", Deadline: time.Now().Add(time.Hour), Data: make([]byte, 100)}
		for pb.Next() {
			if err := s.Save(ctx, rec); err != nil {
				b.Error(err)
				return
			}
			rec.Version++
		}
	})
}
