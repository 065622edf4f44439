// Package analytics answers analytical questions over Pursuit's Delta Lake
// tables in-process with an embedded DuckDB.
//
// DuckDB's delta extension cannot be downloaded here, so the package
// replays each table's _delta_log in Go (package lake/delta) and registers
// the table as a DuckDB view over read_parquet of exactly the files the
// current snapshot says are active, with the partition values taken from
// the log's add actions (not from the paths) added back as columns. A
// query therefore sees the table as Spark would at the latest version:
// removed files are ignored even while they are still on disk.
//
// Open registers every table under a lake directory; Query runs SQL and
// Write prints a Result as an aligned table, CSV or JSON. report.go holds
// the ready reports (coverage, tech-adoption, contacts-by-function).
package analytics
