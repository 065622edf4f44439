package analytics

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"
)

// Result is the outcome of a query: column names and rows of Go values
// (int64, float64, string, bool, time.Time, nil, …).
type Result struct {
	Columns []string
	Rows    [][]any
}

// Query runs one SQL statement and collects its rows.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*Result, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

// Formats lists the output formats of Write.
var Formats = []string{"table", "csv", "json"}

// Write prints res as format: "table" (aligned columns), "csv" (header
// then rows) or "json" (an array of objects).
func Write(w io.Writer, res *Result, format string) error {
	switch format {
	case "", "table":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(res.Columns, "\t"))
		seps := make([]string, len(res.Columns))
		for i, c := range res.Columns {
			seps[i] = strings.Repeat("-", len(c))
		}
		fmt.Fprintln(tw, strings.Join(seps, "\t"))
		for _, r := range res.Rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(Text(v))
			}
			fmt.Fprintln(tw, strings.Join(cells, "\t"))
		}
		fmt.Fprintf(tw, "(%d rows)\n", len(res.Rows))
		return tw.Flush()
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(res.Columns)
		for _, r := range res.Rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = Text(v)
			}
			cw.Write(cells)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		out := make([]map[string]any, 0, len(res.Rows))
		for _, r := range res.Rows {
			m := make(map[string]any, len(r))
			for i, v := range r {
				m[res.Columns[i]] = jsonValue(v)
			}
			out = append(out, m)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return fmt.Errorf("format %q: must be one of %s", format, strings.Join(Formats, ", "))
}

// Text renders one value for table and CSV output: times in RFC 3339 UTC
// with microseconds, NULL as the empty string.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
	case []byte:
		return string(x)
	case float64:
		return fmt.Sprintf("%.6g", x)
	case *big.Int:
		return x.String()
	}
	return fmt.Sprint(v)
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
	case []byte:
		return string(x)
	case *big.Int:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	return v
}
