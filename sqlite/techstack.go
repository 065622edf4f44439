package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

var (
	techStackCols = colList(pursuit.TechStacks)
	scanTechStack = rowScanner(pursuit.TechStacks)
)

// CreateTechStack inserts a tech_stack row, assigning its ID when it is 0.
func (db *DB) CreateTechStack(ctx context.Context, t *pursuit.TechStack) error {
	if err := t.Validate(); err != nil {
		return err
	}
	v := *t
	pursuit.TechStacks.Normalize(&v)
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO tech_stack (`+techStackCols+`) VALUES (`+placeholders(len(pursuit.TechStacks.Columns))+`) RETURNING tech_stack_id`,
			appendArgs(pursuit.TechStacks, nil, &v)...).Scan(&v.TechStackID)
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableTechStack, "tech_stack_id", fmt.Sprintf("tech_stack %d already exists", v.TechStackID),
				ref{"place_id", pursuit.TablePlaces, v.PlaceID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// GetTechStack returns a tech_stack row by ID.
func (db *DB) GetTechStack(ctx context.Context, id int64) (pursuit.TechStack, error) {
	return getOne(ctx, db.r, scanTechStack, "tech_stack", id, `SELECT `+techStackCols+` FROM tech_stack WHERE tech_stack_id = ?`, id)
}

// UpdateTechStack replaces a tech_stack row.
func (db *DB) UpdateTechStack(ctx context.Context, t *pursuit.TechStack) error {
	if err := t.Validate(); err != nil {
		return err
	}
	v := *t
	pursuit.TechStacks.Normalize(&v)
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, updateSQL(pursuit.TechStacks), updateArgs(pursuit.TechStacks, &v)...)
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableTechStack, "", "", ref{"place_id", pursuit.TablePlaces, v.PlaceID})
		}
		return affected(res, "tech_stack", v.TechStackID)
	})
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// DeleteTechStack deletes a tech_stack row.
func (db *DB) DeleteTechStack(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM tech_stack WHERE tech_stack_id = ?`, id, "tech_stack")
}

// ListTechStack pages through tech_stack by tech_stack_id.
func (db *DB) ListTechStack(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.TechStack, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack WHERE tech_stack_id > ? ORDER BY tech_stack_id LIMIT ?`, opt.After, limit)
}

// ListTechStackByPlace returns a place's whole tech stack in tech_stack_id
// order.
func (db *DB) ListTechStackByPlace(ctx context.Context, placeID int64) ([]pursuit.TechStack, error) {
	return all(ctx, db.r, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack WHERE place_id = ? ORDER BY tech_stack_id`, placeID)
}

// ScanTechStack streams every tech_stack row in tech_stack_id order.
func (db *DB) ScanTechStack(ctx context.Context, fn func(pursuit.TechStack) error) error {
	return scanTable(ctx, db, scanTechStack, fn, `SELECT `+techStackCols+` FROM tech_stack ORDER BY tech_stack_id`)
}
