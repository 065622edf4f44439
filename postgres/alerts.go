package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

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
	return rowsOf(ctx, db.pool, func(row pgx.Row) (pursuit.AlertSearch, error) {
		var v pursuit.AlertSearch
		var userID, stID *int64
		var query *string
		var due *time.Time
		err := row.Scan(&v.SavedSearchID, &v.CustomerID, &userID, &v.Name, &v.Query, &v.Alert, &v.CreatedAt, &v.UpdatedAt, &stID, &query, &due)
		v.UserID, v.CreatedAt, v.UpdatedAt = id(userID), v.CreatedAt.UTC(), v.UpdatedAt.UTC()
		if stID != nil {
			v.State = &pursuit.AlertState{SavedSearchID: *stID, DueAt: utc(due)}
			if query != nil {
				v.State.Query = *query
			}
		}
		return v, err
	}, `SELECT s.saved_search_id, s.customer_id, s.user_id, s.name, s.query, s.alert, s.created_at, s.updated_at,
			a.saved_search_id, a.query, a.due_at
		FROM saved_searches s LEFT JOIN saved_search_alerts a ON a.saved_search_id = s.saved_search_id
		WHERE s.alert <> 'off' OR a.saved_search_id IS NOT NULL
		ORDER BY s.saved_search_id`)
}

func scanID(row pgx.Row) (int64, error) {
	var v int64
	err := row.Scan(&v)
	return v, err
}

// AlertedAmong returns which of ids the saved search matched already.
func (db *DB) AlertedAmong(ctx context.Context, savedSearchID int64, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return rowsOf(ctx, db.pool, scanID, `SELECT contact_id FROM saved_search_matches
		WHERE saved_search_id = $1 AND contact_id = ANY ($2) ORDER BY contact_id`, savedSearchID, ids)
}

// PendingAlerts returns the saved search's matches not told yet.
func (db *DB) PendingAlerts(ctx context.Context, savedSearchID int64) ([]int64, error) {
	return rowsOf(ctx, db.pool, scanID, `SELECT contact_id FROM saved_search_matches
		WHERE saved_search_id = $1 AND pending ORDER BY contact_id`, savedSearchID)
}

// AppendAlerts moves the alerts' position, applies the updates and stores
// the events, in one transaction. It locks the dispatcher's position row
// first, as AppendFeed does, so that every append of events, the
// dispatcher's and the alerts', takes its event ids in commit order.
func (db *DB) AppendAlerts(ctx context.Context, from, to int64, updates []pursuit.AlertUpdate, events []pursuit.FeedEvent) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return dbErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if len(events) > 0 {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM feed_position WHERE name = $1 FOR UPDATE`, feedPositionName); err != nil {
			return dbErr(err)
		}
	}
	if err := movePosition(ctx, tx, alertPositionName, from, to); err != nil {
		return err
	}
	for _, u := range updates {
		if err := applyAlertUpdate(ctx, tx, u); err != nil {
			return err
		}
	}
	if err := db.appendEvents(ctx, tx, events); err != nil {
		return err
	}
	return dbErr(tx.Commit(ctx))
}

func applyAlertUpdate(ctx context.Context, tx pgx.Tx, u pursuit.AlertUpdate) error {
	exec := func(sql string, args ...any) error {
		_, err := tx.Exec(ctx, sql, args...)
		return dbErr(err)
	}
	if u.Drop || u.Reset {
		if err := exec(`DELETE FROM saved_search_matches WHERE saved_search_id = $1`, u.SavedSearchID); err != nil {
			return err
		}
	}
	if u.Drop {
		return exec(`DELETE FROM saved_search_alerts WHERE saved_search_id = $1`, u.SavedSearchID)
	}
	if err := exec(`INSERT INTO saved_search_alerts (saved_search_id, query, due_at) VALUES ($1, $2, $3)
		ON CONFLICT (saved_search_id) DO UPDATE SET query = excluded.query, due_at = excluded.due_at`,
		u.SavedSearchID, u.State.Query, nullTime(u.State.DueAt)); err != nil {
		return err
	}
	for _, l := range []struct {
		ids     []int64
		pending bool
	}{{u.Seen, false}, {u.Pending, true}} {
		if len(l.ids) == 0 {
			continue
		}
		if err := exec(`INSERT INTO saved_search_matches (saved_search_id, contact_id, pending)
			SELECT $1, unnest($2::bigint[]), $3 ON CONFLICT DO NOTHING`, u.SavedSearchID, l.ids, l.pending); err != nil {
			return err
		}
	}
	if len(u.Sent) > 0 {
		return exec(`UPDATE saved_search_matches SET pending = false
			WHERE saved_search_id = $1 AND contact_id = ANY ($2)`, u.SavedSearchID, u.Sent)
	}
	return nil
}
