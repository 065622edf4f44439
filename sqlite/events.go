package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pursuit-gov/pursuit"
)

const eventCols = `event_id, customer_id, user_id, api_key_id, kind, search_id, query, contact_id, place_id, position, items, created_at`

func scanEvent(s scanner) (pursuit.EngagementEvent, error) {
	var e pursuit.EngagementEvent
	var user, key, contact, place, at sql.NullInt64
	err := s.Scan(&e.EventID, &e.CustomerID, &user, &key, &e.Kind, &e.SearchID, &e.Query, &contact, &place, &e.Position, &e.Items, &at)
	e.UserID, e.APIKeyID, e.ContactID, e.PlaceID = user.Int64, key.Int64, contact.Int64, place.Int64
	e.CreatedAt = fromMicros(at)
	return e, err
}

// AddEvents inserts events in one transaction, all or none.
func (db *DB) AddEvents(ctx context.Context, evs []pursuit.EngagementEvent) error {
	for i := range evs {
		if err := evs[i].Validate(); err != nil {
			return &pursuit.RowError{Row: i, Err: err}
		}
	}
	now := db.now()
	ids := make([]int64, len(evs))
	err := db.write(ctx, func(tx *sql.Tx) error {
		known := map[int64]bool{}
		for i := range evs {
			e := &evs[i]
			if _, ok := known[e.CustomerID]; !ok {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE customer_id = ?`, e.CustomerID).Scan(&n); err != nil {
					return dbErr(err)
				}
				known[e.CustomerID] = n > 0
			}
			if !known[e.CustomerID] {
				return &pursuit.RowError{Row: i, Err: pursuit.FieldErrorf(pursuit.EFOREIGNKEY, "customer_id",
					"customer %d does not exist (referenced by engagement_events.customer_id)", e.CustomerID)}
			}
			at := normTime(e.CreatedAt)
			if at.IsZero() {
				at = now
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO engagement_events (customer_id, user_id, api_key_id, kind, search_id, query, contact_id, place_id, position, items, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING event_id`,
				e.CustomerID, nullID(e.UserID), nullID(e.APIKeyID), e.Kind, e.SearchID, e.Query, nullID(e.ContactID), nullID(e.PlaceID),
				e.Position, e.Items, micros(at)).Scan(&ids[i])
			if err != nil {
				return &pursuit.RowError{Row: i, Err: dbErr(fmt.Errorf("insert event: %w", err))}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range evs {
		evs[i].EventID = ids[i]
		if evs[i].CreatedAt.IsZero() {
			evs[i].CreatedAt = now
		} else {
			evs[i].CreatedAt = normTime(evs[i].CreatedAt)
		}
	}
	return nil
}

// ListEvents pages through one customer's events by event_id.
func (db *DB) ListEvents(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.EngagementEvent, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanEvent, `SELECT `+eventCols+` FROM engagement_events
		WHERE customer_id = ? AND event_id > ? ORDER BY event_id LIMIT ?`, customerID, opt.After, limit)
}

// DeleteEventsBefore deletes the events created before t.
func (db *DB) DeleteEventsBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM engagement_events WHERE created_at < ?`, t.UnixMicro())
		if err != nil {
			return dbErr(err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

func scanModel(s scanner) (pursuit.RankModel, error) {
	var m pursuit.RankModel
	var at sql.NullInt64
	err := s.Scan(&m.ModelID, &m.State, &at, &m.Events, &m.Body)
	m.CreatedAt = fromMicros(at)
	return m, err
}

// PutRankModel stores m as the active model, keeping the one before as
// the previous model.
func (db *DB) PutRankModel(ctx context.Context, m *pursuit.RankModel) error {
	if len(m.Body) == 0 {
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "a model needs a body")
	}
	at := normTime(m.CreatedAt)
	if at.IsZero() {
		at = db.now()
	}
	var id int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rank_models WHERE state = 'previous'`); err != nil {
			return dbErr(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rank_models SET state = 'previous' WHERE state = 'active'`); err != nil {
			return dbErr(err)
		}
		return dbErr(tx.QueryRowContext(ctx, `INSERT INTO rank_models (state, created_at, events, body) VALUES ('active', ?, ?, ?) RETURNING model_id`,
			micros(at), m.Events, m.Body).Scan(&id))
	})
	if err != nil {
		return err
	}
	m.ModelID, m.State, m.CreatedAt = id, pursuit.ModelActive, at
	return nil
}

// RankModel returns the model in a state.
func (db *DB) RankModel(ctx context.Context, state string) (pursuit.RankModel, error) {
	if state != pursuit.ModelActive && state != pursuit.ModelPrevious {
		return pursuit.RankModel{}, pursuit.FieldErrorf(pursuit.EINVALID, "state", "must be %q or %q, not %q", pursuit.ModelActive, pursuit.ModelPrevious, state)
	}
	m, err := scanModel(db.r.QueryRowContext(ctx, `SELECT model_id, state, created_at, events, body FROM rank_models WHERE state = ?`, state))
	if errors.Is(err, sql.ErrNoRows) {
		return m, pursuit.Errorf(pursuit.ENOTFOUND, "no %s ranking model", state)
	}
	return m, dbErr(err)
}

// RollbackRankModel makes the previous model the active one.
func (db *DB) RollbackRankModel(ctx context.Context) (pursuit.RankModel, error) {
	var m pursuit.RankModel
	err := db.write(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = scanModel(tx.QueryRowContext(ctx, `SELECT model_id, state, created_at, events, body FROM rank_models WHERE state = 'previous'`))
		if errors.Is(err, sql.ErrNoRows) {
			return pursuit.Errorf(pursuit.ENOTFOUND, "no previous ranking model to roll back to")
		}
		if err != nil {
			return dbErr(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM rank_models WHERE state = 'active'`); err != nil {
			return dbErr(err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE rank_models SET state = 'active' WHERE model_id = ?`, m.ModelID)
		return dbErr(err)
	})
	m.State = pursuit.ModelActive
	return m, err
}
