// Package sqlite is the embedded pursuit.Store: one SQLite file, through
// the pure-Go modernc.org/sqlite driver (no cgo), with FTS5 full-text
// indexes.
//
// Open sets the file up for one writer and many readers: WAL journal,
// synchronous=NORMAL, foreign keys on, a busy timeout, and two pools, a
// single writer connection (SQLite has one writer; writes queue in Go) and
// a few reader connections that WAL lets run next to it.
//
// The schema lives in numbered, embedded migrations (migration/*.sql),
// each applied in a transaction and recorded in schema_migrations.
// Migration 1 holds the whole schema of the seed design: the seven data
// tables with their keys, cascading foreign keys and indexes, change_log,
// api_keys, contact_reveals, and the contacts_fts and places_fts FTS5
// tables.
//
// Every table has AFTER INSERT/UPDATE/DELETE triggers that append to
// change_log in the writing transaction, so foreign-key cascades are
// logged as well, and a rolled-back transaction logs nothing. Times are
// stored as INTEGER microseconds since the Unix epoch (UTC), NULL for the
// zero time, so they round-trip exactly.
//
// Bulk is the load path of imports and the generator: one transaction,
// prepared multi-row upserts, and, for tables empty at the start, indexes
// and triggers dropped during the load and rebuilt before commit. See
// docs/schema.md for the reasoning and the measured numbers.
package sqlite
