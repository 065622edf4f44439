-- Migration 11: indexes a bulk load committed without.
--
-- A Bulk into an empty contacts table drops the table's secondary indexes,
-- loads, and commits with this table naming the indexes still to build;
-- then it builds them two at a time on connections of their own (a
-- transaction is one backend, and PostgreSQL 15 builds a GIN index with
-- one process), deleting each row in the transaction that creates its
-- index. A load interrupted after its commit leaves rows here: the next
-- Bulk and the next Migrate build them. docs/schema.md, "Bulk loads".
CREATE TABLE bulk_pending_indexes (
    name       text PRIMARY KEY,
    table_name text        NOT NULL,
    def        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
