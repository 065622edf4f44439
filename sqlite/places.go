package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

const placeCols = `place_id, name, place_type, state_abbr, county, population, website, email_domain, geoid, nces_id, account_owner, created_at, updated_at`

func scanPlace(s scanner) (pursuit.Place, error) {
	var p pursuit.Place
	var created, updated sql.NullInt64
	err := s.Scan(&p.PlaceID, &p.Name, &p.PlaceType, &p.StateAbbr, &p.County, &p.Population, &p.Website,
		&p.EmailDomain, &p.GEOID, &p.NCESID, &p.AccountOwner, &created, &updated)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return p, err
}

// placeArgs returns a place's column values in placeCols order.
func placeArgs(p *pursuit.Place) []any {
	return []any{nullID(p.PlaceID), p.Name, p.PlaceType, p.StateAbbr, p.County, p.Population, p.Website,
		p.EmailDomain, p.GEOID, p.NCESID, p.AccountOwner, micros(p.CreatedAt), micros(p.UpdatedAt)}
}

// CreatePlace inserts a place, assigning its ID when it is 0.
func (db *DB) CreatePlace(ctx context.Context, p *pursuit.Place) error {
	if err := p.Validate(); err != nil {
		return err
	}
	v := *p
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO places (`+placeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING place_id`,
			placeArgs(&v)...).Scan(&v.PlaceID)
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
	v.UpdatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		var created sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE places SET name = ?, place_type = ?, state_abbr = ?, county = ?, population = ?,
				website = ?, email_domain = ?, geoid = ?, nces_id = ?, account_owner = ?, updated_at = ?
			WHERE place_id = ? RETURNING created_at`,
			v.Name, v.PlaceType, v.StateAbbr, v.County, v.Population, v.Website, v.EmailDomain, v.GEOID, v.NCESID,
			v.AccountOwner, micros(v.UpdatedAt), v.PlaceID).Scan(&created)
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
