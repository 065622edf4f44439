package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pursuit-gov/pursuit"
)

const userCols = `user_id, customer_id, email, role, password_hash, disabled, created_at, updated_at`

func scanUser(s scanner) (pursuit.User, error) {
	var u pursuit.User
	var customerID, created, updated sql.NullInt64
	var hash sql.NullString
	err := s.Scan(&u.UserID, &customerID, &u.Email, &u.Role, &hash, &u.Disabled, &created, &updated)
	u.CustomerID, u.PasswordHash = customerID.Int64, hash.String
	u.CreatedAt, u.UpdatedAt = fromMicros(created), fromMicros(updated)
	return u, err
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// userConflict is the ECONFLICT of a taken email.
func userConflict(err error) error {
	return &pursuit.Error{Code: pursuit.ECONFLICT, Field: "email", Message: "a user with this email already exists", Err: err}
}

// CreateUser inserts a user, assigning its id when it is 0.
func (db *DB) CreateUser(ctx context.Context, u *pursuit.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	v := *u
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING user_id`,
			nullID(v.UserID), nullID(v.CustomerID), v.Email, v.Role, nullText(v.PasswordHash), v.Disabled,
			micros(v.CreatedAt), micros(v.UpdatedAt)).Scan(&v.UserID)
		if isUnique(err) {
			return userConflict(err)
		}
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableUsers, "", "", ref{"customer_id", pursuit.TableCustomers, v.CustomerID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// GetUser returns a user by id.
func (db *DB) GetUser(ctx context.Context, id int64) (pursuit.User, error) {
	return getOne(ctx, db.r, scanUser, "user", id, `SELECT `+userCols+` FROM users WHERE user_id = ?`, id)
}

// UserByEmail finds a user by email without regard to case.
func (db *DB) UserByEmail(ctx context.Context, email string) (pursuit.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE lower(email) = ?`, pursuit.NormalizeEmail(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, pursuit.Errorf(pursuit.ENOTFOUND, "no user has this email")
	}
	return u, dbErr(err)
}

// UpdateUser replaces a user's email, role, password hash and disabled
// flag; disabling deletes the user's sessions in the same transaction.
func (db *DB) UpdateUser(ctx context.Context, u *pursuit.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	v := *u
	v.UpdatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		var customerID, created sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE users SET email = ?, role = ?, password_hash = ?, disabled = ?, updated_at = ?
			WHERE user_id = ? RETURNING customer_id, created_at`,
			v.Email, v.Role, nullText(v.PasswordHash), v.Disabled, micros(v.UpdatedAt), v.UserID).Scan(&customerID, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("user", v.UserID)
		case isUnique(err):
			return userConflict(err)
		case err != nil:
			return dbErr(fmt.Errorf("update user %d: %w", v.UserID, err))
		}
		v.CustomerID, v.CreatedAt = customerID.Int64, fromMicros(created)
		if v.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, v.UserID); err != nil {
				return dbErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// DeleteUser deletes a user, its sessions and its sign-in tokens.
func (db *DB) DeleteUser(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM users WHERE user_id = ?`, id, "user")
}

// ListUsers pages through a customer's users (the operators for 0).
func (db *DB) ListUsers(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.User, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanUser, `SELECT `+userCols+` FROM users
		WHERE coalesce(customer_id, 0) = ? AND user_id > ? ORDER BY user_id LIMIT ?`, customerID, opt.After, limit)
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s *pursuit.Session) error {
	if err := s.Validate(); err != nil {
		return err
	}
	v := *s
	now := db.now()
	v.CreatedAt, v.ExpiresAt, v.LastSeenAt = normTime(v.CreatedAt), normTime(v.ExpiresAt), normTime(v.LastSeenAt)
	if v.CreatedAt.IsZero() {
		v.CreatedAt = now
	}
	if v.LastSeenAt.IsZero() {
		v.LastSeenAt = v.CreatedAt
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sessions (user_id, hash, csrf_secret, created_at, expires_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING session_id`,
			v.UserID, v.Hash, v.CSRFSecret, micros(v.CreatedAt), micros(v.ExpiresAt), micros(v.LastSeenAt)).Scan(&v.SessionID)
		if isUnique(err) {
			return &pursuit.Error{Code: pursuit.ECONFLICT, Field: "hash", Message: "a session with this token already exists", Err: err}
		}
		if err != nil {
			return writeErr(ctx, tx, err, "sessions", "", "", ref{"user_id", pursuit.TableUsers, v.UserID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// SessionByHash returns a session of an enabled user and the user.
func (db *DB) SessionByHash(ctx context.Context, h []byte) (pursuit.Session, pursuit.User, error) {
	var s pursuit.Session
	var created, expires, seen sql.NullInt64
	u, err := scanUser(scannerFunc(func(dest ...any) error {
		return db.r.QueryRowContext(ctx, `SELECT s.session_id, s.user_id, s.hash, s.csrf_secret, s.created_at, s.expires_at, s.last_seen_at,
				u.user_id, u.customer_id, u.email, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at
			FROM sessions s JOIN users u ON u.user_id = s.user_id
			WHERE s.hash = ? AND u.disabled = 0`, h).
			Scan(append([]any{&s.SessionID, &s.UserID, &s.Hash, &s.CSRFSecret, &created, &expires, &seen}, dest...)...)
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, pursuit.Errorf(pursuit.ENOTFOUND, "no such session")
	}
	if err != nil {
		return s, u, dbErr(err)
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = fromMicros(created), fromMicros(expires), fromMicros(seen)
	return s, u, nil
}

// scannerFunc adapts a function to scanner.
type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }

// TouchSession sets a session's last_seen_at and expires_at.
func (db *DB) TouchSession(ctx context.Context, id int64, lastSeen, expires time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE session_id = ?`,
			micros(normTime(lastSeen)), micros(normTime(expires)), id)
		if err != nil {
			return dbErr(err)
		}
		return affected(res, "session", id)
	})
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM sessions WHERE session_id = ?`, id, "session")
}

// DeleteUserSessions ends every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		if err != nil {
			return dbErr(err)
		}
		n, err = res.RowsAffected()
		return dbErr(err)
	})
	return int(n), err
}

// DeleteExpiredSessions deletes the sessions that expired before now and
// the sign-in tokens that expired or were used.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM sessions WHERE expires_at < ?`, `DELETE FROM sign_in_tokens WHERE expires_at < ? OR used_at IS NOT NULL`} {
			res, err := tx.ExecContext(ctx, q, micros(normTime(now)))
			if err != nil {
				return dbErr(err)
			}
			k, err := res.RowsAffected()
			if err != nil {
				return dbErr(err)
			}
			n += k
		}
		return nil
	})
	return int(n), err
}

// CreateSignInToken stores a one-time sign-in token's hash.
func (db *DB) CreateSignInToken(ctx context.Context, t *pursuit.SignInToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	v := *t
	v.CreatedAt, v.ExpiresAt, v.UsedAt = normTime(v.CreatedAt), normTime(v.ExpiresAt), time.Time{}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = db.now()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sign_in_tokens (user_id, hash, created_at, expires_at)
			VALUES (?, ?, ?, ?) RETURNING token_id`, v.UserID, v.Hash, micros(v.CreatedAt), micros(v.ExpiresAt)).Scan(&v.TokenID)
		if isUnique(err) {
			return &pursuit.Error{Code: pursuit.ECONFLICT, Field: "hash", Message: "a sign-in token with this hash already exists", Err: err}
		}
		if err != nil {
			return writeErr(ctx, tx, err, "sign_in_tokens", "", "", ref{"user_id", pursuit.TableUsers, v.UserID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// UseSignInToken marks an unused, unexpired token of an enabled user used
// and returns it; anything else is ENOTFOUND.
func (db *DB) UseSignInToken(ctx context.Context, h []byte, now time.Time) (pursuit.SignInToken, error) {
	var t pursuit.SignInToken
	now = normTime(now)
	err := db.write(ctx, func(tx *sql.Tx) error {
		var created, expires sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE sign_in_tokens SET used_at = ?
			WHERE hash = ? AND used_at IS NULL AND expires_at > ?
			  AND user_id IN (SELECT user_id FROM users WHERE disabled = 0)
			RETURNING token_id, user_id, hash, created_at, expires_at`,
			micros(now), h, micros(now)).Scan(&t.TokenID, &t.UserID, &t.Hash, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return pursuit.Errorf(pursuit.ENOTFOUND, "this sign-in link is not valid: it was used already, has expired or never existed")
		}
		if err != nil {
			return dbErr(err)
		}
		t.CreatedAt, t.ExpiresAt, t.UsedAt = fromMicros(created), fromMicros(expires), now
		return nil
	})
	return t, err
}
