package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// A Bulk into a fresh store (no places, no contacts) writes through a
// rollback journal instead of the WAL when it has the file to itself.
//
// In WAL mode every page a load writes goes into the WAL first and is
// copied into the database by the checkpoint at commit: a seed-scale load
// wrote its 1.7 GB twice, and the commit's checkpoint alone took 5-8 s.
// With a rollback journal the pages go straight into the database file,
// and the journal holds only the pages the file had before the
// transaction, which for a fresh store is its schema: the commit took
// 0.6-0.9 s (docs/schema.md, "Bulk path"). The transaction stays atomic:
// an interrupted load leaves a hot journal that the next connection to
// open the file rolls back, restoring the empty store. It is as durable
// as in WAL mode: synchronous = EXTRA for the load, so the journal's
// deletion, which is the commit, is synced to the directory.
//
// The price is concurrency. SQLite leaves WAL mode only when no other
// connection has the file open, so the Bulk first closes its own idle
// read connections and then asks; when a reader is in use, or another
// process has the file open (a server on the store, say), the switch
// fails at once and the Bulk runs in WAL mode as before, readers reading
// alongside. When it succeeds the transaction begins EXCLUSIVE: nobody
// else reads the file until the commit (with BEGIN IMMEDIATE readers
// could come in until the first cache spill, and one still reading at
// COMMIT would fail the load). Reads through the DB during such a load,
// and processes that open the store, wait the busy timeout and fail with
// EUNAVAILABLE (lockedErr); the store had no places or contacts to show
// them. After the Bulk, committed or not, the file is switched back to WAL
// and the connection to synchronous = NORMAL.

// freshJournal switches the file to a rollback journal, on conn (the
// writer's, outside a transaction), when the store has no places and no
// contacts and no other connection has the file open, and returns the
// function that switches it back to WAL; nil when the Bulk is to run in
// WAL mode.
func (db *DB) freshJournal(ctx context.Context, conn *sql.Conn) (restore func() error) {
	if db.bulkKeepWAL {
		return nil
	}
	var used bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM contacts) OR EXISTS (SELECT 1 FROM places)").Scan(&used); err != nil || used {
		return nil
	}
	// Our own idle connections would hold the file open too.
	db.r.SetMaxIdleConns(0)
	db.r.SetMaxIdleConns(maxReaders)
	db.raw.dropIdle()
	bg := context.WithoutCancel(ctx)
	restore = func() error {
		var mode string
		err := conn.QueryRowContext(bg, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil && mode != "wal" {
			err = fmt.Errorf("journal_mode is %q", mode)
		}
		if _, serr := conn.ExecContext(bg, "PRAGMA synchronous = NORMAL"); err == nil {
			err = serr
		}
		return err
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode); err != nil || mode != "delete" {
		db.debug("bulk: WAL kept (the file is open elsewhere)", "mode", mode, "err", err)
		return nil
	}
	// EXTRA: in rollback mode, FULL does not sync the directory after
	// the journal is deleted, so a power loss right after the commit
	// could bring the journal back and roll the load back
	// (https://sqlite.org/pragma.html#pragma_synchronous).
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = EXTRA"); err != nil {
		db.debug("bulk: WAL kept (synchronous)", "err", err)
		if err := restore(); err != nil && db.Log != nil {
			db.Log.Error("bulk: switching back to WAL failed", "err", err)
		}
		return nil
	}
	db.debug("bulk: rollback journal (fresh store, file to itself)")
	return restore
}
