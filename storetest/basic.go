package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/latchgo/latch"
)

// basicTests check that records go in and come out exactly, and Delete.
var basicTests = []test{
	{"save creates and load returns every field", testRoundTrip},
	{"unknown key is not found", testUnknownKey},
	{"data with every byte value round trips", testAllBytes},
	{"data with NULs and invalid UTF-8 round trips", testInvalidUTF8},
	{"empty data round trips", testEmptyData},
	{"1 MiB of data round trips", testLargeData},
	{"caller's data is not aliased", testNoAliasing},
	{"delete of absent key is not an error", testDeleteAbsent},
	{"deleted record is not found", testDelete},
}

func testRoundTrip(t *testing.T, s latch.Store) {
	rec := newRecord()
	rec.UserID = "user-" + RandomKey()
	rec.Deadline = time.Now().Add(90 * time.Minute)
	rec.Data = []byte(`{"cart":[1,2,3]}`)
	want := create(t, s, rec)
	assertRecord(t, mustLoad(t, s, rec.Key), want)
}

func testUnknownKey(t *testing.T, s latch.Store) {
	assertNotFound(t, s, RandomKey())
}

// roundTrip saves data in a new record and checks that it loads unchanged.
func roundTrip(t *testing.T, s latch.Store, data []byte) {
	t.Helper()
	rec := newRecord()
	rec.Data = data
	want := create(t, s, rec)
	assertRecord(t, mustLoad(t, s, rec.Key), want)
}

func testAllBytes(t *testing.T, s latch.Store) {
	data := make([]byte, 512)
	for i := range data {
		data[i] = byte(i)
	}
	roundTrip(t, s, data)
}

func testInvalidUTF8(t *testing.T, s latch.Store) {
	roundTrip(t, s, []byte("\x00\xff\xfe\x00a\xc3\x28\x00\xed\xa0\x80\x00"))
}

func testEmptyData(t *testing.T, s latch.Store) {
	t.Run("nil", func(t *testing.T) { roundTrip(t, s, nil) })
	t.Run("empty", func(t *testing.T) { roundTrip(t, s, []byte{}) })
}

func testLargeData(t *testing.T, s latch.Store) {
	data := bytes.Repeat([]byte("0123456789abcdef\x00\xff"), 1<<20/18+1)[:1<<20]
	roundTrip(t, s, data)
}

func testNoAliasing(t *testing.T, s latch.Store) {
	rec := newRecord()
	rec.Data = []byte("original")
	create(t, s, rec)
	copy(rec.Data, "modified") // after Save: the store must have copied.

	got := mustLoad(t, s, rec.Key)
	if string(got.Data) != "original" {
		t.Fatalf("after the caller changed the saved slice, Data = %q, want %q", got.Data, "original")
	}
	copy(got.Data, "modified") // after Load: the store must have copied.
	if again := mustLoad(t, s, rec.Key); string(again.Data) != "original" {
		t.Fatalf("after the caller changed the loaded slice, Data = %q, want %q", again.Data, "original")
	}
}

func testDeleteAbsent(t *testing.T, s latch.Store) {
	if err := s.Delete(t.Context(), RandomKey()); err != nil {
		t.Fatalf("Delete of absent key: %v", err)
	}
}

func testDelete(t *testing.T, s latch.Store) {
	rec := create(t, s, newRecord())
	if err := s.Delete(t.Context(), rec.Key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	assertNotFound(t, s, rec.Key)
	if err := s.Delete(t.Context(), rec.Key); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
}
