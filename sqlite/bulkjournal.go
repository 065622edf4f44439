package sqlite

import (
	"context"
	"fmt"
)

// A Bulk into a fresh store (no places, no contacts) writes through a
// rollback journal instead of the WAL when it has the file to itself.
//
// In WAL mode every page a load writes goes into the WAL first and is
// copied into the database by the checkpoint at commit: a seed-scale load
// wrote its 1.7 GB twice, and the commit's checkpoint alone took 6-8 s.
// With a rollback journal the pages go straight into the database file,
// and the journal holds only the pages the file had before the
// transaction, which for a fresh store is its schema: the commit took
// 0.8 s (docs/schema.md, "Bulk path"). The transaction stays atomic and
// durable: an interrupted load leaves a hot journal that the next
// connection to open the file rolls back, restoring the empty store.
//
// The price is concurrency: SQLite changes a file's journal mode only when
// no other connection has it open, and while the load holds its exclusive
// lock, nobody else can read the file. So the Bulk first closes its own
// idle read connections and then asks; when a reader is in use, or
// another process has the file open (a server on the store, say), the
// switch fails at once and the Bulk runs in WAL mode as before. A process
// that opens the file during such a load waits for it (the busy timeout)
// and then fails with "database is locked"; a store without places and
// contacts had nothing to show it anyway. After the Bulk, committed or
// not, the file is switched back to WAL.

// freshJournal switches the file to a rollback journal when the store has
// no places and no contacts and no other connection has the file open,
// and returns the function that switches it back to WAL, or nil when the
// Bulk is to run in WAL mode.
func (db *DB) freshJournal(ctx context.Context) (restore func()) {
	if db.bulkKeepWAL {
		return nil
	}
	var used bool
	if err := db.w.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM contacts) OR EXISTS (SELECT 1 FROM places)").Scan(&used); err != nil || used {
		return nil
	}
	// Our own idle connections would hold the file open too.
	db.r.SetMaxIdleConns(0)
	db.r.SetMaxIdleConns(maxReaders)
	db.raw.dropIdle()
	var mode string
	if err := db.w.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode); err != nil || mode != "delete" {
		db.debug("bulk: WAL kept (the file is open elsewhere)", "mode", mode, "err", err)
		return nil
	}
	// FULL: in rollback mode NORMAL skips a sync that guards against
	// corruption on power loss (https://sqlite.org/pragma.html#pragma_synchronous).
	_, serr := db.w.ExecContext(ctx, "PRAGMA synchronous = FULL")
	db.debug("bulk: rollback journal (fresh store, file to itself)", "sync_err", serr)
	return func() {
		ctx := context.WithoutCancel(ctx)
		var mode string
		err := db.w.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil && mode != "wal" {
			err = fmt.Errorf("journal_mode is %q", mode)
		}
		if err == nil {
			_, err = db.w.ExecContext(ctx, "PRAGMA synchronous = NORMAL")
		}
		if err != nil {
			// The writer's next connection opens with WAL and NORMAL,
			// which switches the file back.
			if db.Log != nil {
				db.Log.Error("bulk: switching back to WAL failed; dropping the writer's connection", "err", err)
			}
			db.w.SetMaxIdleConns(0)
			db.w.SetMaxIdleConns(1)
		}
	}
}
