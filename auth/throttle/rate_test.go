package throttle_test

import (
	"flag"
	"io"
	"testing"
	"time"

	"github.com/latchgo/latch/auth/throttle"
)

func TestParseRate(t *testing.T) {
	good := []struct {
		in     string
		limit  int
		window time.Duration
		str    string
	}{
		{"5/15m", 5, 15 * time.Minute, "5/15m"},
		{"10/1h", 10, time.Hour, "10/1h"},
		{"3/30s", 3, 30 * time.Second, "3/30s"},
		{"1/1h30m", 1, 90 * time.Minute, "1/1h30m"},
		{"100/500ms", 100, 500 * time.Millisecond, "100/500ms"},
	}
	for _, tt := range good {
		t.Run(tt.in, func(t *testing.T) {
			limit, window, err := throttle.ParseRate(tt.in)
			if err != nil || limit != tt.limit || window != tt.window {
				t.Fatalf("ParseRate(%q) = (%d, %v, %v), want (%d, %v, nil)", tt.in, limit, window, err, tt.limit, tt.window)
			}
			if got := (throttle.Rate{Limit: limit, Window: window}).String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
		})
	}
	for _, in := range []string{"", "5", "5/", "/15m", "0/15m", "-1/15m", "x/15m", "5/15", "5/0s", "5/-1m", "5/15m/1", " 5/15m", "5.5/1m"} {
		t.Run("bad "+in, func(t *testing.T) {
			if limit, window, err := throttle.ParseRate(in); err == nil {
				t.Errorf("ParseRate(%q) = (%d, %v, nil), want error", in, limit, window)
			}
		})
	}
}

func TestRateFlag(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	r := throttle.Rate{Limit: 5, Window: 15 * time.Minute}
	fs.Var(&r, "rate", "login rate")
	if err := fs.Parse([]string{"-rate=10/1h"}); err != nil {
		t.Fatal(err)
	}
	if want := (throttle.Rate{Limit: 10, Window: time.Hour}); r != want {
		t.Errorf("rate = %v, want %v", r, want)
	}
	if err := fs.Parse([]string{"-rate=ten"}); err == nil {
		t.Errorf("Parse(-rate=ten) succeeded, want error")
	}
}
