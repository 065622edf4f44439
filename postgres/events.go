package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const eventCols = `event_id, customer_id, user_id, api_key_id, kind, search_id, query, contact_id, place_id, position, items, created_at`

func scanEvent(row pgx.Row) (pursuit.EngagementEvent, error) {
	var e pursuit.EngagementEvent
	var user, key, contact, place *int64
	err := row.Scan(&e.EventID, &e.CustomerID, &user, &key, &e.Kind, &e.SearchID, &e.Query, &contact, &place, &e.Position, &e.Items, &e.CreatedAt)
	e.UserID, e.APIKeyID, e.ContactID, e.PlaceID = id(user), id(key), id(contact), id(place)
	e.CreatedAt = e.CreatedAt.UTC()
	return e, err
}

// AddEvents inserts events in one transaction, all or none. Events are
// not data (no change_log rows), so the transaction does not take the
// write lock that orders change_log sequence numbers.
func (db *DB) AddEvents(ctx context.Context, evs []pursuit.EngagementEvent) error {
	for i := range evs {
		if err := evs[i].Validate(); err != nil {
			return &pursuit.RowError{Row: i, Err: err}
		}
	}
	now := db.now()
	ids := make([]int64, len(evs))
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return dbErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	known := map[int64]bool{}
	for i := range evs {
		e := &evs[i]
		if _, ok := known[e.CustomerID]; !ok {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = $1)`, e.CustomerID).Scan(&ok); err != nil {
				return dbErr(err)
			}
			known[e.CustomerID] = ok
		}
		if !known[e.CustomerID] {
			return &pursuit.RowError{Row: i, Err: pursuit.FieldErrorf(pursuit.EFOREIGNKEY, "customer_id",
				"customer %d does not exist (referenced by engagement_events.customer_id)", e.CustomerID)}
		}
		at := norm(e.CreatedAt)
		if at.IsZero() {
			at = now
		}
		err := tx.QueryRow(ctx, `INSERT INTO engagement_events (customer_id, user_id, api_key_id, kind, search_id, query, contact_id, place_id, position, items, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING event_id`,
			e.CustomerID, nullID(e.UserID), nullID(e.APIKeyID), e.Kind, e.SearchID, e.Query, nullID(e.ContactID), nullID(e.PlaceID),
			e.Position, e.Items, at).Scan(&ids[i])
		if err != nil {
			return &pursuit.RowError{Row: i, Err: dbErr(err)}
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return dbErr(err)
	}
	for i := range evs {
		evs[i].EventID = ids[i]
		if evs[i].CreatedAt.IsZero() {
			evs[i].CreatedAt = now
		} else {
			evs[i].CreatedAt = norm(evs[i].CreatedAt)
		}
	}
	return nil
}

// ListEvents pages through one customer's events by event_id.
func (db *DB) ListEvents(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.EngagementEvent, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanEvent, `SELECT `+eventCols+` FROM engagement_events
		WHERE customer_id = $1 AND event_id > $2 ORDER BY event_id LIMIT $3`, customerID, opt.After, n)
}

// DeleteEventsBefore deletes the events created before t.
func (db *DB) DeleteEventsBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM engagement_events WHERE created_at < $1`, t)
	if err != nil {
		return 0, dbErr(err)
	}
	return tag.RowsAffected(), nil
}

func scanModel(row pgx.Row) (pursuit.RankModel, error) {
	var m pursuit.RankModel
	err := row.Scan(&m.ModelID, &m.State, &m.CreatedAt, &m.Events, &m.Body)
	m.CreatedAt = m.CreatedAt.UTC()
	return m, err
}

// PutRankModel stores m as the active model, keeping the one before as
// the previous model. Concurrent trainers are serialized by a lock on the
// table.
func (db *DB) PutRankModel(ctx context.Context, m *pursuit.RankModel) error {
	if len(m.Body) == 0 {
		return pursuit.FieldErrorf(pursuit.EINVALID, "body", "a model needs a body")
	}
	at := norm(m.CreatedAt)
	if at.IsZero() {
		at = db.now()
	}
	var mid int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE rank_models IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM rank_models WHERE state = 'previous'`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE rank_models SET state = 'previous' WHERE state = 'active'`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO rank_models (state, created_at, events, body) VALUES ('active', $1, $2, $3) RETURNING model_id`,
			at, m.Events, m.Body).Scan(&mid)
	})
	if err != nil {
		return dbErr(err)
	}
	m.ModelID, m.State, m.CreatedAt = mid, pursuit.ModelActive, at
	return nil
}

// RankModel returns the model in a state.
func (db *DB) RankModel(ctx context.Context, state string) (pursuit.RankModel, error) {
	if state != pursuit.ModelActive && state != pursuit.ModelPrevious {
		return pursuit.RankModel{}, pursuit.FieldErrorf(pursuit.EINVALID, "state", "must be %q or %q, not %q", pursuit.ModelActive, pursuit.ModelPrevious, state)
	}
	m, err := scanModel(db.pool.QueryRow(ctx, `SELECT model_id, state, created_at, events, body FROM rank_models WHERE state = $1`, state))
	if errors.Is(err, pgx.ErrNoRows) {
		return m, pursuit.Errorf(pursuit.ENOTFOUND, "no %s ranking model", state)
	}
	return m, dbErr(err)
}

// RollbackRankModel makes the previous model the active one.
func (db *DB) RollbackRankModel(ctx context.Context) (pursuit.RankModel, error) {
	var m pursuit.RankModel
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE rank_models IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var err error
		m, err = scanModel(tx.QueryRow(ctx, `SELECT model_id, state, created_at, events, body FROM rank_models WHERE state = 'previous'`))
		if errors.Is(err, pgx.ErrNoRows) {
			return pursuit.Errorf(pursuit.ENOTFOUND, "no previous ranking model to roll back to")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM rank_models WHERE state = 'active'`); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE rank_models SET state = 'active' WHERE model_id = $1`, m.ModelID)
		return err
	})
	m.State = pursuit.ModelActive
	return m, dbErr(err)
}
