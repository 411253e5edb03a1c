package memstore_test

import (
	"context"
	"fmt"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
)

func ExampleNew() {
	s := memstore.New()
	defer s.Close()
	ctx := context.Background()

	rec := latch.Record{Key: "k", UserID: "alice", Deadline: time.Now().Add(time.Hour), Data: []byte("hello")}
	if err := s.Save(ctx, rec); err != nil { // version 0: create.
		panic(err)
	}
	got, err := s.Load(ctx, "k")
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Version, got.UserID, string(got.Data))

	// A save based on a stale version changes nothing.
	err = s.Save(ctx, rec)
	fmt.Println(err)
	// Output:
	// 1 alice hello
	// latch: session version conflict
}

func ExampleNewWithOptions() {
	s := memstore.NewWithOptions(memstore.Options{
		SweepInterval: time.Minute, // look for expired records every minute,
		SweepBatch:    256,         // 256 records per shard at a time.
	})
	defer s.Close()
	fmt.Println(s.Len())
	// Output: 0
}
