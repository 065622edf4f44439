package postgres

// SetBulkFlushRows sets how many rows of a table Bulk collects before it
// writes them (0: the default), so that tests run many writes on small
// data.
func SetBulkFlushRows(db *DB, n int) { db.flushRows = n }

// CopyBinary is copyBinary, for tests.
var CopyBinary = copyBinary
