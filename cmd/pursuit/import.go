package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/pursuit-gov/pursuit/transfer"
)

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "import", "DIR|FILE…",
		"Load CSV or JSONL table files (<table>.csv or <table>.jsonl) into a store, migrating it first.\n"+
			"Every rejected row is reported with file, line, column and reason. Strict (the default):\n"+
			"nothing is applied when any row is rejected. Everything is applied in one transaction,\n"+
			"so an interrupted import applies nothing and running it again completes it.")
	db := dbFlag(fs, e)
	strict := fs.Bool("strict", false, "apply nothing when any row is rejected (the default)")
	skip := fs.Bool("skip-invalid", false, "apply the valid rows and write the rejected ones to --rejects")
	rejects := fs.String("rejects", "", "write every rejected row with its file, line, column and reason to `FILE` (.jsonl, or .csv);\ndefault ./rejects.jsonl with --skip-invalid")
	batch := fs.Int("batch", transfer.DefaultBatchSize, "rows per store write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *strict && *skip {
		return errors.New("import: --strict and --skip-invalid exclude each other")
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("import: give at least one directory or table file")
	}
	if *skip && *rejects == "" {
		*rejects = "rejects.jsonl"
	}
	s, err := openMigrated(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()

	// The rejects file is created at the first reject, so a clean import
	// leaves none behind.
	var rf *transfer.RejectsFile
	defer func() {
		if rf != nil {
			rf.Close()
		}
	}()
	display := newImportProgress(e)
	defer display.Finish()
	opts := transfer.Options{
		SkipInvalid: *skip,
		BatchSize:   *batch,
		Progress:    display.Show,
	}
	if *rejects != "" {
		opts.OnReject = func(r transfer.Reject) error {
			if rf == nil {
				var err error
				if rf, err = transfer.CreateRejectsFile(*rejects); err != nil {
					return err
				}
			}
			return rf.Write(r)
		}
	}
	e.log.Info("import", "store", s.Kind(), "paths", fs.Args(), "skip_invalid", *skip)
	res, err := transfer.Import(ctx, s, fs.Args(), opts)
	display.Finish()
	if rf != nil {
		if cerr := rf.Close(); cerr != nil && err == nil {
			err = cerr
		}
		rf = nil
	}
	if res != nil {
		printImportSummary(e.stdout, res, err == nil)
		if len(res.Problems) > 0 {
			w := e.stdout
			if err != nil {
				w = e.stderr
			}
			fmt.Fprintln(w, "rejected rows:")
			for _, p := range res.Problems {
				fmt.Fprintln(w, "  "+p.String())
			}
			if more := res.Rejected - int64(len(res.Problems)); more > 0 {
				fmt.Fprintf(w, "  … and %d more\n", more)
			}
			if *rejects != "" {
				fmt.Fprintf(w, "all %d rejected rows are in %s\n", res.Rejected, *rejects)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// printImportSummary prints rows per table, rejects and times.
func printImportSummary(w io.Writer, res *transfer.Result, applied bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\trows\trejected\tseconds\trows/s\t")
	for _, t := range res.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%s\t\n", t.Table, t.Rows, t.Rejected, t.Elapsed.Seconds(), rate(t.Rows, t.Elapsed))
	}
	tw.Flush()
	times := fmt.Sprintf("in %s (read, check and load %s, commit %s)",
		round(res.Elapsed), round(res.Loaded-res.Committed), round(res.Committed))
	if !applied {
		fmt.Fprintf(w, "nothing applied, %d rows rejected, %s\n", res.Rejected, times)
		return
	}
	fmt.Fprintf(w, "%d rows applied, %d rejected, %s\n", res.Rows(), res.Rejected, times)
}

func rate(n int64, d time.Duration) string {
	if d <= 0 || n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(n)/d.Seconds())
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }

// newImportProgress returns a progress display: a bar when stderr is a terminal,
// log lines every 5 seconds otherwise.
func newImportProgress(e *env) *transfer.ProgressDisplay {
	tty := false
	if f, ok := e.stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return transfer.NewProgressDisplay(e.stderr, tty, e.log, 5*time.Second)
}
