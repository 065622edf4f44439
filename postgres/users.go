package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pursuit-gov/pursuit"
)

const userCols = `user_id, customer_id, email, role, password_hash, disabled, created_at, updated_at`

func scanUser(row pgx.Row) (pursuit.User, error) {
	var u pursuit.User
	var customerID *int64
	var hash *string
	err := row.Scan(&u.UserID, &customerID, &u.Email, &u.Role, &hash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	u.CustomerID, u.CreatedAt, u.UpdatedAt = id(customerID), u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	if hash != nil {
		u.PasswordHash = *hash
	}
	return u, err
}

func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// isUnique reports whether err is a unique violation.
func isUnique(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
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
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.CreatedAt, v.UpdatedAt = now, now
		err := tx.QueryRow(ctx, `INSERT INTO users (`+userCols+`)
			VALUES (coalesce($1, nextval('users_user_id_seq')), $2, $3, $4, $5, $6, $7, $7) RETURNING user_id`,
			nullID(v.UserID), nullID(v.CustomerID), v.Email, v.Role, nullText(v.PasswordHash), v.Disabled, now).Scan(&v.UserID)
		if isUnique(err) {
			return userConflict(err)
		}
		if err != nil {
			return err
		}
		if u.UserID != 0 {
			return bumpSequence(ctx, tx, "users_user_id_seq", v.UserID)
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
func (db *DB) GetUser(ctx context.Context, uid int64) (pursuit.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE user_id = $1`, uid))
	if err != nil {
		return u, notFound(err, "user %d does not exist", uid)
	}
	return u, nil
}

// UserByEmail finds a user by email without regard to case.
func (db *DB) UserByEmail(ctx context.Context, email string) (pursuit.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE lower(email) = $1`, pursuit.NormalizeEmail(email)))
	if err != nil {
		return u, notFound(err, "no user has this email")
	}
	return u, nil
}

// UpdateUser replaces a user's email, role, password hash and disabled
// flag; disabling deletes the user's sessions in the same transaction.
func (db *DB) UpdateUser(ctx context.Context, u *pursuit.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	v := *u
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.UpdatedAt = now
		var customerID *int64
		err := tx.QueryRow(ctx, `UPDATE users SET email = $2, role = $3, password_hash = $4, disabled = $5, updated_at = $6
			WHERE user_id = $1 RETURNING customer_id, created_at`,
			v.UserID, v.Email, v.Role, nullText(v.PasswordHash), v.Disabled, now).Scan(&customerID, &v.CreatedAt)
		if isUnique(err) {
			return userConflict(err)
		}
		if err != nil {
			return notFound(err, "user %d does not exist", v.UserID)
		}
		v.CustomerID, v.CreatedAt = id(customerID), v.CreatedAt.UTC()
		if v.Disabled {
			_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, v.UserID)
		}
		return err
	})
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// DeleteUser deletes a user, its sessions and its sign-in tokens.
func (db *DB) DeleteUser(ctx context.Context, uid int64) error {
	return db.deleteByID(ctx, `DELETE FROM users WHERE user_id = $1`, uid, "user")
}

// ListUsers pages through a customer's users (the operators for 0).
func (db *DB) ListUsers(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.User, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanUser, `SELECT `+userCols+` FROM users
		WHERE coalesce(customer_id, 0) = $1 AND user_id > $2 ORDER BY user_id LIMIT $3`, customerID, opt.After, n)
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s *pursuit.Session) error {
	if err := s.Validate(); err != nil {
		return err
	}
	v := *s
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.CreatedAt, v.ExpiresAt = grantTime(v.CreatedAt, now), norm(v.ExpiresAt)
		v.LastSeenAt = grantTime(v.LastSeenAt, v.CreatedAt)
		err := tx.QueryRow(ctx, `INSERT INTO sessions (user_id, hash, csrf_secret, created_at, expires_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING session_id`,
			v.UserID, v.Hash, v.CSRFSecret, v.CreatedAt, v.ExpiresAt, v.LastSeenAt).Scan(&v.SessionID)
		if isUnique(err) {
			return &pursuit.Error{Code: pursuit.ECONFLICT, Field: "hash", Message: "a session with this token already exists", Err: err}
		}
		return err
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
	var u pursuit.User
	var customerID *int64
	var hash *string
	err := db.pool.QueryRow(ctx, `SELECT s.session_id, s.user_id, s.hash, s.csrf_secret, s.created_at, s.expires_at, s.last_seen_at,
			u.user_id, u.customer_id, u.email, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.user_id = s.user_id
		WHERE s.hash = $1 AND NOT u.disabled`, h).Scan(
		&s.SessionID, &s.UserID, &s.Hash, &s.CSRFSecret, &s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt,
		&u.UserID, &customerID, &u.Email, &u.Role, &hash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return s, u, notFound(err, "no such session")
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC(), s.LastSeenAt.UTC()
	u.CustomerID, u.CreatedAt, u.UpdatedAt = id(customerID), u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	if hash != nil {
		u.PasswordHash = *hash
	}
	return s, u, nil
}

// TouchSession sets a session's last_seen_at and expires_at. It takes no
// write lock: sessions have no change_log rows.
func (db *DB) TouchSession(ctx context.Context, sid int64, lastSeen, expires time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE session_id = $1`,
		sid, norm(lastSeen), norm(expires))
	if err != nil {
		return dbErr(err)
	}
	if tag.RowsAffected() == 0 {
		return pursuit.Errorf(pursuit.ENOTFOUND, "session %d does not exist", sid)
	}
	return nil
}

// DeleteSession ends one session.
func (db *DB) DeleteSession(ctx context.Context, sid int64) error {
	return db.deleteByID(ctx, `DELETE FROM sessions WHERE session_id = $1`, sid, "session")
}

// DeleteUserSessions ends every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, dbErr(err)
	}
	return int(tag.RowsAffected()), nil
}

// DeleteExpiredSessions deletes the sessions that expired before now and
// the sign-in tokens that expired or were used.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	n := 0
	for _, q := range []string{`DELETE FROM sessions WHERE expires_at < $1`, `DELETE FROM sign_in_tokens WHERE expires_at < $1 OR used_at IS NOT NULL`} {
		tag, err := db.pool.Exec(ctx, q, norm(now))
		if err != nil {
			return n, dbErr(err)
		}
		n += int(tag.RowsAffected())
	}
	return n, nil
}

// CreateSignInToken stores a one-time sign-in token's hash.
func (db *DB) CreateSignInToken(ctx context.Context, t *pursuit.SignInToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	v := *t
	v.UsedAt = time.Time{}
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.CreatedAt, v.ExpiresAt = grantTime(v.CreatedAt, now), norm(v.ExpiresAt)
		err := tx.QueryRow(ctx, `INSERT INTO sign_in_tokens (user_id, hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4) RETURNING token_id`, v.UserID, v.Hash, v.CreatedAt, v.ExpiresAt).Scan(&v.TokenID)
		if isUnique(err) {
			return &pursuit.Error{Code: pursuit.ECONFLICT, Field: "hash", Message: "a sign-in token with this hash already exists", Err: err}
		}
		return err
	})
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// UseSignInToken marks an unused, unexpired token of an enabled user used
// and returns it; anything else is ENOTFOUND. The UPDATE's row lock makes
// two concurrent uses of one token succeed once.
func (db *DB) UseSignInToken(ctx context.Context, h []byte, at time.Time) (pursuit.SignInToken, error) {
	var t pursuit.SignInToken
	at = norm(at)
	err := db.pool.QueryRow(ctx, `UPDATE sign_in_tokens SET used_at = $2
		WHERE hash = $1 AND used_at IS NULL AND expires_at > $2
		  AND user_id IN (SELECT user_id FROM users WHERE NOT disabled)
		RETURNING token_id, user_id, hash, created_at, expires_at`, h, at).Scan(&t.TokenID, &t.UserID, &t.Hash, &t.CreatedAt, &t.ExpiresAt)
	if err != nil {
		return t, notFound(err, "this sign-in link is not valid: it was used already, has expired or never existed")
	}
	t.CreatedAt, t.ExpiresAt, t.UsedAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC(), at
	return t, nil
}
