package lake

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// OptimizeOptions tunes Optimize.
type OptimizeOptions struct {
	Options
	// ZOrderBy re-clusters every file of each partition by the Z-order of
	// these columns. Only the contacts table's (place_id, contact_id) is
	// supported; empty means plain compaction.
	ZOrderBy []string
	// MinFileRows is the size under which a file counts as small; 0 means
	// half of Options.FileRows.
	MinFileRows int
}

// OptimizeResult is what Optimize did to one table.
type OptimizeResult struct {
	Table                   string
	Version                 int64 // -1: nothing to do, no commit
	FilesRemoved            int
	FilesAdded              int
	Rows                    int64
	BytesBefore, BytesAdded int64
}

// tableOps are the operations that need a table's row type.
type tableOps interface {
	optimize(ctx context.Context, loc *Location, opt OptimizeOptions) (OptimizeResult, error)
}

var specs = map[string]tableOps{
	placesSpec.name: placesSpec, contactsSpec.name: contactsSpec, techStackSpec.name: techStackSpec,
	customersSpec.name: customersSpec, placeGrantsSpec.name: placeGrantsSpec,
	contactGrantsSpec.name: contactGrantsSpec, mappingsSpec.name: mappingsSpec,
}

// Optimize compacts one table: in each partition it bin-packs the files
// smaller than MinFileRows into files of up to Options.FileRows rows (or,
// with ZOrderBy, rewrites every file of the partition in Z-order), and
// commits the removes and adds with dataChange=false and operation
// OPTIMIZE, so streaming and Change Data Feed readers skip the commit.
func Optimize(ctx context.Context, loc *Location, table string, opt OptimizeOptions) (OptimizeResult, error) {
	ops, ok := specs[table]
	if !ok {
		return OptimizeResult{}, fmt.Errorf("optimize: unknown table %q (one of %s)", table, strings.Join(Tables, ", "))
	}
	return ops.optimize(ctx, loc, opt)
}

func (s *spec[T]) optimize(ctx context.Context, loc *Location, opt OptimizeOptions) (OptimizeResult, error) {
	res := OptimizeResult{Table: s.name, Version: -1}
	zorder := len(opt.ZOrderBy) > 0
	if zorder {
		if s.zorder == nil || strings.Join(opt.ZOrderBy, ",") != "place_id,contact_id" {
			return res, fmt.Errorf("optimize %s: --zorder-by %s: only contacts by place_id,contact_id is supported", s.name, strings.Join(opt.ZOrderBy, ","))
		}
	}
	st := loc.Table(s.name)
	tbl := newTable(st, opt.Options)
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	minRows := int64(opt.MinFileRows)
	if minRows == 0 {
		minRows = int64(opt.fileRows() / 2)
	}
	byPart := map[string][]delta.Add{}
	for _, f := range snap.Files() {
		part := ""
		if s.partition != "" {
			if v := f.PartitionValues[s.partition]; v != nil {
				part = *v
			}
		}
		st, ok, _ := f.ParsedStats()
		if !zorder && ok && st.NumRecords >= minRows {
			continue
		}
		byPart[part] = append(byPart[part], f)
	}
	var removes []delta.Add
	var all []T
	parts := map[string][]int32{}
	for part, files := range byPart {
		if len(files) < 2 && !zorder {
			continue
		}
		for _, f := range files {
			rows, err := readFile(ctx, st, s, f, part)
			if err != nil {
				return res, err
			}
			for i := range rows {
				parts[part] = append(parts[part], int32(len(all)+i))
			}
			all = append(all, rows...)
			removes = append(removes, f)
			res.BytesBefore += f.Size
		}
		res.Rows += int64(len(parts[part]))
	}
	if len(removes) == 0 {
		return res, nil
	}
	for _, idx := range parts {
		sortRows(s, all, idx)
	}
	adds, err := writeFiles(ctx, st, s, all, parts, "part", opt.Options)
	if err != nil {
		return res, err
	}
	now := opt.now()
	readVersion := snap.Version
	params := map[string]any{"predicate": "[]", "zOrderBy": jsonList(opt.ZOrderBy)}
	res.Version, err = tbl.Update(ctx, func(cur *delta.Snapshot) ([]delta.Action, error) {
		if cur.Version != readVersion {
			// Only a conflict if one of our inputs went away.
			for _, f := range removes {
				if _, ok := cur.File(f.Path); !ok {
					return nil, fmt.Errorf("file %s removed by a concurrent commit: %w", f.Path, delta.ErrConflict)
				}
			}
		}
		acts := []delta.Action{tbl.NewCommitInfo("OPTIMIZE", params, map[string]string{
			"numRemovedFiles": fmt.Sprint(len(removes)), "numAddedFiles": fmt.Sprint(len(adds)),
		}, false)}
		for _, f := range removes {
			acts = append(acts, delta.Action{Remove: &delta.Remove{Path: f.Path, DeletionTimestamp: now.UnixMilli(), DataChange: false,
				ExtendedFileMetadata: true, PartitionValues: f.PartitionValues, Size: f.Size}})
		}
		for i := range adds {
			a := adds[i]
			a.DataChange = false
			acts = append(acts, delta.Action{Add: &a})
		}
		return acts, nil
	})
	res.FilesRemoved, res.FilesAdded = len(removes), len(adds)
	for _, a := range adds {
		res.BytesAdded += a.Size
	}
	return res, err
}

// readFile decodes every row of one data file, putting its partition
// value back.
func readFile[T any](ctx context.Context, st delta.Storage, s *spec[T], f delta.Add, part string) ([]T, error) {
	name, err := delta.DecodePath(f.Path)
	if err != nil {
		return nil, err
	}
	r, size, err := st.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rd := parquet.NewGenericReader[T](io.NewSectionReader(r, 0, size))
	defer rd.Close()
	rows := make([]T, rd.NumRows())
	n, err := rd.Read(rows)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	rows = rows[:n]
	if s.setPart != nil {
		for i := range rows {
			s.setPart(&rows[i], part)
		}
	}
	return rows, nil
}

// VacuumResult lists what Vacuum deleted (or would delete).
type VacuumResult struct {
	Table   string
	Deleted []string
	Bytes   int64
}

// Vacuum deletes the files of a table that the current snapshot does not
// reference (removed data files and old Change Data Feed files) and that
// are older than retain: removed longer ago than retain, for files the
// log removed, or written longer ago, for files it never referenced. The log is never touched. With dryRun it only
// lists them.
func Vacuum(ctx context.Context, loc *Location, table string, retain time.Duration, dryRun bool, now time.Time) (VacuumResult, error) {
	res := VacuumResult{Table: table}
	st := loc.Table(table)
	snap, err := (&delta.Table{Storage: st}).Snapshot(ctx)
	if err != nil {
		return res, err
	}
	live := map[string]bool{}
	for _, f := range snap.Files() {
		p, err := delta.DecodePath(f.Path)
		if err != nil {
			return res, err
		}
		live[p] = true
	}
	// A removed file's age is that of its remove (its tombstone's
	// deletionTimestamp), as in Delta's VACUUM: an old file removed a
	// minute ago is still needed by readers of the previous version.
	removedAt := map[string]time.Time{}
	for _, r := range snap.Tombstones() {
		p, err := delta.DecodePath(r.Path)
		if err != nil {
			return res, err
		}
		removedAt[p] = time.UnixMilli(r.DeletionTimestamp)
	}
	files, err := st.List(ctx, "")
	if err != nil {
		return res, err
	}
	cutoff := now.Add(-retain)
	for _, f := range files {
		age := f.ModTime
		if t, ok := removedAt[f.Name]; ok && t.After(age) {
			age = t
		}
		if strings.HasPrefix(f.Name, delta.LogDir+"/") || live[f.Name] || !age.Before(cutoff) {
			continue
		}
		base := f.Name[strings.LastIndexByte(f.Name, '/')+1:]
		if strings.HasPrefix(base, ".") || (strings.HasPrefix(base, "_") && !strings.HasPrefix(f.Name, ChangeDataDir+"/")) {
			continue
		}
		res.Deleted = append(res.Deleted, f.Name)
		res.Bytes += f.Size
	}
	sort.Strings(res.Deleted)
	if dryRun {
		return res, nil
	}
	for _, name := range res.Deleted {
		if err := st.Delete(ctx, name); err != nil {
			return res, fmt.Errorf("delete %s: %w", name, err)
		}
	}
	return res, nil
}
