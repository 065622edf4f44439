package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

var (
	mappingCols = colList(pursuit.Mappings)
	scanMapping = rowScanner(pursuit.Mappings)
)

// mappingTarget returns the store-internal columns of a mapping's target:
// the state of its place or the place of its contact, or EFOREIGNKEY.
func mappingTarget(ctx context.Context, tx pgx.Tx, m *pursuit.CustomerMapping) (state *string, contactPlaceID *int64, err error) {
	if m.PlaceID != 0 {
		s, err := placeState(ctx, tx, "customer_mapping", m.PlaceID)
		if err != nil {
			return nil, nil, err
		}
		return &s, nil, nil
	}
	p, err := contactPlace(ctx, tx, "customer_mapping", m.ContactID)
	if err != nil {
		return nil, nil, err
	}
	return nil, &p, nil
}

// CreateCustomerMapping inserts a CRM mapping, assigning
// CustomerMappingID when it is 0. (customer_id, external_crm_id) is unique.
func (db *DB) CreateCustomerMapping(ctx context.Context, m *pursuit.CustomerMapping) error {
	if err := m.Validate(); err != nil {
		return err
	}
	v := *m
	if err := db.write(ctx, func(tx pgx.Tx, now time.Time) error { return insertMapping(ctx, tx, &v) }); err != nil {
		return err
	}
	*m = v
	return nil
}

// insertMapping inserts m in tx, setting its id and normalising its time.
func insertMapping(ctx context.Context, tx pgx.Tx, m *pursuit.CustomerMapping) error {
	state, contactPlaceID, err := mappingTarget(ctx, tx, m)
	if err != nil {
		return err
	}
	return insertRow(ctx, tx, pursuit.Mappings, m, extra{"place_state_abbr", state}, extra{"contact_place_id", contactPlaceID})
}

// updateMapping replaces the fields of mapping m.CustomerMappingID in tx.
func updateMapping(ctx context.Context, tx pgx.Tx, m *pursuit.CustomerMapping) error {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customer_mapping WHERE customer_mapping_id = $1)`, m.CustomerMappingID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return pursuit.Errorf(pursuit.ENOTFOUND, "customer_mapping %d does not exist", m.CustomerMappingID)
	}
	state, contactPlaceID, err := mappingTarget(ctx, tx, m)
	if err != nil {
		return err
	}
	return updateRow(ctx, tx, pursuit.Mappings, m, extra{"place_state_abbr", state}, extra{"contact_place_id", contactPlaceID})
}

// UpsertCustomerMappingsByCRMID creates or updates a customer's mappings
// by (customer_id, external_crm_id) in one transaction.
func (db *DB) UpsertCustomerMappingsByCRMID(ctx context.Context, customerID int64, rows []pursuit.CustomerMapping) (created, updated int, err error) {
	vs := make([]pursuit.CustomerMapping, len(rows))
	for i := range rows {
		vs[i] = rows[i]
		vs[i].CustomerID = customerID
		if err := vs[i].Validate(); err != nil {
			return 0, 0, &pursuit.RowError{Row: i, Err: err}
		}
	}
	err = db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		created, updated = 0, 0
		for i := range vs {
			v := &vs[i]
			var id int64
			err := tx.QueryRow(ctx, `SELECT customer_mapping_id FROM customer_mapping WHERE customer_id = $1 AND external_crm_id = $2`,
				customerID, v.ExternalCRMID).Scan(&id)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				v.CustomerMappingID = 0
				err = insertMapping(ctx, tx, v)
				created++
			case err == nil:
				v.CustomerMappingID = id
				err = updateMapping(ctx, tx, v)
				updated++
			}
			if err != nil {
				return &pursuit.RowError{Row: i, Err: dbErr(err)}
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	copy(rows, vs)
	return created, updated, nil
}

// ListCustomerMappingsOfPlace returns a customer's mappings of a place and
// of its contacts.
func (db *DB) ListCustomerMappingsOfPlace(ctx context.Context, customerID, placeID int64) ([]pursuit.CustomerMapping, error) {
	return collect(ctx, db, scanMapping, `SELECT `+mappingCols+` FROM customer_mapping
		WHERE customer_id = $1 AND (place_id = $2 OR contact_id IN (SELECT contact_id FROM contacts WHERE place_id = $2))
		ORDER BY customer_mapping_id`, customerID, placeID)
}

// GetCustomerMapping returns a mapping by id.
func (db *DB) GetCustomerMapping(ctx context.Context, id int64) (pursuit.CustomerMapping, error) {
	m, err := scanMapping(db.pool.QueryRow(ctx, `SELECT `+mappingCols+` FROM customer_mapping WHERE customer_mapping_id = $1`, id))
	if err != nil {
		return m, notFound(err, "customer_mapping %d does not exist", id)
	}
	return m, nil
}

// FindCustomerMapping looks a mapping up by (customer_id, external_crm_id),
// the seed's idx_customer_mapping.
func (db *DB) FindCustomerMapping(ctx context.Context, customerID int64, externalCRMID string) (pursuit.CustomerMapping, error) {
	m, err := scanMapping(db.pool.QueryRow(ctx, `SELECT `+mappingCols+` FROM customer_mapping
		WHERE customer_id = $1 AND external_crm_id = $2`, customerID, externalCRMID))
	if err != nil {
		return m, notFound(err, "customer %d has no mapping of CRM id %q", customerID, externalCRMID)
	}
	return m, nil
}

// UpdateCustomerMapping replaces a mapping's fields, including its target.
func (db *DB) UpdateCustomerMapping(ctx context.Context, m *pursuit.CustomerMapping) error {
	if err := m.Validate(); err != nil {
		return err
	}
	v := *m
	if err := db.write(ctx, func(tx pgx.Tx, now time.Time) error { return updateMapping(ctx, tx, &v) }); err != nil {
		return err
	}
	*m = v
	return nil
}

// DeleteCustomerMapping deletes a mapping.
func (db *DB) DeleteCustomerMapping(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM customer_mapping WHERE customer_mapping_id = $1`, id, "customer_mapping")
}

// ListCustomerMappings pages through one customer's mappings by
// customer_mapping_id.
func (db *DB) ListCustomerMappings(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerMapping, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanMapping, `SELECT `+mappingCols+` FROM customer_mapping
		WHERE customer_id = $1 AND customer_mapping_id > $2
		ORDER BY customer_mapping_id LIMIT $3`, customerID, opt.After, n)
}

// ScanCustomerMappings streams every mapping in customer_mapping_id order.
func (db *DB) ScanCustomerMappings(ctx context.Context, fn func(pursuit.CustomerMapping) error) error {
	return scan(ctx, db, scanMapping, fn, `SELECT `+mappingCols+` FROM customer_mapping ORDER BY customer_mapping_id`)
}
