package deltagolden

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit/analytics"
)

// openGolden opens one of the Spark-written tables with DuckDB.
func openGolden(t *testing.T, name string) *analytics.DB {
	t.Helper()
	d, err := analytics.Open(context.Background(), filepath.Join(golden, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func queryOne(t *testing.T, d *analytics.DB, q string) []any {
	t.Helper()
	r, err := d.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if len(r.Rows) != 1 {
		t.Fatalf("%s: %d rows, want 1", q, len(r.Rows))
	}
	return r.Rows[0]
}

// TestGoldenViews reads the Spark-written tables through the log replay:
// the expected rows were worked out from the commits by hand (which rows
// each WRITE, UPDATE and DELETE left), not from our reader.
func TestGoldenViews(t *testing.T) {
	tests := []struct {
		table string
		query string
		want  []any
	}{
		// Ten appends of 10 ids, deletes of 5..9, 15..19, 25..29, 35..39,
		// 45..49 and 66..79, a checkpoint at 10.
		{"basic-with-inserts-deletes-checkpoint", `SELECT count(*), sum(id)::BIGINT, min(id), max(id) FROM "basic-with-inserts-deletes-checkpoint"`,
			[]any{int64(41), int64(1470), int64(0), int64(65)}},
		// 100 rows, then UPDATE … SET str='N/A' WHERE id < 50.
		{"basic-with-inserts-updates", `SELECT count(*), count(*) FILTER (WHERE str = 'N/A'), min(id) FILTER (WHERE str <> 'N/A') FROM "basic-with-inserts-updates"`,
			[]any{int64(100), int64(50), int32(50)}},
		// Four one-row appends; seven parquet files lie in the folder.
		{"data-skipping-partition-and-data-column", `SELECT count(*), sum(part)::BIGINT, sum(id)::BIGINT FROM "data-skipping-partition-and-data-column"`,
			[]any{int64(4), int64(2), int64(2)}},
		// Partition values from the log, including nulls.
		{"data-reader-partition-values", `SELECT count(*), count(as_int), sum(as_long)::BIGINT, count(*) FILTER (WHERE as_string_lit_null = 'null'), min(as_date)::VARCHAR, min(as_boolean::INT) FROM "data-reader-partition-values"`,
			[]any{int64(3), int64(2), int64(1), int64(2), "2021-09-08", int32(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			d := openGolden(t, tt.table)
			got := queryOne(t, d, tt.query)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

// TestGoldenStatsCheck runs Check on the Spark tables with stats: Spark's
// own stats must agree with DuckDB's reading of the files.
func TestGoldenStatsCheck(t *testing.T) {
	for _, name := range []string{"basic-with-inserts-deletes-checkpoint", "basic-with-inserts-updates", "data-skipping-partition-and-data-column"} {
		t.Run(name, func(t *testing.T) {
			d := openGolden(t, name)
			res, err := d.Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if len(r.Problems) > 0 {
					t.Errorf("%s: %v", r.Table, r.Problems)
				}
			}
		})
	}
}
