package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

var (
	contactCols = colList(pursuit.Contacts)
	scanContact = rowScanner(pursuit.Contacts)
)

// CreateContact inserts a contact, assigning ContactID when it is 0. The
// place must exist (EFOREIGNKEY on place_id otherwise); the store copies
// its state_abbr into the contact's internal foreign-key column.
func (db *DB) CreateContact(ctx context.Context, c *pursuit.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		state, err := placeState(ctx, tx, "contacts", v.PlaceID)
		if err != nil {
			return err
		}
		v.CreatedAt, v.UpdatedAt = now, now
		return insertRow(ctx, tx, pursuit.Contacts, &v, extra{"state_abbr", state})
	})
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// GetContact returns a contact by id.
func (db *DB) GetContact(ctx context.Context, id int64) (pursuit.Contact, error) {
	c, err := scanContact(db.pool.QueryRow(ctx, `SELECT `+contactCols+` FROM contacts WHERE contact_id = $1`, id))
	if err != nil {
		return pursuit.Contact{}, notFound(err, "contact %d does not exist", id)
	}
	return c, nil
}

// UpdateContact replaces a contact's fields. A new place_id moves the row
// to another hash partition; ON UPDATE CASCADE carries it to the contact's
// grants and mappings.
func (db *DB) UpdateContact(ctx context.Context, c *pursuit.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contacts WHERE contact_id = $1)`, v.ContactID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return pursuit.Errorf(pursuit.ENOTFOUND, "contact %d does not exist", v.ContactID)
		}
		state, err := placeState(ctx, tx, "contacts", v.PlaceID)
		if err != nil {
			return err
		}
		v.UpdatedAt = now
		return notFound(updateRow(ctx, tx, pursuit.Contacts, &v, extra{"state_abbr", state}), "contact %d does not exist", v.ContactID)
	})
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// DeleteContact deletes a contact and, by cascade, its grants and
// mappings.
func (db *DB) DeleteContact(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM contacts WHERE contact_id = $1`, id, "contact")
}

// ListContacts pages through contacts by contact_id.
func (db *DB) ListContacts(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Contact, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanContact, `SELECT `+contactCols+` FROM contacts
		WHERE contact_id > $1 ORDER BY contact_id LIMIT $2`, opt.After, n)
}

// ListContactsByPlace pages through one place's contacts by contact_id.
// The place_id condition prunes the scan to one hash partition.
func (db *DB) ListContactsByPlace(ctx context.Context, placeID int64, opt pursuit.ListOptions) ([]pursuit.Contact, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanContact, `SELECT `+contactCols+` FROM contacts
		WHERE place_id = $1 AND contact_id > $2 ORDER BY contact_id LIMIT $3`, placeID, opt.After, n)
}

// ScanContacts streams every contact in contact_id order.
func (db *DB) ScanContacts(ctx context.Context, fn func(pursuit.Contact) error) error {
	return scan(ctx, db, scanContact, fn, `SELECT `+contactCols+` FROM contacts ORDER BY contact_id`)
}

// ScanContactsRange streams the contacts with lo <= contact_id < hi in
// contact_id order.
func (db *DB) ScanContactsRange(ctx context.Context, lo, hi int64, fn func(pursuit.Contact) error) error {
	return scan(ctx, db, scanContact, fn, `SELECT `+contactCols+` FROM contacts WHERE contact_id >= $1 AND contact_id < $2 ORDER BY contact_id`, lo, hi)
}

// ContactIDBounds returns the smallest and largest contact_id, 0 and 0
// without contacts.
func (db *DB) ContactIDBounds(ctx context.Context) (lo, hi int64, err error) {
	err = db.pool.QueryRow(ctx, `SELECT coalesce(min(contact_id), 0), coalesce(max(contact_id), 0) FROM contacts`).Scan(&lo, &hi)
	if err != nil {
		return 0, 0, dbErr(err)
	}
	return lo, hi, nil
}
