package site

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Outcome is the result of one sign-in attempt, a label of
// latch_signins_total.
type Outcome int

// The outcomes of a sign-in.
const (
	SignInOK        Outcome = iota // signed in
	SignInInvalid                  // wrong name or password
	SignInThrottled                // refused by the login limit
	SignInBusy                     // refused by the hashing limit
	SignInError                    // a store failed
	numOutcomes
)

var outcomeNames = [numOutcomes]string{"ok", "invalid", "throttled", "busy", "error"}

// storeOps are the operations timed in latch_store_seconds.
var storeOps = []string{"load", "save", "delete", "user_sessions", "delete_user_sessions", "delete_expired", "records", "ping"}

// buckets are the upper bounds of latch_store_seconds, in seconds.
var buckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// Metrics counts what /metrics reports, in Prometheus's text format:
//
//	latch_http_requests_total{code,method}
//	latch_signins_total{outcome}
//	latch_session_loads_total, latch_session_saves_total
//	latch_store_seconds{op} (a histogram)
//
// Its zero value is not ready; make one with NewMetrics. It is safe for
// concurrent use and takes no lock on the paths that count.
type Metrics struct {
	requests sync.Map // requestKey → *atomic.Uint64
	signins  [numOutcomes]atomic.Uint64
	loads    atomic.Uint64
	saves    atomic.Uint64
	store    map[string]*histogram // fixed at NewMetrics: read without a lock
}

type requestKey struct {
	code   int
	method string
}

// NewMetrics returns Metrics with every counter at zero.
func NewMetrics() *Metrics {
	m := &Metrics{store: map[string]*histogram{}}
	for _, op := range storeOps {
		m.store[op] = &histogram{counts: make([]atomic.Uint64, len(buckets))}
	}
	return m
}

// Request counts one HTTP response. Methods outside the standard ones are
// counted as "other", so that clients cannot grow the label set.
func (m *Metrics) Request(code int, method string) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		method = "other"
	}
	k := requestKey{code, method}
	c, ok := m.requests.Load(k)
	if !ok {
		c, _ = m.requests.LoadOrStore(k, new(atomic.Uint64))
	}
	c.(*atomic.Uint64).Add(1)
}

// SignIn counts one sign-in attempt.
func (m *Metrics) SignIn(o Outcome) {
	if o >= 0 && o < numOutcomes {
		m.signins[o].Add(1)
	}
}

// observe records that the store operation op took d.
func (m *Metrics) observe(op string, d time.Duration) {
	if h := m.store[op]; h != nil {
		h.observe(d)
	}
}

// ServeHTTP writes the metrics in Prometheus's text exposition format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	m.WriteTo(w)
}

// WriteTo writes the metrics in Prometheus's text exposition format.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	m.writeRequests(cw)
	fmt.Fprintf(cw, "# HELP latch_signins_total Sign-in attempts by outcome.\n# TYPE latch_signins_total counter\n")
	for i, name := range outcomeNames {
		fmt.Fprintf(cw, "latch_signins_total{outcome=%q} %d\n", name, m.signins[i].Load())
	}
	fmt.Fprintf(cw, "# HELP latch_session_loads_total Session records loaded from the store.\n# TYPE latch_session_loads_total counter\nlatch_session_loads_total %d\n", m.loads.Load())
	fmt.Fprintf(cw, "# HELP latch_session_saves_total Session records saved to the store.\n# TYPE latch_session_saves_total counter\nlatch_session_saves_total %d\n", m.saves.Load())
	fmt.Fprintf(cw, "# HELP latch_store_seconds Latency of session store operations.\n# TYPE latch_store_seconds histogram\n")
	for _, op := range storeOps {
		m.store[op].write(cw, op)
	}
	return cw.n, cw.err
}

// writeRequests writes latch_http_requests_total, sorted for stable output.
func (m *Metrics) writeRequests(w io.Writer) {
	fmt.Fprintf(w, "# HELP latch_http_requests_total HTTP responses by status code and method.\n# TYPE latch_http_requests_total counter\n")
	var keys []requestKey
	m.requests.Range(func(k, _ any) bool {
		keys = append(keys, k.(requestKey))
		return true
	})
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].code != keys[j].code {
			return keys[i].code < keys[j].code
		}
		return keys[i].method < keys[j].method
	})
	for _, k := range keys {
		c, _ := m.requests.Load(k)
		fmt.Fprintf(w, "latch_http_requests_total{code=\"%d\",method=%q} %d\n", k.code, k.method, c.(*atomic.Uint64).Load())
	}
}

// histogram is a Prometheus histogram over buckets, lock-free.
type histogram struct {
	counts []atomic.Uint64 // per bucket, not cumulative
	inf    atomic.Uint64   // above the last bucket
	sumNS  atomic.Int64
}

func (h *histogram) observe(d time.Duration) {
	s := d.Seconds()
	i := sort.SearchFloat64s(buckets, s)
	if i < len(buckets) {
		h.counts[i].Add(1)
	} else {
		h.inf.Add(1)
	}
	h.sumNS.Add(int64(d))
}

func (h *histogram) write(w io.Writer, op string) {
	var cum uint64
	for i, le := range buckets {
		cum += h.counts[i].Load()
		fmt.Fprintf(w, "latch_store_seconds_bucket{op=%q,le=%q} %d\n", op, formatFloat(le), cum)
	}
	cum += h.inf.Load()
	fmt.Fprintf(w, "latch_store_seconds_bucket{op=%q,le=\"+Inf\"} %d\n", op, cum)
	fmt.Fprintf(w, "latch_store_seconds_sum{op=%q} %s\n", op, formatFloat(time.Duration(h.sumNS.Load()).Seconds()))
	fmt.Fprintf(w, "latch_store_seconds_count{op=%q} %d\n", op, cum)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// countWriter counts bytes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}
