// Package postgres is the PostgreSQL implementation of pursuit.Store, on
// pgx v5 (pgxpool). It passes the conformance suite in storetest.
//
// The schema is embedded as numbered migrations (migration/*.sql) that
// Migrate applies under an advisory lock, each in a transaction recorded in
// schema_migrations; a database newer than the binary is refused with
// ESCHEMA.
//
// places are LIST-partitioned by state_abbr (one partition per state, DC
// and territory, plus a default) and contacts HASH-partitioned by place_id
// (16). PostgreSQL wants the partition key in every unique key, so the
// primary keys are (place_id, state_abbr) and (contact_id, place_id), the
// referencing tables carry the partition key in store-internal columns
// that the store fills and ON UPDATE CASCADE keeps current (a place moving
// state moves partitions and cascades), and statement-level triggers keep
// place_id and contact_id unique across partitions. None of the internal
// columns appears in the domain types.
//
// change_log is written by statement-level triggers from transition
// tables, in the writing transaction. Every writer holds one
// transaction-scoped advisory lock from its first change to its commit, so
// seq values commit in order and a reader polling seq > last never misses
// a row.
//
// Bulk loads through COPY into staging tables and set-based merges; see
// (*DB).Bulk and docs/schema.md, which also records measurements.
package postgres
