-- Migration 8: engagement events of kind save_search (a user kept a
-- search: its query, and the search it was saved from).
ALTER TABLE engagement_events DROP CONSTRAINT engagement_events_kind_check;
ALTER TABLE engagement_events ADD CONSTRAINT engagement_events_kind_check
    CHECK (kind IN ('impression', 'open_contact', 'open_place', 'reveal', 'list_add', 'export', 'crm_map', 'save_search'));
