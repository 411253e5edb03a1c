package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// testCLI returns a cli with the given environment and buffers for output.
func testCLI(env map[string]string, stdin string) (*cli, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &cli{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errOut,
		getenv: func(k string) string { return env[k] },
	}, &out, &errOut
}

func TestEnvName(t *testing.T) {
	for flag, want := range map[string]string{"addr": "LATCH_ADDR", "idle-timeout": "LATCH_IDLE_TIMEOUT", "save-every-request": "LATCH_SAVE_EVERY_REQUEST"} {
		if got := envName(flag); got != want {
			t.Errorf("envName(%q) = %q, want %q", flag, got, want)
		}
	}
}

func TestFlagPrecedence(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want time.Duration
		addr string
	}{
		{"default", nil, nil, 336 * time.Hour, "127.0.0.1:8000"},
		{"env over default", nil, map[string]string{"LATCH_LIFETIME": "1h", "LATCH_ADDR": ":9"}, time.Hour, ":9"},
		{"flag over env", []string{"--lifetime", "2h"}, map[string]string{"LATCH_LIFETIME": "1h"}, 2 * time.Hour, "127.0.0.1:8000"},
		{"flag=value form", []string{"-lifetime=3h"}, map[string]string{"LATCH_LIFETIME": "1h"}, 3 * time.Hour, "127.0.0.1:8000"},
		{"empty env is unset", nil, map[string]string{"LATCH_LIFETIME": ""}, 336 * time.Hour, "127.0.0.1:8000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := testCLI(tt.env, "")
			s := &serveCmd{cli: c}
			if _, err := c.parseFlags(s.flags(), tt.args); err != nil {
				t.Fatal(err)
			}
			if s.lifetime != tt.want || s.addr != tt.addr {
				t.Errorf("lifetime %v addr %q, want %v %q", s.lifetime, s.addr, tt.want, tt.addr)
			}
		})
	}
}

func TestBadEnvIsUsageError(t *testing.T) {
	c, _, _ := testCLI(map[string]string{"LATCH_IDLE_TIMEOUT": "soon"}, "")
	s := &serveCmd{cli: c}
	_, err := c.parseFlags(s.flags(), nil)
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "LATCH_IDLE_TIMEOUT") {
		t.Fatalf("err = %v, want a usage error naming LATCH_IDLE_TIMEOUT", err)
	}
	// A flag given on the command line wins, so the bad variable is not read.
	if _, err := c.parseFlags((&serveCmd{cli: c}).flags(), []string{"--idle-timeout", "1m"}); err != nil {
		t.Errorf("with the flag given: %v", err)
	}
}

func TestPositionalAndFlagsInterleave(t *testing.T) {
	c, _, _ := testCLI(nil, "")
	for _, args := range [][]string{
		{"bob", "--password-stdin"},
		{"--password-stdin", "bob"},
		{"--password-stdin", "--", "bob"},
	} {
		cmd := &createUserCmd{cli: c}
		fs := newFlagSet("createuser")
		fs.BoolVar(&cmd.fromStdin, "password-stdin", false, "")
		pos, err := c.parseFlags(fs, args)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if len(pos) != 1 || pos[0] != "bob" || !cmd.fromStdin {
			t.Errorf("%q: pos %q stdin %v", args, pos, cmd.fromStdin)
		}
	}
	fs := newFlagSet("x")
	pos, err := c.parseFlags(fs, []string{"--", "-dash"})
	if err != nil || len(pos) != 1 || pos[0] != "-dash" {
		t.Errorf("after --: pos %q err %v", pos, err)
	}
}

func TestUserCacheTTL(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want time.Duration
	}{
		{"default", nil, nil, time.Second},
		{"env", nil, map[string]string{"LATCH_USER_CACHE_TTL": "5s"}, 5 * time.Second},
		{"off", []string{"--user-cache-ttl", "0"}, map[string]string{"LATCH_USER_CACHE_TTL": "5s"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := testCLI(tt.env, "")
			s := &serveCmd{cli: c}
			if _, err := c.parseFlags(s.flags(), tt.args); err != nil {
				t.Fatal(err)
			}
			cfg, err := s.config()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.userCacheTTL != tt.want {
				t.Errorf("userCacheTTL = %v, want %v", cfg.userCacheTTL, tt.want)
			}
		})
	}
}
