package lake

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/format"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// Options tunes the layout of written files.
type Options struct {
	// RowGroupRows bounds the rows of a parquet row group; 0 means
	// DefaultRowGroupRows.
	RowGroupRows int
	// FileRows bounds the rows of a data file; 0 means DefaultFileRows.
	FileRows int
	// Workers is how many files are encoded at once; 0 means GOMAXPROCS.
	Workers int
	// Now is the clock of modification and commit times; nil means
	// time.Now.
	Now func() time.Time
}

// Defaults of Options: row groups of 2,048 rows and files of up to
// 131,072 rows (64 row groups). Small row groups keep point look-ups and
// sync rewrites cheap: a sync re-encodes only the row groups holding a
// changed row and copies the others verbatim.
const (
	DefaultRowGroupRows = 2048
	DefaultFileRows     = 64 * DefaultRowGroupRows
)

func (o Options) rowGroupRows() int {
	if o.RowGroupRows > 0 {
		return o.RowGroupRows
	}
	return DefaultRowGroupRows
}

func (o Options) fileRows() int {
	if o.FileRows > 0 {
		return o.FileRows
	}
	return DefaultFileRows
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

var zstdCodec = &zstd.Codec{Level: zstd.SpeedFastest}

func writerOptions(o Options) []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(zstdCodec),
		parquet.MaxRowsPerRowGroup(int64(o.rowGroupRows())),
		parquet.CreatedBy("pursuit", "lake", ""),
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// dataFileName returns a new data file path relative to the table root,
// under the partition directory when there is one.
func dataFileName(partDir, prefix string) string {
	name := fmt.Sprintf("%s-%s-c000.zstd.parquet", prefix, delta.NewUUID())
	if partDir != "" {
		return partDir + "/" + name
	}
	return name
}

// writeFile writes rows as one parquet file named name and returns its add
// action (stats from the file's own footer).
func writeFile[T any](ctx context.Context, st delta.Storage, s *spec[T], name string, partValue string, rows []T, o Options) (delta.Add, error) {
	wc, err := st.Create(ctx, name)
	if err != nil {
		return delta.Add{}, fmt.Errorf("create %s: %w", name, err)
	}
	cw := &countingWriter{w: wc}
	w := parquet.NewGenericWriter[T](cw, writerOptions(o)...)
	if _, err := w.Write(rows); err != nil {
		wc.Close()
		return delta.Add{}, fmt.Errorf("write %s: %w", name, err)
	}
	if err := w.Close(); err != nil {
		wc.Close()
		return delta.Add{}, fmt.Errorf("write %s: %w", name, err)
	}
	if err := wc.Close(); err != nil {
		return delta.Add{}, fmt.Errorf("close %s: %w", name, err)
	}
	stats := footerStats(w.File().Metadata(), s.sparkTypes())
	return delta.Add{
		Path:             delta.EncodePath(name),
		PartitionValues:  s.partitionValues(partValue),
		Size:             cw.n,
		ModificationTime: o.now().UnixMilli(),
		DataChange:       true,
		Stats:            stats.String(),
	}, nil
}

func (s *spec[T]) partitionValues(v string) map[string]*string {
	if s.partition == "" {
		return map[string]*string{}
	}
	if v == "" {
		return map[string]*string{s.partition: nil}
	}
	return map[string]*string{s.partition: &v}
}

func (s *spec[T]) partitionDir(v string) string {
	if s.partition == "" {
		return ""
	}
	return delta.PartitionDir([]string{s.partition}, s.partitionValues(v))
}

// footerStats merges the column chunk statistics of every row group into
// Delta stats: numRecords, and per column minValues, maxValues and
// nullCount, in the JSON types Spark writes (numbers, strings, and
// timestamps as ISO 8601 with milliseconds).
func footerStats(md *format.FileMetaData, types map[string]string) delta.Stats {
	st := delta.Stats{NumRecords: md.NumRows, MinValues: map[string]any{}, MaxValues: map[string]any{}, NullCount: map[string]int64{}}
	type acc struct {
		minI, maxI int64
		minS, maxS string
		has        bool
	}
	accs := map[string]*acc{}
	for _, rg := range md.RowGroups {
		for _, cc := range rg.Columns {
			path := cc.MetaData.PathInSchema
			if len(path) != 1 {
				continue
			}
			col := path[0]
			typ, ok := types[col]
			if !ok {
				continue
			}
			stats := cc.MetaData.Statistics
			st.NullCount[col] += stats.NullCount
			a := accs[col]
			if a == nil {
				a = &acc{}
				accs[col] = a
			}
			if stats.MinValue == nil || stats.MaxValue == nil {
				continue
			}
			switch typ {
			case tLong, tTime:
				if len(stats.MinValue) != 8 || len(stats.MaxValue) != 8 {
					continue
				}
				lo, hi := int64(binary.LittleEndian.Uint64(stats.MinValue)), int64(binary.LittleEndian.Uint64(stats.MaxValue))
				if !a.has || lo < a.minI {
					a.minI = lo
				}
				if !a.has || hi > a.maxI {
					a.maxI = hi
				}
			default:
				lo, hi := string(stats.MinValue), string(stats.MaxValue)
				if !a.has || lo < a.minS {
					a.minS = lo
				}
				if !a.has || hi > a.maxS {
					a.maxS = hi
				}
			}
			a.has = true
		}
	}
	for col, a := range accs {
		if !a.has {
			continue
		}
		switch types[col] {
		case tLong:
			st.MinValues[col], st.MaxValues[col] = a.minI, a.maxI
		case tTime:
			st.MinValues[col], st.MaxValues[col] = formatStatTime(a.minI), formatStatTime(a.maxI)
		default:
			st.MinValues[col], st.MaxValues[col] = a.minS, a.maxS
		}
	}
	return st
}

// formatStatTime formats microseconds since the epoch as Spark writes
// timestamp stats: UTC, millisecond precision (truncated, so a reader
// must widen maxValues by 1 ms, as Delta readers do).
func formatStatTime(us int64) string {
	return time.UnixMicro(us).UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.000Z07:00")
}

// layout groups rows by partition and orders each partition: by the
// Z-order of (zorder, key) when the spec has one, else by key. It returns
// indexes into rows, so the (large) rows are copied only once, into the
// batch of the file being written.
func layout[T any](s *spec[T], rows []T) map[string][]int32 {
	parts := map[string][]int32{}
	for i := range rows {
		p := s.partOf(&rows[i])
		parts[p] = append(parts[p], int32(i))
	}
	for _, idx := range parts {
		sortRows(s, rows, idx)
	}
	return parts
}

// sortRows orders idx (indexes into rows) as layout does.
func sortRows[T any](s *spec[T], rows []T, idx []int32) {
	if s.zorder != nil {
		zorderSort(rows, idx, s.zorder, s.key)
		return
	}
	keys := make([]rowKey, len(rows))
	for _, i := range idx {
		keys[i] = s.keyOf(&rows[i])
	}
	slices.SortFunc(idx, func(i, j int32) int {
		a, b := keys[i], keys[j]
		if c := cmp.Compare(a.a, b.a); c != 0 {
			return c
		}
		return cmp.Compare(a.b, b.b)
	})
}

type fileJob struct {
	part string
	idx  []int32
}

// writeFiles cuts each partition's rows (indexes into rows, in file
// order) into files of at most Options.FileRows rows and writes them with
// Options.Workers encoders.
func writeFiles[T any](ctx context.Context, st delta.Storage, s *spec[T], rows []T, parts map[string][]int32, prefix string, o Options) ([]delta.Add, error) {
	var jobs []fileJob
	keys := make([]string, 0, len(parts))
	for p := range parts {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		idx := parts[p]
		n := o.fileRows()
		// Even out the files of a partition rather than leave a small tail.
		if files := (len(idx) + n - 1) / n; files > 1 {
			n = (len(idx) + files - 1) / files
		}
		for start := 0; start < len(idx); start += n {
			jobs = append(jobs, fileJob{part: p, idx: idx[start:min(start+n, len(idx))]})
		}
	}
	adds := make([]delta.Add, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(o.workers(), max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var batch []T
			for i := range next {
				j := jobs[i]
				batch = batch[:0]
				for _, k := range j.idx {
					batch = append(batch, rows[k])
				}
				name := dataFileName(s.partitionDir(j.part), fmt.Sprintf("%s-%05d", prefix, i))
				adds[i], errs[i] = writeFile(ctx, st, s, name, j.part, batch, o)
			}
		}()
	}
	for i := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return adds, nil
}
