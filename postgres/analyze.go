package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// analyzeRows is how many rows a Bulk writes before it refreshes the
// planner statistics of the tables it wrote.
const analyzeRows = 10_000

// analyze runs ANALYZE on the tables this Bulk wrote, inside its
// transaction, when it loaded an empty table or wrote at least
// analyzeRows rows. Autovacuum never analyses a partitioned table as a
// whole, and reaches a freshly loaded partition only after a while: until
// then the planner guesses, and a generate or import followed at once by
// queries (a benchmark, a server) gets bad plans. ANALYZE of a
// partitioned table samples it as a whole and then each partition. Inside
// the transaction it sees the loaded rows, its statistics commit with
// them, and a failure rolls the load back like any other.
func (w *bulkWriter) analyze(ctx context.Context) error {
	if len(w.dropped) == 0 && len(w.later) == 0 && w.rows < analyzeRows {
		return nil
	}
	tables := make([]string, 0, len(w.seen))
	for t := range w.seen {
		if slices.ContainsFunc(w.later, func(p pendingIndex) bool { return p.table == t }) {
			continue // analysed once its indexes are built
		}
		tables = append(tables, pgx.Identifier{t}.Sanitize())
	}
	if len(tables) == 0 {
		return nil
	}
	slices.Sort(tables)
	if _, err := w.tx.Exec(ctx, "ANALYZE "+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("analyze %s: %w", strings.Join(tables, ", "), dbErr(err))
	}
	return nil
}
