-- Migration 6: the change feed and webhooks (docs/feed.md).
--
-- change_log.old holds the image of a row before an update or a delete
-- (JSON, the domain's keys, times as integer microseconds), so that the
-- feed can say what changed and reconstruct any row as of any seq: the
-- row after change N is the old image of the row's next change, or the
-- current row. Inserts record nothing (a bulk load costs no more), so
-- only the update and delete triggers of the six tables the feed follows
-- are replaced.
ALTER TABLE change_log ADD COLUMN old TEXT;

DROP TRIGGER places_log_u;
CREATE TRIGGER places_log_u AFTER UPDATE ON places BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('places', 'update', new.place_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('place_id', old.place_id, 'name', old.name, 'place_type', old.place_type, 'state_abbr', old.state_abbr, 'county', old.county, 'population', old.population, 'website', old.website, 'email_domain', old.email_domain, 'geoid', old.geoid, 'nces_id', old.nces_id, 'account_owner', old.account_owner, 'fiscal_year_start', old.fiscal_year_start, 'created_at', old.created_at, 'updated_at', old.updated_at));
END;

DROP TRIGGER places_log_d;
CREATE TRIGGER places_log_d AFTER DELETE ON places BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('places', 'delete', old.place_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('place_id', old.place_id, 'name', old.name, 'place_type', old.place_type, 'state_abbr', old.state_abbr, 'county', old.county, 'population', old.population, 'website', old.website, 'email_domain', old.email_domain, 'geoid', old.geoid, 'nces_id', old.nces_id, 'account_owner', old.account_owner, 'fiscal_year_start', old.fiscal_year_start, 'created_at', old.created_at, 'updated_at', old.updated_at));
END;

DROP TRIGGER contacts_log_u;
CREATE TRIGGER contacts_log_u AFTER UPDATE ON contacts BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('contacts', 'update', new.contact_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('contact_id', old.contact_id, 'place_id', old.place_id, 'name', old.name, 'first_name', old.first_name, 'last_name', old.last_name, 'email', old.email, 'phone', old.phone, 'title', old.title, 'department', old.department, 'account_owner', old.account_owner, 'email_status', old.email_status, 'verified_at', old.verified_at, 'created_at', old.created_at, 'updated_at', old.updated_at));
END;

DROP TRIGGER contacts_log_d;
CREATE TRIGGER contacts_log_d AFTER DELETE ON contacts BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('contacts', 'delete', old.contact_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('contact_id', old.contact_id, 'place_id', old.place_id, 'name', old.name, 'first_name', old.first_name, 'last_name', old.last_name, 'email', old.email, 'phone', old.phone, 'title', old.title, 'department', old.department, 'account_owner', old.account_owner, 'email_status', old.email_status, 'verified_at', old.verified_at, 'created_at', old.created_at, 'updated_at', old.updated_at));
END;

DROP TRIGGER tech_stack_log_u;
CREATE TRIGGER tech_stack_log_u AFTER UPDATE ON tech_stack BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('tech_stack', 'update', new.tech_stack_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('tech_stack_id', old.tech_stack_id, 'place_id', old.place_id, 'vendor', old.vendor, 'product', old.product, 'category', old.category, 'first_seen', old.first_seen, 'last_seen', old.last_seen));
END;

DROP TRIGGER tech_stack_log_d;
CREATE TRIGGER tech_stack_log_d AFTER DELETE ON tech_stack BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('tech_stack', 'delete', old.tech_stack_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('tech_stack_id', old.tech_stack_id, 'place_id', old.place_id, 'vendor', old.vendor, 'product', old.product, 'category', old.category, 'first_seen', old.first_seen, 'last_seen', old.last_seen));
END;

DROP TRIGGER customer_place_relation_log_u;
CREATE TRIGGER customer_place_relation_log_u AFTER UPDATE ON customer_place_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('customer_place_relation', 'update', new.customer_id, new.place_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('customer_id', old.customer_id, 'place_id', old.place_id, 'access_type', old.access_type, 'granted_at', old.granted_at));
END;

DROP TRIGGER customer_place_relation_log_d;
CREATE TRIGGER customer_place_relation_log_d AFTER DELETE ON customer_place_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('customer_place_relation', 'delete', old.customer_id, old.place_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('customer_id', old.customer_id, 'place_id', old.place_id, 'access_type', old.access_type, 'granted_at', old.granted_at));
END;

DROP TRIGGER customer_contact_relation_log_u;
CREATE TRIGGER customer_contact_relation_log_u AFTER UPDATE ON customer_contact_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('customer_contact_relation', 'update', new.customer_id, new.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('customer_id', old.customer_id, 'contact_id', old.contact_id, 'access_type', old.access_type, 'granted_at', old.granted_at));
END;

DROP TRIGGER customer_contact_relation_log_d;
CREATE TRIGGER customer_contact_relation_log_d AFTER DELETE ON customer_contact_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('customer_contact_relation', 'delete', old.customer_id, old.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('customer_id', old.customer_id, 'contact_id', old.contact_id, 'access_type', old.access_type, 'granted_at', old.granted_at));
END;

DROP TRIGGER customer_mapping_log_u;
CREATE TRIGGER customer_mapping_log_u AFTER UPDATE ON customer_mapping BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('customer_mapping', 'update', new.customer_mapping_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('customer_mapping_id', old.customer_mapping_id, 'customer_id', old.customer_id, 'external_crm_id', old.external_crm_id, 'place_id', old.place_id, 'contact_id', old.contact_id, 'account_owner', old.account_owner, 'last_synced_time', old.last_synced_time));
END;

DROP TRIGGER customer_mapping_log_d;
CREATE TRIGGER customer_mapping_log_d AFTER DELETE ON customer_mapping BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at, old)
    VALUES ('customer_mapping', 'delete', old.customer_mapping_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER),
        json_object('customer_mapping_id', old.customer_mapping_id, 'customer_id', old.customer_id, 'external_crm_id', old.external_crm_id, 'place_id', old.place_id, 'contact_id', old.contact_id, 'account_owner', old.account_owner, 'last_synced_time', old.last_synced_time));
END;


-- feed_events: the events the dispatcher derived, per customer, in
-- commit order. No change_log triggers: they are derived data.
CREATE TABLE feed_events (
    event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX feed_events_customer ON feed_events (customer_id, event_id);

-- feed_position: the change_log seq the dispatcher has derived events up
-- to, moved in the transaction that stores them (the outbox).
CREATE TABLE feed_position (
    name TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE webhook_endpoints (
    endpoint_id           INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id           INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
    url                   TEXT    NOT NULL,
    description           TEXT    NOT NULL DEFAULT '',
    event_types           TEXT    NOT NULL DEFAULT '',
    secret                TEXT    NOT NULL,
    old_secret            TEXT    NOT NULL DEFAULT '',
    old_secret_expires_at INTEGER,
    disabled_at           INTEGER,
    disabled_reason       TEXT    NOT NULL DEFAULT '',
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_customer ON webhook_endpoints (customer_id);

CREATE TABLE webhook_deliveries (
    delivery_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints ON DELETE CASCADE,
    customer_id     INTEGER NOT NULL,
    event_id        INTEGER NOT NULL REFERENCES feed_events ON DELETE CASCADE,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    lease_until     INTEGER,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_latency_us INTEGER NOT NULL DEFAULT 0,
    response        TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    delivered_at    INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, delivery_id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- webhook_attempts: the delivery log, one row per attempt.
CREATE TABLE webhook_attempts (
    attempt_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    error       TEXT    NOT NULL DEFAULT '',
    latency_us  INTEGER NOT NULL,
    response    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
