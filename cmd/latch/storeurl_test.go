package main

import (
	"errors"
	"strings"
	"testing"
)

func TestParseStoreURL(t *testing.T) {
	tests := []struct {
		raw     string
		kind    storeKind
		path    string
		wantErr string // a part of the one-line error; "" for none
	}{
		{raw: "memory:", kind: kindMemory},
		{raw: "MEMORY:", kind: kindMemory},
		{raw: "sqlite://latch.db", kind: kindSQLite, path: "latch.db"},
		{raw: "sqlite://data/latch.db", kind: kindSQLite, path: "data/latch.db"},
		{raw: "sqlite:///srv/latch.db", kind: kindSQLite, path: "/srv/latch.db"},
		{raw: "sqlite://", wantErr: "want sqlite://PATH"},
		{raw: "sqlite:latch.db", wantErr: "want sqlite://PATH"},
		{raw: "sqlite://x.db?mode=ro", wantErr: "takes no query"},
		{raw: "memory:x", wantErr: "takes no path"},
		{raw: "file:///var/lib/latch", wantErr: "latch: --store: file store is not built yet"},
		{raw: "cookie:", wantErr: "latch: --store: cookie store is not built yet"},
		{raw: "redis://:secret@localhost:6379/0", wantErr: "latch: --store: redis store is not built yet"},
		{raw: "redis+cluster://h1:1,h2:2", wantErr: "redis store is not built yet"},
		{raw: "redis+sentinel://h1:1,h2:2,h3:3/mymaster?db=1", wantErr: "redis store is not built yet"},
		{raw: "postgres://u:p@db/latch", wantErr: "latch: --store: postgres store is not built yet"},
		{raw: "postgresql://db/latch", wantErr: "postgres store is not built yet"},
		{raw: "mysql://u:p@tcp(db)/latch", wantErr: "latch: --store: mysql store is not built yet"},
		{raw: "mongodb://u:hunter2@db/x", wantErr: "latch: --store: unsupported URL"},
		{raw: "latch.db", wantErr: "unsupported URL"},
		{raw: "", wantErr: "unsupported URL"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			u, err := parseStoreURL("store", tt.raw)
			if tt.wantErr != "" {
				var ue *usageError
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Errorf("err = %q, want one line with %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "secret") {
					t.Errorf("err = %q shows a password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.Kind != tt.kind || u.Path != tt.path {
				t.Errorf("got %+v, want kind %s path %q", u, tt.kind, tt.path)
			}
		})
	}
}

func TestParseUsersURL(t *testing.T) {
	sqlite, _ := parseStoreURL("store", "sqlite:///srv/s.db")
	memory, _ := parseStoreURL("store", "memory:")
	tests := []struct {
		name     string
		raw      string
		sessions storeURL
		want     string
		wantErr  string
	}{
		{"defaults to the SQL session database", "", sqlite, "/srv/s.db", ""},
		{"defaults to latch.db beside a memory store", "", memory, "latch.db", ""},
		{"explicit", "sqlite://u.db", memory, "u.db", ""},
		{"memory", "memory:", memory, "", ""},
		{"redis cannot hold users", "redis://h:1", memory, "", "cannot hold users"},
		{"cookie cannot hold users", "cookie:", memory, "", "cannot hold users"},
		{"postgres not built", "postgres://h/db", memory, "", "postgres store is not built yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := parseUsersURL(tt.raw, tt.sessions)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.Path != tt.want {
				t.Errorf("path = %q, want %q", u.Path, tt.want)
			}
		})
	}
}
