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
-- bigserial ids are never reused. list_items carries the contact's
-- place_id (store-internal) because contacts' primary key includes it.
CREATE TABLE users (
    user_id       bigserial PRIMARY KEY,
    customer_id   bigint REFERENCES customers ON DELETE CASCADE,
    email         text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('member', 'admin', 'operator')),
    password_hash text,
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK ((role = 'operator') = (customer_id IS NULL))
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));
CREATE INDEX users_customer_id_idx ON users (customer_id);

CREATE TABLE sessions (
    session_id   bigserial PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users ON DELETE CASCADE,
    hash         bytea       NOT NULL UNIQUE,
    csrf_secret  bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE sign_in_tokens (
    token_id   bigserial PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users ON DELETE CASCADE,
    hash       bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX sign_in_tokens_user_id_idx ON sign_in_tokens (user_id);

CREATE TABLE saved_searches (
    saved_search_id bigserial PRIMARY KEY,
    customer_id     bigint      NOT NULL REFERENCES customers ON DELETE CASCADE,
    user_id         bigint      REFERENCES users ON DELETE SET NULL,
    name            text        NOT NULL,
    query           text        NOT NULL,
    alert           text        NOT NULL DEFAULT 'off' CHECK (alert IN ('off', 'instant', 'hourly', 'daily')),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT saved_searches_name UNIQUE (customer_id, name)
);
CREATE INDEX saved_searches_user_id_idx ON saved_searches (user_id);

CREATE TABLE lists (
    list_id     bigserial PRIMARY KEY,
    customer_id bigint      NOT NULL REFERENCES customers ON DELETE CASCADE,
    user_id     bigint      REFERENCES users ON DELETE SET NULL,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT lists_name UNIQUE (customer_id, name)
);
CREATE INDEX lists_user_id_idx ON lists (user_id);

CREATE TABLE list_items (
    list_id    bigint      NOT NULL REFERENCES lists ON DELETE CASCADE,
    contact_id bigint      NOT NULL,
    place_id   bigint      NOT NULL, -- store-internal: the contact's place_id
    added_at   timestamptz NOT NULL,
    PRIMARY KEY (list_id, contact_id),
    FOREIGN KEY (contact_id, place_id) REFERENCES contacts (contact_id, place_id)
        ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX list_items_contact_id_idx ON list_items (contact_id, place_id);

DO $$
DECLARE
    t text[];
BEGIN
    FOREACH t SLICE 1 IN ARRAY ARRAY[
        ['users', 'user_id', ''],
        ['saved_searches', 'saved_search_id', ''],
        ['lists', 'list_id', ''],
        ['list_items', 'list_id', 'contact_id']]
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION pursuit_log_changes(%L, %L, %L)',
            t[1] || '_log_insert', t[1], t[1], t[2], t[3]);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION pursuit_log_changes(%L, %L, %L)',
            t[1] || '_log_update', t[1], t[1], t[2], t[3]);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION pursuit_log_changes(%L, %L, %L)',
            t[1] || '_log_delete', t[1], t[1], t[2], t[3]);
        EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER %I, ENABLE ALWAYS TRIGGER %I, ENABLE ALWAYS TRIGGER %I',
            t[1], t[1] || '_log_insert', t[1] || '_log_update', t[1] || '_log_delete');
    END LOOP;
END
$$;
