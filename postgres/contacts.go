package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const contactCols = `contact_id, place_id, name, first_name, last_name, email, phone, title,
	department, account_owner, verified_at, created_at, updated_at`

func scanContact(row pgx.Row) (pursuit.Contact, error) {
	var c pursuit.Contact
	var verified *time.Time
	err := row.Scan(&c.ContactID, &c.PlaceID, &c.Name, &c.FirstName, &c.LastName, &c.Email, &c.Phone, &c.Title,
		&c.Department, &c.AccountOwner, &verified, &c.CreatedAt, &c.UpdatedAt)
	c.VerifiedAt, c.CreatedAt, c.UpdatedAt = utc(verified), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// CreateContact inserts a contact, assigning ContactID when it is 0. The
// place must exist (EFOREIGNKEY on place_id otherwise); the store copies
// its state_abbr into the contact's internal foreign-key column.
func (db *DB) CreateContact(ctx context.Context, c *pursuit.Contact) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		state, err := placeState(ctx, tx, "contacts", c.PlaceID)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO contacts (`+contactCols+`, state_abbr)
			VALUES (coalesce($1, nextval('contacts_contact_id_seq')), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
			RETURNING contact_id`,
			nullID(c.ContactID), c.PlaceID, c.Name, c.FirstName, c.LastName, c.Email, c.Phone, c.Title,
			c.Department, c.AccountOwner, nullTime(c.VerifiedAt), now, state).Scan(&id)
		if err != nil {
			return err
		}
		if c.ContactID != 0 {
			if err := bumpSequence(ctx, tx, "contacts_contact_id_seq", id); err != nil {
				return err
			}
		}
		c.ContactID, c.VerifiedAt, c.CreatedAt, c.UpdatedAt = id, norm(c.VerifiedAt), now, now
		return nil
	})
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
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contacts WHERE contact_id = $1)`, c.ContactID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return pursuit.Errorf(pursuit.ENOTFOUND, "contact %d does not exist", c.ContactID)
		}
		state, err := placeState(ctx, tx, "contacts", c.PlaceID)
		if err != nil {
			return err
		}
		var created time.Time
		err = tx.QueryRow(ctx, `UPDATE contacts SET place_id = $2, name = $3, first_name = $4, last_name = $5,
				email = $6, phone = $7, title = $8, department = $9, account_owner = $10,
				verified_at = $11, updated_at = $12, state_abbr = $13
			WHERE contact_id = $1 RETURNING created_at`,
			c.ContactID, c.PlaceID, c.Name, c.FirstName, c.LastName, c.Email, c.Phone, c.Title,
			c.Department, c.AccountOwner, nullTime(c.VerifiedAt), now, state).Scan(&created)
		if err != nil {
			return notFound(err, "contact %d does not exist", c.ContactID)
		}
		c.VerifiedAt, c.CreatedAt, c.UpdatedAt = norm(c.VerifiedAt), created.UTC(), now
		return nil
	})
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
