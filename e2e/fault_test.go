package e2e

import (
	"fmt"
	"net/http"
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
