package lake

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/parquet-go/parquet-go"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// SkipReport says how much of a table point look-ups on one integer column
// can skip using only the log's per-file min/max (what Spark, Databricks
// and delta-rs use) and the parquet footers' per-row-group min/max (what
// every parquet reader uses inside the files it does open).
type SkipReport struct {
	Table, Column string
	Lookups       int
	Files         int
	RowGroups     int
	// FilesRead and RowGroupsRead are averages per look-up.
	FilesRead, RowGroupsRead float64
}

// FilesSkipped is the fraction of files a look-up skips on average.
func (r SkipReport) FilesSkipped() float64 {
	if r.Files == 0 {
		return 0
	}
	return 1 - r.FilesRead/float64(r.Files)
}

// RowGroupsSkipped is the fraction of row groups a look-up skips on
// average: those of skipped files and those whose own min/max exclude the
// value.
func (r SkipReport) RowGroupsSkipped() float64 {
	if r.RowGroups == 0 {
		return 0
	}
	return 1 - r.RowGroupsRead/float64(r.RowGroups)
}

func (r SkipReport) String() string {
	return fmt.Sprintf("%s.%s = X over %d look-ups: files skipped %.1f%% (%.1f of %d read), row groups skipped %.2f%% (%.1f of %d read)",
		r.Table, r.Column, r.Lookups, 100*r.FilesSkipped(), r.FilesRead, r.Files, 100*r.RowGroupsSkipped(), r.RowGroupsRead, r.RowGroups)
}

type span struct{ lo, hi int64 }

func (s span) has(v int64) bool { return s.lo <= v && v <= s.hi }

// Skipping measures data skipping for column = v for every v in values.
func Skipping(ctx context.Context, loc *Location, table, column string, values []int64) (SkipReport, error) {
	rep := SkipReport{Table: table, Column: column, Lookups: len(values)}
	st := loc.Table(table)
	snap, err := (&delta.Table{Storage: st}).Snapshot(ctx)
	if err != nil {
		return rep, err
	}
	type file struct {
		span
		groups []span
	}
	var files []file
	for _, a := range snap.Files() {
		stats, ok, err := a.ParsedStats()
		if err != nil {
			return rep, err
		}
		f := file{span: span{-1 << 63, 1<<63 - 1}}
		if ok {
			lo, ok1 := stats.MinValues[column].(float64)
			hi, ok2 := stats.MaxValues[column].(float64)
			if ok1 && ok2 {
				f.span = span{int64(lo), int64(hi)}
			}
		}
		name, err := delta.DecodePath(a.Path)
		if err != nil {
			return rep, err
		}
		r, size, err := st.Open(ctx, name)
		if err != nil {
			return rep, err
		}
		pf, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
		if err != nil {
			r.Close()
			return rep, fmt.Errorf("open %s: %w", name, err)
		}
		for _, rg := range pf.Metadata().RowGroups {
			g := span{-1 << 63, 1<<63 - 1}
			for _, cc := range rg.Columns {
				s := cc.MetaData.Statistics
				if len(cc.MetaData.PathInSchema) == 1 && cc.MetaData.PathInSchema[0] == column && len(s.MinValue) == 8 && len(s.MaxValue) == 8 {
					g = span{int64(binary.LittleEndian.Uint64(s.MinValue)), int64(binary.LittleEndian.Uint64(s.MaxValue))}
				}
			}
			f.groups = append(f.groups, g)
		}
		r.Close()
		files = append(files, f)
		rep.RowGroups += len(f.groups)
	}
	rep.Files = len(files)
	var filesRead, groupsRead int
	for _, v := range values {
		for _, f := range files {
			if !f.has(v) {
				continue
			}
			filesRead++
			for _, g := range f.groups {
				if g.has(v) {
					groupsRead++
				}
			}
		}
	}
	if len(values) > 0 {
		rep.FilesRead = float64(filesRead) / float64(len(values))
		rep.RowGroupsRead = float64(groupsRead) / float64(len(values))
	}
	return rep, nil
}

// ColumnRange returns the smallest and largest value of an integer column
// over the table's active files, from the log's stats.
func ColumnRange(ctx context.Context, loc *Location, table, column string) (lo, hi int64, err error) {
	snap, err := (&delta.Table{Storage: loc.Table(table)}).Snapshot(ctx)
	if err != nil {
		return 0, 0, err
	}
	lo, hi = 1<<63-1, -1<<63
	for _, f := range snap.Files() {
		st, ok, err := f.ParsedStats()
		if err != nil {
			return 0, 0, err
		}
		a, ok1 := st.MinValues[column].(float64)
		b, ok2 := st.MaxValues[column].(float64)
		if !ok || !ok1 || !ok2 {
			continue
		}
		lo, hi = min(lo, int64(a)), max(hi, int64(b))
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("%s.%s: no stats", table, column)
	}
	return lo, hi, nil
}
