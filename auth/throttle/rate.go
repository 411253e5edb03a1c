package throttle

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseRate parses a rate such as "5/15m", "10/1h" or "3/30s": a limit of
// at least 1, a slash, and a positive window in [time.ParseDuration] form.
func ParseRate(s string) (limit int, window time.Duration, err error) {
	l, w, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("throttle: rate %q: want limit/window, like 5/15m", s)
	}
	limit, err = strconv.Atoi(l)
	if err != nil || limit < 1 {
		return 0, 0, fmt.Errorf("throttle: rate %q: limit must be a whole number ≥ 1", s)
	}
	window, err = time.ParseDuration(w)
	if err != nil || window <= 0 {
		return 0, 0, fmt.Errorf("throttle: rate %q: window must be a positive duration, like 15m", s)
	}
	return limit, window, nil
}

// Rate is a limit of failures per window. It implements [flag.Value], so
// that a command line can say -login-rate=5/15m.
type Rate struct {
	Limit  int
	Window time.Duration
}

var _ flag.Value = (*Rate)(nil)

// String formats r as ParseRate reads it, such as "5/15m".
func (r Rate) String() string {
	w := r.Window.String()
	if strings.HasSuffix(w, "m0s") {
		w = strings.TrimSuffix(w, "0s")
	}
	if strings.HasSuffix(w, "h0m") {
		w = strings.TrimSuffix(w, "0m")
	}
	return fmt.Sprintf("%d/%s", r.Limit, w)
}

// Set sets r from s with [ParseRate].
func (r *Rate) Set(s string) error {
	limit, window, err := ParseRate(s)
	if err != nil {
		return err
	}
	r.Limit, r.Window = limit, window
	return nil
}
