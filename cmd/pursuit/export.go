package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit/transfer"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export", "",
		"Write every table of a store as <table>.csv or <table>.jsonl files, in primary-key order.\n"+
			"pursuit import reads them back: import(export(x)) gives x again, field for field.")
	db := dbFlag(fs, e)
	out := fs.String("out", "", "output `DIR` (created if needed; existing table files are replaced)")
	format := fs.String("format", transfer.FormatCSV, "file format: csv or jsonl")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("export: --out DIR is required")
	}
	if *format != transfer.FormatCSV && *format != transfer.FormatJSONL {
		return fmt.Errorf("export: --format must be csv or jsonl, not %q", *format)
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	stats, err := transfer.Export(ctx, s, *out, *format)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\trows\tseconds\tfile\t")
	var total int64
	for _, t := range stats {
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t\n", t.Table, t.Rows, t.Elapsed.Seconds(), t.Files[0])
		total += t.Rows
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d rows exported to %s in %s\n", total, *out, round(time.Since(start)))
	return nil
}
