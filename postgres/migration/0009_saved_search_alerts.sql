-- Migration 8: saved-search alerts (docs/feed.md, "Saved-search alerts").
--
-- saved_search_alerts is the state of a saved search's alert: the query
-- its matched set was taken with (a changed query starts again) and when
-- its pending matches are due (hourly and daily alerts).
-- saved_search_matches is, per saved search, every contact that matched
-- it already — its baseline when the alert started, then each contact it
-- alerted, or will at due_at (pending) — so that no contact is alerted
-- twice for one saved search. contact_id has no foreign key: contact ids
-- are never reused. Both are derived data: no change_log triggers, and
-- their writes do not take the write lock; the alerts' position in
-- change_log is feed_position's 'alerts' row, moved in the transaction
-- that writes them and their events.
CREATE TABLE saved_search_alerts (
    saved_search_id bigint PRIMARY KEY REFERENCES saved_searches ON DELETE CASCADE,
    query           text   NOT NULL,
    due_at          timestamptz
);

CREATE TABLE saved_search_matches (
    saved_search_id bigint  NOT NULL REFERENCES saved_searches ON DELETE CASCADE,
    contact_id      bigint  NOT NULL,
    pending         boolean NOT NULL DEFAULT false,
    PRIMARY KEY (saved_search_id, contact_id)
);
CREATE INDEX saved_search_matches_pending ON saved_search_matches (saved_search_id) WHERE pending;
