-- Migration 6: engagement events and ranking models (package rank).
--
-- engagement_events is what a customer's users saw and did: search
-- impressions (one row per page of hits, the hits in items) and actions on
-- contacts and places. Rows belong to their customer (deleted with it) and
-- are read per customer only; ids come from an identity column, never
-- reused. Nothing follows the table (the index does not read it, no feed
-- shows it), so it has no change_log triggers, and its writes do not take
-- the write lock: events are written often and are not data.
CREATE TABLE engagement_events (
    event_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint      NOT NULL REFERENCES customers ON DELETE CASCADE,
    user_id     bigint,
    api_key_id  bigint,
    kind        text        NOT NULL CHECK (kind IN ('impression', 'open_contact', 'open_place', 'reveal', 'list_add', 'export', 'crm_map')),
    search_id   text        NOT NULL DEFAULT '',
    query       text        NOT NULL DEFAULT '',
    contact_id  bigint,
    place_id    bigint,
    position    integer     NOT NULL DEFAULT 0 CHECK (position >= 0),
    items       text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL
);
CREATE INDEX engagement_events_customer_idx ON engagement_events (customer_id, event_id);
CREATE INDEX engagement_events_created_idx ON engagement_events (created_at);

-- rank_models keeps the active ranking model and the previous one (for a
-- rollback); body is the model as package rank encodes it.
CREATE TABLE rank_models (
    model_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state      text        NOT NULL CHECK (state IN ('active', 'previous')),
    created_at timestamptz NOT NULL,
    events     bigint      NOT NULL DEFAULT 0,
    body       bytea       NOT NULL
);
CREATE UNIQUE INDEX rank_models_state_idx ON rank_models (state);
