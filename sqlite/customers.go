package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

var (
	customerCols = colList(pursuit.Customers)
	scanCustomer = rowScanner(pursuit.Customers)
)

// CreateCustomer inserts a customer, assigning its ID when it is 0.
func (db *DB) CreateCustomer(ctx context.Context, c *pursuit.Customer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO customers (`+customerCols+`) VALUES (`+placeholders(len(pursuit.Customers.Columns))+`) RETURNING customer_id`,
			appendArgs(pursuit.Customers, nil, &v)...).Scan(&v.CustomerID)
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableCustomers, "customer_id", fmt.Sprintf("customer %d already exists", v.CustomerID))
		}
		return nil
	})
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// GetCustomer returns a customer by ID.
func (db *DB) GetCustomer(ctx context.Context, id int64) (pursuit.Customer, error) {
	return getOne(ctx, db.r, scanCustomer, "customer", id, `SELECT `+customerCols+` FROM customers WHERE customer_id = ?`, id)
}

// UpdateCustomer replaces a customer's fields, keeping created_at.
func (db *DB) UpdateCustomer(ctx context.Context, c *pursuit.Customer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	v.UpdatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		var created sql.NullInt64
		err := tx.QueryRowContext(ctx, updateSQL(pursuit.Customers)+` RETURNING created_at`,
			updateArgs(pursuit.Customers, &v)...).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("customer", v.CustomerID)
		}
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableCustomers, "", "")
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

// DeleteCustomer deletes a customer and, by cascade, its grants, mappings
// and API keys.
func (db *DB) DeleteCustomer(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM customers WHERE customer_id = ?`, id, "customer")
}

// ListCustomers pages through customers by customer_id.
func (db *DB) ListCustomers(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Customer, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanCustomer, `SELECT `+customerCols+` FROM customers WHERE customer_id > ? ORDER BY customer_id LIMIT ?`, opt.After, limit)
}

// ScanCustomers streams every customer in customer_id order.
func (db *DB) ScanCustomers(ctx context.Context, fn func(pursuit.Customer) error) error {
	return scanTable(ctx, db, scanCustomer, fn, `SELECT `+customerCols+` FROM customers ORDER BY customer_id`)
}
