-- Migration 2: ids are never reused, and the secrets table.
--
-- The tables whose ids the store hands out (customers, places, contacts,
-- tech_stack, customer_mapping, api_keys, contact_reveals) become
-- INTEGER PRIMARY KEY AUTOINCREMENT: SQLite then never gives an id again
-- once it was used, even after the row with the highest id is deleted
-- (without it, a new row took max(rowid)+1, so a deleted customer's id
-- went to the next customer). Explicit ids (imports, the generator) move
-- the sequence in sqlite_sequence past them.
--
-- SQLite cannot change a column's definition in place, so each table is
-- rebuilt as its documentation describes (https://sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"): create the new table,
-- copy the rows with their ids, drop the old one, rename the new one, and
-- create its indexes and triggers again (FTS sync and change_log, exactly
-- as migration 1 wrote them). The migration runner turns foreign_keys off
-- around every migration and runs PRAGMA foreign_key_check before it
-- commits, so dropping a parent table neither cascades nor fails.
--
-- The rows deleted before this migration still count: each table's
-- sequence starts above the highest id change_log ever recorded for it.
-- customers
CREATE TABLE customers_new (
    customer_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    email          TEXT    NOT NULL DEFAULT '',
    reveal_credits INTEGER NOT NULL DEFAULT 0 CHECK (reveal_credits >= 0),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
INSERT INTO customers_new SELECT * FROM customers;
DROP TABLE customers;
ALTER TABLE customers_new RENAME TO customers;
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
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(key), 0) FROM change_log WHERE table_name = 'customers'))
    WHERE name = 'customers';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'customers', max(key) FROM change_log WHERE table_name = 'customers'
    HAVING max(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'customers');

-- places
CREATE TABLE places_new (
    place_id      INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO places_new SELECT * FROM places;
DROP TABLE places;
ALTER TABLE places_new RENAME TO places;
CREATE INDEX idx_places_state_population ON places (state_abbr, population);
CREATE INDEX idx_places_account_owner ON places (account_owner);
CREATE INDEX idx_places_geoid ON places (geoid);
CREATE INDEX idx_places_nces_id ON places (nces_id);
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
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(key), 0) FROM change_log WHERE table_name = 'places'))
    WHERE name = 'places';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'places', max(key) FROM change_log WHERE table_name = 'places'
    HAVING max(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'places');

-- contacts
CREATE TABLE contacts_new (
    contact_id    INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO contacts_new SELECT * FROM contacts;
DROP TABLE contacts;
ALTER TABLE contacts_new RENAME TO contacts;
CREATE INDEX idx_place_id ON contacts (place_id);
CREATE INDEX idx_contact_name ON contacts (name);
CREATE INDEX idx_contacts_title_department ON contacts (title, department);
CREATE INDEX idx_contacts_account_owner ON contacts (account_owner);
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
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(key), 0) FROM change_log WHERE table_name = 'contacts'))
    WHERE name = 'contacts';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'contacts', max(key) FROM change_log WHERE table_name = 'contacts'
    HAVING max(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'contacts');

-- tech_stack
CREATE TABLE tech_stack_new (
    tech_stack_id INTEGER PRIMARY KEY AUTOINCREMENT,
    place_id      INTEGER NOT NULL REFERENCES places (place_id) ON DELETE CASCADE,
    vendor        TEXT    NOT NULL,
    product       TEXT    NOT NULL DEFAULT '',
    category      TEXT    NOT NULL,
    first_seen    INTEGER,
    last_seen     INTEGER
);
INSERT INTO tech_stack_new SELECT * FROM tech_stack;
DROP TABLE tech_stack;
ALTER TABLE tech_stack_new RENAME TO tech_stack;
CREATE INDEX idx_tech_stack_place_id ON tech_stack (place_id);
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
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(key), 0) FROM change_log WHERE table_name = 'tech_stack'))
    WHERE name = 'tech_stack';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'tech_stack', max(key) FROM change_log WHERE table_name = 'tech_stack'
    HAVING max(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'tech_stack');

-- customer_mapping
CREATE TABLE customer_mapping_new (
    customer_mapping_id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id         INTEGER NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    external_crm_id     TEXT    NOT NULL,
    place_id            INTEGER REFERENCES places (place_id) ON DELETE CASCADE,
    contact_id          INTEGER REFERENCES contacts (contact_id) ON DELETE CASCADE,
    account_owner       TEXT    NOT NULL DEFAULT '',
    last_synced_time    INTEGER,
    CHECK ((place_id IS NULL) <> (contact_id IS NULL))
);
INSERT INTO customer_mapping_new SELECT * FROM customer_mapping;
DROP TABLE customer_mapping;
ALTER TABLE customer_mapping_new RENAME TO customer_mapping;
CREATE UNIQUE INDEX idx_customer_mapping ON customer_mapping (customer_id, external_crm_id);
CREATE INDEX idx_customer_mapping_place_id ON customer_mapping (place_id);
CREATE INDEX idx_customer_mapping_contact_id ON customer_mapping (contact_id);
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
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(key), 0) FROM change_log WHERE table_name = 'customer_mapping'))
    WHERE name = 'customer_mapping';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'customer_mapping', max(key) FROM change_log WHERE table_name = 'customer_mapping'
    HAVING max(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'customer_mapping');

-- api_keys
CREATE TABLE api_keys_new (
    api_key_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'customer')),
    customer_id INTEGER REFERENCES customers (customer_id) ON DELETE CASCADE,
    name        TEXT    NOT NULL DEFAULT '',
    prefix      TEXT    NOT NULL DEFAULT '',
    hash        BLOB    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
INSERT INTO api_keys_new SELECT * FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_new RENAME TO api_keys;
CREATE INDEX idx_api_keys_customer_id ON api_keys (customer_id);
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
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(key), 0) FROM change_log WHERE table_name = 'api_keys'))
    WHERE name = 'api_keys';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'api_keys', max(key) FROM change_log WHERE table_name = 'api_keys'
    HAVING max(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'api_keys');

-- contact_reveals
CREATE TABLE contact_reveals_new (
    reveal_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    api_key_id  INTEGER,
    customer_id INTEGER NOT NULL,
    contact_id  INTEGER NOT NULL,
    revealed_at INTEGER NOT NULL
);
INSERT INTO contact_reveals_new SELECT * FROM contact_reveals;
DROP TABLE contact_reveals;
ALTER TABLE contact_reveals_new RENAME TO contact_reveals;
CREATE INDEX idx_contact_reveals_customer_contact ON contact_reveals (customer_id, contact_id);
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
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(key), 0) FROM change_log WHERE table_name = 'contact_reveals'))
    WHERE name = 'contact_reveals';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'contact_reveals', max(key) FROM change_log WHERE table_name = 'contact_reveals'
    HAVING max(key) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'contact_reveals');

-- secrets holds keys the servers over one store share, such as the key
-- that encrypts search cursors: each is created once, by the first server
-- that needs it (an insert that does nothing when the name is taken, so
-- racing servers agree), and never changes. It is not data: no change_log
-- triggers, no export.
CREATE TABLE secrets (
    name       TEXT    PRIMARY KEY,
    value      BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
