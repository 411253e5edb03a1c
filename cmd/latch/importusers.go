package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/latchgo/latch/auth"
)

// importUsersCmd is "latch importusers --from-django URL [--users URL]":
// it copies Django's auth_user table (name, password hash, active flag,
// date joined) into latch's user store with the hashes unchanged, so that
// users sign in with their old passwords; each hash is upgraded to
// argon2id at its first successful sign-in. Users that exist are skipped.
type importUsersCmd struct {
	cli    *cli
	from   string
	stores storeFlags
}

// djangoUser is one row of auth_user.
type djangoUser struct {
	name, hash string
	active     bool
	joined     time.Time
}

func (c *importUsersCmd) run(ctx context.Context, args []string) error {
	fs := newFlagSet("importusers")
	fs.StringVar(&c.from, "from-django", "", "the Django database `URL`, e.g. sqlite:///srv/app/db.sqlite3")
	c.stores.register(fs, false)
	pos, err := c.cli.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || c.from == "" {
		return usagef("usage: latch importusers --from-django URL [--users URL]")
	}
	src, err := parseStoreURL("from-django", c.from)
	if err != nil {
		return err
	}
	if src.Kind != kindSQLite {
		return usagef("latch: --from-django: want a sqlite:// URL; PostgreSQL and MySQL come with those stores")
	}
	rows, err := readDjangoUsers(ctx, src.Path)
	if err != nil {
		return err
	}
	t, err := openToolkit(ctx, &c.stores, false)
	if err != nil {
		return err
	}
	defer t.close()
	imported, skipped, err := importUsers(ctx, t.users, rows)
	if err != nil {
		return failf("importusers: after importing %d: %v", imported, err)
	}
	fmt.Fprintf(c.cli.stdout, "imported %d, skipped %d\n", imported, skipped)
	return nil
}

// readDjangoUsers reads auth_user from the SQLite file at path, opened
// read-only.
func readDjangoUsers(ctx context.Context, path string) ([]djangoUser, error) {
	db, err := sql.Open("sqlite", "file:"+escapeSQLitePath(path)+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return nil, usagef("latch: --from-django: %v", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT username, password, is_active, date_joined FROM auth_user ORDER BY id`)
	if err != nil {
		return nil, usagef("latch: --from-django: %s: %v", path, err)
	}
	defer rows.Close()
	var out []djangoUser
	for rows.Next() {
		var u djangoUser
		var joined sql.NullString
		if err := rows.Scan(&u.name, &u.hash, &u.active, &joined); err != nil {
			return nil, failf("reading auth_user: %v", err)
		}
		u.joined = parseDjangoTime(joined.String)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, failf("reading auth_user: %v", err)
	}
	return out, nil
}

// importUsers creates each user with its hash unchanged, skipping the
// names that exist.
func importUsers(ctx context.Context, users auth.Users, rows []djangoUser) (imported, skipped int, err error) {
	for _, r := range rows {
		_, err := users.CreateUser(ctx, auth.User{Name: r.name, PasswordHash: r.hash, Active: r.active, Created: r.joined})
		switch {
		case errors.Is(err, auth.ErrUserExists):
			skipped++
		case err != nil:
			return imported, skipped, fmt.Errorf("user %q: %w", r.name, err)
		default:
			imported++
		}
	}
	return imported, skipped, nil
}

// parseDjangoTime parses date_joined as Django stores it in SQLite; the
// zero time, which CreateUser takes as now, when it cannot.
func parseDjangoTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// escapeSQLitePath escapes what would end the path of an SQLite URI.
func escapeSQLitePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}
