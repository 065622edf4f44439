package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

const endpointCols = `endpoint_id, customer_id, url, description, event_types, secret, old_secret, old_secret_expires_at,
	disabled_at, disabled_reason, created_at, updated_at`

func scanEndpoint(s scanner) (pursuit.WebhookEndpoint, error) {
	var e pursuit.WebhookEndpoint
	var types string
	var oldExp, disabled, created, updated sql.NullInt64
	err := s.Scan(&e.EndpointID, &e.CustomerID, &e.URL, &e.Description, &types, &e.Secret, &e.OldSecret, &oldExp,
		&disabled, &e.DisabledReason, &created, &updated)
	e.EventTypes = splitTypes(types)
	e.OldSecretExpiresAt, e.DisabledAt, e.CreatedAt, e.UpdatedAt = fromMicros(oldExp), fromMicros(disabled), fromMicros(created), fromMicros(updated)
	return e, err
}

func endpointNotFound(id int64) error {
	return pursuit.Errorf(pursuit.ENOTFOUND, "webhook endpoint %d does not exist", id)
}

// CreateWebhookEndpoint inserts an endpoint; the customer must exist.
func (db *DB) CreateWebhookEndpoint(ctx context.Context, e *pursuit.WebhookEndpoint) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.Secret == "" {
		return pursuit.FieldErrorf(pursuit.EINVALID, "secret", "an endpoint needs a secret")
	}
	v := *e
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO webhook_endpoints (customer_id, url, description, event_types, secret, old_secret,
				old_secret_expires_at, disabled_at, disabled_reason, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING endpoint_id`,
			v.CustomerID, v.URL, v.Description, strings.Join(v.EventTypes, ","), v.Secret, v.OldSecret, micros(v.OldSecretExpiresAt),
			micros(v.DisabledAt), v.DisabledReason, micros(v.CreatedAt), micros(v.UpdatedAt)).Scan(&v.EndpointID)
		if err != nil {
			return writeErr(ctx, tx, err, "webhook_endpoints", "", "", ref{"customer_id", pursuit.TableCustomers, v.CustomerID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// GetWebhookEndpoint returns a customer's endpoint.
func (db *DB) GetWebhookEndpoint(ctx context.Context, customerID, id int64) (pursuit.WebhookEndpoint, error) {
	e, ok, err := one(ctx, db.r, scanEndpoint, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE endpoint_id = ? AND customer_id = ?`, id, customerID)
	if err == nil && !ok {
		err = endpointNotFound(id)
	}
	return e, err
}

// UpdateWebhookEndpoint replaces an endpoint's settable fields.
func (db *DB) UpdateWebhookEndpoint(ctx context.Context, e *pursuit.WebhookEndpoint) error {
	if err := e.Validate(); err != nil {
		return err
	}
	v := *e
	v.UpdatedAt = db.now()
	err := db.write(ctx, func(tx *sql.Tx) error {
		var created sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, secret = ?, old_secret = ?,
				old_secret_expires_at = ?, disabled_at = ?, disabled_reason = ?, updated_at = ?
			WHERE endpoint_id = ? AND customer_id = ? RETURNING created_at`,
			v.URL, v.Description, strings.Join(v.EventTypes, ","), v.Secret, v.OldSecret, micros(v.OldSecretExpiresAt),
			micros(v.DisabledAt), v.DisabledReason, micros(v.UpdatedAt), v.EndpointID, v.CustomerID).Scan(&created)
		if err == sql.ErrNoRows {
			return endpointNotFound(v.EndpointID)
		}
		v.CreatedAt = fromMicros(created)
		return dbErr(err)
	})
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// DeleteWebhookEndpoint deletes a customer's endpoint and its deliveries.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, customerID, id int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE endpoint_id = ? AND customer_id = ?`, id, customerID)
		if err != nil {
			return dbErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return endpointNotFound(id)
		}
		return nil
	})
}

// ListWebhookEndpoints returns a customer's endpoints by id.
func (db *DB) ListWebhookEndpoints(ctx context.Context, customerID int64) ([]pursuit.WebhookEndpoint, error) {
	return all(ctx, db.r, scanEndpoint, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE customer_id = ? ORDER BY endpoint_id`, customerID)
}

const deliveryCols = `d.delivery_id, d.endpoint_id, d.customer_id, d.event_id, f.type, d.status, d.attempts, d.next_attempt_at,
	d.last_status, d.last_error, d.last_latency_us, d.response, d.created_at, d.delivered_at`

func scanDelivery(s scanner) (pursuit.WebhookDelivery, error) {
	var d pursuit.WebhookDelivery
	var next, created, delivered sql.NullInt64
	var latency int64
	err := s.Scan(&d.DeliveryID, &d.EndpointID, &d.CustomerID, &d.EventID, &d.Type, &d.Status, &d.Attempts, &next,
		&d.LastStatus, &d.LastError, &latency, &d.Response, &created, &delivered)
	d.NextAttemptAt, d.CreatedAt, d.DeliveredAt = fromMicros(next), fromMicros(created), fromMicros(delivered)
	d.LastLatency = time.Duration(latency) * time.Microsecond
	d.MessageID = pursuit.MessageID(d.EventID)
	return d, err
}

// ClaimDeliveries leases due deliveries. SQLite has one writer, so the
// select and the lease in one write transaction cannot race.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]pursuit.WebhookDelivery, error) {
	var out []pursuit.WebhookDelivery
	err := db.write(ctx, func(tx *sql.Tx) error {
		rows, err := all(ctx, tx, func(s scanner) (pursuit.WebhookDelivery, error) {
			var d pursuit.WebhookDelivery
			var data string
			var at, created sql.NullInt64
			var ep pursuit.WebhookEndpoint
			var types string
			var oldExp, disabled sql.NullInt64
			err := s.Scan(&d.DeliveryID, &d.EndpointID, &d.CustomerID, &d.EventID, &d.Type, &d.Attempts, &created, &data, &at,
				&ep.URL, &types, &ep.Secret, &ep.OldSecret, &oldExp, &disabled)
			ep.EndpointID, ep.CustomerID, ep.EventTypes = d.EndpointID, d.CustomerID, splitTypes(types)
			ep.OldSecretExpiresAt, ep.DisabledAt = fromMicros(oldExp), fromMicros(disabled)
			d.Endpoint, d.CreatedAt = &ep, fromMicros(created)
			d.Status = pursuit.DeliveryPending
			d.MessageID = pursuit.MessageID(d.EventID)
			d.Payload = pursuit.EventEnvelope(pursuit.FeedEvent{Type: d.Type, Data: []byte(data), CreatedAt: fromMicros(at)})
			return d, err
		}, `SELECT d.delivery_id, d.endpoint_id, d.customer_id, d.event_id, f.type, d.attempts, d.created_at, f.data, f.created_at,
				e.url, e.event_types, e.secret, e.old_secret, e.old_secret_expires_at, e.disabled_at
			FROM webhook_deliveries d JOIN feed_events f ON f.event_id = d.event_id JOIN webhook_endpoints e ON e.endpoint_id = d.endpoint_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until <= ?)
			ORDER BY d.next_attempt_at, d.delivery_id LIMIT ?`, micros(now), micros(now), limit)
		if err != nil {
			return err
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			ids[i] = rows[i].DeliveryID
		}
		if len(ids) > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET lease_until = ? WHERE delivery_id IN (SELECT value FROM json_each(?))`,
				micros(now.Add(lease)), idsJSON(ids)); err != nil {
				return dbErr(err)
			}
		}
		out = rows
		return nil
	})
	return out, err
}

// FinishDeliveries records attempts in one transaction: the deliveries
// and their log rows in two statements over a JSON array of the results,
// then, one by one, the rare results that disable an endpoint.
func (db *DB) FinishDeliveries(ctx context.Context, rs []pursuit.DeliveryResult) error {
	type row struct {
		ID        int64  `json:"i"`
		Status    string `json:"s"`
		Next      any    `json:"n"`
		Delivered any    `json:"d"`
		At        any    `json:"a"`
		HTTP      int    `json:"h"`
		Error     string `json:"e"`
		Latency   int64  `json:"l"`
		Response  string `json:"r"`
	}
	var rows []row
	var disabling []pursuit.DeliveryResult
	for _, r := range rs {
		if r.DisableReason != "" {
			disabling = append(disabling, r)
			continue
		}
		status, next, delivered := pursuit.DeliveryPending, micros(r.Next), any(nil)
		switch {
		case r.Delivered:
			status, next, delivered = pursuit.DeliveryDelivered, nil, micros(r.At)
		case r.Next.IsZero():
			status, next = pursuit.DeliveryFailed, nil
		}
		rows = append(rows, row{r.DeliveryID, status, next, delivered, micros(r.At), r.Status, r.Error, r.Latency.Microseconds(), r.Response})
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if len(rows) > 0 {
			b, err := json.Marshal(rows)
			if err != nil {
				return err
			}
			// Only deliveries that still exist get a log row (an endpoint
			// deleted meanwhile took its deliveries with it).
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status, error, latency_us, response)
				SELECT r.value ->> 'i', r.value ->> 'a', r.value ->> 'h', r.value ->> 'e', r.value ->> 'l', r.value ->> 'r'
				FROM json_each(?) r JOIN webhook_deliveries d ON d.delivery_id = r.value ->> 'i'`, string(b)); err != nil {
				return dbErr(fmt.Errorf("delivery log: %w", err))
			}
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = r.value ->> 's', attempts = attempts + 1,
					next_attempt_at = r.value ->> 'n', lease_until = NULL, last_status = r.value ->> 'h', last_error = r.value ->> 'e',
					last_latency_us = r.value ->> 'l', response = r.value ->> 'r', delivered_at = r.value ->> 'd'
				FROM json_each(?) r WHERE delivery_id = r.value ->> 'i'`, string(b)); err != nil {
				return dbErr(err)
			}
		}
		for _, r := range disabling {
			if err := finishDelivery(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func finishDelivery(ctx context.Context, tx *sql.Tx, r pursuit.DeliveryResult) error {
	status, next, delivered := pursuit.DeliveryPending, micros(r.Next), any(nil)
	switch {
	case r.Delivered:
		status, next, delivered = pursuit.DeliveryDelivered, nil, micros(r.At)
	case r.Next.IsZero():
		status, next = pursuit.DeliveryFailed, nil
	}
	var endpoint int64
	err := tx.QueryRowContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL,
			last_status = ?, last_error = ?, last_latency_us = ?, response = ?, delivered_at = ?
		WHERE delivery_id = ? RETURNING endpoint_id`,
		status, next, r.Status, r.Error, r.Latency.Microseconds(), r.Response, delivered, r.DeliveryID).Scan(&endpoint)
	if err == sql.ErrNoRows {
		return nil // the endpoint, and its deliveries, were deleted meanwhile
	}
	if err != nil {
		return dbErr(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status, error, latency_us, response) VALUES (?, ?, ?, ?, ?, ?)`,
		r.DeliveryID, micros(r.At), r.Status, r.Error, r.Latency.Microseconds(), r.Response); err != nil {
		return dbErr(fmt.Errorf("delivery log: %w", err))
	}
	if r.DisableReason != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET disabled_at = ?, disabled_reason = ?, updated_at = ? WHERE endpoint_id = ?`,
			micros(r.At), r.DisableReason, micros(r.At), endpoint); err != nil {
			return dbErr(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL, next_attempt_at = NULL,
				last_error = CASE WHEN last_error = '' THEN 'endpoint disabled' ELSE last_error END
			WHERE endpoint_id = ? AND status = 'pending'`, endpoint); err != nil {
			return dbErr(err)
		}
	}
	return nil
}

// ListDeliveries returns an endpoint's deliveries, newest first.
func (db *DB) ListDeliveries(ctx context.Context, customerID, endpointID, before int64, limit int) ([]pursuit.WebhookDelivery, error) {
	if limit <= 0 || limit > pursuit.MaxListLimit {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be 1 to %d, not %d", pursuit.MaxListLimit, limit)
	}
	if _, err := db.GetWebhookEndpoint(ctx, customerID, endpointID); err != nil {
		return nil, err
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	return all(ctx, db.r, scanDelivery, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN feed_events f ON f.event_id = d.event_id
		WHERE d.endpoint_id = ? AND d.customer_id = ? AND d.delivery_id < ? ORDER BY d.delivery_id DESC LIMIT ?`,
		endpointID, customerID, before, limit)
}

// Redeliver makes a delivery pending again, due now.
func (db *DB) Redeliver(ctx context.Context, customerID, deliveryID int64, now time.Time) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL
			WHERE delivery_id = ? AND customer_id = ?`, micros(now), deliveryID, customerID)
		if err != nil {
			return dbErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "webhook delivery %d does not exist", deliveryID)
		}
		return nil
	})
}

// PendingDeliveries counts pending deliveries.
func (db *DB) PendingDeliveries(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&n)
	return n, dbErr(err)
}
