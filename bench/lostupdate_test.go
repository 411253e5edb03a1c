package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLostUpdates sends 100 concurrent requests on one session, each
// setting its own key, through each library's middleware and store, then
// counts the keys that the session holds afterwards. The client keeps the
// cookie of the response that came last, as a browser's jar does. latch
// must keep all 100; the others are logged:
//
//	go test -run LostUpdates -v
func TestLostUpdates(t *testing.T) {
	const writers, rounds = 100, 3
	for _, l := range libs {
		if l.name == "bare" {
			continue
		}
		t.Run(l.name, func(t *testing.T) {
			var kept []int
			for range rounds {
				kept = append(kept, concurrentWrites(t, l.open(t), writers))
			}
			t.Logf("%s: keys kept of %d, per round: %v", l.name, writers, kept)
			if strings.HasPrefix(l.name, "latch") {
				for _, n := range kept {
					if n != writers {
						t.Errorf("kept %d of %d keys, want all", n, writers)
					}
				}
			}
		})
	}
}

// concurrentWrites serves k on a loopback test server, makes a session,
// sends n concurrent requests on it that each set their own key, and
// returns how many of those keys the session holds at the end.
func concurrentWrites(t *testing.T, k kit, n int) int {
	t.Helper()
	srv := httptest.NewServer(k.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/set":
			if err := k.set(w, r, r.FormValue("k"), "v"); err != nil {
				http.Error(w, err.Error(), 500)
			}
		case "/count":
			c, err := k.count(r)
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			fmt.Fprint(w, c)
		}
	})))
	defer srv.Close()
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: n},
		Timeout:   30 * time.Second,
	}
	defer client.CloseIdleConnections()

	// The session starts with one value, as a signed-in one would.
	resp := do(t, client, srv.URL+"/set?k=user", nil)
	seeded := lastCookie(t, resp.Header, k.cookie)
	jar := seeded

	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			resp := do(t, client, srv.URL+"/set?k=k"+strconv.Itoa(i), seeded)
			mu.Lock()
			defer mu.Unlock()
			if c := findCookie(resp.Header, k.cookie); c != nil {
				jar = c
			}
		})
	}
	close(start)
	wg.Wait()

	resp = do(t, client, srv.URL+"/count", jar)
	body, _ := io.ReadAll(resp.Body)
	c, err := strconv.Atoi(string(body))
	if err != nil {
		t.Fatalf("count: %q: %v", body, err)
	}
	return c - 1 // the "user" value was there before
}

// do sends a GET to url with cookie, if any, and checks for a 2xx answer.
// The body is read and closed; the response keeps it in memory.
func do(t *testing.T, client *http.Client, url string, cookie *http.Cookie) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Error(err)
		return &http.Response{Header: http.Header{}, Body: http.NoBody}
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(strings.NewReader(string(body)))
	if resp.StatusCode/100 != 2 {
		t.Errorf("GET %s: %s: %s", url, resp.Status, body)
	}
	return resp
}
