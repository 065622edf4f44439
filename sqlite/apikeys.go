package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pursuit-gov/pursuit"
)

const apiKeyCols = `api_key_id, role, customer_id, name, prefix, hash, created_at, revoked_at`

func scanAPIKey(s scanner) (pursuit.APIKey, error) {
	var k pursuit.APIKey
	var customerID, created, revoked sql.NullInt64
	err := s.Scan(&k.APIKeyID, &k.Role, &customerID, &k.Name, &k.Prefix, &k.Hash, &created, &revoked)
	k.CustomerID, k.CreatedAt, k.RevokedAt = customerID.Int64, fromMicros(created), fromMicros(revoked)
	return k, err
}

// CreateAPIKey stores an API key (its hash, never the key); created_at
// defaults to now.
func (db *DB) CreateAPIKey(ctx context.Context, k *pursuit.APIKey) error {
	if err := k.Validate(); err != nil {
		return err
	}
	v := *k
	v.CreatedAt, v.RevokedAt = normTime(v.CreatedAt), normTime(v.RevokedAt)
	if v.CreatedAt.IsZero() {
		v.CreatedAt = db.now()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_keys (`+apiKeyCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING api_key_id`,
			nullID(v.APIKeyID), v.Role, nullID(v.CustomerID), v.Name, v.Prefix, v.Hash, micros(v.CreatedAt), micros(v.RevokedAt)).Scan(&v.APIKeyID)
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableAPIKeys, "hash", "an API key with this hash (or id) already exists",
				ref{"customer_id", pursuit.TableCustomers, v.CustomerID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// APIKeyByHash returns the key whose hash is h, revoked or not.
func (db *DB) APIKeyByHash(ctx context.Context, h []byte) (pursuit.APIKey, error) {
	k, err := scanAPIKey(db.r.QueryRowContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = ?`, h))
	if errors.Is(err, sql.ErrNoRows) {
		return k, pursuit.Errorf(pursuit.ENOTFOUND, "no such API key")
	}
	return k, dbErr(err)
}

// ListAPIKeys returns every API key in api_key_id order.
func (db *DB) ListAPIKeys(ctx context.Context) ([]pursuit.APIKey, error) {
	return all(ctx, db.r, scanAPIKey, `SELECT `+apiKeyCols+` FROM api_keys ORDER BY api_key_id`)
}

// RevokeAPIKey marks a key revoked at the given time.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	at = normTime(at)
	if at.IsZero() {
		at = db.now()
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE api_key_id = ?`, micros(at), id)
		if err != nil {
			return dbErr(fmt.Errorf("revoke API key %d: %w", id, err))
		}
		return affected(res, "API key", id)
	})
}

func scanReveal(s scanner) (pursuit.Reveal, error) {
	var r pursuit.Reveal
	var keyID, at sql.NullInt64
	err := s.Scan(&r.RevealID, &keyID, &r.CustomerID, &r.ContactID, &at)
	r.APIKeyID, r.RevealedAt = keyID.Int64, fromMicros(at)
	return r, err
}

// RevealContact records a reveal in one transaction: the first reveal of a
// contact by a customer takes one reveal credit (EPAYMENT when none are
// left), later ones are free; the audit row is written either way.
func (db *DB) RevealContact(ctx context.Context, r *pursuit.Reveal) (bool, error) {
	if err := r.Validate(); err != nil {
		return false, err
	}
	v := *r
	v.RevealedAt = normTime(v.RevealedAt)
	if v.RevealedAt.IsZero() {
		v.RevealedAt = db.now()
	}
	var charged bool
	err := db.write(ctx, func(tx *sql.Tx) error {
		charged = false
		var credits int64
		err := tx.QueryRowContext(ctx, `SELECT reveal_credits FROM customers WHERE customer_id = ?`, v.CustomerID).Scan(&credits)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("customer", v.CustomerID)
		}
		if err != nil {
			return dbErr(err)
		}
		var exists, prior bool
		err = tx.QueryRowContext(ctx, `SELECT
				EXISTS (SELECT 1 FROM contacts WHERE contact_id = ?),
				EXISTS (SELECT 1 FROM contact_reveals WHERE customer_id = ? AND contact_id = ?)`,
			v.ContactID, v.CustomerID, v.ContactID).Scan(&exists, &prior)
		if err != nil {
			return dbErr(err)
		}
		if !exists {
			return notFound("contact", v.ContactID)
		}
		if !prior {
			if credits <= 0 {
				return pursuit.Errorf(pursuit.EPAYMENT, "customer %d has no reveal credits left", v.CustomerID)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE customers SET reveal_credits = reveal_credits - 1 WHERE customer_id = ?`, v.CustomerID); err != nil {
				return dbErr(fmt.Errorf("take reveal credit: %w", err))
			}
			charged = true
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO contact_reveals (reveal_id, api_key_id, customer_id, contact_id, revealed_at)
			VALUES (?, ?, ?, ?, ?) RETURNING reveal_id`,
			nullID(v.RevealID), nullID(v.APIKeyID), v.CustomerID, v.ContactID, micros(v.RevealedAt)).Scan(&v.RevealID)
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableReveals, "reveal_id", fmt.Sprintf("reveal %d already exists", v.RevealID))
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	*r = v
	return charged, nil
}

// ListReveals pages through a customer's reveals by reveal_id.
func (db *DB) ListReveals(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.Reveal, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanReveal, `SELECT reveal_id, api_key_id, customer_id, contact_id, revealed_at FROM contact_reveals
		WHERE customer_id = ? AND reveal_id > ? ORDER BY reveal_id LIMIT ?`, customerID, opt.After, limit)
}

// ListCustomerAPIKeys returns one customer's keys in api_key_id order.
func (db *DB) ListCustomerAPIKeys(ctx context.Context, customerID int64) ([]pursuit.APIKey, error) {
	return all(ctx, db.r, scanAPIKey, `SELECT `+apiKeyCols+` FROM api_keys
		WHERE role = 'customer' AND customer_id = ? ORDER BY api_key_id`, customerID)
}

// RevokeCustomerAPIKey revokes one of a customer's keys; any other key is
// ENOTFOUND, worded like a missing one.
func (db *DB) RevokeCustomerAPIKey(ctx context.Context, customerID, id int64, at time.Time) (pursuit.APIKey, error) {
	at = normTime(at)
	if at.IsZero() {
		at = db.now()
	}
	var k pursuit.APIKey
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		k, err = scanAPIKey(tx.QueryRowContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?)
			WHERE api_key_id = ? AND role = 'customer' AND customer_id = ? RETURNING `+apiKeyCols, micros(at), id, customerID))
		if errors.Is(err, sql.ErrNoRows) {
			return pursuit.Errorf(pursuit.ENOTFOUND, "no API key %d", id)
		}
		return dbErr(err)
	})
	return k, err
}
