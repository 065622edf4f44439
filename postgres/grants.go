package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

func scanPlaceGrant(row pgx.Row) (pursuit.CustomerPlaceRelation, error) {
	var g pursuit.CustomerPlaceRelation
	err := row.Scan(&g.CustomerID, &g.PlaceID, &g.AccessType, &g.GrantedAt)
	g.GrantedAt = g.GrantedAt.UTC()
	return g, err
}

func scanContactGrant(row pgx.Row) (pursuit.CustomerContactRelation, error) {
	var g pursuit.CustomerContactRelation
	err := row.Scan(&g.CustomerID, &g.ContactID, &g.AccessType, &g.GrantedAt)
	g.GrantedAt = g.GrantedAt.UTC()
	return g, err
}

// grantTime returns the granted_at to store: the given one, or now.
func grantTime(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return norm(t)
}

// PutPlaceGrant creates or replaces a customer_place_relation row;
// GrantedAt defaults to now.
func (db *DB) PutPlaceGrant(ctx context.Context, g *pursuit.CustomerPlaceRelation) error {
	if err := g.Validate(); err != nil {
		return err
	}
	var at time.Time
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		state, err := placeState(ctx, tx, "customer_place_relation", g.PlaceID)
		if err != nil {
			return err
		}
		at = grantTime(g.GrantedAt, now)
		_, err = tx.Exec(ctx, `INSERT INTO customer_place_relation (customer_id, place_id, state_abbr, access_type, granted_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (customer_id, place_id) DO UPDATE
			SET state_abbr = excluded.state_abbr, access_type = excluded.access_type, granted_at = excluded.granted_at`,
			g.CustomerID, g.PlaceID, state, g.AccessType, at)
		return err
	})
	if err != nil {
		return err
	}
	g.GrantedAt = at
	return nil
}

// GetPlaceGrant returns one customer_place_relation row.
func (db *DB) GetPlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, error) {
	g, err := scanPlaceGrant(db.pool.QueryRow(ctx, `SELECT customer_id, place_id, access_type, granted_at
		FROM customer_place_relation WHERE customer_id = $1 AND place_id = $2`, customerID, placeID))
	if err != nil {
		return g, notFound(err, "customer %d has no grant of place %d", customerID, placeID)
	}
	return g, nil
}

// DeletePlaceGrant deletes one customer_place_relation row.
func (db *DB) DeletePlaceGrant(ctx context.Context, customerID, placeID int64) error {
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `DELETE FROM customer_place_relation WHERE customer_id = $1 AND place_id = $2`, customerID, placeID)
		if err == nil && tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no grant of place %d", customerID, placeID)
		}
		return err
	})
}

// ListPlaceGrants pages through a customer's place grants by place_id.
func (db *DB) ListPlaceGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerPlaceRelation, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanPlaceGrant, `SELECT customer_id, place_id, access_type, granted_at
		FROM customer_place_relation WHERE customer_id = $1 AND place_id > $2
		ORDER BY place_id LIMIT $3`, customerID, opt.After, n)
}

// ScanPlaceGrants streams every place grant in (customer_id, place_id)
// order.
func (db *DB) ScanPlaceGrants(ctx context.Context, fn func(pursuit.CustomerPlaceRelation) error) error {
	return scan(ctx, db, scanPlaceGrant, fn, `SELECT customer_id, place_id, access_type, granted_at
		FROM customer_place_relation ORDER BY customer_id, place_id`)
}

// contactPlace returns the place_id of a contact, the second column of the
// foreign keys to contacts, or EFOREIGNKEY naming table.contact_id.
func contactPlace(ctx context.Context, tx pgx.Tx, table string, contactID int64) (int64, error) {
	var placeID int64
	err := tx.QueryRow(ctx, `SELECT place_id FROM contacts WHERE contact_id = $1 FOR KEY SHARE`, contactID).Scan(&placeID)
	if err == pgx.ErrNoRows {
		return 0, fkErr(table, "contact_id", "contact", contactID)
	}
	return placeID, err
}

// PutContactGrant creates or replaces a customer_contact_relation row;
// GrantedAt defaults to now.
func (db *DB) PutContactGrant(ctx context.Context, g *pursuit.CustomerContactRelation) error {
	if err := g.Validate(); err != nil {
		return err
	}
	var at time.Time
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		placeID, err := contactPlace(ctx, tx, "customer_contact_relation", g.ContactID)
		if err != nil {
			return err
		}
		at = grantTime(g.GrantedAt, now)
		_, err = tx.Exec(ctx, `INSERT INTO customer_contact_relation (customer_id, contact_id, place_id, access_type, granted_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (customer_id, contact_id) DO UPDATE
			SET place_id = excluded.place_id, access_type = excluded.access_type, granted_at = excluded.granted_at`,
			g.CustomerID, g.ContactID, placeID, g.AccessType, at)
		return err
	})
	if err != nil {
		return err
	}
	g.GrantedAt = at
	return nil
}

// GetContactGrant returns one customer_contact_relation row.
func (db *DB) GetContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, error) {
	g, err := scanContactGrant(db.pool.QueryRow(ctx, `SELECT customer_id, contact_id, access_type, granted_at
		FROM customer_contact_relation WHERE customer_id = $1 AND contact_id = $2`, customerID, contactID))
	if err != nil {
		return g, notFound(err, "customer %d has no grant of contact %d", customerID, contactID)
	}
	return g, nil
}

// DeleteContactGrant deletes one customer_contact_relation row.
func (db *DB) DeleteContactGrant(ctx context.Context, customerID, contactID int64) error {
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `DELETE FROM customer_contact_relation WHERE customer_id = $1 AND contact_id = $2`, customerID, contactID)
		if err == nil && tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no grant of contact %d", customerID, contactID)
		}
		return err
	})
}

// ListContactGrants pages through a customer's contact grants by
// contact_id.
func (db *DB) ListContactGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerContactRelation, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanContactGrant, `SELECT customer_id, contact_id, access_type, granted_at
		FROM customer_contact_relation WHERE customer_id = $1 AND contact_id > $2
		ORDER BY contact_id LIMIT $3`, customerID, opt.After, n)
}

// ScanContactGrants streams every contact grant in (customer_id,
// contact_id) order.
func (db *DB) ScanContactGrants(ctx context.Context, fn func(pursuit.CustomerContactRelation) error) error {
	return scan(ctx, db, scanContactGrant, fn, `SELECT customer_id, contact_id, access_type, granted_at
		FROM customer_contact_relation ORDER BY customer_id, contact_id`)
}

// ContactAccess returns the more permissive of the customer's grant of the
// contact and its grant of the contact's place; ENOTFOUND when neither
// exists (or the contact does not).
func (db *DB) ContactAccess(ctx context.Context, customerID, contactID int64) (string, error) {
	var direct, viaPlace *string
	err := db.pool.QueryRow(ctx, `SELECT
			(SELECT access_type FROM customer_contact_relation WHERE customer_id = $1 AND contact_id = $2),
			(SELECT r.access_type FROM contacts c
				JOIN customer_place_relation r ON r.customer_id = $1 AND r.place_id = c.place_id
				WHERE c.contact_id = $2)`, customerID, contactID).Scan(&direct, &viaPlace)
	if err != nil {
		return "", dbErr(err)
	}
	access := pursuit.MorePermissive(deref(direct), deref(viaPlace))
	if access == "" {
		return "", pursuit.Errorf(pursuit.ENOTFOUND, "contact %d does not exist", contactID)
	}
	return access, nil
}

// PlaceAccess returns the customer's access_type to a place, or ENOTFOUND.
func (db *DB) PlaceAccess(ctx context.Context, customerID, placeID int64) (string, error) {
	var access string
	err := db.pool.QueryRow(ctx, `SELECT access_type FROM customer_place_relation
		WHERE customer_id = $1 AND place_id = $2`, customerID, placeID).Scan(&access)
	if err != nil {
		return "", notFound(err, "place %d does not exist", placeID)
	}
	return access, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
