-- Migration 10: the contacts' full-text index holds what the store's text
-- search searches: name, title and department, not the email.
--
-- pursuit_contact_tsv put the email in the document too, as the seed
-- design's full-text index lists emails; but the store's text search
-- (SearchContactsText) matches name, title and department only, as on
-- SQLite, and rechecked every hit without the email, so no query used that
-- part. It cost more than the rest together: the default parser keeps an
-- address whole, one lexeme per contact, and a seed-scale index build took
-- 57 s with it and 25 s without. Emails are searched by the search engine,
-- which indexes their words (docs/search.md). docs/schema.md has the
-- measurements. On a seed-scale database this migration rebuilds the
-- index once (~25 s).
DROP INDEX contacts_search_tsv_idx;
DROP FUNCTION pursuit_contact_tsv(text, text, text, text);
CREATE FUNCTION pursuit_contact_words(name text, title text, department text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('simple'::regconfig, name || ' ' || title || ' ' || department);
CREATE INDEX contacts_search_tsv_idx ON contacts USING gin (pursuit_contact_words(name, title, department));
