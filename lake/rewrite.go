package lake

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// fetchFunc returns the current state of a changed row; ok is false when
// the row no longer exists (or the export's scope excludes it).
type fetchFunc[T any] func(ctx context.Context, k rowKey) (row T, ok bool, err error)

// pageFunc returns up to limit rows with a key greater than after, in key
// order (a store List call), converted for the lake.
type pageFunc[T any] func(ctx context.Context, after int64, limit int) ([]T, error)

// rowSource reads changed rows from the store: one by one, or, for tables
// keyed by one id, by ranges of nearby keys with one List call each (the
// contacts of a refreshed place have consecutive ids, so a few hundred
// range reads replace thousands of point reads).
type rowSource[T any] struct {
	one  fetchFunc[T]
	page pageFunc[T]
}

// Ranges of changed keys are read with one List call when they span at
// most maxRangeSpan keys and no gap is wider than maxRangeGap.
const (
	maxRangeSpan = 1000
	maxRangeGap  = 64
)

func (src rowSource[T]) fetch(ctx context.Context, s *spec[T], changed changeSet) (map[rowKey]T, error) {
	next := map[rowKey]T{}
	if src.page == nil || s.key2 != nil {
		for k := range changed {
			r, ok, err := src.one(ctx, k)
			if err != nil {
				return nil, fmt.Errorf("fetch %v: %w", k, err)
			}
			if ok {
				next[k] = r
			}
		}
		return next, nil
	}
	keys := changed.sortedKeys()
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j]-keys[i] < maxRangeSpan && keys[j]-keys[j-1] <= maxRangeGap {
			j++
		}
		first, last := keys[i], keys[j-1]
		rows, err := src.page(ctx, first-1, int(last-first+1))
		if err != nil {
			return nil, fmt.Errorf("fetch keys %d..%d: %w", first, last, err)
		}
		for _, r := range rows {
			k := s.keyOf(&r)
			if k.a > last {
				break
			}
			if changed[k] {
				next[k] = r
			}
		}
		i = j
	}
	return next, nil
}

// syncTable applies one table's changed keys:
//
//  1. the current rows are fetched from the store;
//  2. every active file whose key min/max (from the log) covers a changed
//     key is opened, and within it every row group whose own min/max does;
//     those row groups are decoded, and a file with a row that changed is
//     rewritten: untouched row groups are copied verbatim (no decoding),
//     touched ones re-encoded with changed rows replaced in place (which
//     keeps the Z-order) and deleted rows dropped;
//  3. rows that are new, or moved to another partition, are written as
//     new files per partition;
//  4. Change Data Feed rows go to _change_data/;
//  5. one commit holds the removes, adds, cdc actions and the txn.
func syncTable[T any](ctx context.Context, loc *Location, s *spec[T], changed changeSet, src rowSource[T], seq int64, opt SyncOptions) (TableResult, error) {
	start := time.Now()
	res := TableResult{Table: s.name}
	st := loc.Table(s.name)
	tbl := newTable(st, opt.Options)
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	if snap.TxnVersion(AppID) >= seq {
		res.Version = snap.Version
		return res, nil
	}
	now := opt.now()
	next, err := src.fetch(ctx, s, changed)
	if err != nil {
		return res, err
	}
	keys := changed.sortedKeys()
	var removes []delta.Remove
	var adds []delta.Add
	var changes []change[T]
	// The files whose key range covers a change, rewritten in parallel.
	type job struct {
		f       delta.Add
		part    string
		extra   []T // inserts to place in this file
		add     *delta.Add
		changes []change[T]
		placed  map[rowKey]placement
		err     error
	}
	var jobs []*job
	type fileRange struct {
		j      *job
		zl, zh int64 // range of the Z-order column
	}
	byPart := map[string][]fileRange{} // every file, for placing inserts
	keyLo, keyHi := int64(1<<63-1), int64(-1<<63)
	for _, f := range snap.Files() {
		part := ""
		if s.partition != "" {
			if v := f.PartitionValues[s.partition]; v != nil {
				part = *v
			}
		}
		j := &job{f: f, part: part, placed: map[rowKey]placement{}}
		covers := true
		fr := fileRange{j: j, zl: 1, zh: 0}
		if stats, ok, _ := f.ParsedStats(); ok {
			lo, ok1 := stats.MinValues[s.keyCol].(float64)
			hi, ok2 := stats.MaxValues[s.keyCol].(float64)
			if ok1 && ok2 {
				covers = anyIn(keys, int64(lo), int64(hi))
				keyLo, keyHi = min(keyLo, int64(lo)), max(keyHi, int64(hi))
			} else {
				keyLo, keyHi = -1<<63, 1<<63-1
			}
			if s.zorderCol != "" {
				zl, ok1 := stats.MinValues[s.zorderCol].(float64)
				zh, ok2 := stats.MaxValues[s.zorderCol].(float64)
				if ok1 && ok2 {
					fr.zl, fr.zh = int64(zl), int64(zh)
				}
			}
		} else {
			keyLo, keyHi = -1<<63, 1<<63-1
		}
		byPart[part] = append(byPart[part], fr)
		if covers && len(keys) > 0 {
			jobs = append(jobs, j)
		}
	}
	// New rows of a Z-ordered table whose key lies outside every file
	// (certainly inserts) go into the file, and then the row group, of
	// their partition whose Z-order column range covers them, so they
	// stay clustered instead of piling up in small files.
	if s.zorder != nil {
		queued := map[*job]bool{}
		for _, j := range jobs {
			queued[j] = true
		}
		for k, r := range next {
			if k.a >= keyLo && k.a <= keyHi {
				continue
			}
			z := s.zorder(&r)
			for _, fr := range byPart[s.partOf(&r)] {
				if fr.zl <= z && z <= fr.zh {
					fr.j.extra = append(fr.j.extra, r)
					if !queued[fr.j] {
						queued[fr.j] = true
						jobs = append(jobs, fr.j)
					}
					break
				}
			}
		}
	}
	work := make(chan *job)
	var wg sync.WaitGroup
	for range min(opt.workers(), max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				j.add, j.changes, j.err = rewriteFile(ctx, st, s, j.f, j.part, keys, changed, next, j.extra, j.placed, opt.Options)
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	placed := map[rowKey]placement{} // changed keys found in the lake
	for _, j := range jobs {
		if j.err != nil {
			return res, j.err
		}
		for k, p := range j.placed {
			placed[k] = p
		}
		changes = append(changes, j.changes...)
		if j.add == nil {
			continue
		}
		removes = append(removes, delta.Remove{Path: j.f.Path, DeletionTimestamp: now.UnixMilli(), DataChange: true,
			ExtendedFileMetadata: true, PartitionValues: j.f.PartitionValues, Size: j.f.Size})
		if j.add.Path != "" {
			adds = append(adds, *j.add)
		}
	}
	// Inserts and rows that moved partition.
	var fresh []T
	for k, r := range next {
		switch placed[k] {
		case notPlaced:
			fresh = append(fresh, r)
			changes = append(changes, change[T]{row: r, typ: ChangeInsert, part: s.partOf(&r)})
		case insertedInPlace:
			changes = append(changes, change[T]{row: r, typ: ChangeInsert, part: s.partOf(&r)})
		case moved:
			fresh = append(fresh, r)
		}
	}
	if len(fresh) > 0 {
		more, err := writeFiles(ctx, st, s, fresh, layout(s, fresh), "part", opt.Options)
		if err != nil {
			return res, err
		}
		adds = append(adds, more...)
	}
	var cdcs []delta.CDC
	if len(changes) > 0 {
		cdcs, err = writeChanges(ctx, st, s, changes, opt.Options)
		if err != nil {
			return res, err
		}
	}
	res.Rows = int64(len(changes))
	res.Files = len(adds)
	for _, a := range adds {
		res.Bytes += a.Size
	}
	readVersion := snap.Version
	res.Version, err = tbl.Update(ctx, func(cur *delta.Snapshot) ([]delta.Action, error) {
		if cur == nil || cur.Version != readVersion {
			return nil, fmt.Errorf("table changed during sync (version %d, read %d): %w; run sync again", cur.Version, readVersion, delta.ErrConflict)
		}
		acts := []delta.Action{tbl.NewCommitInfo("MERGE", map[string]any{"predicate": fmt.Sprintf("change_log seq > %d", cur.TxnVersion(AppID))},
			map[string]string{"numTargetFilesRemoved": fmt.Sprint(len(removes)), "numTargetFilesAdded": fmt.Sprint(len(adds)),
				"numOutputRows": fmt.Sprint(len(next)), "numChangeRows": fmt.Sprint(len(changes))}, false)}
		for i := range removes {
			acts = append(acts, delta.Action{Remove: &removes[i]})
		}
		for i := range adds {
			acts = append(acts, delta.Action{Add: &adds[i]})
		}
		for i := range cdcs {
			acts = append(acts, delta.Action{CDC: &cdcs[i]})
		}
		return append(acts, delta.Action{Txn: &delta.Txn{AppID: AppID, Version: seq, LastUpdated: now.UnixMilli()}}), nil
	})
	res.Elapsed = time.Since(start)
	return res, err
}

// placement records where a sync found a changed key.
type placement int8

const (
	notPlaced       placement = iota // not in the lake: an insert, written to a new file
	inPlace                          // in a file of its partition: kept there
	moved                            // in a file of another partition: rewritten elsewhere
	insertedInPlace                  // not in the lake: inserted into an existing file
)

// rewriteFile looks for changed keys in one data file. It returns a nil
// add when the file stays as it is, an add with an empty path when every
// row of it was deleted, and otherwise the add of its rewritten version.
func rewriteFile[T any](ctx context.Context, st delta.Storage, s *spec[T], f delta.Add, part string, keys []int64, changed changeSet, next map[rowKey]T, extra []T, placed map[rowKey]placement, o Options) (*delta.Add, []change[T], error) {
	name, err := delta.DecodePath(f.Path)
	if err != nil {
		return nil, nil, err
	}
	r, size, err := st.Open(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", name, err)
	}
	keyLeaf, ok := pf.Schema().Lookup(s.keyCol)
	if !ok {
		return nil, nil, fmt.Errorf("%s: no column %s", name, s.keyCol)
	}
	type group struct {
		rg   parquet.RowGroup
		rows []T           // nil (and raw nil): copy verbatim
		raw  []parquet.Row // the rewritten group as rows of values
	}
	// Each insert goes to the first row group whose Z-order column range
	// covers it, else to the last one starting below it.
	extras := map[int][]T{}
	if len(extra) > 0 {
		zLeaf, ok := pf.Schema().Lookup(s.zorderCol)
		if !ok {
			return nil, nil, fmt.Errorf("%s: no column %s", name, s.zorderCol)
		}
		for _, row := range extra {
			z := s.zorder(&row)
			best := 0
			for i, rg := range pf.Metadata().RowGroups {
				lo, hi, ok := int64Range(rg.Columns[zLeaf.ColumnIndex].MetaData.Statistics)
				if !ok {
					continue
				}
				if lo <= z {
					best = i
				}
				if lo <= z && z <= hi {
					break
				}
			}
			extras[best] = append(extras[best], row)
		}
	}
	var groups []group
	var changes []change[T]
	dirty := false
	kept := int64(0)
	// Tables keyed by one column rewrite a touched row group as rows of
	// values (the file's own encoding, decoded once), turning into Go
	// structs only the rows that changed: most of a touched group is
	// carried over, and the reflection of reading every row into a struct
	// and writing it back was most of a sync's CPU.
	raw := s.key2 == nil
	var schema *parquet.Schema
	zCol := -1
	if raw {
		schema = parquet.SchemaOf(new(T))
		if s.zorderCol != "" {
			zLeaf, ok := pf.Schema().Lookup(s.zorderCol)
			if !ok {
				return nil, nil, fmt.Errorf("%s: no column %s", name, s.zorderCol)
			}
			zCol = zLeaf.ColumnIndex
		}
	}
	for i, rg := range pf.RowGroups() {
		lo, hi, ok := int64Range(pf.Metadata().RowGroups[i].Columns[keyLeaf.ColumnIndex].MetaData.Statistics)
		if ok && !anyIn(keys, lo, hi) && len(extras[i]) == 0 {
			groups = append(groups, group{rg: rg})
			kept += rg.NumRows()
			continue
		}
		if raw {
			out, ch, touched, err := rewriteRawGroup(s, schema, rg, keyLeaf.ColumnIndex, zCol, part, changed, next, extras[i], placed)
			if err != nil {
				return nil, nil, fmt.Errorf("read %s: %w", name, err)
			}
			changes = append(changes, ch...)
			if touched {
				dirty = true
				groups = append(groups, group{rg: rg, raw: out})
			} else {
				groups = append(groups, group{rg: rg})
			}
			kept += int64(len(out))
			continue
		}
		rows, err := readRowGroup[T](rg)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", name, err)
		}
		out := rows[:0:0]
		touched := false
		for _, row := range rows {
			if s.setPart != nil {
				s.setPart(&row, part)
			}
			k := s.keyOf(&row)
			if !changed[k] {
				out = append(out, row)
				continue
			}
			nr, exists := next[k]
			switch {
			case !exists:
				changes = append(changes, change[T]{row: row, typ: ChangeDelete, part: part})
				touched = true
			case s.partOf(&nr) != part:
				// Moved to another partition: deleted here, inserted
				// there (as Spark's MERGE records it: pre and post image).
				changes = append(changes, change[T]{row: row, typ: ChangeUpdatePreimage, part: part},
					change[T]{row: nr, typ: ChangeUpdatePostimage, part: s.partOf(&nr)})
				touched = true
				placed[k] = moved
			default:
				placed[k] = inPlace
				if gocmp.Equal(row, nr) {
					out = append(out, row)
					continue
				}
				changes = append(changes, change[T]{row: row, typ: ChangeUpdatePreimage, part: part},
					change[T]{row: nr, typ: ChangeUpdatePostimage, part: part})
				out = append(out, nr)
				touched = true
			}
		}
		if add := extras[i]; len(add) > 0 {
			for _, row := range add {
				placed[s.keyOf(&row)] = insertedInPlace
			}
			out = append(out, add...)
			touched = true
			// Inside a row group the order only matters for compression:
			// (Z-order column, key) keeps the group's neighbours together.
			out = sortByZKey(s, out)
		}
		if touched {
			dirty = true
			groups = append(groups, group{rg: rg, rows: out})
		} else {
			groups = append(groups, group{rg: rg})
		}
		kept += int64(len(out))
	}
	if !dirty {
		return nil, changes, nil
	}
	if kept == 0 {
		return &delta.Add{}, changes, nil
	}
	newName := dataFileName(s.partitionDir(part), "part-00000")
	wc, err := st.Create(ctx, newName)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", newName, err)
	}
	cw := &countingWriter{w: wc}
	w := parquet.NewGenericWriter[T](cw, writerOptions(o)...)
	for _, g := range groups {
		if g.raw != nil {
			if _, err := w.WriteRows(g.raw); err != nil {
				wc.Close()
				return nil, nil, fmt.Errorf("write %s: %w", newName, err)
			}
			if err := w.Flush(); err != nil {
				wc.Close()
				return nil, nil, fmt.Errorf("write %s: %w", newName, err)
			}
			continue
		}
		if g.rows == nil {
			if _, err := w.WriteRowGroup(g.rg); err != nil {
				wc.Close()
				return nil, nil, fmt.Errorf("copy row group into %s: %w", newName, err)
			}
			continue
		}
		if len(g.rows) == 0 {
			continue
		}
		if _, err := w.Write(g.rows); err != nil {
			wc.Close()
			return nil, nil, fmt.Errorf("write %s: %w", newName, err)
		}
		if err := w.Flush(); err != nil {
			wc.Close()
			return nil, nil, fmt.Errorf("write %s: %w", newName, err)
		}
	}
	if err := w.Close(); err != nil {
		wc.Close()
		return nil, nil, fmt.Errorf("write %s: %w", newName, err)
	}
	if err := wc.Close(); err != nil {
		return nil, nil, fmt.Errorf("close %s: %w", newName, err)
	}
	add := &delta.Add{
		Path: delta.EncodePath(newName), PartitionValues: s.partitionValues(part), Size: cw.n,
		ModificationTime: o.now().UnixMilli(), DataChange: true,
		Stats: footerStats(w.File().Metadata(), s.sparkTypes()).String(),
	}
	return add, changes, nil
}

// sortByZKey returns rows ordered by (Z-order column, key), sorting
// small keys rather than the (large) rows.
func sortByZKey[T any](s *spec[T], rows []T) []T {
	type zk struct {
		z, k int64
		i    int
	}
	keys := make([]zk, len(rows))
	for i := range rows {
		keys[i] = zk{s.zorder(&rows[i]), s.key(&rows[i]), i}
	}
	slices.SortFunc(keys, func(a, b zk) int {
		if c := cmp.Compare(a.z, b.z); c != 0 {
			return c
		}
		return cmp.Compare(a.k, b.k)
	})
	out := make([]T, len(rows))
	for i, k := range keys {
		out[i] = rows[k.i]
	}
	return out
}

// int64Range decodes the min and max of an INT64 column chunk's
// statistics.
func int64Range(st format.Statistics) (lo, hi int64, ok bool) {
	if len(st.MinValue) != 8 || len(st.MaxValue) != 8 {
		return 0, 0, false
	}
	return int64(binary.LittleEndian.Uint64(st.MinValue)), int64(binary.LittleEndian.Uint64(st.MaxValue)), true
}

// readRowGroup decodes every row of a row group.
func readRowGroup[T any](rg parquet.RowGroup) ([]T, error) {
	rd := parquet.NewGenericRowGroupReader[T](rg)
	defer rd.Close()
	rows := make([]T, rg.NumRows())
	n, err := rd.Read(rows)
	if err != nil && err != io.EOF {
		return nil, err
	}
	return rows[:n], nil
}

// rewriteRawGroup applies the changes to one row group of a table keyed
// by one column, read as rows of values: a row whose key did not change
// is kept as it was read; a changed one is decoded into T (its old image
// for the change feed) and replaced by the new row's values, or dropped
// when deleted or moved to another partition; inserts (extra) are added
// and the group ordered again by (Z-order column, key). It reports
// whether anything in the group changed.
func rewriteRawGroup[T any](s *spec[T], schema *parquet.Schema, rg parquet.RowGroup, keyCol, zCol int, part string, changed changeSet, next map[rowKey]T, extra []T, placed map[rowKey]placement) ([]parquet.Row, []change[T], bool, error) {
	rows, err := readRawRows(rg)
	if err != nil {
		return nil, nil, false, err
	}
	var changes []change[T]
	out := rows[:0]
	touched := false
	for _, r := range rows {
		k := rowKey{a: r[keyCol].Int64()}
		if !changed[k] {
			out = append(out, r)
			continue
		}
		var old T
		if err := schema.Reconstruct(&old, r); err != nil {
			return nil, nil, false, err
		}
		if s.setPart != nil {
			s.setPart(&old, part)
		}
		nr, exists := next[k]
		switch {
		case !exists:
			changes = append(changes, change[T]{row: old, typ: ChangeDelete, part: part})
			touched = true
		case s.partOf(&nr) != part:
			// Moved to another partition: deleted here, inserted there (as
			// Spark's MERGE records it: pre and post image).
			changes = append(changes, change[T]{row: old, typ: ChangeUpdatePreimage, part: part},
				change[T]{row: nr, typ: ChangeUpdatePostimage, part: s.partOf(&nr)})
			touched = true
			placed[k] = moved
		default:
			placed[k] = inPlace
			if gocmp.Equal(old, nr) {
				out = append(out, r)
				continue
			}
			changes = append(changes, change[T]{row: old, typ: ChangeUpdatePreimage, part: part},
				change[T]{row: nr, typ: ChangeUpdatePostimage, part: part})
			out = append(out, schema.Deconstruct(nil, &nr))
			touched = true
		}
	}
	if len(extra) > 0 {
		for i := range extra {
			placed[s.keyOf(&extra[i])] = insertedInPlace
			out = append(out, schema.Deconstruct(nil, &extra[i]))
		}
		touched = true
		// Inside a row group the order only matters for compression:
		// (Z-order column, key) keeps the group's neighbours together.
		z := keyCol
		if zCol >= 0 {
			z = zCol
		}
		slices.SortStableFunc(out, func(a, b parquet.Row) int {
			if c := cmp.Compare(a[z].Int64(), b[z].Int64()); c != 0 {
				return c
			}
			return cmp.Compare(a[keyCol].Int64(), b[keyCol].Int64())
		})
	}
	return out, changes, touched, nil
}

// readRawRows reads every row of a row group as values, copying the
// bytes of strings (which point into the reader's page buffers) into
// shared blocks, and the values into one slab.
func readRawRows(rg parquet.RowGroup) ([]parquet.Row, error) {
	rows := rg.Rows()
	defer rows.Close()
	out := make([]parquet.Row, 0, rg.NumRows())
	buf := make([]parquet.Row, 128)
	// The rows' values are carved from one slab (a row group's rows all
	// have one value per leaf column, none repeated), their bytes from
	// blocks: a few allocations per group instead of one per row.
	slab := make([]parquet.Value, 0, int(rg.NumRows())*len(rg.Schema().Columns()))
	var block []byte
	for {
		n, err := rows.ReadRows(buf)
		for _, r := range buf[:n] {
			if cap(slab)-len(slab) < len(r) {
				slab = make([]parquet.Value, 0, max(4096, len(r)))
			}
			c := slab[len(slab) : len(slab)+len(r) : len(slab)+len(r)]
			slab = slab[:len(slab)+len(r)]
			for j, v := range r {
				if !v.IsNull() && v.Kind() == parquet.ByteArray {
					b := v.ByteArray()
					if cap(block)-len(block) < len(b) {
						block = make([]byte, 0, max(64<<10, len(b)))
					}
					off := len(block)
					block = append(block, b...)
					v = parquet.ByteArrayValue(block[off:len(block):len(block)]).Level(v.RepetitionLevel(), v.DefinitionLevel(), v.Column())
				}
				c[j] = v
			}
			out = append(out, c)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
	}
}
