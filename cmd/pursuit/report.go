package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/pursuit-gov/pursuit/analytics"
)

// runReport runs one of the ready analytical reports over the lake.
func runReport(ctx context.Context, e *env, args []string) error {
	names := analytics.ReportNames()
	summary := "Ready analytical reports over the lake's Delta tables, run by DuckDB:\n"
	for _, n := range names {
		summary += fmt.Sprintf("  %-21s %s\n", n, analytics.Reports[n])
	}
	fs := newFlagSet(e, "report", strings.Join(names, "|"), strings.TrimRight(summary, "\n"))
	where := fs.String("lake", envOr(e, "PURSUIT_LAKE", "./data/lake"), "lake directory (env PURSUIT_LAKE)")
	by := fs.String("by", "state", "group by: "+strings.Join(analytics.GroupBys, ", "))
	format := fs.String("format", "table", "output format: table, csv or json")
	// Accept the report name before or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" {
		fs.Usage()
		return fmt.Errorf("report: name a report (%s)", strings.Join(names, ", "))
	}
	if _, ok := analytics.Reports[name]; !ok {
		return fmt.Errorf("report %q: must be one of %s", name, strings.Join(names, ", "))
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	d, err := analytics.Open(ctx, *where)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := d.Report(ctx, name, *by)
	if err != nil {
		return err
	}
	return analytics.Write(e.stdout, res, *format)
}
