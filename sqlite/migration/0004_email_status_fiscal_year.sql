-- Migration 4: contacts.email_status and places.fiscal_year_start.
--
-- email_status is what is known of a contact's email address: 'verified'
-- (a mail server accepted it), 'unverified' or 'bounced'. Rows from before
-- the column are 'unverified': nothing checked them.
--
-- fiscal_year_start is the month (1-12) a place's fiscal year starts; NULL
-- is unknown, which is what every place from before the column is.
--
-- ADD COLUMN with a constant default rewrites no rows, and keeps the
-- tables' triggers and indexes.
ALTER TABLE contacts ADD COLUMN email_status TEXT NOT NULL DEFAULT 'unverified'
    CHECK (email_status IN ('verified', 'unverified', 'bounced'));
ALTER TABLE places ADD COLUMN fiscal_year_start INTEGER
    CHECK (fiscal_year_start BETWEEN 1 AND 12);
