package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// grantTable describes one of the two grant tables, which share their
// shape: (customer_id, <col>, access_type, granted_at) keyed by
// (customer_id, <col>).
type grantTable struct {
	table  string // the grant table, e.g. customer_place_relation
	col    string // the granted row's key column, e.g. place_id
	parent string // the table col references, e.g. places
	noun   string // one granted row in messages, e.g. "place"
}

var (
	placeGrants   = grantTable{pursuit.TableCustomerPlaceRelation, "place_id", pursuit.TablePlaces, "place"}
	contactGrants = grantTable{pursuit.TableCustomerContactRelation, "contact_id", pursuit.TableContacts, "contact"}
)

// selectSQL returns the SELECT of the table's columns in scan order.
func (t grantTable) selectSQL() string {
	return `SELECT customer_id, ` + t.col + `, access_type, granted_at FROM ` + t.table
}

// notFound returns the ENOTFOUND error of a missing grant.
func (t grantTable) notFound(customerID, id int64) error {
	return pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no grant of %s %d", customerID, t.noun, id)
}

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

// putGrant validates g and creates or replaces its row in t; on success
// *grantedAt is set to the stored granted_at, which defaults to now.
func (db *DB) putGrant(ctx context.Context, t grantTable, g interface{ Validate() error }, customerID, id int64, access string, grantedAt *time.Time) error {
	if err := g.Validate(); err != nil {
		return err
	}
	at := normTime(*grantedAt)
	if at.IsZero() {
		at = db.now()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO `+t.table+` (customer_id, `+t.col+`, access_type, granted_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (customer_id, `+t.col+`) DO UPDATE SET access_type = excluded.access_type, granted_at = excluded.granted_at`,
			customerID, id, access, micros(at))
		if err != nil {
			return writeErr(ctx, tx, err, t.table, "", "",
				ref{"customer_id", pursuit.TableCustomers, customerID}, ref{t.col, t.parent, id})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*grantedAt = at
	return nil
}

// getGrant returns a customer's grant of one row of t.
func getGrant[T any](ctx context.Context, db *DB, t grantTable, scan func(scanner) (T, error), customerID, id int64) (T, error) {
	g, err := scan(db.r.QueryRowContext(ctx, t.selectSQL()+` WHERE customer_id = ? AND `+t.col+` = ?`, customerID, id))
	if err == sql.ErrNoRows {
		return g, t.notFound(customerID, id)
	}
	return g, dbErr(err)
}

// deleteGrant deletes a customer's grant of one row of t.
func (db *DB) deleteGrant(ctx context.Context, t grantTable, customerID, id int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+t.table+` WHERE customer_id = ? AND `+t.col+` = ?`, customerID, id)
		if err != nil {
			return dbErr(fmt.Errorf("delete %s grant: %w", t.noun, err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return t.notFound(customerID, id)
		}
		return nil
	})
}

// listGrants pages through a customer's grants of t by the granted key.
func listGrants[T any](ctx context.Context, db *DB, t grantTable, scan func(scanner) (T, error), customerID int64, opt pursuit.ListOptions) ([]T, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scan, t.selectSQL()+`
		WHERE customer_id = ? AND `+t.col+` > ? ORDER BY `+t.col+` LIMIT ?`, customerID, opt.After, limit)
}

// scanGrants streams every grant of t in (customer_id, key) order.
func scanGrants[T any](ctx context.Context, db *DB, t grantTable, scan func(scanner) (T, error), fn func(T) error) error {
	return scanTable(ctx, db, scan, fn, t.selectSQL()+`
		ORDER BY customer_id, `+t.col)
}

// PutPlaceGrant creates or replaces a customer_place_relation row;
// granted_at defaults to now.
func (db *DB) PutPlaceGrant(ctx context.Context, g *pursuit.CustomerPlaceRelation) error {
	return db.putGrant(ctx, placeGrants, g, g.CustomerID, g.PlaceID, g.AccessType, &g.GrantedAt)
}

// GetPlaceGrant returns a customer's grant of a place.
func (db *DB) GetPlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, error) {
	return getGrant(ctx, db, placeGrants, scanPlaceGrant, customerID, placeID)
}

// DeletePlaceGrant deletes a customer's grant of a place.
func (db *DB) DeletePlaceGrant(ctx context.Context, customerID, placeID int64) error {
	return db.deleteGrant(ctx, placeGrants, customerID, placeID)
}

// ListPlaceGrants pages through a customer's place grants by place_id.
func (db *DB) ListPlaceGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerPlaceRelation, error) {
	return listGrants(ctx, db, placeGrants, scanPlaceGrant, customerID, opt)
}

// ScanPlaceGrants streams every place grant in (customer_id, place_id)
// order.
func (db *DB) ScanPlaceGrants(ctx context.Context, fn func(pursuit.CustomerPlaceRelation) error) error {
	return scanGrants(ctx, db, placeGrants, scanPlaceGrant, fn)
}

// PutContactGrant creates or replaces a customer_contact_relation row;
// granted_at defaults to now.
func (db *DB) PutContactGrant(ctx context.Context, g *pursuit.CustomerContactRelation) error {
	return db.putGrant(ctx, contactGrants, g, g.CustomerID, g.ContactID, g.AccessType, &g.GrantedAt)
}

// GetContactGrant returns a customer's grant of a contact.
func (db *DB) GetContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, error) {
	return getGrant(ctx, db, contactGrants, scanContactGrant, customerID, contactID)
}

// DeleteContactGrant deletes a customer's grant of a contact.
func (db *DB) DeleteContactGrant(ctx context.Context, customerID, contactID int64) error {
	return db.deleteGrant(ctx, contactGrants, customerID, contactID)
}

// ListContactGrants pages through a customer's contact grants by
// contact_id.
func (db *DB) ListContactGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerContactRelation, error) {
	return listGrants(ctx, db, contactGrants, scanContactGrant, customerID, opt)
}

// ScanContactGrants streams every contact grant in (customer_id,
// contact_id) order.
func (db *DB) ScanContactGrants(ctx context.Context, fn func(pursuit.CustomerContactRelation) error) error {
	return scanGrants(ctx, db, contactGrants, scanContactGrant, fn)
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
