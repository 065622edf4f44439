-- Migration 6: engagement events and ranking models (package rank).
--
-- engagement_events is what a customer's users saw and did: search
-- impressions (one row per page of hits, the hits in items) and actions on
-- contacts and places. Rows belong to their customer (deleted with it) and
-- are read per customer only; ids are AUTOINCREMENT, never reused. Nothing
-- follows the table (the index does not read it, no feed shows it), so it
-- has no change_log triggers: events are written often and are not data.
CREATE TABLE engagement_events (
    event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
    user_id     INTEGER,
    api_key_id  INTEGER,
    kind        TEXT    NOT NULL CHECK (kind IN ('impression', 'open_contact', 'open_place', 'reveal', 'list_add', 'export', 'crm_map')),
    search_id   TEXT    NOT NULL DEFAULT '',
    query       TEXT    NOT NULL DEFAULT '',
    contact_id  INTEGER,
    place_id    INTEGER,
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    items       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX idx_engagement_events_customer ON engagement_events (customer_id, event_id);
CREATE INDEX idx_engagement_events_created ON engagement_events (created_at);

-- rank_models keeps the active ranking model and the previous one (for a
-- rollback); body is the model as package rank encodes it.
CREATE TABLE rank_models (
    model_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    state      TEXT    NOT NULL CHECK (state IN ('active', 'previous')),
    created_at INTEGER NOT NULL,
    events     INTEGER NOT NULL DEFAULT 0,
    body       BLOB    NOT NULL
);
CREATE UNIQUE INDEX idx_rank_models_state ON rank_models (state);
