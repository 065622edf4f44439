package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

const savedSearchCols = `saved_search_id, customer_id, user_id, name, query, alert, created_at, updated_at`

func scanSavedSearch(s scanner) (pursuit.SavedSearch, error) {
	var v pursuit.SavedSearch
	var userID, created, updated sql.NullInt64
	err := s.Scan(&v.SavedSearchID, &v.CustomerID, &userID, &v.Name, &v.Query, &v.Alert, &created, &updated)
	v.UserID, v.CreatedAt, v.UpdatedAt = userID.Int64, fromMicros(created), fromMicros(updated)
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
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO saved_searches (`+savedSearchCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING saved_search_id`,
			nullID(v.SavedSearchID), v.CustomerID, nullID(v.UserID), v.Name, v.Query, v.Alert, micros(v.CreatedAt), micros(v.UpdatedAt)).Scan(&v.SavedSearchID)
		if isUnique(err) {
			return nameConflict("saved search", v.Name, err)
		}
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableSavedSearches, "", "",
				ref{"customer_id", pursuit.TableCustomers, v.CustomerID}, ref{"user_id", pursuit.TableUsers, v.UserID})
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
func (db *DB) GetSavedSearch(ctx context.Context, customerID, id int64) (pursuit.SavedSearch, error) {
	return getOne(ctx, db.r, scanSavedSearch, "saved search", id,
		`SELECT `+savedSearchCols+` FROM saved_searches WHERE saved_search_id = ? AND customer_id = ?`, id, customerID)
}

// SavedSearchByID returns a saved search by id alone.
func (db *DB) SavedSearchByID(ctx context.Context, id int64) (pursuit.SavedSearch, error) {
	return getOne(ctx, db.r, scanSavedSearch, "saved search", id, `SELECT `+savedSearchCols+` FROM saved_searches WHERE saved_search_id = ?`, id)
}

// UpdateSavedSearch replaces a saved search's name, query and alert.
func (db *DB) UpdateSavedSearch(ctx context.Context, s *pursuit.SavedSearch) error {
	if err := s.Validate(); err != nil {
		return err
	}
	v := *s
	v.UpdatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		var userID, created sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE saved_searches SET name = ?, query = ?, alert = ?, updated_at = ?
			WHERE saved_search_id = ? AND customer_id = ? RETURNING user_id, created_at`,
			v.Name, v.Query, v.Alert, micros(v.UpdatedAt), v.SavedSearchID, v.CustomerID).Scan(&userID, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return notFound("saved search", v.SavedSearchID)
		case isUnique(err):
			return nameConflict("saved search", v.Name, err)
		case err != nil:
			return dbErr(fmt.Errorf("update saved search %d: %w", v.SavedSearchID, err))
		}
		v.UserID, v.CreatedAt = userID.Int64, fromMicros(created)
		return nil
	})
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// DeleteSavedSearch deletes a customer's saved search.
func (db *DB) DeleteSavedSearch(ctx context.Context, customerID, id int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM saved_searches WHERE saved_search_id = ? AND customer_id = ?`, id, customerID)
		if err != nil {
			return dbErr(err)
		}
		return affected(res, "saved search", id)
	})
}

// ListSavedSearches pages through a customer's saved searches.
func (db *DB) ListSavedSearches(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.SavedSearch, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanSavedSearch, `SELECT `+savedSearchCols+` FROM saved_searches
		WHERE customer_id = ? AND saved_search_id > ? ORDER BY saved_search_id LIMIT ?`, customerID, opt.After, limit)
}
