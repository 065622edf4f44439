-- Migration 6: the change feed and webhooks (docs/feed.md).
--
-- change_log.old holds the image of a row before an update or a delete
-- (to_jsonb of the old row: the domain's keys plus the store-internal
-- columns), so that the feed can say what changed and reconstruct any row
-- as of any seq: the row after change N is the old image of the row's
-- next change, or the current row. Inserts record nothing (a bulk load
-- costs no more).
ALTER TABLE change_log ADD COLUMN old jsonb;

CREATE OR REPLACE FUNCTION pursuit_log_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    at timestamptz := coalesce(nullif(current_setting('pursuit.now', true), '')::timestamptz, clock_timestamp());
    k1 text := quote_ident(TG_ARGV[1]);
    k2 text := CASE WHEN TG_ARGV[2] = '' THEN '0::bigint' ELSE quote_ident(TG_ARGV[2]) END;
    rows_sql text;
    n bigint;
    base bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(7075727375697401);
    IF TG_OP = 'INSERT' THEN
        rows_sql := format('SELECT %s AS k1, %s AS k2, %L AS op, NULL::jsonb AS old FROM new_rows', k1, k2, 'insert');
    ELSIF TG_OP = 'DELETE' THEN
        rows_sql := format('SELECT %s AS k1, %s AS k2, %L AS op, to_jsonb(o) AS old FROM old_rows o', k1, k2, 'delete');
    ELSE
        -- An UPDATE that changed a key is logged as a delete of the old key
        -- and an insert of the new one.
        rows_sql := format($q$
            SELECT coalesce(n.k1, o.k1) AS k1, coalesce(n.k2, o.k2) AS k2,
                CASE WHEN o.k1 IS NULL THEN 'insert' WHEN n.k1 IS NULL THEN 'delete' ELSE 'update' END AS op,
                o.img AS old
            FROM (SELECT %1$s AS k1, %2$s AS k2 FROM new_rows) n
            FULL JOIN (SELECT %1$s AS k1, %2$s AS k2, to_jsonb(x) AS img FROM old_rows x) o ON o.k1 = n.k1 AND o.k2 = n.k2$q$,
            k1, k2);
    END IF;
    EXECUTE 'SELECT count(*) FROM (' || rows_sql || ') r' INTO n;
    IF n = 0 THEN
        RETURN NULL;
    END IF;
    -- One nextval and one setval reserve the statement's n seq values; no
    -- one else allocates meanwhile, since every allocator holds the lock.
    base := nextval('change_log_seq');
    IF n > 1 THEN
        PERFORM setval('change_log_seq', base + n - 1);
    END IF;
    EXECUTE format($q$
        INSERT INTO change_log (seq, table_name, op, key, key2, changed_at, old)
        SELECT $2 + row_number() OVER (ORDER BY k1, k2) - 1, %L, op, k1, nullif(k2, 0), $1, old
        FROM (%s) r$q$, TG_ARGV[0], rows_sql) USING at, base;
    RETURN NULL;
END
$fn$;

-- feed_events: the events the dispatcher derived, per customer, in
-- commit order (the dispatcher's appends are serialized by the
-- feed_position row lock, so event_id order is commit order). No
-- change_log triggers: they are derived data.
CREATE TABLE feed_events (
    event_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint      NOT NULL REFERENCES customers ON DELETE CASCADE,
    seq         bigint      NOT NULL,
    type        text        NOT NULL,
    data        text        NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX feed_events_customer ON feed_events (customer_id, event_id);

CREATE TABLE feed_position (
    name text PRIMARY KEY,
    seq  bigint NOT NULL
);

CREATE TABLE webhook_endpoints (
    endpoint_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id           bigint      NOT NULL REFERENCES customers ON DELETE CASCADE,
    url                   text        NOT NULL,
    description           text        NOT NULL DEFAULT '',
    event_types           text        NOT NULL DEFAULT '',
    secret                text        NOT NULL,
    old_secret            text        NOT NULL DEFAULT '',
    old_secret_expires_at timestamptz,
    disabled_at           timestamptz,
    disabled_reason       text        NOT NULL DEFAULT '',
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_customer ON webhook_endpoints (customer_id);

CREATE TABLE webhook_deliveries (
    delivery_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     bigint      NOT NULL REFERENCES webhook_endpoints ON DELETE CASCADE,
    customer_id     bigint      NOT NULL,
    event_id        bigint      NOT NULL REFERENCES feed_events ON DELETE CASCADE,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    lease_until     timestamptz,
    last_status     integer     NOT NULL DEFAULT 0,
    last_error      text        NOT NULL DEFAULT '',
    last_latency_us bigint      NOT NULL DEFAULT 0,
    response        text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, delivery_id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
    attempt_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    status      integer     NOT NULL,
    error       text        NOT NULL DEFAULT '',
    latency_us  bigint      NOT NULL,
    response    text        NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
