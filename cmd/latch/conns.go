package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// newConnGrace is how long a connection that has sent no request yet may
// stay open once shutdown has begun.
const newConnGrace = 250 * time.Millisecond

// connTracker follows the connections of an http.Server through its
// ConnState hook, so that shutdown can close the ones that never sent a
// request. http.Server.Shutdown waits up to 5 s for those, in case a
// request is about to arrive; a client's pool of pre-dialled spare
// connections would then hold every shutdown for 5 s.
type connTracker struct {
	mu    sync.Mutex
	fresh map[net.Conn]time.Time // connections in StateNew, since when
}

// track is the http.Server.ConnState hook.
func (t *connTracker) track(c net.Conn, s http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s == http.StateNew {
		if t.fresh == nil {
			t.fresh = map[net.Conn]time.Time{}
		}
		t.fresh[c] = time.Now()
		return
	}
	delete(t.fresh, c)
}

// closeFresh closes the connections that have been waiting for their
// first request longer than newConnGrace.
func (t *connTracker) closeFresh() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c, since := range t.fresh {
		if time.Since(since) > newConnGrace {
			c.Close()
			delete(t.fresh, c)
		}
	}
}

// closeFreshUntil closes fresh connections every so often while the server
// shuts down, until done is closed.
func (t *connTracker) closeFreshUntil(done <-chan struct{}) {
	tick := time.NewTicker(newConnGrace / 5)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			t.closeFresh()
		}
	}
}
