-- Migration 8: engagement events of kind save_search (a user kept a
-- search: its query, and the search it was saved from). SQLite cannot
-- change a CHECK in place, so the table is rebuilt: the same columns and
-- rows, and its AUTOINCREMENT sequence carried over, so ids stay never
-- reused.
CREATE TABLE engagement_events_new (
    event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
    user_id     INTEGER,
    api_key_id  INTEGER,
    kind        TEXT    NOT NULL CHECK (kind IN ('impression', 'open_contact', 'open_place', 'reveal', 'list_add', 'export', 'crm_map', 'save_search')),
    search_id   TEXT    NOT NULL DEFAULT '',
    query       TEXT    NOT NULL DEFAULT '',
    contact_id  INTEGER,
    place_id    INTEGER,
    position    INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    items       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
INSERT INTO engagement_events_new (event_id, customer_id, user_id, api_key_id, kind, search_id, query, contact_id, place_id, position, items, created_at)
    SELECT event_id, customer_id, user_id, api_key_id, kind, search_id, query, contact_id, place_id, position, items, created_at FROM engagement_events;
DELETE FROM sqlite_sequence WHERE name = 'engagement_events_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'engagement_events_new', seq FROM sqlite_sequence WHERE name = 'engagement_events';
DROP TABLE engagement_events;
ALTER TABLE engagement_events_new RENAME TO engagement_events;
CREATE INDEX idx_engagement_events_customer ON engagement_events (customer_id, event_id);
CREATE INDEX idx_engagement_events_created ON engagement_events (created_at);
