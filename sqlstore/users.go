package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/latchgo/latch/auth"
)

var (
	_ auth.Users = (*Users)(nil)
	_ io.Closer  = (*Users)(nil)
)

// Statements on users common to every dialect, in SQLite's syntax.
const (
	userColumns      = `id, name, password_hash, active, created`
	selectUserByName = `SELECT ` + userColumns + ` FROM latch_users WHERE name = ?`
	selectUserByID   = `SELECT ` + userColumns + ` FROM latch_users WHERE id = ?`
	selectUsers      = `SELECT ` + userColumns + ` FROM latch_users ORDER BY name`
	updatePassword   = `UPDATE latch_users SET password_hash = ? WHERE id = ?`
	updateActive     = `UPDATE latch_users SET active = ? WHERE id = ?`
)

// Users is an [auth.Users] over a SQL database, in the table latch_users:
// the ID, the name (unique, compared byte for byte), the password hash,
// whether the account is active, and when it was created, in Unix
// milliseconds.
//
// Users is safe for concurrent use, and several processes may share one
// database. Create one with [OpenUsers].
type Users struct {
	byName, byID, list, create, setPassword, setActive *sql.Stmt
}

// OpenUsers returns a Users over db, which speaks dialect. Like [Open], it
// first brings the schema up to date (sessions, users and throttle state
// share one schema) and prepares its statements. The caller keeps
// ownership of db: [Users.Close] does not close it.
func OpenUsers(ctx context.Context, db *sql.DB, dialect Dialect) (*Users, error) {
	if err := setup(ctx, db, dialect); err != nil {
		return nil, err
	}
	u := &Users{}
	err := prepare(ctx, db, dialect, []stmt{
		{&u.byName, selectUserByName},
		{&u.byID, selectUserByID},
		{&u.list, selectUsers},
		{&u.create, dialect.createUser},
		{&u.setPassword, updatePassword},
		{&u.setActive, updateActive},
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Close releases the prepared statements. It does not close the database.
func (u *Users) Close() error {
	return closeStmts(u.byName, u.byID, u.list, u.create, u.setPassword, u.setActive)
}

// UserByName returns the user called name, or an error wrapping
// [auth.ErrUserNotFound].
func (u *Users) UserByName(ctx context.Context, name string) (auth.User, error) {
	return u.one(ctx, u.byName, name)
}

// UserByID returns the user with ID id, or an error wrapping
// [auth.ErrUserNotFound].
func (u *Users) UserByID(ctx context.Context, id string) (auth.User, error) {
	return u.one(ctx, u.byID, id)
}

// one returns the user that the query st finds with arg.
func (u *Users) one(ctx context.Context, st *sql.Stmt, arg string) (auth.User, error) {
	user, err := scanUser(st.QueryRowContext(ctx, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, auth.ErrUserNotFound
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("sqlstore: load user: %w", err)
	}
	return user, nil
}

// CreateUser stores user and returns it as stored: with a new random ID
// (32 hexadecimal digits) if it had none, and Created, the current time
// if it was zero, to the millisecond. If the name or the ID is taken it
// returns an error wrapping [auth.ErrUserExists] and stores nothing.
func (u *Users) CreateUser(ctx context.Context, user auth.User) (auth.User, error) {
	if user.ID == "" {
		user.ID = newUserID()
	}
	if user.Created.IsZero() {
		user.Created = time.Now()
	}
	created := user.Created.UnixMilli()
	res, err := u.create.ExecContext(ctx, user.ID, user.Name, user.PasswordHash, boolInt(user.Active), created)
	if err != nil {
		return auth.User{}, fmt.Errorf("sqlstore: create user: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return auth.User{}, fmt.Errorf("sqlstore: create user: %w", err)
	}
	if n == 0 {
		return auth.User{}, fmt.Errorf("sqlstore: create user: %w: name %q or ID %q", auth.ErrUserExists, user.Name, user.ID)
	}
	user.Created = time.UnixMilli(created)
	return user, nil
}

// SetPasswordHash replaces the password hash of the user with ID id.
func (u *Users) SetPasswordHash(ctx context.Context, id, hash string) error {
	return u.update(ctx, "set password hash", u.setPassword, hash, id)
}

// SetActive activates or deactivates the user with ID id.
func (u *Users) SetActive(ctx context.Context, id string, active bool) error {
	return u.update(ctx, "set active", u.setActive, boolInt(active), id)
}

// update runs st, which changes the user with ID id, the last of args.
func (u *Users) update(ctx context.Context, op string, st *sql.Stmt, args ...any) error {
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	// SQLite counts the rows that match, even when the value is unchanged;
	// so does PostgreSQL. (MySQL counts changed rows unless the connection
	// sets CLIENT_FOUND_ROWS, which its dialect will need.)
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", op, err)
	}
	if n == 0 {
		return auth.ErrUserNotFound
	}
	return nil
}

// ListUsers returns every user, sorted by name, byte-wise.
func (u *Users) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := u.list.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list users: %w", err)
	}
	defer rows.Close()
	var users []auth.User
	for rows.Next() {
		user, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: list users: %w", err)
		}
		users = append(users, user)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list users: %w", err)
	}
	return users, nil
}

// scanUser reads the userColumns of one row.
func scanUser(row interface{ Scan(...any) error }) (auth.User, error) {
	var user auth.User
	var active, created int64
	if err := row.Scan(&user.ID, &user.Name, &user.PasswordHash, &active, &created); err != nil {
		return auth.User{}, err
	}
	user.Active = active != 0
	user.Created = time.UnixMilli(created)
	return user, nil
}

// newUserID returns 128 random bits in hexadecimal.
func newUserID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails; see its doc.
	return hex.EncodeToString(b)
}

// boolInt returns 1 for true and 0 for false, the values of the INTEGER
// columns that hold booleans: not every driver converts a bool.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
