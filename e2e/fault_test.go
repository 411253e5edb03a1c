package e2e

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestKillLosesNoAcknowledgedWrite kills latch serve with SIGKILL while
// clients write to one session, restarts it on the same database, and
// checks that every write the server acknowledged (204) is there: an
// acknowledged change survives a crash.
func TestKillLosesNoAcknowledgedWrite(t *testing.T) {
	t.Parallel()
	s1 := startServer(t)
	c := s1.admin(t)

	const writers, perWriter = 8, 200
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				key := fmt.Sprintf("w%d_%d", w, i)
				r, err := c.tryDo(http.MethodPut, "/api/session/data/"+key, strings.NewReader("1"),
					http.Header{"Content-Type": {"application/json"}})
				if err != nil {
					return // the server is gone
				}
				if r.status == http.StatusNoContent {
					mu.Lock()
					acked = append(acked, key)
					mu.Unlock()
				}
			}
		})
	}
	// Kill once writes are acknowledged, while more are in flight.
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 50 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := s1.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s1.exited
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	s2 := startServerWith(t, serverOptions{dir: s1.dir, restarted: true})
	data := getSession(t, s2.withSession(c.session())).Data
	lost := 0
	for _, key := range acked {
		if _, ok := data[key]; !ok {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged writes lost in the crash", lost, len(acked))
	}
	t.Logf("%d writes acknowledged before the kill, all kept", len(acked))
}

// TestLockedStoreAnswers503AndRecovers holds the SQLite database's write
// lock from another connection, as a stuck writer would: a request that
// must write answers 503 with Retry-After, never a sign-out, and once the
// lock is released the very next request succeeds. (That the store
// timeout bounds the wait is checked without a clock in the engine's
// TestStoreTimeoutBoundsAStuckStore.)
func TestLockedStoreAnswers503AndRecovers(t *testing.T) {
	t.Parallel()
	s := startServerWith(t, serverOptions{args: []string{"--store-timeout", "500ms"}})
	c := s.admin(t)
	if r := c.put(t, "before", "1"); r.status != http.StatusNoContent {
		t.Fatalf("PUT before the lock: status %d", r.status)
	}

	db, err := sql.Open("sqlite", filepath.Join(s.dir, "latch.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}

	r := c.put(t, "during", "1")
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("PUT while the store is locked: status %d, Retry-After %q; want 503 with Retry-After",
			r.status, r.header.Get("Retry-After"))
	}
	if _, err := conn.ExecContext(t.Context(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}

	if r := c.put(t, "after", "1"); r.status != http.StatusNoContent {
		t.Errorf("first PUT after the lock is released: status %d, want 204", r.status)
	}
	c.wantWelcome(t, "admin") // the session survived: no silent sign-out
	data := getSession(t, c).Data
	for _, k := range []string{"before", "after"} {
		if _, ok := data[k]; !ok {
			t.Errorf("value %q lost", k)
		}
	}
}
