package transfer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2/roaring64"

	"github.com/pursuit-gov/pursuit"
)

// Defaults of Options.
const (
	DefaultBatchSize   = 20000
	DefaultMaxProblems = 100
)

// Options tunes Import. The zero value is a strict import.
type Options struct {
	// SkipInvalid applies the valid rows and skips the rejected ones.
	// Without it (strict, the default) Import applies nothing when any row
	// is rejected: it still reads and checks every file, to report every
	// problem, but rolls the load back.
	SkipInvalid bool
	// OnReject, if set, is called with every rejected row, in file order,
	// in both modes; a rejects file is written through it.
	OnReject func(Reject) error
	// MaxProblems caps Result.Problems; 0 means DefaultMaxProblems.
	MaxProblems int
	// BatchSize is the number of rows per Upsert call; 0 means
	// DefaultBatchSize.
	BatchSize int
	// Progress, if set, is called about ten times a second, and once more
	// with Done set at the end of each phase.
	Progress func(Progress)
}

// Reject is a row, or a whole file, that Import refused: where it is and
// why. Line counts from 1 (the header of a CSV file is line 1); Column is
// the column or JSON field at fault, empty when the fault is the whole
// row.
type Reject struct {
	File   string `json:"file"`
	Line   int64  `json:"line"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

// String formats r as "file:line: column: reason".
func (r Reject) String() string {
	s := fmt.Sprintf("%s:%d: ", r.File, r.Line)
	if r.Column != "" {
		s += r.Column + ": "
	}
	return s + r.Reason
}

// TableStats counts what Import or Export did to one table.
type TableStats struct {
	Table    string
	Files    []string
	Rows     int64 // rows applied (Import) or written (Export)
	Rejected int64
	// Elapsed is the table's share of the load: from the end of the
	// previous table's last write to the end of its own.
	Elapsed time.Duration
}

// Result is the outcome of Import.
type Result struct {
	// Tables holds one entry per imported table, in pursuit.DataTables
	// order.
	Tables []TableStats
	// Rejected counts every rejected row; Problems holds the first
	// Options.MaxProblems of them.
	Rejected int64
	Problems []Reject
	// Loaded is the time of the transaction that read, checked and
	// applied the rows, commit included, and Committed the commit alone
	// (index builds of a store that defers them).
	Loaded    time.Duration
	Committed time.Duration
	Elapsed   time.Duration
}

// Rows returns the number of rows applied over every table.
func (r *Result) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// input is one table file to import.
type input struct {
	path   string
	table  string
	format string
	size   int64
}

// resolve maps paths (directories or table files) to the files of each
// table, in argument order.
func resolve(paths []string) (map[string][]input, error) {
	inputs := make(map[string][]input)
	seen := make(map[string]bool)
	add := func(in input) {
		abs, err := filepath.Abs(in.path)
		if err != nil {
			abs = in.path
		}
		if !seen[abs] {
			seen[abs] = true
			inputs[in.table] = append(inputs[in.table], in)
		}
	}
	if len(paths) == 0 {
		return nil, pursuit.Errorf(pursuit.EINVALID, "no directory or file to import")
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		if fi.IsDir() {
			found := false
			for _, table := range pursuit.DataTables {
				for _, format := range []string{FormatCSV, FormatJSONL} {
					path := filepath.Join(p, table+"."+format)
					if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
						add(input{path: path, table: table, format: format, size: fi.Size()})
						found = true
					}
				}
			}
			if !found {
				return nil, pursuit.Errorf(pursuit.EINVALID, "%s holds no table file (<table>.csv or <table>.jsonl, table one of %s)", p, strings.Join(pursuit.DataTables, ", "))
			}
			continue
		}
		base := filepath.Base(p)
		ext := strings.TrimPrefix(filepath.Ext(base), ".")
		if ext != FormatCSV && ext != FormatJSONL {
			return nil, pursuit.Errorf(pursuit.EINVALID, "%s: the file name must end in .csv or .jsonl", p)
		}
		table, _, _ := strings.Cut(base, ".")
		if runners[table] == nil {
			return nil, pursuit.Errorf(pursuit.EINVALID, "%s: cannot tell the table from the file name: name it <table>.%s, table one of %s", p, ext, strings.Join(pursuit.DataTables, ", "))
		}
		add(input{path: p, table: table, format: ext, size: fi.Size()})
	}
	return inputs, nil
}

// Import loads table files into s. Each path is a directory, whose
// <table>.csv and <table>.jsonl files are taken, or a file whose name
// starts with its table's name; the extension gives the format.
//
// Rows are checked as they stream by: decoding, Validate, a duplicate key
// within one file, and foreign keys against the keys of this import and of
// the store. Rows are then applied in pursuit.DataTables order, in batches,
// in one Store.Bulk transaction: an interrupted import applies nothing, and
// running it again completes it. Existing keys are replaced.
//
// Every file is read once: a reader goroutine checks the rows while the
// store writes the batches it sends. In strict mode (the default) the first
// rejected row stops the batches (the store writes nothing more), the
// reader goes on checking the rest of the files so that every problem is
// reported, and the import fails with EINVALID: the transaction is rolled
// back and nothing is applied. With Options.SkipInvalid the rejected rows
// are skipped and the rest applied. Problems of a CSV header fail the
// import in both modes, before any row is read. The Result reports both.
func Import(ctx context.Context, s pursuit.Store, paths []string, opts Options) (*Result, error) {
	start := time.Now()
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.MaxProblems <= 0 {
		opts.MaxProblems = DefaultMaxProblems
	}
	inputs, err := resolve(paths)
	if err != nil {
		return nil, err
	}
	im := &importer{s: s, opts: opts, inputs: inputs, res: &Result{}, stats: make(map[string]*TableStats)}
	defer func() { im.res.Elapsed = time.Since(start) }()
	for _, table := range pursuit.DataTables {
		ins := inputs[table]
		if len(ins) == 0 {
			continue
		}
		im.res.Tables = append(im.res.Tables, TableStats{Table: table})
		st := &im.res.Tables[len(im.res.Tables)-1]
		for _, in := range ins {
			st.Files = append(st.Files, in.path)
			im.totalBytes += in.size
		}
	}
	for i := range im.res.Tables {
		im.stats[im.res.Tables[i].Table] = &im.res.Tables[i]
	}

	// Header problems fail the import whatever the mode: no row of such a
	// file can be read.
	for _, table := range pursuit.DataTables {
		for _, in := range inputs[table] {
			problems, err := runners[table].checkHeader(in)
			if err != nil {
				return im.res, err
			}
			for _, p := range problems {
				if err := im.reject(in, p); err != nil {
					return im.res, err
				}
			}
		}
	}
	if im.res.Rejected > 0 {
		return im.res, im.failed("the files' headers are wrong")
	}

	if err := im.loadStoreKeys(ctx); err != nil {
		return im.res, err
	}
	im.storeNatural = make(map[string]map[naturalKey]int64)
	for _, table := range pursuit.DataTables {
		if len(inputs[table]) == 0 {
			continue
		}
		if err := runners[table].loadNatural(ctx, im); err != nil {
			return im.res, err
		}
	}
	im.phase = "load"
	im.resetPass()
	if err := im.apply(ctx); err != nil {
		return im.res, err
	}
	im.progress(true)
	return im.res, nil
}

// importer is the state of one Import.
type importer struct {
	s      pursuit.Store
	opts   Options
	inputs map[string][]input
	res    *Result
	stats  map[string]*TableStats

	// storeKeys holds the keys the store had of customers, places and
	// contacts, the tables foreign keys point at; fileKeys the keys of
	// those tables accepted by the current pass.
	storeKeys map[string]*roaring64.Bitmap
	fileKeys  map[string]*roaring64.Bitmap
	// deletedKeys holds, per table with a one-column key, the keys of rows
	// deleted from the store that no row holds again: ids are never
	// reused, so an import may not bring them back.
	deletedKeys map[string]*roaring64.Bitmap
	// storeNatural maps the natural keys the store holds of a table with
	// one (customer_mapping) to the rows' primary keys; fileNatural holds
	// those claimed by the accepted rows of the current pass.
	storeNatural map[string]map[naturalKey]int64
	fileNatural  map[string]map[naturalKey]claim

	phase string
	// halted is set by the first rejected row of a strict import: from
	// then on no batch is sent, and the writer drops those in flight.
	halted atomic.Bool

	totalBytes   int64
	doneBytes    int64 // bytes of the files finished
	fileBytes    func() int64
	rows         int64 // rows read in this phase
	table        string
	phaseStart   time.Time
	lastProgress time.Time
}

// failed returns the error of an import that rejected rows.
func (im *importer) failed(what string) error {
	return pursuit.Errorf(pursuit.EINVALID, "%d rows rejected, %s; first: %s", im.res.Rejected, what, im.res.Problems[0])
}

// reject records a rejected row; in a strict import it halts the load.
func (im *importer) reject(in input, p *rowProblem) error {
	r := Reject{File: in.path, Line: p.line, Column: p.column, Reason: p.reason}
	im.res.Rejected++
	if st := im.stats[in.table]; st != nil {
		st.Rejected++
	}
	if len(im.res.Problems) < im.opts.MaxProblems {
		im.res.Problems = append(im.res.Problems, r)
	}
	if !im.opts.SkipInvalid {
		im.halted.Store(true)
	}
	if im.opts.OnReject != nil {
		if err := im.opts.OnReject(r); err != nil {
			return fmt.Errorf("write reject: %w", err)
		}
	}
	return nil
}

// fkTargets are the tables foreign keys point at.
var fkTargets = []string{pursuit.TableCustomers, pursuit.TablePlaces, pursuit.TableContacts}

// loadStoreKeys reads the store's keys of the tables the import's foreign
// keys point at, and the keys of deleted rows of the tables it imports.
func (im *importer) loadStoreKeys(ctx context.Context) error {
	im.storeKeys = make(map[string]*roaring64.Bitmap)
	for _, table := range fkTargets {
		bm, err := readKeys(ctx, im.s.ScanKeys, table)
		if err != nil {
			return fmt.Errorf("read the keys of %s: %w", table, err)
		}
		im.storeKeys[table] = bm
	}
	// The deleted keys of the imported id tables, in one pass over the
	// log.
	im.deletedKeys = make(map[string]*roaring64.Bitmap)
	for _, table := range idTables {
		if len(im.inputs[table]) > 0 {
			im.deletedKeys[table] = roaring64.New()
		}
	}
	if len(im.deletedKeys) == 0 {
		return nil
	}
	err := im.s.ScanDeletedKeys(ctx, func(table string, k int64) error {
		if bm := im.deletedKeys[table]; bm != nil {
			bm.Add(uint64(k))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the deleted keys: %w", err)
	}
	for table, bm := range im.deletedKeys {
		if bm.IsEmpty() {
			delete(im.deletedKeys, table)
			continue
		}
		// A key deleted and then given a row again (before imports
		// refused it) is an update of that row.
		held := im.storeKeys[table]
		if held == nil {
			var err error
			if held, err = readKeys(ctx, im.s.ScanKeys, table); err != nil {
				return fmt.Errorf("read the keys of %s: %w", table, err)
			}
		}
		bm.AndNot(held)
	}
	return nil
}

// readKeys collects the keys scan streams of table into a bitmap.
func readKeys(ctx context.Context, scan func(context.Context, string, func(int64) error) error, table string) (*roaring64.Bitmap, error) {
	bm := roaring64.New()
	err := scan(ctx, table, func(k int64) error {
		bm.Add(uint64(k))
		return nil
	})
	bm.RunOptimize()
	return bm, err
}

// idTables are the tables whose one-column key the store hands out and
// never hands out again.
var idTables = []string{pursuit.TableCustomers, pursuit.TablePlaces, pursuit.TableContacts, pursuit.TableTechStack, pursuit.TableCustomerMapping}

// wasDeleted reports whether k is the key of a row deleted from table.
func (im *importer) wasDeleted(table string, k int64) bool {
	bm := im.deletedKeys[table]
	return bm != nil && bm.Contains(uint64(k))
}

// resetPass starts a pass over the files.
func (im *importer) resetPass() {
	im.fileKeys = make(map[string]*roaring64.Bitmap)
	for _, table := range fkTargets {
		im.fileKeys[table] = roaring64.New()
	}
	im.fileNatural = make(map[string]map[naturalKey]claim)
	im.rows = 0
	im.phaseStart = time.Now()
	im.lastProgress = time.Time{}
}

// hasKey reports whether k is a key of table in the store or the import.
func (im *importer) hasKey(table string, k int64) bool {
	if k <= 0 {
		return false
	}
	return im.storeKeys[table].Contains(uint64(k)) || im.fileKeys[table].Contains(uint64(k))
}

// progress reports progress, at most ten times a second unless done.
func (im *importer) progress(done bool) {
	if im.opts.Progress == nil {
		return
	}
	now := time.Now()
	if !done && now.Sub(im.lastProgress) < 100*time.Millisecond {
		return
	}
	im.lastProgress = now
	b := im.doneBytes
	if im.fileBytes != nil && !done {
		b += im.fileBytes()
	}
	im.opts.Progress(Progress{Phase: im.phase, Table: im.table, Rows: im.rows, Bytes: b,
		TotalBytes: im.totalBytes, Elapsed: now.Sub(im.phaseStart), Done: done})
}

// batch is a slice of rows of one table on its way to the store.
type batch struct {
	table string
	n     int
	apply func(w pursuit.BulkWriter) error
}

// apply runs the import in one Bulk transaction: a goroutine reads and
// checks the files while this one writes the batches it sends. A strict
// import that rejected a row returns EINVALID from the transaction, which
// rolls it back.
func (im *importer) apply(ctx context.Context) error {
	t0 := time.Now()
	var fnDone time.Time
	err := im.s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		batches := make(chan batch, 2)
		var readErr error
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(batches)
			send := func(b batch) error {
				select {
				case batches <- b:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			for _, table := range pursuit.DataTables {
				if len(im.inputs[table]) == 0 {
					continue
				}
				if err := runners[table].run(ctx, im, send); err != nil {
					readErr = err
					return
				}
			}
		}()
		var writeErr error
		last := time.Now()
		for b := range batches {
			if writeErr != nil || im.halted.Load() {
				continue // drain until the reader sees the cancel or ends
			}
			if err := b.apply(w); err != nil {
				writeErr = fmt.Errorf("load %s: %w", b.table, err)
				cancel()
				continue
			}
			now := time.Now()
			st := im.stats[b.table]
			st.Rows += int64(b.n)
			st.Elapsed += now.Sub(last)
			last = now
		}
		wg.Wait()
		if writeErr == nil && readErr == nil && ctx.Err() == nil && im.halted.Load() {
			return im.failed("nothing was applied")
		}
		if writeErr == nil && readErr == nil && ctx.Err() == nil {
			// What is left is the store's commit: index builds and the
			// like on a store that defers them.
			im.phase = "commit"
			im.lastProgress = time.Time{}
			im.progress(false)
		}
		fnDone = time.Now()
		if writeErr != nil {
			return writeErr
		}
		if readErr != nil {
			return readErr
		}
		return ctx.Err()
	})
	im.res.Loaded = time.Since(t0)
	if !fnDone.IsZero() {
		im.res.Committed = time.Since(fnDone)
	}
	if err != nil {
		for i := range im.res.Tables {
			im.res.Tables[i].Rows = 0
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return &pursuit.Error{Code: pursuit.ECANCELED, Message: "canceled, nothing was applied", Err: err}
		}
		return err
	}
	return nil
}
