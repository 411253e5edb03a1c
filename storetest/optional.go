package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/latchgo/latch"
)

// sweeperTests check latch.Sweeper.
var sweeperTests = []test{
	{"sweeper removes expired records in batches and keeps live ones", testSweep},
}

func testSweep(t *testing.T, s latch.Store) {
	sw, ok := s.(latch.Sweeper)
	if !ok {
		t.Skip("store does not implement latch.Sweeper")
	}
	const expired, limit = 5, 2
	var live []latch.Record
	for range 3 {
		live = append(live, create(t, s, newRecord()))
	}
	// Records that were live when saved, so that the store surely holds
	// them; the store must not forget them by itself within two seconds.
	deadline := time.Now().Add(time.Second)
	for range expired {
		rec := newRecord()
		rec.Deadline = deadline
		create(t, s, rec)
	}
	time.Sleep(time.Until(deadline) + 200*time.Millisecond)

	total, calls := 0, 0
	for {
		n, err := sw.DeleteExpired(t.Context(), limit)
		if err != nil {
			t.Fatalf("DeleteExpired: %v", err)
		}
		if n > limit {
			t.Fatalf("DeleteExpired(limit %d) = %d, more than the limit", limit, n)
		}
		total += n
		calls++
		if n < limit {
			break
		}
	}
	// Other runs may share the backend, so at least ours were removed.
	if total < expired {
		t.Errorf("DeleteExpired removed %d records in all, want at least %d", total, expired)
	}
	if calls < expired/limit+1 {
		t.Errorf("DeleteExpired returned fewer than the limit after %d calls, want at least %d", calls, expired/limit+1)
	}
	for _, rec := range live {
		assertRecord(t, mustLoad(t, s, rec.Key), rec)
	}
}

// userIndexTests check latch.UserIndex.
var userIndexTests = []test{
	{"user sessions lists only that user's live records", testUserSessions},
	{"changing the user moves the record between users", testUserChange},
	{"deleted record leaves the user's sessions", testUserDelete},
	{"delete user sessions keeps the one asked", testDeleteUserSessionsKeep},
	{"delete user sessions without keep deletes all", testDeleteUserSessionsAll},
	{"anonymous sessions are not indexed", testAnonymousNotIndexed},
}

// userIndex returns s as a latch.UserIndex or skips the test.
func userIndex(t *testing.T, s latch.Store) latch.UserIndex {
	t.Helper()
	ui, ok := s.(latch.UserIndex)
	if !ok {
		t.Skip("store does not implement latch.UserIndex")
	}
	return ui
}

// createFor saves a new record for user and returns it as stored.
func createFor(t *testing.T, s latch.Store, user string) latch.Record {
	t.Helper()
	rec := newRecord()
	rec.UserID = user
	rec.Data = []byte("data of " + rec.Key)
	return create(t, s, rec)
}

// assertUserSessions fails the test unless the user's sessions are want, in
// any order.
func assertUserSessions(t *testing.T, ui latch.UserIndex, user string, want ...latch.Record) {
	t.Helper()
	got, err := ui.UserSessions(t.Context(), user)
	if err != nil {
		t.Fatalf("UserSessions(%q): %v", user, err)
	}
	if len(got) != len(want) {
		t.Fatalf("UserSessions(%q) returned %d records %q, want %d %q", user, len(got), keys(got), len(want), keys(want))
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(r latch.Record) bool { return r.Key == w.Key })
		if i < 0 {
			t.Fatalf("UserSessions(%q) = %q, missing %q", user, keys(got), w.Key)
		}
		assertRecord(t, got[i], w)
	}
}

// keys returns the keys of recs.
func keys(recs []latch.Record) []string {
	ks := make([]string, len(recs))
	for i, r := range recs {
		ks[i] = r.Key
	}
	return ks
}

func testUserSessions(t *testing.T, s latch.Store) {
	ui := userIndex(t, s)
	user, other := RandomKey(), RandomKey()
	a, b := createFor(t, s, user), createFor(t, s, user)
	createFor(t, s, other)
	createFor(t, s, "")
	expired := newRecord()
	expired.UserID = user
	expired.Deadline = time.Now().Add(-time.Second)
	if err := s.Save(t.Context(), expired); err != nil {
		t.Fatalf("Save of expired record: %v", err)
	}
	assertUserSessions(t, ui, user, a, b)
	assertUserSessions(t, ui, RandomKey())
}

func testUserChange(t *testing.T, s latch.Store) {
	ui := userIndex(t, s)
	first, second := RandomKey(), RandomKey()
	rec := createFor(t, s, first)
	rec.UserID = second
	if err := s.Save(t.Context(), rec); err != nil {
		t.Fatalf("Save: %v", err)
	}
	rec.Version++
	assertUserSessions(t, ui, first)
	assertUserSessions(t, ui, second, rec)

	rec.UserID = "" // signed out, session kept.
	if err := s.Save(t.Context(), rec); err != nil {
		t.Fatalf("Save: %v", err)
	}
	assertUserSessions(t, ui, second)
}

func testUserDelete(t *testing.T, s latch.Store) {
	ui := userIndex(t, s)
	user := RandomKey()
	a, b := createFor(t, s, user), createFor(t, s, user)
	if err := s.Delete(t.Context(), a.Key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	assertUserSessions(t, ui, user, b)
}

func testDeleteUserSessionsKeep(t *testing.T, s latch.Store) {
	ui := userIndex(t, s)
	user, other := RandomKey(), RandomKey()
	recs := []latch.Record{createFor(t, s, user), createFor(t, s, user), createFor(t, s, user)}
	bystander := createFor(t, s, other)
	keep := recs[1]

	n, err := ui.DeleteUserSessions(t.Context(), user, keep.Key)
	if err != nil {
		t.Fatalf("DeleteUserSessions: %v", err)
	}
	if n != 2 {
		t.Errorf("DeleteUserSessions = %d, want 2", n)
	}
	assertUserSessions(t, ui, user, keep)
	assertNotFound(t, s, recs[0].Key)
	assertNotFound(t, s, recs[2].Key)
	assertRecord(t, mustLoad(t, s, keep.Key), keep)
	assertRecord(t, mustLoad(t, s, bystander.Key), bystander)
}

func testDeleteUserSessionsAll(t *testing.T, s latch.Store) {
	ui := userIndex(t, s)
	user := RandomKey()
	a, b := createFor(t, s, user), createFor(t, s, user)
	n, err := ui.DeleteUserSessions(t.Context(), user, "")
	if err != nil {
		t.Fatalf("DeleteUserSessions: %v", err)
	}
	if n != 2 {
		t.Errorf("DeleteUserSessions = %d, want 2", n)
	}
	assertUserSessions(t, ui, user)
	assertNotFound(t, s, a.Key)
	assertNotFound(t, s, b.Key)
}

// testAnonymousNotIndexed: "" is no user, so listing it finds nothing and
// deleting its sessions must not sign every anonymous visitor out.
func testAnonymousNotIndexed(t *testing.T, s latch.Store) {
	ui := userIndex(t, s)
	anon := createFor(t, s, "")
	assertUserSessions(t, ui, "")
	n, err := ui.DeleteUserSessions(t.Context(), "", "")
	if err != nil || n != 0 {
		t.Errorf(`DeleteUserSessions("", "") = (%d, %v), want (0, nil)`, n, err)
	}
	assertRecord(t, mustLoad(t, s, anon.Key), anon)
}

// iteratorTests check latch.Iterator.
var iteratorTests = []test{
	{"iterator yields the live records", testRecords},
	{"iterator stops when the loop breaks", testRecordsBreak},
}

func testRecords(t *testing.T, s latch.Store) {
	it, ok := s.(latch.Iterator)
	if !ok {
		t.Skip("store does not implement latch.Iterator")
	}
	want := map[string]latch.Record{}
	for range 3 {
		rec := createFor(t, s, RandomKey())
		want[rec.Key] = rec
	}
	expired := newRecord()
	expired.Deadline = time.Now().Add(-time.Second)
	if err := s.Save(t.Context(), expired); err != nil {
		t.Fatalf("Save of expired record: %v", err)
	}

	seen := 0
	for rec, err := range it.Records(t.Context()) {
		if err != nil {
			t.Fatalf("Records: %v", err)
		}
		if rec.Key == expired.Key {
			t.Errorf("Records yielded the expired record %q", rec.Key)
		}
		if w, ok := want[rec.Key]; ok {
			assertRecord(t, rec, w)
			seen++
		}
	}
	if seen != len(want) {
		t.Errorf("Records yielded %d of the %d live records saved", seen, len(want))
	}
}

func testRecordsBreak(t *testing.T, s latch.Store) {
	it, ok := s.(latch.Iterator)
	if !ok {
		t.Skip("store does not implement latch.Iterator")
	}
	for range 3 {
		create(t, s, newRecord())
	}
	n := 0
	for _, err := range it.Records(t.Context()) {
		if err != nil {
			t.Fatalf("Records: %v", err)
		}
		n++
		break // the iterator must not call yield again: that would panic.
	}
	if n != 1 {
		t.Errorf("Records yielded %d records before the break, want 1", n)
	}
	create(t, s, newRecord()) // the store still works after an early break.
}

// pingerTests check latch.Pinger.
var pingerTests = []test{
	{"ping answers", testPing},
}

func testPing(t *testing.T, s latch.Store) {
	p, ok := s.(latch.Pinger)
	if !ok {
		t.Skip("store does not implement latch.Pinger")
	}
	if err := p.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}
