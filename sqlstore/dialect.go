package sqlstore

import (
	"net/url"
	"strings"
)

// Dialect is what differs between the SQL databases a [Store], [Users] and
// [Throttle] run on: a few statements, the way a migration takes its lock,
// and the schema. The logic is written once, in store.go, users.go,
// throttle.go and schema.go.
//
// The zero Dialect is not valid; use [SQLite].
type Dialect struct {
	name string

	// bind adapts a statement as it is written in this package (SQLite's
	// syntax: ? placeholders) to the dialect; nil leaves statements as
	// written. No table or column is named with a reserved word of any of
	// the dialects, so that no statement needs quoting.
	bind func(query string) string

	// createSession inserts a record, or replaces the record under its key
	// if that one has expired, in one statement that affects no row when a
	// live record exists. Arguments: key, version, user_id, deadline, data,
	// now.
	createSession string

	// deleteExpired deletes at most a number of expired records.
	// Arguments: now, limit.
	deleteExpired string

	// createUser inserts a user in one statement that affects no row when
	// the name or the ID is taken. Arguments: id, name, password_hash,
	// active, created.
	createUser string

	// deleteOldFailures deletes at most a number of throttle failures at
	// or before a time. Arguments: before, limit.
	deleteOldFailures string

	// begin starts the transaction in which Open migrates the schema,
	// taking a lock that makes other processes migrating the same database
	// wait, so that each step runs once.
	begin []string

	// migrations are the steps of the schema, in order: applying the first
	// n steps gives schema version n. Steps are only ever appended.
	migrations []migration
}

// migration is one step of a schema: statements run in order, in the
// migration transaction.
type migration []string

// Name returns the name of the dialect, such as "sqlite".
func (d Dialect) Name() string { return d.name }

// SQLite is the dialect of SQLite 3.24 or later, as provided by the
// modernc.org/sqlite driver. Open the database with [SQLiteDSN].
var SQLite = Dialect{
	name: "sqlite",
	createSession: `INSERT INTO latch_sessions (session_key, version, user_id, deadline, data)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (session_key) DO UPDATE SET
			version = excluded.version,
			user_id = excluded.user_id,
			deadline = excluded.deadline,
			data = excluded.data
		WHERE latch_sessions.deadline <= ?`,
	deleteExpired: `DELETE FROM latch_sessions WHERE session_key IN
		(SELECT session_key FROM latch_sessions WHERE deadline <= ? LIMIT ?)`,
	// Without a conflict target, DO NOTHING covers both unique columns,
	// name and id (PostgreSQL reads it the same way; MySQL has INSERT
	// IGNORE).
	createUser: `INSERT INTO latch_users (id, name, password_hash, active, created)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
	deleteOldFailures: `DELETE FROM latch_throttle WHERE id IN
		(SELECT id FROM latch_throttle WHERE at <= ? LIMIT ?)`,
	// IMMEDIATE takes the write lock at once, waiting for it up to the
	// busy timeout: a deferred transaction that read the schema version
	// could not upgrade to write after another process migrated.
	begin:      []string{"BEGIN IMMEDIATE"},
	migrations: sqliteMigrations,
}

// SQLiteDSN returns the data source name with which to open the SQLite
// database file at path with the modernc.org/sqlite driver, so that
// several connections and processes can share it:
//
//	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN("latch.db"))
//
// Every connection then uses write-ahead logging (readers do not block the
// writer), waits up to 5 seconds for a lock instead of failing at once,
// syncs at checkpoints rather than at every commit (synchronous NORMAL,
// durable against process crashes; a power loss may lose the last
// commits), enforces foreign keys, and starts transactions with BEGIN
// IMMEDIATE so that a transaction that reads and then writes never fails
// to upgrade its lock.
func SQLiteDSN(path string) string {
	// SQLite decodes %XX in URI file names, and ? and # end the path.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	q := url.Values{
		"_pragma": {
			"busy_timeout(5000)",
			"journal_mode(WAL)",
			"synchronous(NORMAL)",
			"foreign_keys(1)",
		},
		"_txlock": {"immediate"},
	}
	return "file:" + escaped + "?" + q.Encode()
}
