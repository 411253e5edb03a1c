package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/latchgo/latch/auth/throttle"
)

var (
	_ throttle.Store = (*Throttle)(nil)
	_ io.Closer      = (*Throttle)(nil)
)

// Statements on throttle failures common to every dialect, in SQLite's
// syntax. Failures of one key are ordered by (at, id).
const (
	deleteKeyFailuresBefore = `DELETE FROM latch_throttle WHERE tkey = ? AND at <= ?`
	insertFailure           = `INSERT INTO latch_throttle (tkey, at) VALUES (?, ?)`
	selectKeyFailures       = `SELECT id, at FROM latch_throttle WHERE tkey = ? ORDER BY at, id`
	// Deletes the failures of a key that come before the failure (at, id).
	trimKeyFailures = `DELETE FROM latch_throttle
		WHERE tkey = ? AND (at < ? OR (at = ? AND id < ?))`
	selectRecentFailures = `SELECT at FROM latch_throttle
		WHERE tkey = ? AND at > ? AND at <= ? ORDER BY at, id`
	deleteKeyFailures = `DELETE FROM latch_throttle WHERE tkey = ?`
)

// Throttle is a [throttle.Store] over a SQL database, so that every
// process sharing the database counts the same failures. It keeps them in
// the table latch_throttle, one row per failure: the key, the time in Unix
// milliseconds, and an ID that orders failures at one time as they were
// added.
//
// Add keeps at most limit failures of its key, none older than the
// window; keys that fail no more keep their last rows until
// [Throttle.DeleteExpired] removes them.
//
// Throttle is safe for concurrent use. Create one with [OpenThrottle].
type Throttle struct {
	db                                    *sql.DB
	deleteBefore, insert, selectKey, trim *sql.Stmt
	recent, reset, deleteExpired          *sql.Stmt
}

// OpenThrottle returns a Throttle over db, which speaks dialect. Like
// [Open], it first brings the schema up to date (sessions, users and
// throttle state share one schema) and prepares its statements. The
// caller keeps ownership of db: [Throttle.Close] does not close it.
func OpenThrottle(ctx context.Context, db *sql.DB, dialect Dialect) (*Throttle, error) {
	if err := setup(ctx, db, dialect); err != nil {
		return nil, err
	}
	t := &Throttle{db: db}
	err := prepare(ctx, db, dialect, []stmt{
		{&t.deleteBefore, deleteKeyFailuresBefore},
		{&t.insert, insertFailure},
		{&t.selectKey, selectKeyFailures},
		{&t.trim, trimKeyFailures},
		{&t.recent, selectRecentFailures},
		{&t.reset, deleteKeyFailures},
		{&t.deleteExpired, dialect.deleteOldFailures},
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Close releases the prepared statements. It does not close the database.
func (t *Throttle) Close() error {
	return closeStmts(t.deleteBefore, t.insert, t.selectKey, t.trim, t.recent, t.reset, t.deleteExpired)
}

// Add implements [throttle.Store]. In one transaction it deletes the
// failures of key at or before now-window, inserts this one, and deletes
// all but the newest limit.
func (t *Throttle) Add(ctx context.Context, key string, now time.Time, window time.Duration, limit int) ([]time.Time, error) {
	times, err := t.add(ctx, key, now.UnixMilli(), now.Add(-window).UnixMilli(), max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: add throttle failure: %w", err)
	}
	return times, nil
}

func (t *Throttle) add(ctx context.Context, key string, now, oldest int64, limit int) (_ []time.Time, err error) {
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if _, err := tx.StmtContext(ctx, t.deleteBefore).ExecContext(ctx, key, oldest); err != nil {
		return nil, err
	}
	if _, err := tx.StmtContext(ctx, t.insert).ExecContext(ctx, key, now); err != nil {
		return nil, err
	}
	ids, ats, err := keyFailures(ctx, tx.StmtContext(ctx, t.selectKey), key)
	if err != nil {
		return nil, err
	}
	// Callers' clocks may disagree, so this failure need not be the newest.
	if drop := len(ats) - limit; drop > 0 {
		if _, err := tx.StmtContext(ctx, t.trim).ExecContext(ctx, key, ats[drop], ats[drop], ids[drop]); err != nil {
			return nil, err
		}
		ats = ats[drop:]
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	var times []time.Time
	for _, at := range ats {
		if at > oldest && at <= now {
			times = append(times, time.UnixMilli(at))
		}
	}
	return times, nil
}

// keyFailures returns the IDs and times of the failures of key, oldest
// first, that st selects.
func keyFailures(ctx context.Context, st *sql.Stmt, key string) (ids, ats []int64, err error) {
	rows, err := st.QueryContext(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, nil, err
		}
		ids, ats = append(ids, id), append(ats, at)
	}
	return ids, ats, rows.Err()
}

// Recent implements [throttle.Store].
func (t *Throttle) Recent(ctx context.Context, key string, now time.Time, window time.Duration) ([]time.Time, error) {
	rows, err := t.recent.QueryContext(ctx, key, now.Add(-window).UnixMilli(), now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("sqlstore: recent throttle failures: %w", err)
	}
	defer rows.Close()
	var times []time.Time
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, fmt.Errorf("sqlstore: recent throttle failures: %w", err)
		}
		times = append(times, time.UnixMilli(at))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: recent throttle failures: %w", err)
	}
	return times, nil
}

// Reset implements [throttle.Store].
func (t *Throttle) Reset(ctx context.Context, key string) error {
	if _, err := t.reset.ExecContext(ctx, key); err != nil {
		return fmt.Errorf("sqlstore: reset throttle failures: %w", err)
	}
	return nil
}

// DeleteExpired deletes at most limit failures, of any key, at or before
// before, and reports how many it deleted. Pass the current time less the
// longest window of the [throttle.Limiter] values that use t: older
// failures count for none of them. Call it in a loop until it returns
// less than limit, as [Store.DeleteExpired].
func (t *Throttle) DeleteExpired(ctx context.Context, before time.Time, limit int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired throttle failures: %w", err)
	}
	if limit <= 0 {
		return 0, nil
	}
	res, err := t.deleteExpired.ExecContext(ctx, before.UnixMilli(), limit)
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired throttle failures: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: delete expired throttle failures: %w", err)
	}
	return int(n), nil
}
