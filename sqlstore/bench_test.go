package sqlstore_test

import (
	"testing"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/storetest"
)

// benchRecords saves n records of 100 bytes and returns them as stored.
func benchRecords(b *testing.B, s latch.Store, n int) []latch.Record {
	b.Helper()
	recs := make([]latch.Record, n)
	for i := range recs {
		recs[i] = latch.Record{Key: storetest.RandomKey(), UserID: "u", Deadline: time.Now().Add(time.Hour), Data: make([]byte, 100)}
		if err := s.Save(b.Context(), recs[i]); err != nil {
			b.Fatal(err)
		}
		recs[i].Version = 1
	}
	return recs
}

func BenchmarkLoad(b *testing.B) {
	s := openStore(b, openDB(b, tempPath(b)))
	recs := benchRecords(b, s, 1000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Load(b.Context(), recs[i%len(recs)].Key); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkLoadParallel(b *testing.B) {
	s := openStore(b, openDB(b, tempPath(b)))
	recs := benchRecords(b, s, 1000)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Load(b.Context(), recs[i%len(recs)].Key); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func BenchmarkSave(b *testing.B) {
	s := openStore(b, openDB(b, tempPath(b)))
	recs := benchRecords(b, s, 1000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec := &recs[i%len(recs)]
		if err := s.Save(b.Context(), *rec); err != nil {
			b.Fatal(err)
		}
		rec.Version++
		i++
	}
}
