package analytics

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit/lake"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

// CheckResult is what Check found for one table.
type CheckResult struct {
	Table string
	Files int
	// Rows is the row count DuckDB read from the active files.
	Rows int64
	// Problems lists every disagreement between the log and the files.
	Problems []string
}

// Check verifies each table's log against its data files, with DuckDB as
// the independent reader: every active file must be readable, its row
// count must equal the add action's stats.numRecords, and every column's
// minValues, maxValues and nullCount must equal DuckDB's min, max and null
// count over the file (timestamps compared at the millisecond precision
// Delta stats keep).
func (d *DB) Check(ctx context.Context) ([]CheckResult, error) {
	var out []CheckResult
	for _, t := range d.Tables {
		r, err := d.checkTable(ctx, t)
		if err != nil {
			return out, fmt.Errorf("check %s: %w", t.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (d *DB) checkTable(ctx context.Context, t Table) (CheckResult, error) {
	res := CheckResult{Table: t.Name}
	snap, err := (&delta.Table{Storage: &delta.Dir{Root: t.Dir}}).Snapshot(ctx)
	if err != nil {
		return res, err
	}
	schema, err := snap.Metadata.Schema()
	if err != nil {
		return res, err
	}
	types := map[string]string{}
	for _, f := range schema.Fields {
		types[f.Name] = f.TypeName()
	}
	for i, f := range snap.Files() {
		res.Files++
		st, ok, err := f.ParsedStats()
		if err != nil {
			res.Problems = append(res.Problems, err.Error())
			continue
		}
		path := t.Files[i]
		var cols []string
		if ok {
			for c := range st.MinValues {
				cols = append(cols, c)
			}
		}
		exprs := []string{"count(*)"}
		for _, c := range cols {
			exprs = append(exprs, fmt.Sprintf("min(%s)", ident(c)), fmt.Sprintf("max(%s)", ident(c)), fmt.Sprintf("count(*) - count(%s)", ident(c)))
		}
		q := fmt.Sprintf("SELECT %s FROM read_parquet(%s)", strings.Join(exprs, ", "), literal(path))
		r, err := d.Query(ctx, q)
		if err != nil {
			res.Problems = append(res.Problems, fmt.Sprintf("%s: %v", f.Path, err))
			continue
		}
		row := r.Rows[0]
		n, _ := row[0].(int64)
		res.Rows += n
		if !ok {
			continue
		}
		if n != st.NumRecords {
			res.Problems = append(res.Problems, fmt.Sprintf("%s: numRecords %d, file has %d rows", f.Path, st.NumRecords, n))
		}
		for j, c := range cols {
			lo, hi, nulls := row[1+3*j], row[2+3*j], row[3+3*j]
			if !statEqual(types[c], st.MinValues[c], lo) {
				res.Problems = append(res.Problems, fmt.Sprintf("%s: %s minValues %v, file min %v", f.Path, c, st.MinValues[c], lo))
			}
			if !statEqual(types[c], st.MaxValues[c], hi) {
				res.Problems = append(res.Problems, fmt.Sprintf("%s: %s maxValues %v, file max %v", f.Path, c, st.MaxValues[c], hi))
			}
			if want, ok := st.NullCount[c]; ok && fmt.Sprint(want) != fmt.Sprint(nulls) {
				res.Problems = append(res.Problems, fmt.Sprintf("%s: %s nullCount %d, file has %v nulls", f.Path, c, want, nulls))
			}
		}
	}
	return res, nil
}

// statEqual compares a stats JSON value with the value DuckDB computed.
func statEqual(typ string, stat, got any) bool {
	switch g := got.(type) {
	case time.Time:
		s, ok := stat.(string)
		if !ok {
			return false
		}
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return false
		}
		return want.Equal(g.Truncate(time.Millisecond))
	case int64, int32, int16, int8:
		f, ok := stat.(float64)
		return ok && f == float64(toInt(g))
	case float64:
		f, ok := stat.(float64)
		return ok && (f == g || math.Abs(f-g) <= 1e-6*math.Abs(g))
	case float32:
		f, ok := stat.(float64)
		return ok && float32(f) == g
	case string:
		return stat == g
	}
	return fmt.Sprint(stat) == fmt.Sprint(got)
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	}
	return 0
}

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
