package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pursuit-gov/pursuit"
)

// afterCommit reports whether Bulk builds the indexes it dropped on table
// after its commit, in parallel, rather than inside its transaction:
// contacts, whose indexes are most of a load's index builds (the GIN
// alone 25 s at the seed's scale).
func afterCommit(table string) bool { return table == pursuit.TableContacts }

// pendingLanes is how many indexes buildPendingIndexes builds at once.
const pendingLanes = 2

// pendingIndex is a row of bulk_pending_indexes.
type pendingIndex struct {
	name, table, def string
}

// recordPending notes, in the Bulk's transaction, the indexes it leaves
// for buildPendingIndexes: they commit with the data, so an interrupted
// build is finished later (see buildPendingIndexes).
func (w *bulkWriter) recordPending(ctx context.Context) error {
	for _, p := range w.later {
		if _, err := w.tx.Exec(ctx, `INSERT INTO bulk_pending_indexes (name, table_name, def) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET table_name = excluded.table_name, def = excluded.def`, p.name, p.table, p.def); err != nil {
			return fmt.Errorf("record the indexes to build after the commit: %w", dbErr(err))
		}
	}
	return nil
}

// buildPendingIndexes builds the indexes bulk_pending_indexes names,
// pendingLanes at a time, each on a connection of its own in a
// transaction that also deletes its row, largest (GIN) first; then
// analyzes their tables (ANALYZE conflicts with CREATE INDEX, and it
// gathers the statistics of the indexes' expressions). A row another
// session is building is skipped. It returns at once when no row is left,
// which is the common case: Bulk and Migrate call it.
//
// Until an index is built, queries that would use it are slower, never
// wrong; writes to its table wait for the build (CREATE INDEX holds a
// SHARE lock), as they waited for the load.
func (db *DB) buildPendingIndexes(ctx context.Context) error {
	rows, err := db.pool.Query(ctx, `SELECT name, table_name, def FROM bulk_pending_indexes ORDER BY name`)
	if err != nil {
		if isUndefinedTable(err) {
			return nil // a schema before migration 11
		}
		return dbErr(err)
	}
	jobs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pendingIndex, error) {
		var p pendingIndex
		err := r.Scan(&p.name, &p.table, &p.def)
		return p, err
	})
	if err != nil {
		return dbErr(err)
	}
	if len(jobs) == 0 {
		return nil
	}
	// GIN builds first: the longest, so the other lane takes the rest.
	gin := func(p pendingIndex) int {
		if strings.Contains(p.def, " USING gin ") {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(jobs, func(a, b pendingIndex) int { return gin(a) - gin(b) })
	start := time.Now()
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	take := func() (pendingIndex, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next == len(jobs) || first != nil {
			return pendingIndex{}, false
		}
		next++
		return jobs[next-1], true
	}
	for range min(pendingLanes, len(jobs)) {
		wg.Go(func() {
			for {
				p, ok := take()
				if !ok {
					return
				}
				t0 := time.Now()
				if err := db.buildPending(ctx, p); err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("build index %s of %s: %w", p.name, p.table, err)
					}
					mu.Unlock()
					return
				}
				db.debug("bulk: build index after commit", "index", p.def, "took", time.Since(t0).Round(time.Millisecond))
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	tables := map[string]bool{}
	for _, p := range jobs {
		tables[p.table] = true
	}
	t0 := time.Now()
	for _, t := range slices.Sorted(maps.Keys(tables)) {
		if _, err := db.pool.Exec(ctx, `ANALYZE `+pgx.Identifier{t}.Sanitize()); err != nil {
			return fmt.Errorf("analyze %s: %w", t, dbErr(err))
		}
	}
	db.debug("bulk: analyze after commit", "tables", len(tables), "took", time.Since(t0).Round(time.Millisecond))
	db.debug("bulk: indexes after commit", "indexes", len(jobs), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// buildPending builds one pending index and deletes its row, in one
// transaction; a row gone or locked by another session is left to it.
func (db *DB) buildPending(ctx context.Context, p pendingIndex) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `SELECT name FROM bulk_pending_indexes WHERE name = $1 FOR UPDATE SKIP LOCKED`, p.name).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return dbErr(err)
		}
		// The lanes are the parallelism: a b-tree build's parallel
		// workers would take the cores from the GIN build beside it
		// (measured: the GIN took 30.8 s instead of 25).
		if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL max_parallel_maintenance_workers = 0`); err != nil {
			return dbErr(err)
		}
		// ON ONLY would create the partitioned parent alone, invalid.
		def, ok := strings.CutPrefix(strings.Replace(p.def, " ON ONLY ", " ON ", 1), "CREATE INDEX ")
		if !ok {
			return fmt.Errorf("not a CREATE INDEX statement: %q", p.def)
		}
		if _, err := tx.Exec(ctx, "CREATE INDEX IF NOT EXISTS "+def); err != nil {
			return dbErr(err)
		}
		_, err = tx.Exec(ctx, `DELETE FROM bulk_pending_indexes WHERE name = $1`, p.name)
		return dbErr(err)
	})
}

// isUndefinedTable reports whether err is PostgreSQL's undefined_table.
func isUndefinedTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42P01"
}
