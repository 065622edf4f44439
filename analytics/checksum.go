package analytics

import (
	"context"
	"fmt"
	"strings"

	"github.com/pursuit-gov/pursuit/lake"
)

// Checksum computes lake.Checksum of a registered table with DuckDB over
// its active files, the independent side of the comparison with
// lake.StoreChecksums.
func (d *DB) Checksum(ctx context.Context, table string) (lake.Checksum, error) {
	var t *Table
	for i := range d.Tables {
		if d.Tables[i].Name == table {
			t = &d.Tables[i]
		}
	}
	if t == nil {
		return lake.Checksum{}, fmt.Errorf("checksum: no table %q in the lake", table)
	}
	r, err := d.Query(ctx, fmt.Sprintf("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", literal(table)))
	if err != nil {
		return lake.Checksum{}, err
	}
	longs, texts, times := []string{"0"}, []string{"0"}, []string{"0"}
	for _, row := range r.Rows {
		col, typ := ident(fmt.Sprint(row[0])), fmt.Sprint(row[1])
		switch {
		case typ == "BIGINT":
			longs = append(longs, fmt.Sprintf("coalesce(sum(%s), 0)", col))
		case typ == "VARCHAR":
			texts = append(texts, fmt.Sprintf("coalesce(sum(strlen(%s)), 0)", col))
		case strings.HasPrefix(typ, "TIMESTAMP"):
			times = append(times, fmt.Sprintf("coalesce(sum(epoch_us(%s) // 1000000), 0)", col))
		}
	}
	q := fmt.Sprintf("SELECT count(*), (%s)::BIGINT, (%s)::BIGINT, (%s)::BIGINT FROM %s",
		strings.Join(longs, " + "), strings.Join(texts, " + "), strings.Join(times, " + "), ident(table))
	var c lake.Checksum
	err = d.db.QueryRowContext(ctx, q).Scan(&c.Rows, &c.Longs, &c.TextBytes, &c.TimeSeconds)
	return c, err
}
