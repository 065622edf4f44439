package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

func scanPlaceGrant(s scanner) (pursuit.CustomerPlaceRelation, error) {
	var g pursuit.CustomerPlaceRelation
	var granted sql.NullInt64
	err := s.Scan(&g.CustomerID, &g.PlaceID, &g.AccessType, &granted)
	g.GrantedAt = fromMicros(granted)
	return g, err
}

func scanContactGrant(s scanner) (pursuit.CustomerContactRelation, error) {
	var g pursuit.CustomerContactRelation
	var granted sql.NullInt64
	err := s.Scan(&g.CustomerID, &g.ContactID, &g.AccessType, &granted)
	g.GrantedAt = fromMicros(granted)
	return g, err
}

// PutPlaceGrant creates or replaces a customer_place_relation row;
// granted_at defaults to now.
func (db *DB) PutPlaceGrant(ctx context.Context, g *pursuit.CustomerPlaceRelation) error {
	if err := g.Validate(); err != nil {
		return err
	}
	v := *g
	v.GrantedAt = normTime(v.GrantedAt)
	if v.GrantedAt.IsZero() {
		v.GrantedAt = db.now()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO customer_place_relation (customer_id, place_id, access_type, granted_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (customer_id, place_id) DO UPDATE SET access_type = excluded.access_type, granted_at = excluded.granted_at`,
			v.CustomerID, v.PlaceID, v.AccessType, micros(v.GrantedAt))
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableCustomerPlaceRelation, "", "",
				ref{"customer_id", pursuit.TableCustomers, v.CustomerID}, ref{"place_id", pursuit.TablePlaces, v.PlaceID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// GetPlaceGrant returns a customer's grant of a place.
func (db *DB) GetPlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, error) {
	g, err := scanPlaceGrant(db.r.QueryRowContext(ctx, `SELECT customer_id, place_id, access_type, granted_at
		FROM customer_place_relation WHERE customer_id = ? AND place_id = ?`, customerID, placeID))
	if err == sql.ErrNoRows {
		return g, pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no grant of place %d", customerID, placeID)
	}
	return g, dbErr(err)
}

// DeletePlaceGrant deletes a customer's grant of a place.
func (db *DB) DeletePlaceGrant(ctx context.Context, customerID, placeID int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM customer_place_relation WHERE customer_id = ? AND place_id = ?`, customerID, placeID)
		if err != nil {
			return dbErr(fmt.Errorf("delete place grant: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no grant of place %d", customerID, placeID)
		}
		return nil
	})
}

// ListPlaceGrants pages through a customer's place grants by place_id.
func (db *DB) ListPlaceGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerPlaceRelation, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanPlaceGrant, `SELECT customer_id, place_id, access_type, granted_at FROM customer_place_relation
		WHERE customer_id = ? AND place_id > ? ORDER BY place_id LIMIT ?`, customerID, opt.After, limit)
}

// ScanPlaceGrants streams every place grant in (customer_id, place_id)
// order.
func (db *DB) ScanPlaceGrants(ctx context.Context, fn func(pursuit.CustomerPlaceRelation) error) error {
	return each(ctx, db.r, scanPlaceGrant, fn, `SELECT customer_id, place_id, access_type, granted_at FROM customer_place_relation
		ORDER BY customer_id, place_id`)
}

// PutContactGrant creates or replaces a customer_contact_relation row;
// granted_at defaults to now.
func (db *DB) PutContactGrant(ctx context.Context, g *pursuit.CustomerContactRelation) error {
	if err := g.Validate(); err != nil {
		return err
	}
	v := *g
	v.GrantedAt = normTime(v.GrantedAt)
	if v.GrantedAt.IsZero() {
		v.GrantedAt = db.now()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO customer_contact_relation (customer_id, contact_id, access_type, granted_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (customer_id, contact_id) DO UPDATE SET access_type = excluded.access_type, granted_at = excluded.granted_at`,
			v.CustomerID, v.ContactID, v.AccessType, micros(v.GrantedAt))
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableCustomerContactRelation, "", "",
				ref{"customer_id", pursuit.TableCustomers, v.CustomerID}, ref{"contact_id", pursuit.TableContacts, v.ContactID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// GetContactGrant returns a customer's grant of a contact.
func (db *DB) GetContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, error) {
	g, err := scanContactGrant(db.r.QueryRowContext(ctx, `SELECT customer_id, contact_id, access_type, granted_at
		FROM customer_contact_relation WHERE customer_id = ? AND contact_id = ?`, customerID, contactID))
	if err == sql.ErrNoRows {
		return g, pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no grant of contact %d", customerID, contactID)
	}
	return g, dbErr(err)
}

// DeleteContactGrant deletes a customer's grant of a contact.
func (db *DB) DeleteContactGrant(ctx context.Context, customerID, contactID int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM customer_contact_relation WHERE customer_id = ? AND contact_id = ?`, customerID, contactID)
		if err != nil {
			return dbErr(fmt.Errorf("delete contact grant: %w", err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no grant of contact %d", customerID, contactID)
		}
		return nil
	})
}

// ListContactGrants pages through a customer's contact grants by
// contact_id.
func (db *DB) ListContactGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerContactRelation, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanContactGrant, `SELECT customer_id, contact_id, access_type, granted_at FROM customer_contact_relation
		WHERE customer_id = ? AND contact_id > ? ORDER BY contact_id LIMIT ?`, customerID, opt.After, limit)
}

// ScanContactGrants streams every contact grant in (customer_id,
// contact_id) order.
func (db *DB) ScanContactGrants(ctx context.Context, fn func(pursuit.CustomerContactRelation) error) error {
	return each(ctx, db.r, scanContactGrant, fn, `SELECT customer_id, contact_id, access_type, granted_at FROM customer_contact_relation
		ORDER BY customer_id, contact_id`)
}

// ContactAccess returns the customer's effective access to a contact: the
// more permissive of the contact's own grant and its place's grant.
// Ungranted and missing contacts are both ENOTFOUND.
func (db *DB) ContactAccess(ctx context.Context, customerID, contactID int64) (string, error) {
	var direct, viaPlace string
	err := db.r.QueryRowContext(ctx, `SELECT
			coalesce((SELECT access_type FROM customer_contact_relation WHERE customer_id = ? AND contact_id = c.contact_id), ''),
			coalesce((SELECT access_type FROM customer_place_relation WHERE customer_id = ? AND place_id = c.place_id), '')
		FROM contacts c WHERE c.contact_id = ?`, customerID, customerID, contactID).Scan(&direct, &viaPlace)
	if err != nil && err != sql.ErrNoRows {
		return "", dbErr(err)
	}
	access := pursuit.MorePermissive(direct, viaPlace)
	if access == "" {
		return "", notFound("contact", contactID)
	}
	return access, nil
}

// PlaceAccess returns the customer's access to a place, ENOTFOUND when it
// is not granted or does not exist.
func (db *DB) PlaceAccess(ctx context.Context, customerID, placeID int64) (string, error) {
	var access string
	err := db.r.QueryRowContext(ctx, `SELECT access_type FROM customer_place_relation WHERE customer_id = ? AND place_id = ?`,
		customerID, placeID).Scan(&access)
	if err == sql.ErrNoRows {
		return "", notFound("place", placeID)
	}
	return access, dbErr(err)
}
