package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"time"

	"github.com/latchgo/latch"
	"github.com/latchgo/latch/memstore"
	"github.com/latchgo/latch/sqlstore"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// The connection pool of each SQLite database. database/sql keeps only 2
// idle connections by default: with more requests than that in flight,
// every released connection beyond the second was closed and the next
// request opened a new one, which parses the schema and prepares the
// store's statements again (a quarter of the server's CPU under load).
// WAL lets any number of connections read at once and one write; the
// others wait for the write lock on the DSN's busy_timeout (and take it
// at BEGIN, _txlock=immediate, so that no transaction fails on upgrading
// its lock). A few connections per core keep the readers busy; past that,
// requests queue in database/sql, in order and without polling, rather
// than in SQLite's busy handler. Idle connections are kept, so a burst
// after a quiet minute does not pay the opening again.
const (
	sqlitePoolSize    = 8
	sqliteMaxIdleTime = 30 * time.Minute
)

// resources opens databases once, so that the session store and the users
// of one sqlite:// URL share a *sql.DB, and closes all it opened in
// reverse order.
type resources struct {
	dbs     map[string]*sql.DB // by file path
	closers []io.Closer
}

// sqlite returns the database at path, opening it on first use.
func (res *resources) sqlite(path string) (*sql.DB, error) {
	if db, ok := res.dbs[path]; ok {
		return db, nil
	}
	db, err := sql.Open("sqlite", sqlstore.SQLiteDSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(sqlitePoolSize)
	db.SetMaxIdleConns(sqlitePoolSize)
	db.SetConnMaxIdleTime(sqliteMaxIdleTime)
	if res.dbs == nil {
		res.dbs = map[string]*sql.DB{}
	}
	res.dbs[path] = db
	res.closers = append(res.closers, db)
	return db, nil
}

// onClose registers c to be closed by Close.
func (res *resources) onClose(c io.Closer) {
	res.closers = append(res.closers, c)
}

// Close closes everything opened, the last opened first.
func (res *resources) Close() error {
	var errs []error
	for i := len(res.closers) - 1; i >= 0; i-- {
		errs = append(errs, res.closers[i].Close())
	}
	res.closers = nil
	res.dbs = nil
	return errors.Join(errs...)
}

// openStore opens the session store that u names. A store that cannot be
// opened (a missing directory, a corrupt file) is bad configuration.
func (res *resources) openStore(ctx context.Context, u storeURL) (latch.Store, error) {
	switch u.Kind {
	case kindMemory:
		s := memstore.New()
		res.onClose(s)
		return s, nil
	case kindSQLite:
		db, err := res.sqlite(u.Path)
		if err != nil {
			return nil, usagef("latch: --store: %v", err)
		}
		s, err := sqlstore.Open(ctx, db, sqlstore.SQLite)
		if err != nil {
			return nil, usagef("latch: --store: %s: %v", u.Path, err)
		}
		res.onClose(s)
		return s, nil
	}
	return nil, usagef("latch: --store: %s store is not built yet", u.Kind)
}
