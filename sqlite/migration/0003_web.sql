-- Migration 3: the web app's tables.
--
-- users: people who sign in. A member or admin belongs to one customer
-- (deleted with it); an operator (Pursuit's staff) to none. Emails are
-- unique without regard to case (a unique index on lower(email)).
-- sessions and sign_in_tokens: server-side sessions and one-time sign-in
-- links, each stored as the SHA-256 of its token, never the token; they
-- go with their user. They have no change_log triggers: they are not
-- data, change on every sign-in, and every server reads them from here.
-- saved_searches, lists and list_items: a customer's saved searches and
-- named contact lists, with change_log triggers like the seed's tables
-- (alerts and change feeds follow saved searches). A user's saved searches
-- and lists stay with the customer when the user is deleted (user_id NULL).
-- Ids of users, saved_searches and lists are never reused (AUTOINCREMENT).
CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id   INTEGER REFERENCES customers ON DELETE CASCADE,
    email         TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('member', 'admin', 'operator')),
    password_hash TEXT,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK ((role = 'operator') = (customer_id IS NULL))
);
CREATE UNIQUE INDEX idx_users_email ON users (lower(email));
CREATE INDEX idx_users_customer_id ON users (customer_id);

CREATE TABLE sessions (
    session_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
    hash         BLOB    NOT NULL UNIQUE,
    csrf_secret  BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX idx_sessions_user_id ON sessions (user_id);

CREATE TABLE sign_in_tokens (
    token_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users ON DELETE CASCADE,
    hash       BLOB    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX idx_sign_in_tokens_user_id ON sign_in_tokens (user_id);

CREATE TABLE saved_searches (
    saved_search_id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id     INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users ON DELETE SET NULL,
    name            TEXT    NOT NULL,
    query           TEXT    NOT NULL,
    alert           TEXT    NOT NULL DEFAULT 'off' CHECK (alert IN ('off', 'instant', 'hourly', 'daily')),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (customer_id, name)
);
CREATE INDEX idx_saved_searches_user_id ON saved_searches (user_id);

CREATE TABLE lists (
    list_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users ON DELETE SET NULL,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (customer_id, name)
);
CREATE INDEX idx_lists_user_id ON lists (user_id);

CREATE TABLE list_items (
    list_id    INTEGER NOT NULL REFERENCES lists ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts ON DELETE CASCADE,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (list_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX idx_list_items_contact_id ON list_items (contact_id);

CREATE TRIGGER users_log_i AFTER INSERT ON users BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('users', 'insert', new.user_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER users_log_u AFTER UPDATE ON users BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('users', 'update', new.user_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER users_log_d AFTER DELETE ON users BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('users', 'delete', old.user_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER saved_searches_log_i AFTER INSERT ON saved_searches BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('saved_searches', 'insert', new.saved_search_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER saved_searches_log_u AFTER UPDATE ON saved_searches BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('saved_searches', 'update', new.saved_search_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER saved_searches_log_d AFTER DELETE ON saved_searches BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('saved_searches', 'delete', old.saved_search_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER lists_log_i AFTER INSERT ON lists BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('lists', 'insert', new.list_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER lists_log_u AFTER UPDATE ON lists BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('lists', 'update', new.list_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER lists_log_d AFTER DELETE ON lists BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('lists', 'delete', old.list_id, NULL, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER list_items_log_i AFTER INSERT ON list_items BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('list_items', 'insert', new.list_id, new.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER list_items_log_u AFTER UPDATE ON list_items BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('list_items', 'update', new.list_id, new.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
CREATE TRIGGER list_items_log_d AFTER DELETE ON list_items BEGIN
    INSERT INTO change_log (table_name, op, key, key2, changed_at)
    VALUES ('list_items', 'delete', old.list_id, old.contact_id, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
