// Package lake writes Pursuit's seven tables as Delta Lake tables that
// Databricks, Spark, delta-rs and DuckDB can read, on local disk or object
// storage, and keeps them current.
//
// Export writes every table in full: zstd parquet files (bounded row
// groups, INT64 microsecond UTC timestamps, flat schema, partition columns
// only in the path) and a commit of add actions with per-file stats.
// places and contacts are partitioned by state_abbr (a contact's state is
// its place's, denormalised into the lake's contacts table), and contacts
// are clustered inside each partition by the Z-order of (place_id,
// contact_id), so per-file and per-row-group min/max of place_id let a
// look-up skip almost every file and row group.
//
// Sync applies the store's change_log since the last export or sync: it
// rewrites the files holding changed rows (remove + add), appends new rows,
// writes Change Data Feed files under _change_data/, and records the last
// applied change_log seq in a txn action (appId "pursuit"), so a re-run
// applies nothing twice.
//
// Optimize bin-packs a partition's small files (dataChange=false) and can
// re-cluster by Z-order; Vacuum deletes unreferenced files older than the
// retention.
//
// The log itself (replay, commits, checkpoints) lives in package
// lake/delta.
package lake
