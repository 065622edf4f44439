// Package transfer reads and writes the seed's seven tables as files: one
// <table>.csv or <table>.jsonl per table of pursuit.DataTables, with the
// domain types' JSON field names as columns. It is how datasets move in and
// out of a store: the generator and Export write files through a
// DirWriter, Import loads them back.
//
// # Formats
//
// CSV files are RFC 4180 with a header row naming the columns in any order;
// a byte order mark and CRLF line endings are accepted. JSONL files hold one
// flat JSON object per line. Integers are strict decimals; times are
// RFC 3339 in UTC with six fractional digits, the precision both stores
// keep, and an empty value is the zero time. The writer's bytes are
// deterministic, so import(export(x)) gives back x and export(import(f))
// gives back f.
//
// # Import
//
// Import streams the files, never holding one in memory, and checks every
// row: decoding, Validate, duplicate keys within a file, and foreign keys
// against the keys of the import and of the store, kept in roaring bitmaps.
// Every rejected row is reported as a Reject with its file, line, column and
// reason. Each file is read once, and the accepted rows are applied as they
// are checked, in one Store.Bulk transaction, table by table in dependency
// order and in batches, so an interrupted import applies nothing and can
// simply be run again. A strict import (the default) stops writing at the
// first rejected row, checks the rest to report every problem, and rolls
// the transaction back: nothing is applied. Options.SkipInvalid applies
// the rest.
//
// See docs/import.md for the full description and the choices behind it.
package transfer
