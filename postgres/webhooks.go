package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const endpointCols = `endpoint_id, customer_id, url, description, event_types, secret, old_secret, old_secret_expires_at,
	disabled_at, disabled_reason, created_at, updated_at`

func scanEndpoint(row pgx.Row) (pursuit.WebhookEndpoint, error) {
	var e pursuit.WebhookEndpoint
	var types string
	var oldExp, disabled *time.Time
	err := row.Scan(&e.EndpointID, &e.CustomerID, &e.URL, &e.Description, &types, &e.Secret, &e.OldSecret, &oldExp,
		&disabled, &e.DisabledReason, &e.CreatedAt, &e.UpdatedAt)
	e.EventTypes = splitTypes(types)
	e.OldSecretExpiresAt, e.DisabledAt, e.CreatedAt, e.UpdatedAt = utc(oldExp), utc(disabled), e.CreatedAt.UTC(), e.UpdatedAt.UTC()
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
	now := db.now()
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE customer_id = $1)`, e.CustomerID).Scan(&exists); err != nil {
		return dbErr(err)
	}
	if !exists {
		return pursuit.FieldErrorf(pursuit.EFOREIGNKEY, "customer_id", "customer %d does not exist", e.CustomerID)
	}
	var id int64
	err := db.pool.QueryRow(ctx, `INSERT INTO webhook_endpoints (customer_id, url, description, event_types, secret, old_secret,
			old_secret_expires_at, disabled_at, disabled_reason, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING endpoint_id`,
		e.CustomerID, e.URL, e.Description, strings.Join(e.EventTypes, ","), e.Secret, e.OldSecret, nullTime(e.OldSecretExpiresAt),
		nullTime(e.DisabledAt), e.DisabledReason, now).Scan(&id)
	if err != nil {
		return dbErr(err)
	}
	e.EndpointID, e.CreatedAt, e.UpdatedAt = id, now, now
	e.OldSecretExpiresAt, e.DisabledAt = norm(e.OldSecretExpiresAt), norm(e.DisabledAt)
	return nil
}

// GetWebhookEndpoint returns a customer's endpoint.
func (db *DB) GetWebhookEndpoint(ctx context.Context, customerID, id int64) (pursuit.WebhookEndpoint, error) {
	e, ok, err := oneOf(ctx, db.pool, scanEndpoint, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE endpoint_id = $1 AND customer_id = $2`, id, customerID)
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
	now := db.now()
	var created time.Time
	err := db.pool.QueryRow(ctx, `UPDATE webhook_endpoints SET url = $1, description = $2, event_types = $3, secret = $4, old_secret = $5,
			old_secret_expires_at = $6, disabled_at = $7, disabled_reason = $8, updated_at = $9
		WHERE endpoint_id = $10 AND customer_id = $11 RETURNING created_at`,
		e.URL, e.Description, strings.Join(e.EventTypes, ","), e.Secret, e.OldSecret, nullTime(e.OldSecretExpiresAt),
		nullTime(e.DisabledAt), e.DisabledReason, now, e.EndpointID, e.CustomerID).Scan(&created)
	if errors.Is(err, pgx.ErrNoRows) {
		return endpointNotFound(e.EndpointID)
	}
	if err != nil {
		return dbErr(err)
	}
	e.CreatedAt, e.UpdatedAt = created.UTC(), now
	e.OldSecretExpiresAt, e.DisabledAt = norm(e.OldSecretExpiresAt), norm(e.DisabledAt)
	return nil
}

// DeleteWebhookEndpoint deletes a customer's endpoint and its deliveries.
func (db *DB) DeleteWebhookEndpoint(ctx context.Context, customerID, id int64) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM webhook_endpoints WHERE endpoint_id = $1 AND customer_id = $2`, id, customerID)
	if err != nil {
		return dbErr(err)
	}
	if tag.RowsAffected() == 0 {
		return endpointNotFound(id)
	}
	return nil
}

// ListWebhookEndpoints returns a customer's endpoints by id.
func (db *DB) ListWebhookEndpoints(ctx context.Context, customerID int64) ([]pursuit.WebhookEndpoint, error) {
	return rowsOf(ctx, db.pool, scanEndpoint, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE customer_id = $1 ORDER BY endpoint_id`, customerID)
}

const deliveryCols = `d.delivery_id, d.endpoint_id, d.customer_id, d.event_id, f.type, d.status, d.attempts, d.next_attempt_at,
	d.last_status, d.last_error, d.last_latency_us, d.response, d.created_at, d.delivered_at`

func scanDelivery(row pgx.Row) (pursuit.WebhookDelivery, error) {
	var d pursuit.WebhookDelivery
	var next, delivered *time.Time
	var latency int64
	err := row.Scan(&d.DeliveryID, &d.EndpointID, &d.CustomerID, &d.EventID, &d.Type, &d.Status, &d.Attempts, &next,
		&d.LastStatus, &d.LastError, &latency, &d.Response, &d.CreatedAt, &delivered)
	d.NextAttemptAt, d.CreatedAt, d.DeliveredAt = utc(next), d.CreatedAt.UTC(), utc(delivered)
	d.LastLatency = time.Duration(latency) * time.Microsecond
	d.MessageID = pursuit.MessageID(d.EventID)
	return d, err
}

// ClaimDeliveries leases due deliveries with FOR UPDATE SKIP LOCKED, so
// several senders never take the same one.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]pursuit.WebhookDelivery, error) {
	return rowsOf(ctx, db.pool, func(row pgx.Row) (pursuit.WebhookDelivery, error) {
		var d pursuit.WebhookDelivery
		var data string
		var at time.Time
		var ep pursuit.WebhookEndpoint
		var types string
		var oldExp, disabled *time.Time
		err := row.Scan(&d.DeliveryID, &d.EndpointID, &d.CustomerID, &d.EventID, &d.Type, &d.Attempts, &d.CreatedAt, &data, &at,
			&ep.URL, &types, &ep.Secret, &ep.OldSecret, &oldExp, &disabled)
		ep.EndpointID, ep.CustomerID, ep.EventTypes = d.EndpointID, d.CustomerID, splitTypes(types)
		ep.OldSecretExpiresAt, ep.DisabledAt = utc(oldExp), utc(disabled)
		d.Endpoint, d.CreatedAt = &ep, d.CreatedAt.UTC()
		d.Status = pursuit.DeliveryPending
		d.MessageID = pursuit.MessageID(d.EventID)
		d.Payload = pursuit.EventEnvelope(pursuit.FeedEvent{Type: d.Type, Data: []byte(data), CreatedAt: at.UTC()})
		return d, err
	}, `WITH due AS (
			SELECT delivery_id FROM webhook_deliveries
			WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
			ORDER BY next_attempt_at, delivery_id LIMIT $3 FOR UPDATE SKIP LOCKED),
		leased AS (
			UPDATE webhook_deliveries d SET lease_until = $2 FROM due WHERE d.delivery_id = due.delivery_id
			RETURNING d.delivery_id, d.endpoint_id, d.customer_id, d.event_id, d.attempts, d.created_at, d.next_attempt_at)
		SELECT l.delivery_id, l.endpoint_id, l.customer_id, l.event_id, f.type, l.attempts, l.created_at, f.data, f.created_at,
			e.url, e.event_types, e.secret, e.old_secret, e.old_secret_expires_at, e.disabled_at
		FROM leased l JOIN feed_events f ON f.event_id = l.event_id JOIN webhook_endpoints e ON e.endpoint_id = l.endpoint_id
		ORDER BY l.next_attempt_at, l.delivery_id`, now, now.Add(lease), limit)
}

// FinishDeliveries records attempts in one transaction.
func (db *DB) FinishDeliveries(ctx context.Context, rs []pursuit.DeliveryResult) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return dbErr(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	for _, r := range rs {
		if err := finishDelivery(ctx, tx, r); err != nil {
			return err
		}
	}
	return dbErr(tx.Commit(ctx))
}

func finishDelivery(ctx context.Context, tx pgx.Tx, r pursuit.DeliveryResult) error {
	status, next, delivered := pursuit.DeliveryPending, nullTime(r.Next), (*time.Time)(nil)
	switch {
	case r.Delivered:
		status, next, delivered = pursuit.DeliveryDelivered, nil, &r.At
	case r.Next.IsZero():
		status, next = pursuit.DeliveryFailed, nil
	}
	var endpoint int64
	err := tx.QueryRow(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, lease_until = NULL,
			last_status = $3, last_error = $4, last_latency_us = $5, response = $6, delivered_at = $7
		WHERE delivery_id = $8 RETURNING endpoint_id`,
		status, next, r.Status, r.Error, r.Latency.Microseconds(), r.Response, delivered, r.DeliveryID).Scan(&endpoint)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // the endpoint, and its deliveries, were deleted meanwhile
	}
	if err != nil {
		return dbErr(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status, error, latency_us, response) VALUES ($1, $2, $3, $4, $5, $6)`,
		r.DeliveryID, r.At, r.Status, r.Error, r.Latency.Microseconds(), r.Response); err != nil {
		return dbErr(fmt.Errorf("delivery log: %w", err))
	}
	if r.DisableReason != "" {
		if _, err := tx.Exec(ctx, `UPDATE webhook_endpoints SET disabled_at = $1, disabled_reason = $2, updated_at = $3 WHERE endpoint_id = $4`,
			r.At, r.DisableReason, r.At, endpoint); err != nil {
			return dbErr(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'failed', lease_until = NULL, next_attempt_at = NULL,
				last_error = CASE WHEN last_error = '' THEN 'endpoint disabled' ELSE last_error END
			WHERE endpoint_id = $1 AND status = 'pending'`, endpoint); err != nil {
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
	return rowsOf(ctx, db.pool, scanDelivery, `SELECT `+deliveryCols+` FROM webhook_deliveries d JOIN feed_events f ON f.event_id = d.event_id
		WHERE d.endpoint_id = $1 AND d.customer_id = $2 AND d.delivery_id < $3 ORDER BY d.delivery_id DESC LIMIT $4`,
		endpointID, customerID, before, limit)
}

// Redeliver makes a delivery pending again, due now.
func (db *DB) Redeliver(ctx context.Context, customerID, deliveryID int64, now time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, lease_until = NULL
		WHERE delivery_id = $2 AND customer_id = $3`, now, deliveryID, customerID)
	if err != nil {
		return dbErr(err)
	}
	if tag.RowsAffected() == 0 {
		return pursuit.Errorf(pursuit.ENOTFOUND, "webhook delivery %d does not exist", deliveryID)
	}
	return nil
}

// PendingDeliveries counts pending deliveries.
func (db *DB) PendingDeliveries(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&n)
	return n, dbErr(err)
}
