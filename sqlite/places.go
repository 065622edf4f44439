package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

var (
	placeCols = colList(pursuit.Places)
	scanPlace = rowScanner(pursuit.Places)
)

// CreatePlace inserts a place, assigning its ID when it is 0.
func (db *DB) CreatePlace(ctx context.Context, p *pursuit.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	v := *p
	pursuit.Places.Normalize(&v)
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO places (`+placeCols+`) VALUES (`+placeholders(len(pursuit.Places.Columns))+`) RETURNING place_id`,
			appendArgs(pursuit.Places, nil, &v)...).Scan(&v.PlaceID)
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TablePlaces, "place_id", fmt.Sprintf("place %d already exists", v.PlaceID))
		}
		return nil
	})
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// GetPlace returns a place by ID.
func (db *DB) GetPlace(ctx context.Context, id int64) (pursuit.Place, error) {
	return getOne(ctx, db.r, scanPlace, "place", id, `SELECT `+placeCols+` FROM places WHERE place_id = ?`, id)
}

// UpdatePlace replaces a place's fields, keeping created_at.
func (db *DB) UpdatePlace(ctx context.Context, p *pursuit.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	v := *p
	pursuit.Places.Normalize(&v)
	v.UpdatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		var created sql.NullInt64
		err := tx.QueryRowContext(ctx, updateSQL(pursuit.Places)+` RETURNING created_at`,
			updateArgs(pursuit.Places, &v)...).Scan(&created)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("place", v.PlaceID)
		}
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TablePlaces, "", "")
		}
		v.CreatedAt = fromMicros(created)
		return nil
	})
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// DeletePlace deletes a place and, by cascade, its contacts, tech stack,
// grants and mappings; the change_log triggers log every one of them.
func (db *DB) DeletePlace(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM places WHERE place_id = ?`, id, "place")
}

// ListPlaces pages through places by place_id.
func (db *DB) ListPlaces(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Place, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanPlace, `SELECT `+placeCols+` FROM places WHERE place_id > ? ORDER BY place_id LIMIT ?`, opt.After, limit)
}

// ScanPlaces streams every place in place_id order.
func (db *DB) ScanPlaces(ctx context.Context, fn func(pursuit.Place) error) error {
	return scanTable(ctx, db, scanPlace, fn, `SELECT `+placeCols+` FROM places ORDER BY place_id`)
}
