-- Migration 1: the whole schema of the seed design, plus change_log,
-- api_keys and contact_reveals.
--
-- Conventions (see docs/schema.md):
--   * times are INTEGER microseconds since the Unix epoch, UTC; NULL is the
--     zero time.Time;
--   * text columns are NOT NULL DEFAULT '' (the domain has no NULL strings);
--   * ids are INTEGER PRIMARY KEY (the rowid), assigned by SQLite when the
--     caller gives 0;
--   * every foreign key cascades on delete and has an index on the child
--     column, so a cascade is an index look-up, not a scan;
--   * triggers named <table>_log_* write change_log and <table>_fts_* keep
--     the FTS5 tables in sync; the bulk path drops and recreates both on
--     tables that are empty when a load starts.

CREATE TABLE customers (
    customer_id    INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    email          TEXT    NOT NULL DEFAULT '',
    reveal_credits INTEGER NOT NULL DEFAULT 0 CHECK (reveal_credits >= 0),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE places (
    place_id      INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    place_type    TEXT    NOT NULL,
    state_abbr    TEXT    NOT NULL,
    county        TEXT    NOT NULL DEFAULT '',
    population    INTEGER NOT NULL DEFAULT 0,
    website       TEXT    NOT NULL DEFAULT '',
    email_domain  TEXT    NOT NULL DEFAULT '',
    geoid         TEXT    NOT NULL DEFAULT '',
    nces_id       TEXT    NOT NULL DEFAULT '',
    account_owner TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX idx_places_state_population ON places (state_abbr, population);
CREATE INDEX idx_places_account_owner ON places (account_owner);
CREATE INDEX idx_places_geoid ON places (geoid);
CREATE INDEX idx_places_nces_id ON places (nces_id);

CREATE TABLE contacts (
    contact_id    INTEGER PRIMARY KEY,
    place_id      INTEGER NOT NULL REFERENCES places (place_id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    first_name    TEXT    NOT NULL DEFAULT '',
    last_name     TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL DEFAULT '',
    phone         TEXT    NOT NULL DEFAULT '',
    title         TEXT    NOT NULL DEFAULT '',
    department    TEXT    NOT NULL DEFAULT '',
    account_owner TEXT    NOT NULL DEFAULT '',
    verified_at   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX idx_place_id ON contacts (place_id);
CREATE INDEX idx_contact_name ON contacts (name);
CREATE INDEX idx_contacts_title_department ON contacts (title, department);
CREATE INDEX idx_contacts_account_owner ON contacts (account_owner);

CREATE TABLE tech_stack (
    tech_stack_id INTEGER PRIMARY KEY,
    place_id      INTEGER NOT NULL REFERENCES places (place_id) ON DELETE CASCADE,
    vendor        TEXT    NOT NULL,
    product       TEXT    NOT NULL DEFAULT '',
    category      TEXT    NOT NULL,
    first_seen    INTEGER,
    last_seen     INTEGER
);
CREATE INDEX idx_tech_stack_place_id ON tech_stack (place_id);

CREATE TABLE customer_place_relation (
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    place_id    INTEGER NOT NULL REFERENCES places (place_id) ON DELETE CASCADE,
    access_type TEXT    NOT NULL CHECK (access_type IN ('full', 'masked')),
    granted_at  INTEGER NOT NULL,
    PRIMARY KEY (customer_id, place_id)
) WITHOUT ROWID;
CREATE INDEX idx_customer_place_relation_place_id ON customer_place_relation (place_id);

CREATE TABLE customer_contact_relation (
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (contact_id) ON DELETE CASCADE,
    access_type TEXT    NOT NULL CHECK (access_type IN ('full', 'masked')),
    granted_at  INTEGER NOT NULL,
    PRIMARY KEY (customer_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX idx_customer_contact_relation_contact_id ON customer_contact_relation (contact_id);

CREATE TABLE customer_mapping (
    customer_mapping_id INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    external_crm_id     TEXT    NOT NULL,
    place_id            INTEGER REFERENCES places (place_id) ON DELETE CASCADE,
    contact_id          INTEGER REFERENCES contacts (contact_id) ON DELETE CASCADE,
    account_owner       TEXT    NOT NULL DEFAULT '',
    last_synced_time    INTEGER,
    CHECK ((place_id IS NULL) <> (contact_id IS NULL))
);
CREATE UNIQUE INDEX idx_customer_mapping ON customer_mapping (customer_id, external_crm_id);
CREATE INDEX idx_customer_mapping_place_id ON customer_mapping (place_id);
CREATE INDEX idx_customer_mapping_contact_id ON customer_mapping (contact_id);

CREATE TABLE api_keys (
    api_key_id  INTEGER PRIMARY KEY,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'customer')),
    customer_id INTEGER REFERENCES customers (customer_id) ON DELETE CASCADE,
    name        TEXT    NOT NULL DEFAULT '',
    prefix      TEXT    NOT NULL DEFAULT '',
    hash        BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX idx_api_keys_customer_id ON api_keys (customer_id);

-- contact_reveals is an audit trail: it keeps its rows when the key,
-- customer or contact they name is deleted, so it has no foreign keys.
CREATE TABLE contact_reveals (
    reveal_id   INTEGER PRIMARY KEY,
    api_key_id  INTEGER,
    customer_id INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL,
    revealed_at INTEGER NOT NULL
);
CREATE INDEX idx_contact_reveals_customer_contact ON contact_reveals (customer_id, contact_id);

-- change_log: AUTOINCREMENT so that a seq is never reused, even after the
-- newest rows are deleted; with SQLite's single writer, seq order is
-- commit order.
CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT    NOT NULL,
    op         TEXT    NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    key        INTEGER NOT NULL,
    key2       INTEGER,
    changed_at INTEGER NOT NULL
);

-- Full-text search: external-content FTS5 tables (the text lives once, in
-- the base table), kept in sync by triggers.
CREATE VIRTUAL TABLE contacts_fts USING fts5 (
    name, title, department, email,
    content = 'contacts', content_rowid = 'contact_id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, title, department, email)
    VALUES (new.contact_id, new.name, new.title, new.department, new.email);
END;
CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, title, department, email)
    VALUES ('delete', old.contact_id, old.name, old.title, old.department, old.email);
END;
CREATE TRIGGER contacts_fts_au AFTER UPDATE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, title, department, email)
    VALUES ('delete', old.contact_id, old.name, old.title, old.department, old.email);
    INSERT INTO contacts_fts (rowid, name, title, department, email)
    VALUES (new.contact_id, new.name, new.title, new.department, new.email);
END;

CREATE VIRTUAL TABLE places_fts USING fts5 (
    name,
    content = 'places', content_rowid = 'place_id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER places_fts_ai AFTER INSERT ON places BEGIN
    INSERT INTO places_fts (rowid, name) VALUES (new.place_id, new.name);
END;
CREATE TRIGGER places_fts_ad AFTER DELETE ON places BEGIN
    INSERT INTO places_fts (places_fts, rowid, name) VALUES ('delete', old.place_id, old.name);
END;
CREATE TRIGGER places_fts_au AFTER UPDATE ON places BEGIN
    INSERT INTO places_fts (places_fts, rowid, name) VALUES ('delete', old.place_id, old.name);
    INSERT INTO places_fts (rowid, name) VALUES (new.place_id, new.name);
END;

-- change_log triggers: one row per inserted, updated and deleted row of
-- every table, in the writing transaction, cascades included. changed_at
-- is the database clock (millisecond precision, stored as microseconds).
CREATE TRIGGER customers_log_i AFTER INSERT ON customers BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customers', 'insert', new.customer_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customers_log_u AFTER UPDATE ON customers BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customers', 'update', new.customer_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customers_log_d AFTER DELETE ON customers BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customers', 'delete', old.customer_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER places_log_i AFTER INSERT ON places BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('places', 'insert', new.place_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER places_log_u AFTER UPDATE ON places BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('places', 'update', new.place_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER places_log_d AFTER DELETE ON places BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('places', 'delete', old.place_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER contacts_log_i AFTER INSERT ON contacts BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('contacts', 'insert', new.contact_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER contacts_log_u AFTER UPDATE ON contacts BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('contacts', 'update', new.contact_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER contacts_log_d AFTER DELETE ON contacts BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('contacts', 'delete', old.contact_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER tech_stack_log_i AFTER INSERT ON tech_stack BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('tech_stack', 'insert', new.tech_stack_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER tech_stack_log_u AFTER UPDATE ON tech_stack BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('tech_stack', 'update', new.tech_stack_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER tech_stack_log_d AFTER DELETE ON tech_stack BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('tech_stack', 'delete', old.tech_stack_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_place_relation_log_i AFTER INSERT ON customer_place_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_place_relation', 'insert', new.customer_id, new.place_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_place_relation_log_u AFTER UPDATE ON customer_place_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_place_relation', 'update', new.customer_id, new.place_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_place_relation_log_d AFTER DELETE ON customer_place_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_place_relation', 'delete', old.customer_id, old.place_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_contact_relation_log_i AFTER INSERT ON customer_contact_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_contact_relation', 'insert', new.customer_id, new.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_contact_relation_log_u AFTER UPDATE ON customer_contact_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_contact_relation', 'update', new.customer_id, new.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_contact_relation_log_d AFTER DELETE ON customer_contact_relation BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_contact_relation', 'delete', old.customer_id, old.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_mapping_log_i AFTER INSERT ON customer_mapping BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_mapping', 'insert', new.customer_mapping_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_mapping_log_u AFTER UPDATE ON customer_mapping BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_mapping', 'update', new.customer_mapping_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER customer_mapping_log_d AFTER DELETE ON customer_mapping BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('customer_mapping', 'delete', old.customer_mapping_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER api_keys_log_i AFTER INSERT ON api_keys BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('api_keys', 'insert', new.api_key_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER api_keys_log_u AFTER UPDATE ON api_keys BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('api_keys', 'update', new.api_key_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER api_keys_log_d AFTER DELETE ON api_keys BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('api_keys', 'delete', old.api_key_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER contact_reveals_log_i AFTER INSERT ON contact_reveals BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('contact_reveals', 'insert', new.reveal_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER contact_reveals_log_u AFTER UPDATE ON contact_reveals BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('contact_reveals', 'update', new.reveal_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER contact_reveals_log_d AFTER DELETE ON contact_reveals BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('contact_reveals', 'delete', old.reveal_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
