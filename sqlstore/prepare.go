package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// setup checks dialect and brings the schema of db up to date; every
// Open function starts with it.
func setup(ctx context.Context, db *sql.DB, dialect Dialect) error {
	if dialect.name == "" {
		return errors.New("sqlstore: open: zero Dialect; use a dialect such as sqlstore.SQLite")
	}
	if err := migrate(ctx, db, dialect); err != nil {
		return fmt.Errorf("sqlstore: migrate schema: %w", err)
	}
	return nil
}

// stmt is a statement to prepare into *dst.
type stmt struct {
	dst   **sql.Stmt
	query string
}

// prepare prepares each of stmts on db, rebound to dialect. On failure it
// closes the statements it prepared.
func prepare(ctx context.Context, db *sql.DB, dialect Dialect, stmts []stmt) error {
	for i, st := range stmts {
		p, err := db.PrepareContext(ctx, dialect.rebind(st.query))
		if err != nil {
			for _, done := range stmts[:i] {
				(*done.dst).Close()
			}
			return fmt.Errorf("sqlstore: prepare: %w", err)
		}
		*st.dst = p
	}
	return nil
}

// closeStmts closes the statements that are not nil.
func closeStmts(stmts ...*sql.Stmt) error {
	var errs []error
	for _, st := range stmts {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlstore: close: %w", err)
	}
	return nil
}
