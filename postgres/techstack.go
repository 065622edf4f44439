package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const techStackCols = `tech_stack_id, place_id, vendor, product, category, first_seen, last_seen`

func scanTechStack(row pgx.Row) (pursuit.TechStack, error) {
	var t pursuit.TechStack
	var first, last *time.Time
	err := row.Scan(&t.TechStackID, &t.PlaceID, &t.Vendor, &t.Product, &t.Category, &first, &last)
	t.FirstSeen, t.LastSeen = utc(first), utc(last)
	return t, err
}

// CreateTechStack inserts a tech_stack row, assigning TechStackID when it
// is 0. The place must exist.
func (db *DB) CreateTechStack(ctx context.Context, t *pursuit.TechStack) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		state, err := placeState(ctx, tx, "tech_stack", t.PlaceID)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO tech_stack (`+techStackCols+`, state_abbr)
			VALUES (coalesce($1, nextval('tech_stack_tech_stack_id_seq')), $2, $3, $4, $5, $6, $7, $8)
			RETURNING tech_stack_id`,
			nullID(t.TechStackID), t.PlaceID, t.Vendor, t.Product, t.Category,
			nullTime(t.FirstSeen), nullTime(t.LastSeen), state).Scan(&id)
		if err != nil {
			return err
		}
		if t.TechStackID != 0 {
			if err := bumpSequence(ctx, tx, "tech_stack_tech_stack_id_seq", id); err != nil {
				return err
			}
		}
		t.TechStackID, t.FirstSeen, t.LastSeen = id, norm(t.FirstSeen), norm(t.LastSeen)
		return nil
	})
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
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tech_stack WHERE tech_stack_id = $1)`, t.TechStackID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return pursuit.Errorf(pursuit.ENOTFOUND, "tech_stack row %d does not exist", t.TechStackID)
		}
		state, err := placeState(ctx, tx, "tech_stack", t.PlaceID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE tech_stack SET place_id = $2, vendor = $3, product = $4, category = $5,
				first_seen = $6, last_seen = $7, state_abbr = $8
			WHERE tech_stack_id = $1`,
			t.TechStackID, t.PlaceID, t.Vendor, t.Product, t.Category,
			nullTime(t.FirstSeen), nullTime(t.LastSeen), state)
		t.FirstSeen, t.LastSeen = norm(t.FirstSeen), norm(t.LastSeen)
		return err
	})
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
