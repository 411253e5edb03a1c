package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/latchgo/latch"
)

// casTests check that Save is a compare-and-set on the version.
var casTests = []test{
	{"create over live record conflicts", testCreateOverLive},
	{"stale version conflicts and changes nothing", testStaleVersion},
	{"update of unknown key creates nothing", testUpdateUnknown},
	{"update after delete fails", testUpdateAfterDelete},
	{"correct version increments the version", testUpdate},
	{"concurrent savers keep every update", testConcurrentSavers},
}

func testCreateOverLive(t *testing.T, s latch.Store) {
	rec := newRecord()
	want := create(t, s, rec)

	again := rec
	again.Data = []byte("second")
	assertConflict(t, s.Save(t.Context(), again))
	assertRecord(t, mustLoad(t, s, rec.Key), want)
}

func testStaleVersion(t *testing.T, s latch.Store) {
	rec := create(t, s, newRecord())
	rec.Data = []byte("v2")
	if err := s.Save(t.Context(), rec); err != nil {
		t.Fatalf("Save(version 1): %v", err)
	}
	want := rec
	want.Version = 2

	stale := rec // still says version 1.
	stale.Data = []byte("stale")
	stale.UserID = "someone"
	assertConflict(t, s.Save(t.Context(), stale))
	assertRecord(t, mustLoad(t, s, rec.Key), want)

	future := rec
	future.Version = 7
	future.Data = []byte("future")
	assertConflict(t, s.Save(t.Context(), future))
	assertRecord(t, mustLoad(t, s, rec.Key), want)
}

func testUpdateUnknown(t *testing.T, s latch.Store) {
	rec := newRecord()
	rec.Version = 1
	assertConflict(t, s.Save(t.Context(), rec))
	assertNotFound(t, s, rec.Key)
}

// testUpdateAfterDelete is the reason for compare-and-set: a request that
// loaded a session before another request signed it out must not bring it
// back when it saves.
func testUpdateAfterDelete(t *testing.T, s latch.Store) {
	rec := create(t, s, newRecord())
	loaded := mustLoad(t, s, rec.Key)
	if err := s.Delete(t.Context(), rec.Key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	loaded.Data = []byte("resurrected")
	assertConflict(t, s.Save(t.Context(), loaded))
	assertNotFound(t, s, rec.Key)
}

func testUpdate(t *testing.T, s latch.Store) {
	rec := create(t, s, newRecord())
	for want := int64(2); want <= 4; want++ {
		rec.Data = fmt.Appendf(nil, "version %d", want)
		rec.UserID = fmt.Sprintf("user %d", want)
		rec.Deadline = rec.Deadline.Add(1000)
		if err := s.Save(t.Context(), rec); err != nil {
			t.Fatalf("Save(version %d): %v", rec.Version, err)
		}
		rec.Version = want
		assertRecord(t, mustLoad(t, s, rec.Key), rec)
	}
}

// testConcurrentSavers runs savers that each load the record, append their
// own marker and save, retrying on conflict: the way the manager replays a
// request's changes. If the store's compare-and-set is atomic, no marker is
// lost and every saver's success counts one version.
func testConcurrentSavers(t *testing.T, s latch.Store) {
	const savers = 50
	rec := newRecord()
	rec.Data = nil
	rec = create(t, s, rec)

	var wg sync.WaitGroup
	errs := make(chan error, savers)
	for i := range savers {
		wg.Go(func() {
			if err := appendMarker(t, s, rec.Key, marker(i)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	got := mustLoad(t, s, rec.Key)
	if got.Version != 1+savers {
		t.Errorf("Version = %d, want %d", got.Version, 1+savers)
	}
	for i := range savers {
		if !bytes.Contains(got.Data, marker(i)) {
			t.Errorf("marker %s lost; Data = %q", marker(i), got.Data)
		}
	}
}

// marker is what saver i appends.
func marker(i int) []byte { return fmt.Appendf(nil, "<%02d>", i) }

// appendMarker appends m to the record under key with load, modify, save,
// retrying on conflict.
func appendMarker(t *testing.T, s latch.Store, key string, m []byte) error {
	for range 10000 {
		rec, err := s.Load(t.Context(), key)
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
		rec.Data = append(rec.Data, m...)
		err = s.Save(t.Context(), rec)
		if err == nil {
			return nil
		}
		if !errors.Is(err, latch.ErrConflict) {
			return fmt.Errorf("save: %w", err)
		}
	}
	return fmt.Errorf("marker %s: gave up after 10000 conflicts", m)
}
