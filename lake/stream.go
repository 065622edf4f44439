package lake

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// tableExport receives one table's rows during an export's scan and
// writes its files: straight into row groups when the table is not
// partitioned (the scan's key order is the file order), through a spill
// per partition otherwise.
type tableExport[T any] struct {
	ctx   context.Context
	st    delta.Storage
	s     *spec[T]
	opt   ExportOptions
	rows  int64
	files atomic.Int64 // numbers the files
	out   *fileStream[T]
	spill *spill[T]
	err   error // of creating the spill, reported by add
	adds  []delta.Add
}

// newTableExport prepares the export of one table; expect, when known,
// is its row count, so that its files can be cut evenly.
func newTableExport[T any](ctx context.Context, loc *Location, s *spec[T], expect int64, opt ExportOptions) *tableExport[T] {
	t := &tableExport[T]{ctx: ctx, st: loc.Table(s.name), s: s, opt: opt}
	if s.partition != "" {
		t.spill, t.err = newSpill(opt.SpillDir, *s.codec)
		return t
	}
	t.out = t.newStream("", expect)
	return t
}

// newStream starts the files of one partition of rows rows (0: unknown).
func (t *tableExport[T]) newStream(part string, rows int64) *fileStream[T] {
	per := t.opt.fileRows()
	// Even out the files rather than leave a small tail.
	if files := (int(rows) + per - 1) / per; files > 1 {
		per = (int(rows) + files - 1) / files
	}
	return &fileStream[T]{ctx: t.ctx, st: t.st, s: t.s, part: part, o: t.opt.Options, perFile: per, files: &t.files}
}

// add takes the next row of the scan.
func (t *tableExport[T]) add(r T) error {
	if t.err != nil {
		return t.err
	}
	t.rows++
	if t.spill != nil {
		return t.spill.add(t.s.partOf(&r), &r)
	}
	if t.rows > 1 && cmpKeys(t.s.keyOf(&t.out.last), t.s.keyOf(&r)) >= 0 {
		return fmt.Errorf("export %s: the store's scan is not in key order (%v after %v)", t.s.name, t.s.keyOf(&r), t.s.keyOf(&t.out.last))
	}
	t.out.last = r
	return t.out.add(r)
}

func cmpKeys(a, b rowKey) int {
	if c := cmp.Compare(a.a, b.a); c != 0 {
		return c
	}
	return cmp.Compare(a.b, b.b)
}

// finish writes what the scan left: the last file of a streamed table, or
// every partition of a spilled one (the largest first, Options.Workers
// at a time, each ordered as layout orders it).
func (t *tableExport[T]) finish() error {
	if t.err != nil {
		return t.err
	}
	if t.out != nil {
		adds, err := t.out.finish()
		t.adds = adds
		return err
	}
	if err := t.spill.finish(); err != nil {
		return err
	}
	type job struct {
		part string
		rows int
		adds []delta.Add
		err  error
	}
	jobs := make([]*job, 0, len(t.spill.parts))
	for p, sp := range t.spill.parts {
		jobs = append(jobs, &job{part: p, rows: sp.rows})
	}
	slices.SortFunc(jobs, func(a, b *job) int {
		if c := cmp.Compare(b.rows, a.rows); c != 0 {
			return c
		}
		return cmp.Compare(a.part, b.part)
	})
	next := make(chan *job)
	var wg sync.WaitGroup
	for range min(t.opt.workers(), max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				j.adds, j.err = t.writePartition(j.part)
			}
		}()
	}
	for _, j := range jobs {
		if t.ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	if err := t.ctx.Err(); err != nil {
		return err
	}
	// Deterministic order of the adds: by partition.
	slices.SortFunc(jobs, func(a, b *job) int { return cmp.Compare(a.part, b.part) })
	for _, j := range jobs {
		if j.err != nil {
			return fmt.Errorf("export %s partition %q: %w", t.s.name, j.part, j.err)
		}
		t.adds = append(t.adds, j.adds...)
	}
	return nil
}

// writePartition reads one partition back from the spill, orders it and
// writes its files. It holds the partition's spilled bytes and, per row,
// its ordering keys; each row is decoded when its turn to be written
// comes.
func (t *tableExport[T]) writePartition(part string) ([]delta.Add, error) {
	sp, err := t.spill.open(part)
	if err != nil {
		return nil, err
	}
	n := len(sp.recs)
	type head struct{ k, z int64 }
	heads := make([]head, n)
	var r T
	for i := range heads {
		sp.head(i, &r)
		heads[i].k = t.s.key(&r)
		if t.s.zorder != nil {
			heads[i].z = t.s.zorder(&r)
		}
	}
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	if t.s.zorder != nil {
		zorderSort(heads, idx, func(h *head) int64 { return h.z }, func(h *head) int64 { return h.k })
	} else {
		// A partitioned table's key is one id (no key2).
		slices.SortFunc(idx, func(a, b int32) int { return cmp.Compare(heads[a].k, heads[b].k) })
	}
	out := t.newStream(part, int64(n))
	for _, i := range idx {
		var row T
		if err := sp.row(int(i), &row); err != nil {
			out.abort()
			return nil, err
		}
		if t.s.setPart != nil {
			t.s.setPart(&row, part)
		}
		if err := out.add(row); err != nil {
			out.abort()
			return nil, err
		}
	}
	return out.finish()
}

// close releases what an export that failed left: the spill's files and
// an open data file.
func (t *tableExport[T]) close() {
	if t.spill != nil {
		t.spill.close()
	}
	if t.out != nil {
		t.out.abort()
	}
}

// fileStream writes rows, in file order, as files of at most perFile rows
// with row groups of Options.RowGroupRows, holding one row group at a
// time.
type fileStream[T any] struct {
	ctx     context.Context
	st      delta.Storage
	s       *spec[T]
	part    string
	o       Options
	perFile int
	files   *atomic.Int64
	last    T // the previous row, for the key order check

	name   string
	wc     io.WriteCloser
	cw     *countingWriter
	w      *parquet.GenericWriter[T]
	inFile int
	buf    []T
	adds   []delta.Add
}

func (f *fileStream[T]) add(r T) error {
	f.buf = append(f.buf, r)
	if len(f.buf) >= f.o.rowGroupRows() || f.inFile+len(f.buf) >= f.perFile {
		return f.flush()
	}
	return nil
}

// flush writes the buffered rows to the current file, opening one if
// needed and closing it when full.
func (f *fileStream[T]) flush() error {
	if len(f.buf) == 0 {
		return nil
	}
	if f.w == nil {
		f.name = dataFileName(f.s.partitionDir(f.part), fmt.Sprintf("part-%05d", f.files.Add(1)-1))
		wc, err := f.st.Create(f.ctx, f.name)
		if err != nil {
			return fmt.Errorf("create %s: %w", f.name, err)
		}
		f.wc, f.cw = wc, &countingWriter{w: wc}
		f.w = parquet.NewGenericWriter[T](f.cw, writerOptions(f.o)...)
		f.inFile = 0
	}
	if _, err := f.w.Write(f.buf); err != nil {
		return fmt.Errorf("write %s: %w", f.name, err)
	}
	f.inFile += len(f.buf)
	clear(f.buf) // drop references to the rows' strings
	f.buf = f.buf[:0]
	if f.inFile >= f.perFile {
		return f.closeFile()
	}
	return nil
}

func (f *fileStream[T]) closeFile() error {
	w, wc := f.w, f.wc
	f.w, f.wc = nil, nil
	if err := w.Close(); err != nil {
		wc.Close()
		return fmt.Errorf("write %s: %w", f.name, err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("close %s: %w", f.name, err)
	}
	f.adds = append(f.adds, delta.Add{
		Path:             delta.EncodePath(f.name),
		PartitionValues:  f.s.partitionValues(f.part),
		Size:             f.cw.n,
		ModificationTime: f.o.now().UnixMilli(),
		DataChange:       true,
		Stats:            footerStats(w.File().Metadata(), f.s.sparkTypes()).String(),
	})
	return nil
}

// finish writes the last rows and returns the add action of every file.
func (f *fileStream[T]) finish() ([]delta.Add, error) {
	if err := f.flush(); err != nil {
		f.abort()
		return nil, err
	}
	if f.w != nil {
		if err := f.closeFile(); err != nil {
			return nil, err
		}
	}
	return f.adds, nil
}

// abort closes an open file (an orphan that vacuum removes).
func (f *fileStream[T]) abort() {
	if f.wc != nil {
		f.wc.Close()
		f.w, f.wc = nil, nil
	}
}
