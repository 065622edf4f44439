package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const savedSearchCols = `saved_search_id, customer_id, user_id, name, query, alert, created_at, updated_at`

func scanSavedSearch(row pgx.Row) (pursuit.SavedSearch, error) {
	var v pursuit.SavedSearch
	var userID *int64
	err := row.Scan(&v.SavedSearchID, &v.CustomerID, &userID, &v.Name, &v.Query, &v.Alert, &v.CreatedAt, &v.UpdatedAt)
	v.UserID, v.CreatedAt, v.UpdatedAt = id(userID), v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

// nameConflict is the ECONFLICT of a name a customer already uses.
func nameConflict(what, name string, err error) error {
	return &pursuit.Error{Code: pursuit.ECONFLICT, Field: "name", Message: fmt.Sprintf("a %s named %q already exists", what, name), Err: err}
}

// CreateSavedSearch inserts a saved search.
func (db *DB) CreateSavedSearch(ctx context.Context, s *pursuit.SavedSearch) error {
	if err := s.Validate(); err != nil {
		return err
	}
	v := *s
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.CreatedAt, v.UpdatedAt = now, now
		err := tx.QueryRow(ctx, `INSERT INTO saved_searches (`+savedSearchCols+`)
			VALUES (coalesce($1, nextval('saved_searches_saved_search_id_seq')), $2, $3, $4, $5, $6, $7, $7) RETURNING saved_search_id`,
			nullID(v.SavedSearchID), v.CustomerID, nullID(v.UserID), v.Name, v.Query, v.Alert, now).Scan(&v.SavedSearchID)
		if isUnique(err) {
			return nameConflict("saved search", v.Name, err)
		}
		if err != nil {
			return err
		}
		if s.SavedSearchID != 0 {
			return bumpSequence(ctx, tx, "saved_searches_saved_search_id_seq", v.SavedSearchID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// GetSavedSearch returns a customer's saved search.
func (db *DB) GetSavedSearch(ctx context.Context, customerID, sid int64) (pursuit.SavedSearch, error) {
	v, err := scanSavedSearch(db.pool.QueryRow(ctx, `SELECT `+savedSearchCols+` FROM saved_searches
		WHERE saved_search_id = $1 AND customer_id = $2`, sid, customerID))
	if err != nil {
		return v, notFound(err, "saved search %d not found", sid)
	}
	return v, nil
}

// SavedSearchByID returns a saved search by id alone.
func (db *DB) SavedSearchByID(ctx context.Context, sid int64) (pursuit.SavedSearch, error) {
	v, err := scanSavedSearch(db.pool.QueryRow(ctx, `SELECT `+savedSearchCols+` FROM saved_searches WHERE saved_search_id = $1`, sid))
	if err != nil {
		return v, notFound(err, "saved search %d not found", sid)
	}
	return v, nil
}

// UpdateSavedSearch replaces a saved search's name, query and alert.
func (db *DB) UpdateSavedSearch(ctx context.Context, s *pursuit.SavedSearch) error {
	if err := s.Validate(); err != nil {
		return err
	}
	v := *s
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.UpdatedAt = now
		var userID *int64
		err := tx.QueryRow(ctx, `UPDATE saved_searches SET name = $3, query = $4, alert = $5, updated_at = $6
			WHERE saved_search_id = $1 AND customer_id = $2 RETURNING user_id, created_at`,
			v.SavedSearchID, v.CustomerID, v.Name, v.Query, v.Alert, now).Scan(&userID, &v.CreatedAt)
		if isUnique(err) {
			return nameConflict("saved search", v.Name, err)
		}
		if err != nil {
			return notFound(err, "saved search %d not found", v.SavedSearchID)
		}
		v.UserID, v.CreatedAt = id(userID), v.CreatedAt.UTC()
		return nil
	})
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// DeleteSavedSearch deletes a customer's saved search.
func (db *DB) DeleteSavedSearch(ctx context.Context, customerID, sid int64) error {
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `DELETE FROM saved_searches WHERE saved_search_id = $1 AND customer_id = $2`, sid, customerID)
		if err == nil && tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "saved search %d not found", sid)
		}
		return err
	})
}

// ListSavedSearches pages through a customer's saved searches.
func (db *DB) ListSavedSearches(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.SavedSearch, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanSavedSearch, `SELECT `+savedSearchCols+` FROM saved_searches
		WHERE customer_id = $1 AND saved_search_id > $2 ORDER BY saved_search_id LIMIT $3`, customerID, opt.After, n)
}
