package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/analytics"
	"github.com/pursuit-gov/pursuit/lake"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

// lakeCommands lists the subcommands of pursuit lake.
var lakeCommands = []command{
	{"export", "write every table of the store as Delta tables (a new version of each)", lakeExport},
	{"sync", "apply the store's change_log since the last export or sync", lakeSync},
	{"optimize", "compact small files of a table, optionally re-clustering by Z-order", lakeOptimize},
	{"vacuum", "delete data files no longer referenced and older than the retention", lakeVacuum},
	{"check", "verify the log against the files with DuckDB (and against the store with --db)", lakeCheck},
	{"skipping", "measure how many files and row groups a point look-up skips", lakeSkipping},
	{"history", "list a table's commits: version, time, operation, metrics", lakeHistory},
}

func runLake(ctx context.Context, e *env, args []string) error {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: pursuit lake <command> [flags]\n\nCommands:")
		for _, c := range lakeCommands {
			fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
		}
		fmt.Fprintln(w, "\nRun 'pursuit lake <command> --help' for a command's flags.")
	}
	if len(args) == 0 {
		usage(e.stderr)
		return usageErrorf("lake: no command given")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout)
		return nil
	}
	for _, c := range lakeCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	return usageErrorf("lake: unknown command %q (one of export, sync, optimize, vacuum, check, skipping, history)", args[0])
}

// lakeFlag adds --lake (alias --to): the lake's directory or object store
// URL.
func lakeFlag(fs *flag.FlagSet, e *env) *string {
	v := fs.String("lake", envOr(e, "PURSUIT_LAKE", "./data/lake"), "lake location: a directory or s3://bucket/prefix (env PURSUIT_LAKE)")
	fs.Var(aliasFlag{fs.Lookup("lake")}, "to", "same as --lake")
	return v
}

// aliasFlag makes a second flag name set the same value.
type aliasFlag struct{ f *flag.Flag }

func (a aliasFlag) String() string {
	if a.f == nil {
		return ""
	}
	return a.f.Value.String()
}
func (a aliasFlag) Set(s string) error { return a.f.Value.Set(s) }

func layoutFlags(fs *flag.FlagSet) *lake.Options {
	o := &lake.Options{}
	fs.IntVar(&o.FileRows, "file-rows", lake.DefaultFileRows, "maximum rows per data file")
	fs.IntVar(&o.RowGroupRows, "row-group-rows", lake.DefaultRowGroupRows, "maximum rows per parquet row group")
	return o
}

func parse(fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > maxArgs {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(maxArgs))
	}
	return nil
}

func lakeExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lake export", "", "Write every table of the store as a Delta table under the lake location (one folder per table).")
	db := dbFlag(fs, e)
	where := lakeFlag(fs, e)
	o := layoutFlags(fs)
	pii := fs.Bool("include-pii", false, "write contact emails and phones unmasked")
	customer := fs.Int64("customer", 0, "export only what this customer_id was granted, with its access types applied")
	spillDir := fs.String("spill-dir", "", "`DIR` for the rows of places and contacts between the scan and the writing of each state partition\n(about the store's size of contacts; default the system's temporary directory)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *customer < 0 {
		return fmt.Errorf("lake export: --customer must be a positive customer_id, not %d", *customer)
	}
	lakeGC(e)
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	loc, err := lake.OpenLocation(ctx, *where)
	if err != nil {
		return err
	}
	defer loc.Close()
	start := time.Now()
	res, err := lake.Export(ctx, s, loc, lake.ExportOptions{Options: *o, IncludePII: *pii, CustomerID: *customer, SpillDir: *spillDir, Log: e.log})
	if err != nil {
		return err
	}
	printTableResults(e, res)
	fmt.Fprintf(e.stdout, "exported %d tables to %s in %s\n", len(res), *where, time.Since(start).Round(time.Millisecond))
	return nil
}

// lakeGC lets the heap grow to three times the live data before a
// collection (unless GOGC is set): an export holds every row in memory
// and the default spends a fifth of its CPU in the collector.
func lakeGC(e *env) {
	if e.getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

func printTableResults(e *env, res []lake.TableResult) {
	for _, r := range res {
		fmt.Fprintf(e.stdout, "%-26s version %-4d rows %-9d files %-5d %8.1f MB  %s\n", r.Table, r.Version, r.Rows, r.Files, float64(r.Bytes)/1e6, r.Elapsed.Round(time.Millisecond))
	}
}

func lakeSync(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lake sync", "", "Apply the store's change_log since the last export or sync to the lake (exactly once: each table records the last applied seq in a txn action).")
	db := dbFlag(fs, e)
	where := lakeFlag(fs, e)
	o := layoutFlags(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	loc, err := lake.OpenLocation(ctx, *where)
	if err != nil {
		return err
	}
	defer loc.Close()
	start := time.Now()
	res, err := lake.Sync(ctx, s, loc, lake.SyncOptions{Options: *o, Log: e.log})
	if err != nil {
		return err
	}
	if res.Changes == 0 {
		fmt.Fprintf(e.stdout, "lake is current at change_log seq %d\n", res.To)
		return nil
	}
	printTableResults(e, res.Tables)
	fmt.Fprintf(e.stdout, "applied %d changes (seq %d..%d) in %s\n", res.Changes, res.From+1, res.To, time.Since(start).Round(time.Millisecond))
	return nil
}

func tablesArg(table string) ([]string, error) {
	if table == "" || table == "all" {
		return lake.Tables, nil
	}
	for _, t := range lake.Tables {
		if t == table {
			return []string{t}, nil
		}
	}
	return nil, fmt.Errorf("--table %q: must be all or one of %s", table, strings.Join(lake.Tables, ", "))
}

func lakeOptimize(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lake optimize", "", "Compact small files (bin-packing per partition, dataChange=false) and optionally re-cluster by Z-order.")
	where := lakeFlag(fs, e)
	o := layoutFlags(fs)
	table := fs.String("table", "all", "table to optimize, or all")
	zorder := fs.String("zorder-by", "", "re-cluster by the Z-order of these columns (contacts: place_id,contact_id)")
	minRows := fs.Int("min-file-rows", 0, "files with fewer rows are compacted (default half of --file-rows)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	tables, err := tablesArg(*table)
	if err != nil {
		return err
	}
	var cols []string
	if *zorder != "" {
		cols = strings.Split(strings.ReplaceAll(*zorder, " ", ""), ",")
		if *table == "all" {
			tables = []string{pursuit.TableContacts}
		}
	}
	loc, err := lake.OpenLocation(ctx, *where)
	if err != nil {
		return err
	}
	defer loc.Close()
	for _, t := range tables {
		res, err := lake.Optimize(ctx, loc, t, lake.OptimizeOptions{Options: *o, ZOrderBy: cols, MinFileRows: *minRows})
		if err != nil {
			return err
		}
		if res.Version < 0 {
			fmt.Fprintf(e.stdout, "%-26s nothing to compact\n", t)
			continue
		}
		fmt.Fprintf(e.stdout, "%-26s version %-4d %d files -> %d (%d rows, %.1f MB -> %.1f MB)\n", t, res.Version, res.FilesRemoved, res.FilesAdded, res.Rows, float64(res.BytesBefore)/1e6, float64(res.BytesAdded)/1e6)
	}
	return nil
}

func lakeVacuum(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lake vacuum", "", "Delete data and change-data files the current snapshot does not reference and that are older than --retain.")
	where := lakeFlag(fs, e)
	table := fs.String("table", "all", "table to vacuum, or all")
	retain := fs.Duration("retain", 168*time.Hour, "keep unreferenced files younger than this (readers of older versions may still need them)")
	dry := fs.Bool("dry-run", false, "only list what would be deleted")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *retain < 0 {
		return fmt.Errorf("lake vacuum: --retain must not be negative")
	}
	tables, err := tablesArg(*table)
	if err != nil {
		return err
	}
	loc, err := lake.OpenLocation(ctx, *where)
	if err != nil {
		return err
	}
	defer loc.Close()
	for _, t := range tables {
		res, err := lake.Vacuum(ctx, loc, t, *retain, *dry, time.Now())
		if err != nil {
			return err
		}
		verb := "deleted"
		if *dry {
			verb = "would delete"
			for _, f := range res.Deleted {
				fmt.Fprintf(e.stdout, "%s/%s\n", t, f)
			}
		}
		fmt.Fprintf(e.stdout, "%-26s %s %d files (%.1f MB)\n", t, verb, len(res.Deleted), float64(res.Bytes)/1e6)
	}
	return nil
}

func lakeCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lake check", "", "Read every active file with DuckDB: row counts and min/max/null counts must equal the log's stats; with --db, row counts and checksums must equal the store's.")
	where := lakeFlag(fs, e)
	db := fs.String("db", "", "also compare with this store (SQLite path or postgres:// URL)")
	pii := fs.Bool("include-pii", false, "with --db: the lake was exported with --include-pii")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	var s pursuit.Store
	if *db != "" {
		var err error
		if s, err = openExisting(ctx, e, *db); err != nil {
			return err
		}
		defer s.Close()
	}
	d, err := analytics.Open(ctx, *where)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := d.Check(ctx)
	if err != nil {
		return err
	}
	var want map[string]lake.Checksum
	if s != nil {
		if want, err = lake.StoreChecksums(ctx, s, lake.ExportOptions{IncludePII: *pii}); err != nil {
			return err
		}
	}
	problems := 0
	for _, r := range res {
		status := "ok"
		if want != nil {
			got, err := d.Checksum(ctx, r.Table)
			if err != nil {
				return err
			}
			if w, ok := want[r.Table]; ok && got != w {
				r.Problems = append(r.Problems, fmt.Sprintf("checksum: lake %v, store %v", got, w))
			} else if ok {
				status = "ok, checksum equals the store's (" + got.String() + ")"
			}
		}
		if len(r.Problems) > 0 {
			status = fmt.Sprintf("%d problems", len(r.Problems))
		}
		fmt.Fprintf(e.stdout, "%-26s %5d files %9d rows  %s\n", r.Table, r.Files, r.Rows, status)
		for _, p := range r.Problems {
			fmt.Fprintf(e.stdout, "  %s\n", p)
		}
		problems += len(r.Problems)
	}
	if problems > 0 {
		return fmt.Errorf("lake check: %d problems", problems)
	}
	return nil
}

func lakeSkipping(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lake skipping", "", "Measure data skipping of point look-ups (column = X) from the log's file stats and the parquet row-group stats.")
	where := lakeFlag(fs, e)
	table := fs.String("table", pursuit.TableContacts, "table")
	column := fs.String("column", "place_id", "integer column looked up")
	n := fs.Int("lookups", 1000, "number of look-ups (values drawn from the column's range, seeded)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	loc, err := lake.OpenLocation(ctx, *where)
	if err != nil {
		return err
	}
	defer loc.Close()
	rep, err := skipping(ctx, loc, *table, *column, *n)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, rep)
	return nil
}

// skipping samples look-up values uniformly from the column's range (read
// from the log's stats) with a fixed seed.
func skipping(ctx context.Context, loc *lake.Location, table, column string, n int) (lake.SkipReport, error) {
	lo, hi, err := lake.ColumnRange(ctx, loc, table, column)
	if err != nil {
		return lake.SkipReport{}, err
	}
	if n <= 0 || hi < lo {
		return lake.SkipReport{}, errors.New("lake skipping: nothing to look up")
	}
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]int64, n)
	for i := range vals {
		vals[i] = lo + r.Int64N(hi-lo+1)
	}
	return lake.Skipping(ctx, loc, table, column, vals)
}

func lakeHistory(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "lake history", "", "List the commits of one table, newest first (like DESCRIBE HISTORY).")
	where := lakeFlag(fs, e)
	table := fs.String("table", pursuit.TableContacts, "table")
	limit := fs.Int("limit", 20, "number of commits to list")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if _, err := tablesArg(*table); err != nil || *table == "all" {
		return fmt.Errorf("--table %q: must be one of %s", *table, strings.Join(lake.Tables, ", "))
	}
	loc, err := lake.OpenLocation(ctx, *where)
	if err != nil {
		return err
	}
	defer loc.Close()
	tbl := &delta.Table{Storage: loc.Table(*table)}
	latest, err := tbl.Latest(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", *table, err)
	}
	for v := latest; v >= 0 && v > latest-int64(*limit); v-- {
		acts, err := tbl.ReadCommit(ctx, v)
		if errors.Is(err, delta.ErrNotExist) {
			break // older commits cleaned up; the checkpoint holds their state
		}
		if err != nil {
			return err
		}
		var adds, removes, cdcs int
		var txn int64 = -1
		op, when := "", ""
		for _, a := range acts {
			switch {
			case a.CommitInfo != nil:
				op = a.CommitInfo.Operation
				when = time.UnixMilli(a.CommitInfo.Timestamp).UTC().Format(time.RFC3339)
			case a.Add != nil:
				adds++
			case a.Remove != nil:
				removes++
			case a.CDC != nil:
				cdcs++
			case a.Txn != nil:
				txn = a.Txn.Version
			}
		}
		line := fmt.Sprintf("%-5d %-20s %-9s adds %-5d removes %-5d cdc %-4d", v, when, op, adds, removes, cdcs)
		if txn >= 0 {
			line += fmt.Sprintf(" txn %d", txn)
		}
		fmt.Fprintln(e.stdout, strings.TrimRight(line, " "))
	}
	return nil
}
