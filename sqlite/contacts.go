package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

var (
	contactCols = colList(pursuit.Contacts)
	scanContact = rowScanner(pursuit.Contacts)
)

// CreateContact inserts a contact, assigning its ID when it is 0.
func (db *DB) CreateContact(ctx context.Context, c *pursuit.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	pursuit.Contacts.Normalize(&v)
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO contacts (`+contactCols+`) VALUES (`+placeholders(len(pursuit.Contacts.Columns))+`) RETURNING contact_id`,
			appendArgs(pursuit.Contacts, nil, &v)...).Scan(&v.ContactID)
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableContacts, "contact_id", fmt.Sprintf("contact %d already exists", v.ContactID),
				ref{"place_id", pursuit.TablePlaces, v.PlaceID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// GetContact returns a contact by ID.
func (db *DB) GetContact(ctx context.Context, id int64) (pursuit.Contact, error) {
	return getOne(ctx, db.r, scanContact, "contact", id, `SELECT `+contactCols+` FROM contacts WHERE contact_id = ?`, id)
}

// UpdateContact replaces a contact's fields, keeping created_at.
func (db *DB) UpdateContact(ctx context.Context, c *pursuit.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	pursuit.Contacts.Normalize(&v)
	v.UpdatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		var created sql.NullInt64
		err := tx.QueryRowContext(ctx, updateSQL(pursuit.Contacts)+` RETURNING created_at`,
			updateArgs(pursuit.Contacts, &v)...).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("contact", v.ContactID)
		}
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableContacts, "", "", ref{"place_id", pursuit.TablePlaces, v.PlaceID})
		}
		v.CreatedAt = fromMicros(created)
		return nil
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
	return db.deleteByID(ctx, `DELETE FROM contacts WHERE contact_id = ?`, id, "contact")
}

// ListContacts pages through contacts by contact_id.
func (db *DB) ListContacts(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Contact, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanContact, `SELECT `+contactCols+` FROM contacts WHERE contact_id > ? ORDER BY contact_id LIMIT ?`, opt.After, limit)
}

// ListContactsByPlace pages through one place's contacts by contact_id,
// using idx_place_id.
func (db *DB) ListContactsByPlace(ctx context.Context, placeID int64, opt pursuit.ListOptions) ([]pursuit.Contact, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanContact, `SELECT `+contactCols+` FROM contacts WHERE place_id = ? AND contact_id > ? ORDER BY contact_id LIMIT ?`,
		placeID, opt.After, limit)
}

// ScanContacts streams every contact in contact_id order.
func (db *DB) ScanContacts(ctx context.Context, fn func(pursuit.Contact) error) error {
	return scanTable(ctx, db, scanContact, fn, `SELECT `+contactCols+` FROM contacts ORDER BY contact_id`)
}

// ScanContactsRange streams the contacts with lo <= contact_id < hi in
// contact_id order.
func (db *DB) ScanContactsRange(ctx context.Context, lo, hi int64, fn func(pursuit.Contact) error) error {
	return scanTable(ctx, db, scanContact, fn, `SELECT `+contactCols+` FROM contacts WHERE contact_id >= ? AND contact_id < ? ORDER BY contact_id`, lo, hi)
}

// contactIDBoundsSQL reads the first and last contact_id in two
// subqueries: SQLite answers a lone min() or max() from the end of the
// key, but a query with both scans the whole table (on a pool reader,
// leaving 32 MiB of its pages cached in a server that never reads them).
const contactIDBoundsSQL = `SELECT coalesce((SELECT min(contact_id) FROM contacts), 0), coalesce((SELECT max(contact_id) FROM contacts), 0)`

// ContactIDBounds returns the smallest and largest contact_id, 0 and 0
// without contacts.
func (db *DB) ContactIDBounds(ctx context.Context) (lo, hi int64, err error) {
	err = db.r.QueryRowContext(ctx, contactIDBoundsSQL).Scan(&lo, &hi)
	if err != nil {
		return 0, 0, dbErr(err)
	}
	return lo, hi, nil
}
