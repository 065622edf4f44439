package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

var (
	customerCols = colList(pursuit.Customers)
	scanCustomer = rowScanner(pursuit.Customers)
)

// CreateCustomer inserts a customer, assigning CustomerID when it is 0, and
// sets CreatedAt and UpdatedAt to the store's clock.
func (db *DB) CreateCustomer(ctx context.Context, c *pursuit.Customer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.CreatedAt, v.UpdatedAt = now, now
		return insertRow(ctx, tx, pursuit.Customers, &v)
	})
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// GetCustomer returns a customer by id.
func (db *DB) GetCustomer(ctx context.Context, id int64) (pursuit.Customer, error) {
	c, err := scanCustomer(db.pool.QueryRow(ctx, `SELECT `+customerCols+` FROM customers WHERE customer_id = $1`, id))
	if err != nil {
		return pursuit.Customer{}, notFound(err, "customer %d does not exist", id)
	}
	return c, nil
}

// UpdateCustomer replaces a customer's fields, sets UpdatedAt and keeps the
// stored CreatedAt (written back into c).
func (db *DB) UpdateCustomer(ctx context.Context, c *pursuit.Customer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	v := *c
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.UpdatedAt = now
		return notFound(updateRow(ctx, tx, pursuit.Customers, &v), "customer %d does not exist", v.CustomerID)
	})
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// DeleteCustomer deletes a customer and, by cascade, its grants, mappings,
// API keys and reveals.
func (db *DB) DeleteCustomer(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM customers WHERE customer_id = $1`, id, "customer")
}

// ListCustomers pages through customers by customer_id.
func (db *DB) ListCustomers(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Customer, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanCustomer, `SELECT `+customerCols+` FROM customers
		WHERE customer_id > $1 ORDER BY customer_id LIMIT $2`, opt.After, n)
}

// ScanCustomers streams every customer in customer_id order.
func (db *DB) ScanCustomers(ctx context.Context, fn func(pursuit.Customer) error) error {
	return scan(ctx, db, scanCustomer, fn, `SELECT `+customerCols+` FROM customers ORDER BY customer_id`)
}

// deleteByID runs a DELETE of one row by id, ENOTFOUND when none matched.
func (db *DB) deleteByID(ctx context.Context, sql string, id int64, what string) error {
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, sql, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "%s %d does not exist", what, id)
		}
		return nil
	})
}

// collect runs a query and scans every row with f.
func collect[T any](ctx context.Context, db *DB, f func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := f(rows)
		if err != nil {
			return nil, dbErr(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(err)
	}
	return out, nil
}

// scan streams a query's rows to fn one at a time; pgx reads them off the
// connection as fn consumes them, so a whole table never sits in memory.
func scan[T any](ctx context.Context, db *DB, f func(pgx.Row) (T, error), fn func(T) error, sql string, args ...any) error {
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return dbErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := f(rows)
		if err != nil {
			return dbErr(err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return dbErr(rows.Err())
}
