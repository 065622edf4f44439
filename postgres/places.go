package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

var (
	placeCols = colList(pursuit.Places)
	scanPlace = rowScanner(pursuit.Places)
)

// CreatePlace inserts a place, assigning PlaceID when it is 0, and sets
// CreatedAt and UpdatedAt. A place_id taken in any state is ECONFLICT.
func (db *DB) CreatePlace(ctx context.Context, p *pursuit.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	v := *p
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.CreatedAt, v.UpdatedAt = now, now
		return insertRow(ctx, tx, pursuit.Places, &v)
	})
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// GetPlace returns a place by id.
func (db *DB) GetPlace(ctx context.Context, id int64) (pursuit.Place, error) {
	p, err := scanPlace(db.pool.QueryRow(ctx, `SELECT `+placeCols+` FROM places WHERE place_id = $1`, id))
	if err != nil {
		return pursuit.Place{}, notFound(err, "place %d does not exist", id)
	}
	return p, nil
}

// UpdatePlace replaces a place's fields. A new state_abbr moves the row to
// another partition; ON UPDATE CASCADE carries the new state to the rows
// that reference the place.
func (db *DB) UpdatePlace(ctx context.Context, p *pursuit.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	v := *p
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.UpdatedAt = now
		return notFound(updateRow(ctx, tx, pursuit.Places, &v), "place %d does not exist", v.PlaceID)
	})
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// DeletePlace deletes a place and, by cascade, its contacts, tech stack,
// grants and mappings.
func (db *DB) DeletePlace(ctx context.Context, id int64) error {
	return db.deleteByID(ctx, `DELETE FROM places WHERE place_id = $1`, id, "place")
}

// ListPlaces pages through places by place_id.
func (db *DB) ListPlaces(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Place, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanPlace, `SELECT `+placeCols+` FROM places
		WHERE place_id > $1 ORDER BY place_id LIMIT $2`, opt.After, n)
}

// ScanPlaces streams every place in place_id order.
func (db *DB) ScanPlaces(ctx context.Context, fn func(pursuit.Place) error) error {
	return scan(ctx, db, scanPlace, fn, `SELECT `+placeCols+` FROM places ORDER BY place_id`)
}

// placeState returns the state_abbr of a place, the second column of the
// foreign keys to places, or EFOREIGNKEY naming table.place_id when the
// place does not exist. It locks the place against deletion (FOR KEY
// SHARE) like the foreign key check would.
func placeState(ctx context.Context, tx pgx.Tx, table string, placeID int64) (string, error) {
	var state string
	err := tx.QueryRow(ctx, `SELECT state_abbr FROM places WHERE place_id = $1 FOR KEY SHARE`, placeID).Scan(&state)
	if err == pgx.ErrNoRows {
		return "", fkErr(table, "place_id", "place", placeID)
	}
	return state, err
}
