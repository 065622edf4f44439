package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/jsonstr"
)

// feedPositionName is the feed_position row of the dispatcher.
const feedPositionName = "dispatcher"

// FeedSnapshot runs fn over one read transaction on a reader connection:
// in WAL mode it sees one committed state from its first read on.
func (db *DB) FeedSnapshot(ctx context.Context, fn func(pursuit.FeedReader) error) error {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(fmt.Errorf("begin snapshot: %w", err))
	}
	defer tx.Rollback()
	return fn(feedReader{tx})
}

// feedReader is pursuit.FeedReader over one read transaction.
type feedReader struct{ q querier }

func (r feedReader) LastSeq(ctx context.Context) (int64, error) {
	var n int64
	err := r.q.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM change_log`).Scan(&n)
	return n, dbErr(err)
}

func (r feedReader) Changes(ctx context.Context, after, upto int64) ([]pursuit.ChangeImage, error) {
	return all(ctx, r.q, func(s scanner) (pursuit.ChangeImage, error) {
		var c pursuit.ChangeImage
		var key2, at sql.NullInt64
		var old sql.NullString
		err := s.Scan(&c.Seq, &c.Table, &c.Op, &c.Key, &key2, &at, &old)
		c.Key2, c.ChangedAt = key2.Int64, fromMicros(at)
		if old.Valid {
			c.Old = json.RawMessage(old.String)
		}
		return c, err
	}, `SELECT seq, table_name, op, key, key2, changed_at, old FROM change_log WHERE seq > ? AND seq <= ? ORDER BY seq`, after, upto)
}

// one returns a row of a query, ok false when there is none.
func one[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) (T, bool, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, dbErr(err)
	}
	return v, true, nil
}

func (r feedReader) Contact(ctx context.Context, id int64) (pursuit.Contact, bool, error) {
	return one(ctx, r.q, scanContact, `SELECT `+contactCols+` FROM contacts WHERE contact_id = ?`, id)
}

func (r feedReader) Place(ctx context.Context, id int64) (pursuit.Place, bool, error) {
	return one(ctx, r.q, scanPlace, `SELECT `+placeCols+` FROM places WHERE place_id = ?`, id)
}

func (r feedReader) TechStack(ctx context.Context, id int64) (pursuit.TechStack, bool, error) {
	return one(ctx, r.q, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack WHERE tech_stack_id = ?`, id)
}

func (r feedReader) PlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, bool, error) {
	return one(ctx, r.q, scanPlaceGrant, `SELECT customer_id, place_id, access_type, granted_at FROM customer_place_relation
		WHERE customer_id = ? AND place_id = ?`, customerID, placeID)
}

func (r feedReader) ContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, bool, error) {
	return one(ctx, r.q, scanContactGrant, `SELECT customer_id, contact_id, access_type, granted_at FROM customer_contact_relation
		WHERE customer_id = ? AND contact_id = ?`, customerID, contactID)
}

func (r feedReader) Mapping(ctx context.Context, id int64) (pursuit.CustomerMapping, bool, error) {
	return one(ctx, r.q, scanMapping, `SELECT `+mappingCols+` FROM customer_mapping WHERE customer_mapping_id = ?`, id)
}

func (r feedReader) ContactsOfPlace(ctx context.Context, placeID int64) ([]pursuit.Contact, error) {
	return all(ctx, r.q, scanContact, `SELECT `+contactCols+` FROM contacts WHERE place_id = ? ORDER BY contact_id`, placeID)
}

func (r feedReader) TechOfPlace(ctx context.Context, placeID int64) ([]pursuit.TechStack, error) {
	return all(ctx, r.q, scanTechStack, `SELECT `+techStackCols+` FROM tech_stack WHERE place_id = ? ORDER BY tech_stack_id`, placeID)
}

func (r feedReader) GrantsOfPlace(ctx context.Context, placeID int64) ([]pursuit.CustomerPlaceRelation, error) {
	return all(ctx, r.q, scanPlaceGrant, `SELECT customer_id, place_id, access_type, granted_at FROM customer_place_relation
		WHERE place_id = ? ORDER BY customer_id`, placeID)
}

func (r feedReader) GrantsOfContact(ctx context.Context, contactID int64) ([]pursuit.CustomerContactRelation, error) {
	return all(ctx, r.q, scanContactGrant, `SELECT customer_id, contact_id, access_type, granted_at FROM customer_contact_relation
		WHERE contact_id = ? ORDER BY customer_id`, contactID)
}

// FeedPosition returns the dispatcher's change_log position.
func (db *DB) FeedPosition(ctx context.Context) (int64, bool, error) {
	return db.position(ctx, feedPositionName)
}

// position reads a feed_position row, ok false when it does not exist.
func (db *DB) position(ctx context.Context, name string) (int64, bool, error) {
	var seq int64
	err := db.r.QueryRowContext(ctx, `SELECT seq FROM feed_position WHERE name = ?`, name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, dbErr(err)
	}
	return seq, true, nil
}

// AppendFeed stores events, their deliveries and the new position in one
// transaction, if the position is still from.
func (db *DB) AppendFeed(ctx context.Context, from, to int64, events []pursuit.FeedEvent) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := movePosition(ctx, tx, feedPositionName, from, to); err != nil {
			return err
		}
		return db.appendEvents(ctx, tx, events)
	})
}

// movePosition moves the feed_position row name from from to to (from < 0:
// creates it), or fails with ECONFLICT when it is not at from.
func movePosition(ctx context.Context, tx *sql.Tx, name string, from, to int64) error {
	var res sql.Result
	var err error
	if from < 0 {
		res, err = tx.ExecContext(ctx, `INSERT INTO feed_position (name, seq) VALUES (?, ?) ON CONFLICT DO NOTHING`, name, to)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE feed_position SET seq = ? WHERE name = ? AND seq = ?`, to, name, from)
	}
	if err != nil {
		return dbErr(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return pursuit.Errorf(pursuit.ECONFLICT, "the %s position is no longer %d: another dispatcher moved it", name, from)
	}
	return nil
}

// appendEvents inserts events (setting their EventID; an event of a
// deleted customer is dropped) in one statement over a JSON array of
// them, then, in one more, one pending delivery per event and enabled
// endpoint of its customer that takes its type
// (pursuit.WebhookEndpoint.Takes: no types, or the event's among them).
// The writer is the only one and ids are assigned in insertion order, so
// the ids the insert returns, sorted, are the events' in order, and this
// append's events are the ids between its first and its last.
func (db *DB) appendEvents(ctx context.Context, tx *sql.Tx, events []pursuit.FeedEvent) error {
	if len(events) == 0 {
		return nil
	}
	now := db.now()
	cids := make([]int64, 0, 8)
	for i := range events {
		if !slices.Contains(cids, events[i].CustomerID) {
			cids = append(cids, events[i].CustomerID)
		}
	}
	alive, err := all(ctx, tx, scanID, `SELECT customer_id FROM customers WHERE customer_id IN (SELECT value FROM json_each(?))`, idsJSON(cids))
	if err != nil {
		return err
	}
	b := make([]byte, 0, 256*len(events))
	b = append(b, '[')
	kept := make([]*pursuit.FeedEvent, 0, len(events))
	for i := range events {
		e := &events[i]
		if e.CreatedAt.IsZero() {
			e.CreatedAt = now
		}
		if !slices.Contains(alive, e.CustomerID) {
			continue // the customer was deleted after the change
		}
		if len(kept) > 0 {
			b = append(b, ',')
		}
		kept = append(kept, e)
		b = append(b, '[')
		b = strconv.AppendInt(b, e.CustomerID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, e.Seq, 10)
		b = append(b, ',')
		b = jsonstr.Append(b, e.Type)
		b = append(b, ',')
		b = jsonstr.Append(b, string(e.Data))
		b = append(b, ',')
		b = strconv.AppendInt(b, e.CreatedAt.UnixMicro(), 10)
		b = append(b, ']')
	}
	b = append(b, ']')
	if len(kept) == 0 {
		return nil
	}
	ids, err := all(ctx, tx, scanID, `INSERT INTO feed_events (customer_id, seq, type, data, created_at)
		SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?) ORDER BY key
		RETURNING event_id`, string(b))
	if err != nil {
		return dbErr(fmt.Errorf("store events: %w", err))
	}
	if len(ids) != len(kept) {
		return fmt.Errorf("store events: %d ids for %d events", len(ids), len(kept))
	}
	slices.Sort(ids)
	for i, e := range kept {
		e.EventID = ids[i]
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (endpoint_id, customer_id, event_id, status, next_attempt_at, created_at)
		SELECT ep.endpoint_id, e.customer_id, e.event_id, 'pending', ?1, ?1
		FROM feed_events e JOIN webhook_endpoints ep ON ep.customer_id = e.customer_id AND ep.disabled_at IS NULL
			AND (ep.event_types = '' OR instr(',' || ep.event_types || ',', ',' || e.type || ',') > 0)
		WHERE e.event_id BETWEEN ?2 AND ?3
		ORDER BY e.event_id, ep.endpoint_id`, micros(now), ids[0], ids[len(ids)-1])
	if err != nil {
		return dbErr(fmt.Errorf("enqueue deliveries: %w", err))
	}
	return nil
}

func scanFeedEvent(s scanner) (pursuit.FeedEvent, error) {
	var e pursuit.FeedEvent
	var data string
	var at sql.NullInt64
	err := s.Scan(&e.EventID, &e.CustomerID, &e.Seq, &e.Type, &data, &at)
	e.Data, e.CreatedAt = json.RawMessage(data), fromMicros(at)
	return e, err
}

// FeedEvents returns a customer's events after an event id.
func (db *DB) FeedEvents(ctx context.Context, customerID, after int64, limit int) ([]pursuit.FeedEvent, error) {
	// One more than MaxListLimit: a caller asks for one extra row to know
	// whether there are more.
	if limit <= 0 || limit > pursuit.MaxListLimit+1 {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be 1 to %d, not %d", pursuit.MaxListLimit, limit)
	}
	return all(ctx, db.r, scanFeedEvent, `SELECT event_id, customer_id, seq, type, data, created_at FROM feed_events
		WHERE customer_id = ? AND event_id > ? ORDER BY event_id LIMIT ?`, customerID, after, limit)
}

// LastFeedEvent returns a customer's newest event id.
func (db *DB) LastFeedEvent(ctx context.Context, customerID int64) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(event_id), 0) FROM feed_events WHERE customer_id = ?`, customerID).Scan(&n)
	return n, dbErr(err)
}

func splitTypes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
