-- Migration 10: contacts_fts holds what the store's text search searches.
--
-- SearchContactsText matches every word of a query in a contact's name,
-- title or department (the conformance suite's contract, shared with
-- PostgreSQL's index of migration 10) and orders by contact_id. The old
-- table also held the email, with positions and per-column sizes, none of
-- which that search used, and its rebuild was the largest step of a bulk
-- load: at the seed's scale 'rebuild' + 'optimize' took 16.7 + 2.3 s, and
-- 5.4 + 0.8 s for this one (docs/schema.md, "Full text"). detail=none keeps
-- only which contacts hold a word; columnsize=0 drops the per-row sizes
-- that only bm25() reads. Emails are searched by the search engine, which
-- indexes their words (docs/search.md); `bench search` builds its own FTS5
-- table for its SQLite baseline.
--
-- The update trigger now fires only when an indexed column changes: the
-- store's updates set every column (UPDATE OF alone would not spare an
-- email edit), hence the WHEN.
DROP TRIGGER contacts_fts_ai;
DROP TRIGGER contacts_fts_ad;
DROP TRIGGER contacts_fts_au;
DROP TABLE contacts_fts;
CREATE VIRTUAL TABLE contacts_fts USING fts5 (
    name, title, department,
    content = 'contacts', content_rowid = 'contact_id',
    tokenize = 'unicode61 remove_diacritics 2',
    detail = none, columnsize = 0
);
CREATE TRIGGER contacts_fts_ai AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, title, department)
    VALUES (new.contact_id, new.name, new.title, new.department);
END;
CREATE TRIGGER contacts_fts_ad AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, title, department)
    VALUES ('delete', old.contact_id, old.name, old.title, old.department);
END;
CREATE TRIGGER contacts_fts_au AFTER UPDATE OF contact_id, name, title, department ON contacts
WHEN old.contact_id IS NOT new.contact_id OR old.name IS NOT new.name
    OR old.title IS NOT new.title OR old.department IS NOT new.department BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, title, department)
    VALUES ('delete', old.contact_id, old.name, old.title, old.department);
    INSERT INTO contacts_fts (rowid, name, title, department)
    VALUES (new.contact_id, new.name, new.title, new.department);
END;
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
