// Package deltagolden holds the tests that read Delta tables written by
// Apache Spark: the golden tables of the delta-io/delta project, which
// are another project's test data and stay outside this repository (see
// internal/testdb.GoldenDir for where they are looked for). They check the
// log replay, checkpoints and path encoding of lake/delta and the DuckDB
// reading of analytics against a real Delta writer's output.
//
// Every test here needs those tables, so when they are missing the
// package runs none and `go test ./...` prints its line as
// "ok … [no tests to run]"; .ci/run fails instead.
package deltagolden
