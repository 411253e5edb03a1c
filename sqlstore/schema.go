package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// The schema version table holds one row per applied migration step.
const (
	createSchemaTable = `CREATE TABLE IF NOT EXISTS latch_schema_version (version INTEGER NOT NULL PRIMARY KEY)`
	selectSchema      = `SELECT COALESCE(MAX(version), 0) FROM latch_schema_version`
	insertSchema      = `INSERT INTO latch_schema_version (version) VALUES (?)`
)

// migrate brings the schema of db up to date with d's migrations, in one
// transaction that holds d's migration lock: when several processes open
// the same database at once, one migrates and the others then find
// nothing to do. It fails if the database has a newer schema than d
// knows, written by a newer version of this package.
func migrate(ctx context.Context, db *sql.DB, d Dialect) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	defer func() {
		if err != nil {
			rollback(conn)
		}
	}()
	for _, q := range d.begin {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}

	if _, err := conn.ExecContext(ctx, createSchemaTable); err != nil {
		return err
	}
	var version int
	if err := conn.QueryRowContext(ctx, selectSchema).Scan(&version); err != nil {
		return err
	}
	if version > len(d.migrations) {
		return fmt.Errorf("database schema version %d is newer than this program's %d", version, len(d.migrations))
	}
	for i, step := range d.migrations[version:] {
		v := version + i + 1
		for _, q := range step {
			if _, err := conn.ExecContext(ctx, d.rebind(q)); err != nil {
				return fmt.Errorf("migration %d: %w", v, err)
			}
		}
		if _, err := conn.ExecContext(ctx, d.rebind(insertSchema), v); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// rollback ends the failed migration transaction on conn, if one began.
// If that fails (say, because the transaction never began), it has the pool discard the
// connection rather than hand it out again inside a transaction.
func rollback(conn *sql.Conn) {
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// rebind adapts q, written in SQLite's syntax, to d.
func (d Dialect) rebind(q string) string {
	if d.bind == nil {
		return q
	}
	return d.bind(q)
}

// sqliteMigrations are the steps of the SQLite schema, shared by [Store],
// [Users] and [Throttle]: whichever is opened first creates every table.
// Append new steps; never edit or reorder applied ones.
var sqliteMigrations = []migration{
	// 1: sessions.
	{
		`CREATE TABLE latch_sessions (
			session_key TEXT PRIMARY KEY,
			version INTEGER NOT NULL,
			user_id TEXT NOT NULL DEFAULT '',
			deadline INTEGER NOT NULL, -- Unix milliseconds
			data BLOB NOT NULL
		)`,
		`CREATE INDEX latch_sessions_deadline ON latch_sessions (deadline)`,
		`CREATE INDEX latch_sessions_user_id ON latch_sessions (user_id) WHERE user_id <> ''`,
	},
	// 2: users. SQLite compares and sorts TEXT byte-wise (the BINARY
	// collation), as the auth.Users contract asks; other dialects must
	// declare name with a binary collation that does not pad spaces.
	{
		`CREATE TABLE latch_users (
			id TEXT PRIMARY KEY,
			name TEXT NOT NULL UNIQUE,
			password_hash TEXT NOT NULL,
			active INTEGER NOT NULL,
			created INTEGER NOT NULL -- Unix milliseconds
		)`,
	},
	// 3: throttle failures. The id tells apart failures of one key at one
	// time and orders them as they were added.
	{
		`CREATE TABLE latch_throttle (
			id INTEGER PRIMARY KEY,
			tkey TEXT NOT NULL,
			at INTEGER NOT NULL -- Unix milliseconds
		)`,
		`CREATE INDEX latch_throttle_tkey_at ON latch_throttle (tkey, at)`,
		`CREATE INDEX latch_throttle_at ON latch_throttle (at)`,
	},
}
