package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

var (
	techStackCols = colList(pursuit.TechStacks)
	scanTechStack = rowScanner(pursuit.TechStacks)
)

// CreateTechStack inserts a tech_stack row, assigning TechStackID when it
// is 0. The place must exist.
func (db *DB) CreateTechStack(ctx context.Context, t *pursuit.TechStack) error {
	if err := t.Validate(); err != nil {
		return err
	}
	v := *t
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		state, err := placeState(ctx, tx, "tech_stack", v.PlaceID)
		if err != nil {
			return err
		}
		return insertRow(ctx, tx, pursuit.TechStacks, &v, extra{"state_abbr", state})
	})
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// GetTechStack returns a tech_stack row by id.
func (db *DB) GetTechStack(ctx context.Context, id int64) (pursuit.TechStack, error) {
	t, err := scanTechStack(db.pool.QueryRow(ctx, `SELECT `+techStackCols+` FROM tech_stack WHERE tech_stack_id = $1`, id))
	if err != nil {
		return pursuit.TechStack{}, notFound(err, "tech_stack row %d does not exist", id)
	}
	return t, nil
}

// UpdateTechStack replaces a tech_stack row's fields.
func (db *DB) UpdateTechStack(ctx context.Context, t *pursuit.TechStack) error {
	if err := t.Validate(); err != nil {
		return err
	}
	v := *t
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tech_stack WHERE tech_stack_id = $1)`, v.TechStackID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return pursuit.Errorf(pursuit.ENOTFOUND, "tech_stack row %d does not exist", v.TechStackID)
		}
		state, err := placeState(ctx, tx, "tech_stack", v.PlaceID)
		if err != nil {
			return err
		}
		return updateRow(ctx, tx, pursuit.TechStacks, &v, extra{"state_abbr", state})
	})
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// DeleteTechStack deletes a tech_stack row.
func (db *DB) DeleteTechStack(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM tech_stack WHERE tech_stack_id = $1`, id, "tech_stack row")
}

// ListTechStack pages through tech_stack by tech_stack_id.
func (db *DB) ListTechStack(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.TechStack, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack
		WHERE tech_stack_id > $1 ORDER BY tech_stack_id LIMIT $2`, opt.After, n)
}

// ListTechStackByPlace returns every tech_stack row of a place, by
// tech_stack_id.
func (db *DB) ListTechStackByPlace(ctx context.Context, placeID int64) ([]pursuit.TechStack, error) {
	return collect(ctx, db, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack
		WHERE place_id = $1 ORDER BY tech_stack_id`, placeID)
}

// ScanTechStack streams every tech_stack row in tech_stack_id order.
func (db *DB) ScanTechStack(ctx context.Context, fn func(pursuit.TechStack) error) error {
	return scan(ctx, db, scanTechStack, fn, `SELECT `+techStackCols+` FROM tech_stack ORDER BY tech_stack_id`)
}
