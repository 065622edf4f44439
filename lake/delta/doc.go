// Package delta reads and writes Delta Lake transaction logs, following
// PROTOCOL.md of delta-io/delta: the actions of a commit (protocol,
// metaData, add, remove, cdc, txn, commitInfo), the replay of a table's
// _delta_log into a snapshot (V1 checkpoint parquet plus the JSON commits
// after it), commits that are created only if absent, and V1 checkpoints
// with _last_checkpoint.
//
// The package knows nothing about Pursuit's tables: package lake builds the
// data files and decides what to commit; this package only keeps the log.
//
// Storage is an interface with two implementations: Dir, a local directory
// where a commit is an atomic create (a temporary file hard-linked to its
// final name, which fails if the name exists), and Bucket, any
// gocloud.dev/blob bucket (S3 and the in-memory bucket used in tests),
// where a commit is a write with If-None-Match: *.
//
// A writer that loses the race for a version gets ErrConflict from
// Storage.PutIfAbsent; Table.Commit re-reads the log and retries on the
// next version.
package delta
