// Package sqlstore keeps latch sessions ([Store]), accounts ([Users]) and
// the failures of login throttling ([Throttle]) in a SQL database through
// database/sql: SQLite now, PostgreSQL and MySQL through further [Dialect]
// values. The three share one schema, and may share one database. It
// imports no driver; the program does, for example:
//
//	import _ "modernc.org/sqlite"
//
//	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN("latch.db"))
//	store, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
//	users, err := sqlstore.OpenUsers(ctx, db, sqlstore.SQLite)
//
// Sessions live in the table latch_sessions: the key, the version, the
// user ID (empty for anonymous sessions), the deadline in Unix milliseconds
// and the data. Save is one statement, an insert or an update guarded by
// the version, so that processes sharing the database never lose an
// update or bring back a deleted session.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/latchgo/latch"
)

var (
	_ latch.Store     = (*Store)(nil)
	_ latch.Sweeper   = (*Store)(nil)
	_ latch.UserIndex = (*Store)(nil)
	_ latch.Iterator  = (*Store)(nil)
	_ latch.Pinger    = (*Store)(nil)
	_ io.Closer       = (*Store)(nil)
)

// Statements common to every dialect, in SQLite's syntax; see Dialect.bind.
const (
	loadSession = `SELECT version, user_id, deadline, data FROM latch_sessions
		WHERE session_key = ? AND deadline > ?`
	updateSession = `UPDATE latch_sessions SET version = ?, user_id = ?, deadline = ?, data = ?
		WHERE session_key = ? AND version = ? AND deadline > ?`
	deleteSession = `DELETE FROM latch_sessions WHERE session_key = ?`
	// The condition user_id <> '' lets the database use the partial index.
	selectUserSessions = `SELECT session_key, version, deadline, data FROM latch_sessions
		WHERE user_id = ? AND user_id <> '' AND deadline > ?`
	deleteUserSessions = `DELETE FROM latch_sessions
		WHERE user_id = ? AND user_id <> '' AND session_key <> ? AND deadline > ?`
	selectRecords = `SELECT session_key, version, user_id, deadline, data FROM latch_sessions
		WHERE session_key > ? AND deadline > ? ORDER BY session_key LIMIT ?`
)

// pageSize is how many records Records reads per query.
const pageSize = 256

// Store is a [latch.Store] over a SQL database. It also implements
// [latch.Sweeper], [latch.UserIndex], [latch.Iterator], [latch.Pinger] and
// [io.Closer].
//
// A Store is safe for concurrent use, and several processes may share one
// database. Create one with [Open].
type Store struct {
	db            *sql.DB
	load          *sql.Stmt
	create        *sql.Stmt
	update        *sql.Stmt
	delete        *sql.Stmt
	deleteExpired *sql.Stmt
	userSessions  *sql.Stmt
	deleteUser    *sql.Stmt
	records       *sql.Stmt
}

// Open returns a Store over db, which speaks dialect. It first creates the
// tables or migrates them to the current schema, which is safe when
// several processes open the same database at once, and prepares its
// statements. The caller keeps ownership of db: [Store.Close] does not
// close it.
func Open(ctx context.Context, db *sql.DB, dialect Dialect) (*Store, error) {
	if err := setup(ctx, db, dialect); err != nil {
		return nil, err
	}
	s := &Store{db: db}
	err := prepare(ctx, db, dialect, []stmt{
		{&s.load, loadSession},
		{&s.create, dialect.createSession},
		{&s.update, updateSession},
		{&s.delete, deleteSession},
		{&s.deleteExpired, dialect.deleteExpired},
		{&s.userSessions, selectUserSessions},
		{&s.deleteUser, deleteUserSessions},
		{&s.records, selectRecords},
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the prepared statements. It does not close the database.
func (s *Store) Close() error {
	return closeStmts(s.load, s.create, s.update, s.delete, s.deleteExpired, s.userSessions, s.deleteUser, s.records)
}

// nowMS returns the current time in Unix milliseconds, the unit of the
// deadline column.
func nowMS() int64 { return time.Now().UnixMilli() }

// Load returns the live record under key, or [latch.ErrNotFound].
func (s *Store) Load(ctx context.Context, key string) (latch.Record, error) {
	rec := latch.Record{Key: key}
	var deadline int64
	err := s.load.QueryRowContext(ctx, key, nowMS()).Scan(&rec.Version, &rec.UserID, &deadline, &rec.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return latch.Record{}, latch.ErrNotFound
	}
	if err != nil {
		return latch.Record{}, fmt.Errorf("sqlstore: load session: %w", err)
	}
	rec.Deadline = time.UnixMilli(deadline)
	return rec, nil
}

// Save stores rec if the stored version is rec.Version, a missing or
// expired record having version 0; otherwise it returns
// [latch.ErrConflict] and changes nothing. It runs one statement: an
// insert that may replace an expired record when rec.Version is 0, an
// update guarded by the version otherwise.
func (s *Store) Save(ctx context.Context, rec latch.Record) error {
	data := rec.Data
	if data == nil {
		data = []byte{} // the column is NOT NULL; drivers send nil as NULL.
	}
	deadline, now := rec.Deadline.UnixMilli(), nowMS()
	var res sql.Result
	var err error
	op := "create session"
	if rec.Version == 0 {
		res, err = s.create.ExecContext(ctx, rec.Key, 1, rec.UserID, deadline, data, now)
	} else {
		op = "update session"
		res, err = s.update.ExecContext(ctx, rec.Version+1, rec.UserID, deadline, data, rec.Key, rec.Version, now)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if n == 0 {
		return latch.ErrConflict
	}
	return nil
}

// Delete removes the record under key, if any.
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.delete.ExecContext(ctx, key); err != nil {
		return fmt.Errorf("sqlstore: delete session: %w", err)
	}
	return nil
}

// DeleteExpired deletes at most limit expired records, using the index on
// the deadline, and reports how many it deleted. Call it in a loop until
// it returns less than limit; small limits keep each transaction, and the
// time other writers wait for it, short.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired sessions: %w", err)
	}
	if limit <= 0 {
		return 0, nil
	}
	res, err := s.deleteExpired.ExecContext(ctx, nowMS(), limit)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired sessions: %w", err)
	}
	return int(n), nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping: %w", err)
	}
	return nil
}

// UserSessions returns the live records of userID, in no particular order.
// Anonymous sessions are not indexed: for userID "" it returns none.
func (s *Store) UserSessions(ctx context.Context, userID string) ([]latch.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list user sessions: %w", err)
	}
	if userID == "" {
		return nil, nil
	}
	rows, err := s.userSessions.QueryContext(ctx, userID, nowMS())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list user sessions: %w", err)
	}
	defer rows.Close()
	var recs []latch.Record
	for rows.Next() {
		rec := latch.Record{UserID: userID}
		var deadline int64
		if err := rows.Scan(&rec.Key, &rec.Version, &deadline, &rec.Data); err != nil {
			return nil, fmt.Errorf("sqlstore: list user sessions: %w", err)
		}
		rec.Deadline = time.UnixMilli(deadline)
		recs = append(recs, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list user sessions: %w", err)
	}
	return recs, nil
}

// DeleteUserSessions deletes the live records of userID except the one
// under keep and reports how many it deleted; expired ones are left to
// DeleteExpired. It deletes nothing for userID "".
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlstore: delete user sessions: %w", err)
	}
	if userID == "" {
		return 0, nil
	}
	res, err := s.deleteUser.ExecContext(ctx, userID, keep, nowMS())
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete user sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete user sessions: %w", err)
	}
	return int(n), nil
}

// Records returns an iterator over the live records, in key order. It
// reads them a page at a time and yields each page after closing its
// query, so it holds no transaction or connection while the loop body
// runs; records saved or deleted during the loop may or may not be seen.
func (s *Store) Records(ctx context.Context) iter.Seq2[latch.Record, error] {
	return func(yield func(latch.Record, error) bool) {
		after := ""
		for {
			page, err := s.page(ctx, after)
			if err != nil {
				yield(latch.Record{}, fmt.Errorf("sqlstore: list sessions: %w", err))
				return
			}
			for _, rec := range page {
				if !yield(rec, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].Key
		}
	}
}

// page returns up to pageSize live records whose keys follow after.
func (s *Store) page(ctx context.Context, after string) ([]latch.Record, error) {
	rows, err := s.records.QueryContext(ctx, after, nowMS(), pageSize)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recs []latch.Record
	for rows.Next() {
		var rec latch.Record
		var deadline int64
		if err := rows.Scan(&rec.Key, &rec.Version, &rec.UserID, &deadline, &rec.Data); err != nil {
			return nil, err
		}
		rec.Deadline = time.UnixMilli(deadline)
		recs = append(recs, rec)
	}
	return recs, rows.Err()
}
