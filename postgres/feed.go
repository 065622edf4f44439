package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// feedPositionName is the feed_position row of the dispatcher.
const feedPositionName = "dispatcher"

// FeedSnapshot runs fn in a REPEATABLE READ, read-only transaction: one
// snapshot for every read. Writers are serialized and commit in seq
// order, so the snapshot's change_log is a prefix of the log.
func (db *DB) FeedSnapshot(ctx context.Context, fn func(pursuit.FeedReader) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return dbErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return fn(feedReader{tx})
}

// feedReader is pursuit.FeedReader over one snapshot transaction.
type feedReader struct{ tx pgx.Tx }

func (r feedReader) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := r.tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM change_log`).Scan(&n)
	return n, dbErr(err)
}

// rowsOf runs a query in tx and collects its rows.
func rowsOf[T any](ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, f func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := f(rows)
		if err != nil {
			return nil, dbErr(err)
		}
		out = append(out, v)
	}
	return out, dbErr(rows.Err())
}

// oneOf returns a query's row, ok false when there is none.
func oneOf[T any](ctx context.Context, tx interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, f func(pgx.Row) (T, error), sql string, args ...any) (T, bool, error) {
	v, err := f(tx.QueryRow(ctx, sql, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, dbErr(err)
	}
	return v, true, nil
}

func (r feedReader) Changes(ctx context.Context, after, upto int64) ([]pursuit.ChangeImage, error) {
	return rowsOf(ctx, r.tx, func(row pgx.Row) (pursuit.ChangeImage, error) {
		var c pursuit.ChangeImage
		var key2 *int64
		var old []byte
		err := row.Scan(&c.Seq, &c.Table, &c.Op, &c.Key, &key2, &c.ChangedAt, &old)
		c.Key2, c.ChangedAt = id(key2), c.ChangedAt.UTC()
		if old != nil {
			c.Old = json.RawMessage(old)
		}
		return c, err
	}, `SELECT seq, table_name, op, key, key2, changed_at, old FROM change_log WHERE seq > $1 AND seq <= $2 ORDER BY seq`, after, upto)
}

func (r feedReader) Contact(ctx context.Context, id int64) (pursuit.Contact, bool, error) {
	return oneOf(ctx, r.tx, scanContact, `SELECT `+contactCols+` FROM contacts WHERE contact_id = $1`, id)
}

func (r feedReader) Place(ctx context.Context, id int64) (pursuit.Place, bool, error) {
	return oneOf(ctx, r.tx, scanPlace, `SELECT `+placeCols+` FROM places WHERE place_id = $1`, id)
}

func (r feedReader) TechStack(ctx context.Context, id int64) (pursuit.TechStack, bool, error) {
	return oneOf(ctx, r.tx, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack WHERE tech_stack_id = $1`, id)
}

func (r feedReader) PlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, bool, error) {
	return oneOf(ctx, r.tx, scanPlaceGrant, `SELECT customer_id, place_id, access_type, granted_at FROM customer_place_relation
		WHERE customer_id = $1 AND place_id = $2`, customerID, placeID)
}

func (r feedReader) ContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, bool, error) {
	return oneOf(ctx, r.tx, scanContactGrant, `SELECT customer_id, contact_id, access_type, granted_at FROM customer_contact_relation
		WHERE customer_id = $1 AND contact_id = $2`, customerID, contactID)
}

func (r feedReader) Mapping(ctx context.Context, id int64) (pursuit.CustomerMapping, bool, error) {
	return oneOf(ctx, r.tx, scanMapping, `SELECT `+mappingCols+` FROM customer_mapping WHERE customer_mapping_id = $1`, id)
}

func (r feedReader) ContactsOfPlace(ctx context.Context, placeID int64) ([]pursuit.Contact, error) {
	return rowsOf(ctx, r.tx, scanContact, `SELECT `+contactCols+` FROM contacts WHERE place_id = $1 ORDER BY contact_id`, placeID)
}

func (r feedReader) TechOfPlace(ctx context.Context, placeID int64) ([]pursuit.TechStack, error) {
	return rowsOf(ctx, r.tx, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack WHERE place_id = $1 ORDER BY tech_stack_id`, placeID)
}

func (r feedReader) GrantsOfPlace(ctx context.Context, placeID int64) ([]pursuit.CustomerPlaceRelation, error) {
	return rowsOf(ctx, r.tx, scanPlaceGrant, `SELECT customer_id, place_id, access_type, granted_at FROM customer_place_relation
		WHERE place_id = $1 ORDER BY customer_id`, placeID)
}

func (r feedReader) GrantsOfContact(ctx context.Context, contactID int64) ([]pursuit.CustomerContactRelation, error) {
	return rowsOf(ctx, r.tx, scanContactGrant, `SELECT customer_id, contact_id, access_type, granted_at FROM customer_contact_relation
		WHERE contact_id = $1 ORDER BY customer_id`, contactID)
}

// FeedPosition returns the dispatcher's change_log position.
func (db *DB) FeedPosition(ctx context.Context) (int64, bool, error) {
	return db.position(ctx, feedPositionName)
}

// position reads a feed_position row, ok false when it does not exist.
func (db *DB) position(ctx context.Context, name string) (int64, bool, error) {
	var seq int64
	err := db.pool.QueryRow(ctx, `SELECT seq FROM feed_position WHERE name = $1`, name).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, dbErr(err)
	}
	return seq, true, nil
}

// AppendFeed stores events, their deliveries and the new position in one
// transaction, if the position is still from. The position row is
// updated first: a second appender waits on its lock and then finds the
// position moved, so appends, and the event ids they take, are
// serialized in commit order.
func (db *DB) AppendFeed(ctx context.Context, from, to int64, events []pursuit.FeedEvent) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return dbErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := movePosition(ctx, tx, feedPositionName, from, to); err != nil {
		return err
	}
	if err := db.appendEvents(ctx, tx, events); err != nil {
		return err
	}
	return dbErr(tx.Commit(ctx))
}

// movePosition moves the feed_position row name from from to to (from < 0:
// creates it), or fails with ECONFLICT when it is not at from.
func movePosition(ctx context.Context, tx pgx.Tx, name string, from, to int64) error {
	var sql string
	args := []any{name, to}
	if from < 0 {
		sql = `INSERT INTO feed_position (name, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING`
	} else {
		sql = `UPDATE feed_position SET seq = $2 WHERE name = $1 AND seq = $3`
		args = append(args, from)
	}
	tag, err := tx.Exec(ctx, sql, args...)
	if err != nil {
		return dbErr(err)
	}
	if tag.RowsAffected() != 1 {
		return pursuit.Errorf(pursuit.ECONFLICT, "the %s position is no longer %d: another dispatcher moved it", name, from)
	}
	return nil
}

// appendEvents inserts events (setting their EventID; an event of a
// deleted customer is dropped) and, in one statement, one pending
// delivery per event and enabled endpoint of its customer that takes its
// type (pursuit.WebhookEndpoint.Takes: no types, or the event's among
// them).
func (db *DB) appendEvents(ctx context.Context, tx pgx.Tx, events []pursuit.FeedEvent) error {
	if len(events) == 0 {
		return nil
	}
	now := db.now()
	ids := make([]int64, 0, len(events))
	for i := range events {
		e := &events[i]
		if e.CreatedAt.IsZero() {
			e.CreatedAt = now
		}
		err := tx.QueryRow(ctx, `INSERT INTO feed_events (customer_id, seq, type, data, created_at)
			SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM customers WHERE customer_id = $1) RETURNING event_id`,
			e.CustomerID, e.Seq, e.Type, string(e.Data), e.CreatedAt).Scan(&e.EventID)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // the customer was deleted after the change
		}
		if err != nil {
			return dbErr(fmt.Errorf("store event: %w", err))
		}
		ids = append(ids, e.EventID)
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (endpoint_id, customer_id, event_id, status, next_attempt_at, created_at)
		SELECT ep.endpoint_id, e.customer_id, e.event_id, 'pending', $1, $1
		FROM feed_events e JOIN webhook_endpoints ep ON ep.customer_id = e.customer_id AND ep.disabled_at IS NULL
			AND (ep.event_types = '' OR e.type = ANY (string_to_array(ep.event_types, ',')))
		WHERE e.event_id = ANY ($2)
		ORDER BY e.event_id, ep.endpoint_id`, now, ids)
	if err != nil {
		return dbErr(fmt.Errorf("enqueue deliveries: %w", err))
	}
	return nil
}

func scanFeedEvent(row pgx.Row) (pursuit.FeedEvent, error) {
	var e pursuit.FeedEvent
	var data string
	err := row.Scan(&e.EventID, &e.CustomerID, &e.Seq, &e.Type, &data, &e.CreatedAt)
	e.Data, e.CreatedAt = json.RawMessage(data), e.CreatedAt.UTC()
	return e, err
}

// FeedEvents returns a customer's events after an event id.
func (db *DB) FeedEvents(ctx context.Context, customerID, after int64, limit int) ([]pursuit.FeedEvent, error) {
	// One more than MaxListLimit: a caller asks for one extra row to know
	// whether there are more.
	if limit <= 0 || limit > pursuit.MaxListLimit+1 {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be 1 to %d, not %d", pursuit.MaxListLimit, limit)
	}
	return rowsOf(ctx, db.pool, scanFeedEvent, `SELECT event_id, customer_id, seq, type, data, created_at FROM feed_events
		WHERE customer_id = $1 AND event_id > $2 ORDER BY event_id LIMIT $3`, customerID, after, limit)
}

// LastFeedEvent returns a customer's newest event id.
func (db *DB) LastFeedEvent(ctx context.Context, customerID int64) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT coalesce(max(event_id), 0) FROM feed_events WHERE customer_id = $1`, customerID).Scan(&n)
	return n, dbErr(err)
}

func splitTypes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
