package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/pursuit-gov/pursuit"
)

// alertPositionName is the feed_position row of the saved-search alerts.
const alertPositionName = "alerts"

// AlertPosition returns the alerts' change_log position.
func (db *DB) AlertPosition(ctx context.Context) (int64, bool, error) {
	return db.position(ctx, alertPositionName)
}

// AlertSearches returns the saved searches with an alert or an alert
// state.
func (db *DB) AlertSearches(ctx context.Context) ([]pursuit.AlertSearch, error) {
	return all(ctx, db.r, func(s scanner) (pursuit.AlertSearch, error) {
		var v pursuit.AlertSearch
		var userID, created, updated, stID, due sql.NullInt64
		var query sql.NullString
		err := s.Scan(&v.SavedSearchID, &v.CustomerID, &userID, &v.Name, &v.Query, &v.Alert, &created, &updated, &stID, &query, &due)
		v.UserID, v.CreatedAt, v.UpdatedAt = userID.Int64, fromMicros(created), fromMicros(updated)
		if stID.Valid {
			v.State = &pursuit.AlertState{SavedSearchID: stID.Int64, Query: query.String, DueAt: fromMicros(due)}
		}
		return v, err
	}, `SELECT s.saved_search_id, s.customer_id, s.user_id, s.name, s.query, s.alert, s.created_at, s.updated_at,
			a.saved_search_id, a.query, a.due_at
		FROM saved_searches s LEFT JOIN saved_search_alerts a ON a.saved_search_id = s.saved_search_id
		WHERE s.alert <> 'off' OR a.saved_search_id IS NOT NULL
		ORDER BY s.saved_search_id`)
}

// idsJSON is ids as a JSON array, for json_each.
func idsJSON(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

func scanID(s scanner) (int64, error) {
	var id int64
	err := s.Scan(&id)
	return id, err
}

// AlertedAmong returns which of ids the saved search matched already.
func (db *DB) AlertedAmong(ctx context.Context, savedSearchID int64, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return all(ctx, db.r, scanID, `SELECT contact_id FROM saved_search_matches
		WHERE saved_search_id = ? AND contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id`, savedSearchID, idsJSON(ids))
}

// PendingAlerts returns the saved search's matches not told yet.
func (db *DB) PendingAlerts(ctx context.Context, savedSearchID int64) ([]int64, error) {
	return all(ctx, db.r, scanID, `SELECT contact_id FROM saved_search_matches
		WHERE saved_search_id = ? AND pending = 1 ORDER BY contact_id`, savedSearchID)
}

// AppendAlerts moves the alerts' position, applies the updates and stores
// the events, in one transaction.
func (db *DB) AppendAlerts(ctx context.Context, from, to int64, updates []pursuit.AlertUpdate, events []pursuit.FeedEvent) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := movePosition(ctx, tx, alertPositionName, from, to); err != nil {
			return err
		}
		for _, u := range updates {
			if err := applyAlertUpdate(ctx, tx, u); err != nil {
				return err
			}
		}
		return db.appendEvents(ctx, tx, events)
	})
}

func applyAlertUpdate(ctx context.Context, tx *sql.Tx, u pursuit.AlertUpdate) error {
	exec := func(query string, args ...any) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return dbErr(err)
	}
	if u.Drop || u.Reset {
		if err := exec(`DELETE FROM saved_search_matches WHERE saved_search_id = ?`, u.SavedSearchID); err != nil {
			return err
		}
	}
	if u.Drop {
		return exec(`DELETE FROM saved_search_alerts WHERE saved_search_id = ?`, u.SavedSearchID)
	}
	if err := exec(`INSERT INTO saved_search_alerts (saved_search_id, query, due_at) VALUES (?, ?, ?)
		ON CONFLICT (saved_search_id) DO UPDATE SET query = excluded.query, due_at = excluded.due_at`,
		u.SavedSearchID, u.State.Query, micros(u.State.DueAt)); err != nil {
		return err
	}
	for _, l := range []struct {
		ids     []int64
		pending int
	}{{u.Seen, 0}, {u.Pending, 1}} {
		if len(l.ids) == 0 {
			continue
		}
		if err := exec(`INSERT INTO saved_search_matches (saved_search_id, contact_id, pending)
			SELECT ?, value, ? FROM json_each(?) WHERE true
			ON CONFLICT DO NOTHING`, u.SavedSearchID, l.pending, idsJSON(l.ids)); err != nil {
			return err
		}
	}
	if len(u.Sent) > 0 {
		return exec(`UPDATE saved_search_matches SET pending = 0
			WHERE saved_search_id = ? AND contact_id IN (SELECT value FROM json_each(?))`, u.SavedSearchID, idsJSON(u.Sent))
	}
	return nil
}
