package main

import (
	"net/url"
	"strings"
)

// storeKind names a kind of store URL.
type storeKind string

// The kinds of store URL that latch knows. Only memory and sqlite are
// built; the others are recognised so that the error can say so.
const (
	kindMemory   storeKind = "memory"
	kindSQLite   storeKind = "sqlite"
	kindFile     storeKind = "file"
	kindCookie   storeKind = "cookie"
	kindRedis    storeKind = "redis"
	kindPostgres storeKind = "postgres"
	kindMySQL    storeKind = "mysql"
)

// storeURL is a parsed --store or --users URL.
type storeURL struct {
	Kind storeKind
	Path string // the database file of sqlite
	Raw  string // as given, for --users defaulting to --store
}

// isSQL reports whether the URL names an SQL database, which can also hold
// the users.
func (u storeURL) isSQL() bool {
	return u.Kind == kindSQLite || u.Kind == kindPostgres || u.Kind == kindMySQL
}

// schemes maps each recognised scheme to its kind.
var schemes = map[string]storeKind{
	"memory":         kindMemory,
	"sqlite":         kindSQLite,
	"file":           kindFile,
	"cookie":         kindCookie,
	"redis":          kindRedis,
	"rediss":         kindRedis,
	"redis+cluster":  kindRedis,
	"redis+sentinel": kindRedis,
	"postgres":       kindPostgres,
	"postgresql":     kindPostgres,
	"mysql":          kindMySQL,
}

// built are the kinds that can be opened today.
var built = map[storeKind]bool{kindMemory: true, kindSQLite: true}

// parseStoreURL parses the value of the flag named flagName (for the error
// messages): memory:, sqlite://PATH (sqlite://latch.db is relative,
// sqlite:///srv/latch.db absolute). The other kinds of the contract are
// recognised and refused as not built yet. Every error is a *usageError of
// one line that never shows a password from the URL.
func parseStoreURL(flagName, raw string) (storeURL, error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	kind, known := schemes[strings.ToLower(scheme)]
	if !ok || !known {
		return storeURL{}, usagef("latch: --%s: unsupported URL %q (want memory:, sqlite://PATH, file://DIR, cookie:, redis://, redis+cluster://, redis+sentinel://, postgres:// or mysql://)", flagName, redact(raw))
	}
	if !built[kind] {
		return storeURL{}, usagef("latch: --%s: %s store is not built yet", flagName, kind)
	}
	u := storeURL{Kind: kind, Raw: raw}
	switch kind {
	case kindMemory:
		if rest != "" && rest != "//" {
			return storeURL{}, usagef("latch: --%s: memory: takes no path, got %q", flagName, raw)
		}
	case kindSQLite:
		path, ok := strings.CutPrefix(rest, "//")
		if !ok || path == "" {
			return storeURL{}, usagef("latch: --%s: want sqlite://PATH (sqlite://latch.db or sqlite:///abs/path), got %q", flagName, raw)
		}
		if strings.ContainsAny(path, "?#") {
			return storeURL{}, usagef("latch: --%s: sqlite URL takes no query or fragment, got %q", flagName, raw)
		}
		u.Path = path
	}
	return u, nil
}

// parseUsersURL parses --users. Empty means the database of the session
// store when that is SQL, else sqlite://latch.db. Stores that cannot hold
// users are refused.
func parseUsersURL(raw string, sessions storeURL) (storeURL, error) {
	if raw == "" {
		if sessions.isSQL() {
			return sessions, nil
		}
		raw = "sqlite://latch.db"
	}
	scheme, _, _ := strings.Cut(raw, ":")
	switch schemes[strings.ToLower(scheme)] {
	case kindFile, kindCookie, kindRedis:
		return storeURL{}, usagef("latch: --users: %s cannot hold users; use sqlite://, postgres:// or mysql://", redact(raw))
	}
	return parseStoreURL("users", raw)
}

// redact hides the password of a URL, if it has one.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		scheme, _, _ := strings.Cut(raw, ":")
		return scheme + "://xxxxx" + raw[i:]
	}
	return raw
}
