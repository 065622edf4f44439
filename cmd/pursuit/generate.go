package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/transfer"
)

func runGenerate(ctx context.Context, e *env, args []string) error {
	def := gen.DefaultConfig()
	fs := newFlagSet(e, "generate", "",
		"Generate a realistic public-sector dataset (real states, counties and cities; places in Census of\n"+
			"Governments proportions; contacts, tech stacks, customers, grants and CRM mappings), the same\n"+
			"for the same --seed. Write it as table files (--out DIR --format csv|jsonl) or into a store\n"+
			"(--db, in one transaction, migrating it first). See docs/dataset.md.")
	seed := fs.Int64("seed", def.Seed, "random seed: the same seed and sizes give identical rows")
	places := fs.Int("places", def.Places, "number of places")
	contacts := fs.Int("contacts", def.Contacts, "number of contacts (0, or at least --places)")
	customers := fs.Int("customers", def.Customers, "number of customers")
	small := fs.Bool("small", false, fmt.Sprintf("use the small sizes (%d places, %d contacts, %d customers) unless given explicitly",
		gen.SmallConfig().Places, gen.SmallConfig().Contacts, gen.SmallConfig().Customers))
	batch := fs.Int("batch", 10_000, fmt.Sprintf("rows per write (1 to %d)", gen.MaxBatchSize))
	out := fs.String("out", "", "write <table>.csv or <table>.jsonl files into `DIR` (created if missing)")
	format := fs.String("format", "csv", "file format with --out: csv or jsonl")
	db := dbFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("generate: unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cfg := gen.Config{Seed: *seed, Places: *places, Contacts: *contacts, Customers: *customers, BatchSize: *batch}
	if *small {
		sc := gen.SmallConfig()
		if !set["places"] {
			cfg.Places = sc.Places
		}
		if !set["contacts"] {
			cfg.Contacts = sc.Contacts
		}
		if !set["customers"] {
			cfg.Customers = sc.Customers
		}
	}
	if *batch < 1 || *batch > gen.MaxBatchSize {
		return fmt.Errorf("generate: --batch must be between 1 and %d, not %d", gen.MaxBatchSize, *batch)
	}
	if err := cfg.Validate(); err != nil {
		// The fields of a Config's errors are the flags' names.
		return fmt.Errorf("generate: --%s: %w", pursuit.ErrorField(err), err)
	}
	switch {
	case *out != "" && set["db"]:
		return errors.New("generate: give either --out or --db, not both")
	case *out == "" && !set["db"] && e.getenv("PURSUIT_DB") == "":
		fs.Usage()
		return errors.New("generate: give --out DIR (files) or --db DSN (a store)")
	case *out == "" && set["format"]:
		return errors.New("generate: --format goes with --out")
	}

	prog := newGenProgress(e, cfg)
	start := time.Now()
	var err error
	if *out != "" {
		e.log.Info("generate", "config", cfg.String(), "out", *out, "format", *format)
		err = generateFiles(ctx, cfg, *out, *format, prog.report)
	} else {
		e.log.Info("generate", "config", cfg.String(), "db", redactDSN(*db))
		err = generateStore(ctx, e, cfg, *db, prog.report)
	}
	prog.finish()
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	prog.summary(e.stdout, time.Since(start))
	return nil
}

// generateFiles writes the dataset as table files into dir. The files
// appear only when all of them were written (transfer.DirWriter renames
// them into place); a failed run removes its temporary files, and dir too
// when it created it and it is empty.
func generateFiles(ctx context.Context, cfg gen.Config, dir, format string, progress func(string, int64)) (err error) {
	if format != "csv" && format != "jsonl" {
		return fmt.Errorf("--format must be csv or jsonl, not %q", format)
	}
	if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
		defer func() {
			if err != nil {
				os.Remove(dir) // only if empty
			}
		}()
	}
	w, err := transfer.NewDirWriter(dir, format)
	if err != nil {
		return err
	}
	defer w.Abort() // a no-op after Close; also runs when Generate panics
	if err := gen.Generate(ctx, cfg, w, progress); err != nil {
		return err
	}
	return w.Close()
}

// generateStore writes the dataset into a store in one Bulk transaction,
// so a failed run writes no row. A failed run into a SQLite file that did
// not exist before removes the file it created.
func generateStore(ctx context.Context, e *env, cfg gen.Config, dsn string, progress func(string, int64)) (err error) {
	if !isPostgres(dsn) {
		if _, serr := os.Stat(dsn); errors.Is(serr, fs.ErrNotExist) {
			// Registered before the store's Close, so it runs after it.
			defer func() {
				if err != nil {
					for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
						os.Remove(dsn + suffix)
					}
				}
			}()
		}
	}
	s, err := openMigrated(ctx, e, dsn) // creates a SQLite file's directory too
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return gen.Generate(ctx, cfg, w, progress)
	})
}

// redactDSN hides a password in a postgres:// URL for the log.
func redactDSN(dsn string) string {
	if !isPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// genProgress shows generation progress: a line redrawn in place when
// stderr is a terminal, otherwise a log line every five seconds and at the
// end of each table.
type genProgress struct {
	mu       sync.Mutex
	e        *env
	terminal bool
	want     map[string]int64
	table    string
	rows     int64
	started  time.Time // of the current table
	lastAt   time.Time // of the last report
	last     time.Time // of the last log line
	drawn    bool
	done     []tableDone
}

type tableDone struct {
	table   string
	rows    int64
	elapsed time.Duration
}

func newGenProgress(e *env, cfg gen.Config) *genProgress {
	tty := false
	if f, ok := e.stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &genProgress{e: e, terminal: tty, started: time.Now(), want: map[string]int64{
		pursuit.TableCustomers: int64(cfg.Customers), pursuit.TablePlaces: int64(cfg.Places), pursuit.TableContacts: int64(cfg.Contacts),
	}}
}

func (p *genProgress) report(table string, rows int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if table != p.table {
		// A table starts where the previous one's last batch ended.
		if p.table != "" {
			p.endTable(p.lastAt)
			p.started = p.lastAt
		}
		p.table = table
	}
	p.rows, p.lastAt = rows, now
	if p.terminal {
		of := ""
		if n := p.want[table]; n > 0 {
			of = fmt.Sprintf(" of %d (%.0f%%)", n, 100*float64(rows)/float64(n))
		}
		fmt.Fprintf(p.e.stderr, "\rgenerate %-26s %d rows%s\x1b[K", table, rows, of)
		p.drawn = true
		return
	}
	if now.Sub(p.last) >= 5*time.Second {
		p.last = now
		p.e.log.Info("generate progress", "table", table, "rows", rows)
	}
}

// endTable records the finished current table.
func (p *genProgress) endTable(end time.Time) {
	d := end.Sub(p.started)
	p.done = append(p.done, tableDone{p.table, p.rows, d})
	if p.drawn {
		fmt.Fprintln(p.e.stderr)
		p.drawn = false
	}
	if !p.terminal {
		p.e.log.Info("generated", "table", p.table, "rows", p.rows, "seconds", fmt.Sprintf("%.2f", d.Seconds()))
	}
}

func (p *genProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.table != "" {
		p.endTable(p.lastAt)
	}
	p.table = ""
}

// summary prints rows and time per table.
func (p *genProgress) summary(w io.Writer, total time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "table\trows\tseconds\trows/s\t")
	var rows int64
	for _, t := range p.done {
		rows += t.rows
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t\n", t.table, t.rows, t.elapsed.Seconds(), rate(t.rows, t.elapsed))
	}
	tw.Flush()
	fmt.Fprintf(w, "%d rows generated in %s\n", rows, round(total))
}
