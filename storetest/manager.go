package storetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/latchgo/latch"
)

// managerTests run the session engine over the store: what a user of the
// store sees through latch.Manager.
var managerTests = []test{
	{"100 concurrent requests on one session keep 100 keys", testConcurrentRequests},
}

// testConcurrentRequests sends 100 concurrent requests on one session, each
// setting its own key, and checks that all 100 keys survive: the store's
// compare-and-set lets the manager replay every request's change.
func testConcurrentRequests(t *testing.T, s latch.Store) {
	m, err := latch.New(s, latch.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := latch.FromContext(r.Context())
		if k := r.URL.Query().Get("k"); k != "" {
			if err := sess.Set(k, k); err != nil {
				latch.DefaultErrorHandler(w, r, err)
			}
			return
		}
		keys, err := sess.Keys()
		if err != nil {
			latch.DefaultErrorHandler(w, r, err)
			return
		}
		fmt.Fprint(w, len(keys))
	}))
	do := func(target string, cookie *http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	first := do("/?k=first", nil).Result().Cookies()
	if len(first) != 1 {
		t.Fatalf("the first request set %d cookies, want 1", len(first))
	}
	cookie := first[0]
	const n = 100
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if w := do(fmt.Sprintf("/?k=k%d", i), cookie); w.Code != http.StatusOK {
				t.Errorf("request %d: status %d: %s", i, w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	if got, want := do("/", cookie).Body.String(), fmt.Sprint(n+1); got != want {
		t.Errorf("the session holds %s keys after %d concurrent writes, want %s", got, n, want)
	}
}
