package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const apiKeyCols = `api_key_id, role, customer_id, name, prefix, hash, created_at, revoked_at`

func scanAPIKey(row pgx.Row) (pursuit.APIKey, error) {
	var k pursuit.APIKey
	var customerID *int64
	var revoked *time.Time
	err := row.Scan(&k.APIKeyID, &k.Role, &customerID, &k.Name, &k.Prefix, &k.Hash, &k.CreatedAt, &revoked)
	k.CustomerID, k.CreatedAt, k.RevokedAt = id(customerID), k.CreatedAt.UTC(), utc(revoked)
	return k, err
}

// CreateAPIKey stores an API key's hash, assigning APIKeyID when it is 0.
// CreatedAt defaults to now. A hash that is already stored is ECONFLICT.
func (db *DB) CreateAPIKey(ctx context.Context, k *pursuit.APIKey) error {
	if err := k.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		created := grantTime(k.CreatedAt, now)
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO api_keys (`+apiKeyCols+`)
			VALUES (coalesce($1, nextval('api_keys_api_key_id_seq')), $2, $3, $4, $5, $6, $7, $8)
			RETURNING api_key_id`,
			nullID(k.APIKeyID), k.Role, nullID(k.CustomerID), k.Name, k.Prefix, k.Hash, created, nullTime(k.RevokedAt)).Scan(&id)
		if err != nil {
			return err
		}
		if k.APIKeyID != 0 {
			if err := bumpSequence(ctx, tx, "api_keys_api_key_id_seq", id); err != nil {
				return err
			}
		}
		k.APIKeyID, k.CreatedAt, k.RevokedAt = id, created, norm(k.RevokedAt)
		return nil
	})
}

// APIKeyByHash returns the key whose hash is h, revoked or not.
func (db *DB) APIKeyByHash(ctx context.Context, h []byte) (pursuit.APIKey, error) {
	k, err := scanAPIKey(db.pool.QueryRow(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = $1`, h))
	if err != nil {
		return k, notFound(err, "no such API key")
	}
	return k, nil
}

// ListAPIKeys returns every API key by api_key_id.
func (db *DB) ListAPIKeys(ctx context.Context) ([]pursuit.APIKey, error) {
	return collect(ctx, db, scanAPIKey, `SELECT `+apiKeyCols+` FROM api_keys ORDER BY api_key_id`)
}

// RevokeAPIKey sets a key's revoked_at (now when at is zero).
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = $2 WHERE api_key_id = $1`, id, grantTime(at, now))
		if err == nil && tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "API key %d does not exist", id)
		}
		return err
	})
}

func scanReveal(row pgx.Row) (pursuit.Reveal, error) {
	var r pursuit.Reveal
	var keyID *int64
	err := row.Scan(&r.RevealID, &keyID, &r.CustomerID, &r.ContactID, &r.RevealedAt)
	r.APIKeyID, r.RevealedAt = id(keyID), r.RevealedAt.UTC()
	return r, err
}

// RevealContact records that a customer revealed a contact. It locks the
// customer row (SELECT … FOR UPDATE), so concurrent reveals of one customer
// cannot spend a credit twice: the first reveal of a contact takes a
// credit (EPAYMENT when none are left), later ones are free, and the audit
// row is written either way. A missing customer or contact is ENOTFOUND.
func (db *DB) RevealContact(ctx context.Context, r *pursuit.Reveal) (charged bool, err error) {
	if err := r.Validate(); err != nil {
		return false, err
	}
	err = db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		var credits int64
		err := tx.QueryRow(ctx, `SELECT reveal_credits FROM customers WHERE customer_id = $1 FOR UPDATE`, r.CustomerID).Scan(&credits)
		if err != nil {
			return notFound(err, "customer %d does not exist", r.CustomerID)
		}
		var exists, revealed bool
		err = tx.QueryRow(ctx, `SELECT
				EXISTS (SELECT 1 FROM contacts WHERE contact_id = $2),
				EXISTS (SELECT 1 FROM contact_reveals WHERE customer_id = $1 AND contact_id = $2)`,
			r.CustomerID, r.ContactID).Scan(&exists, &revealed)
		if err != nil {
			return err
		}
		if !exists {
			return pursuit.Errorf(pursuit.ENOTFOUND, "contact %d does not exist", r.ContactID)
		}
		if !revealed {
			if credits <= 0 {
				return pursuit.Errorf(pursuit.EPAYMENT, "customer %d has no reveal credits left", r.CustomerID)
			}
			if _, err := tx.Exec(ctx, `UPDATE customers SET reveal_credits = reveal_credits - 1 WHERE customer_id = $1`, r.CustomerID); err != nil {
				return err
			}
		}
		at := grantTime(r.RevealedAt, now)
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO contact_reveals (api_key_id, customer_id, contact_id, revealed_at)
			VALUES ($1, $2, $3, $4) RETURNING reveal_id`,
			nullID(r.APIKeyID), r.CustomerID, r.ContactID, at).Scan(&id)
		if err != nil {
			return err
		}
		r.RevealID, r.RevealedAt, charged = id, at, !revealed
		return nil
	})
	if err != nil {
		return false, err
	}
	return charged, nil
}

// ListReveals pages through a customer's reveals by reveal_id.
func (db *DB) ListReveals(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.Reveal, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanReveal, `SELECT reveal_id, api_key_id, customer_id, contact_id, revealed_at
		FROM contact_reveals WHERE customer_id = $1 AND reveal_id > $2
		ORDER BY reveal_id LIMIT $3`, customerID, opt.After, n)
}

// ListCustomerAPIKeys returns one customer's keys by api_key_id.
func (db *DB) ListCustomerAPIKeys(ctx context.Context, customerID int64) ([]pursuit.APIKey, error) {
	return collect(ctx, db, scanAPIKey, `SELECT `+apiKeyCols+` FROM api_keys
		WHERE role = 'customer' AND customer_id = $1 ORDER BY api_key_id`, customerID)
}

// RevokeCustomerAPIKey revokes one of a customer's keys; any other key is
// ENOTFOUND, worded like a missing one.
func (db *DB) RevokeCustomerAPIKey(ctx context.Context, customerID, kid int64, at time.Time) (pursuit.APIKey, error) {
	var k pursuit.APIKey
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		var err error
		k, err = scanAPIKey(tx.QueryRow(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $3)
			WHERE api_key_id = $1 AND role = 'customer' AND customer_id = $2 RETURNING `+apiKeyCols, kid, customerID, grantTime(at, now)))
		if errors.Is(err, pgx.ErrNoRows) {
			return pursuit.Errorf(pursuit.ENOTFOUND, "no API key %d", kid)
		}
		return err
	})
	return k, err
}
