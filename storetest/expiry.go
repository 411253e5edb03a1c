package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/latchgo/latch"
)

// expiryTests check that a record past its deadline counts as absent.
var expiryTests = []test{
	{"record expires at its deadline", testExpires},
	{"record saved past its deadline is not found", testSavedExpired},
	{"create over expired record succeeds", testCreateOverExpired},
	{"update of expired record conflicts", testUpdateExpired},
}

// expireSoon saves a new record that expires in a second and waits until it
// has expired, checking that it was live before.
func expireSoon(t *testing.T, s latch.Store) latch.Record {
	t.Helper()
	rec := newRecord()
	rec.Deadline = time.Now().Add(time.Second)
	rec = create(t, s, rec)
	mustLoad(t, s, rec.Key)
	time.Sleep(time.Until(rec.Deadline) + 200*time.Millisecond)
	return rec
}

func testExpires(t *testing.T, s latch.Store) {
	rec := expireSoon(t, s)
	assertNotFound(t, s, rec.Key)
}

func testSavedExpired(t *testing.T, s latch.Store) {
	rec := newRecord()
	rec.Deadline = time.Now().Add(-time.Second)
	if err := s.Save(t.Context(), rec); err != nil {
		t.Fatalf("Save of expired record: %v", err)
	}
	assertNotFound(t, s, rec.Key)
}

func testCreateOverExpired(t *testing.T, s latch.Store) {
	old := expireSoon(t, s)
	rec := newRecord()
	rec.Key = old.Key
	rec.Data = []byte("new")
	want := create(t, s, rec)
	assertRecord(t, mustLoad(t, s, rec.Key), want)
}

func testUpdateExpired(t *testing.T, s latch.Store) {
	rec := expireSoon(t, s)
	rec.Deadline = time.Now().Add(time.Hour) // would revive it if allowed.
	assertConflict(t, s.Save(t.Context(), rec))
	assertNotFound(t, s, rec.Key)
}

// contextTests check that every method honours its context.
var contextTests = []test{
	{"cancelled context fails every method", testCancelled},
}

func testCancelled(t *testing.T, s latch.Store) {
	live := create(t, s, newRecord())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with cancelled context: error = %v, want context.Canceled", op, err)
		}
	}
	_, err := s.Load(ctx, live.Key)
	check("Load", err)
	check("Save", s.Save(ctx, newRecord()))
	check("Delete", s.Delete(ctx, live.Key))
	mustLoad(t, s, live.Key) // the cancelled Delete did nothing.

	if sw, ok := s.(latch.Sweeper); ok {
		_, err := sw.DeleteExpired(ctx, 10)
		check("DeleteExpired", err)
	}
	if ui, ok := s.(latch.UserIndex); ok {
		_, err := ui.UserSessions(ctx, "someone")
		check("UserSessions", err)
		_, err = ui.DeleteUserSessions(ctx, "someone", "")
		check("DeleteUserSessions", err)
	}
	if it, ok := s.(latch.Iterator); ok {
		err := errors.New("no error yielded")
		for _, err = range it.Records(ctx) {
			break
		}
		check("Records", err)
	}
	if p, ok := s.(latch.Pinger); ok {
		check("Ping", p.Ping(ctx))
	}
}
