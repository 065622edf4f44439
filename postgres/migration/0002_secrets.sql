-- Migration 2: the secrets table.
--
-- secrets holds keys the servers over one database share, such as the key
-- that encrypts search cursors: each is created once, by the first server
-- that needs it (INSERT … ON CONFLICT DO NOTHING, so servers racing to
-- create it agree on the winner's), and never changes. It is not data: no
-- change_log trigger, no export.
--
-- Ids need no change here: bigserial sequences never give a value twice,
-- and every write with an explicit id moves its sequence past it (see
-- bumpSequence), so an id is never reused after a delete.
CREATE TABLE secrets (
    name       text        PRIMARY KEY,
    value      bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
