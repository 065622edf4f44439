package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/pursuit-gov/pursuit"
)

var (
	mappingCols = colList(pursuit.Mappings)
	scanMapping = rowScanner(pursuit.Mappings)
)

// mappingErr maps the error of a customer_mapping write.
func mappingErr(ctx context.Context, tx querier, err error, m *pursuit.CustomerMapping) error {
	if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return &pursuit.Error{Code: pursuit.ECONFLICT, Field: "customer_mapping_id",
			Message: fmt.Sprintf("customer_mapping %d already exists", m.CustomerMappingID), Err: err}
	}
	return writeErr(ctx, tx, err, pursuit.TableCustomerMapping, "external_crm_id",
		fmt.Sprintf("customer %d already maps external_crm_id %q", m.CustomerID, m.ExternalCRMID),
		ref{"customer_id", pursuit.TableCustomers, m.CustomerID},
		ref{"place_id", pursuit.TablePlaces, m.PlaceID},
		ref{"contact_id", pursuit.TableContacts, m.ContactID})
}

// CreateCustomerMapping inserts a mapping, assigning its ID when it is 0.
func (db *DB) CreateCustomerMapping(ctx context.Context, m *pursuit.CustomerMapping) error {
	if err := m.Validate(); err != nil {
		return err
	}
	v := *m
	if err := db.write(ctx, func(tx *sql.Tx) error { return insertMapping(ctx, tx, &v) }); err != nil {
		return err
	}
	*m = v
	return nil
}

// insertMapping inserts m in tx, setting its id and normalising its time.
func insertMapping(ctx context.Context, tx *sql.Tx, m *pursuit.CustomerMapping) error {
	pursuit.Mappings.Normalize(m)
	err := tx.QueryRowContext(ctx, `INSERT INTO customer_mapping (`+mappingCols+`) VALUES (`+placeholders(len(pursuit.Mappings.Columns))+`) RETURNING customer_mapping_id`,
		appendArgs(pursuit.Mappings, nil, m)...).Scan(&m.CustomerMappingID)
	if err != nil {
		return mappingErr(ctx, tx, err, m)
	}
	return nil
}

// updateMapping replaces the fields of mapping m.CustomerMappingID in tx.
func updateMapping(ctx context.Context, tx *sql.Tx, m *pursuit.CustomerMapping) error {
	pursuit.Mappings.Normalize(m)
	res, err := tx.ExecContext(ctx, updateSQL(pursuit.Mappings), updateArgs(pursuit.Mappings, m)...)
	if err != nil {
		return mappingErr(ctx, tx, err, m)
	}
	return affected(res, "customer_mapping", m.CustomerMappingID)
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
	err = db.write(ctx, func(tx *sql.Tx) error {
		created, updated = 0, 0
		for i := range vs {
			v := &vs[i]
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT customer_mapping_id FROM customer_mapping WHERE customer_id = ? AND external_crm_id = ?`,
				customerID, v.ExternalCRMID).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				v.CustomerMappingID = 0
				err = insertMapping(ctx, tx, v)
				created++
			case err == nil:
				v.CustomerMappingID = id
				err = updateMapping(ctx, tx, v)
				updated++
			default:
				err = dbErr(err)
			}
			if err != nil {
				return &pursuit.RowError{Row: i, Err: err}
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
	return all(ctx, db.r, scanMapping, `SELECT `+mappingCols+` FROM customer_mapping
		WHERE customer_id = ? AND (place_id = ? OR contact_id IN (SELECT contact_id FROM contacts WHERE place_id = ?))
		ORDER BY customer_mapping_id`, customerID, placeID, placeID)
}

// GetCustomerMapping returns a mapping by ID.
func (db *DB) GetCustomerMapping(ctx context.Context, id int64) (pursuit.CustomerMapping, error) {
	return getOne(ctx, db.r, scanMapping, "customer_mapping", id, `SELECT `+mappingCols+` FROM customer_mapping WHERE customer_mapping_id = ?`, id)
}

// FindCustomerMapping looks a mapping up by (customer_id,
// external_crm_id), the seed's idx_customer_mapping.
func (db *DB) FindCustomerMapping(ctx context.Context, customerID int64, externalCRMID string) (pursuit.CustomerMapping, error) {
	m, err := scanMapping(db.r.QueryRowContext(ctx, `SELECT `+mappingCols+` FROM customer_mapping
		WHERE customer_id = ? AND external_crm_id = ?`, customerID, externalCRMID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, pursuit.Errorf(pursuit.ENOTFOUND, "customer %d has no mapping of external_crm_id %q", customerID, externalCRMID)
	}
	return m, dbErr(err)
}

// UpdateCustomerMapping replaces a mapping's fields.
func (db *DB) UpdateCustomerMapping(ctx context.Context, m *pursuit.CustomerMapping) error {
	if err := m.Validate(); err != nil {
		return err
	}
	v := *m
	if err := db.write(ctx, func(tx *sql.Tx) error { return updateMapping(ctx, tx, &v) }); err != nil {
		return err
	}
	*m = v
	return nil
}

// DeleteCustomerMapping deletes a mapping.
func (db *DB) DeleteCustomerMapping(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM customer_mapping WHERE customer_mapping_id = ?`, id, "customer_mapping")
}

// ListCustomerMappings pages through one customer's mappings by
// customer_mapping_id.
func (db *DB) ListCustomerMappings(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerMapping, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanMapping, `SELECT `+mappingCols+` FROM customer_mapping
		WHERE customer_id = ? AND customer_mapping_id > ? ORDER BY customer_mapping_id LIMIT ?`, customerID, opt.After, limit)
}

// ScanCustomerMappings streams every mapping in customer_mapping_id order.
func (db *DB) ScanCustomerMappings(ctx context.Context, fn func(pursuit.CustomerMapping) error) error {
	return scanTable(ctx, db, scanMapping, fn, `SELECT `+mappingCols+` FROM customer_mapping ORDER BY customer_mapping_id`)
}
