package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/pursuit-gov/pursuit/analytics"
)

// runSQL runs one SQL statement with DuckDB over the current snapshot of
// every Delta table of the lake (each table is a view of its name).
func runSQL(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "sql", `"SELECT …" (or - to read it from stdin)`,
		"Run SQL with an embedded DuckDB over the lake's Delta tables: places, contacts, tech_stack, customers, customer_place_relation, customer_contact_relation, customer_mapping.")
	where := fs.String("lake", envOr(e, "PURSUIT_LAKE", "./data/lake"), "lake directory (env PURSUIT_LAKE)")
	format := fs.String("format", "table", "output format: table, csv or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "-" {
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return fmt.Errorf("sql: read stdin: %w", err)
		}
		q = strings.TrimSpace(string(b))
	}
	if q == "" {
		return fmt.Errorf("sql: no query given (pass it as an argument, or - for stdin)")
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	d, err := analytics.Open(ctx, *where)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := d.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("sql: %w", err)
	}
	return analytics.Write(e.stdout, res, *format)
}

func checkFormat(f string) error {
	for _, v := range analytics.Formats {
		if f == v {
			return nil
		}
	}
	return fmt.Errorf("--format %q: must be one of %s", f, strings.Join(analytics.Formats, ", "))
}
