package lake_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/lake"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

// TestOptimizeAndVacuum compacts the small files a sync of inserts left,
// re-clusters contacts by Z-order, then vacuums: the rows never change,
// the OPTIMIZE commits carry dataChange=false, and vacuum deletes exactly
// the unreferenced files.
func TestOptimizeAndVacuum(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 40, 8)
	dir := t.TempDir()
	// Tiny files to compact, then syncs of inserts (which go into the
	// existing Z-ordered files).
	export(t, s, dir, lake.ExportOptions{Options: lake.Options{RowGroupRows: 4, FileRows: 8}})
	for round := 0; round < 3; round++ {
		for p := int64(1); p <= 40; p += 3 {
			if err := s.CreateContact(ctx, &pursuit.Contact{PlaceID: p, Name: "New", Email: "n@x.gov"}); err != nil {
				t.Fatal(err)
			}
		}
		sync(t, s, dir)
	}
	before := tableRows(t, dir)
	loc, _ := lake.OpenLocation(ctx, dir)
	tbl := &delta.Table{Storage: loc.Table("contacts")}
	snap0, _ := tbl.Snapshot(ctx)

	res, err := lake.Optimize(ctx, loc, "contacts", lake.OptimizeOptions{Options: small})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version < 0 || res.FilesRemoved < 2 || res.FilesAdded >= res.FilesRemoved {
		t.Fatalf("optimize = %+v, want small files packed into fewer", res)
	}
	acts, err := tbl.ReadCommit(ctx, res.Version)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		switch {
		case a.CommitInfo != nil && a.CommitInfo.Operation != "OPTIMIZE":
			t.Errorf("operation %q, want OPTIMIZE", a.CommitInfo.Operation)
		case a.Add != nil && a.Add.DataChange, a.Remove != nil && a.Remove.DataChange:
			t.Errorf("optimize action with dataChange=true: %+v %+v", a.Add, a.Remove)
		}
	}
	if diff := cmp.Diff(before, tableRows(t, dir)); diff != "" {
		t.Errorf("rows changed by optimize (-before +after):\n%s", diff)
	}
	// Nothing small is left: a second run does nothing.
	again, err := lake.Optimize(ctx, loc, "contacts", lake.OptimizeOptions{Options: small, MinFileRows: 2})
	if err != nil || again.Version != -1 {
		t.Errorf("second optimize = %+v, %v; want no commit", again, err)
	}

	z, err := lake.Optimize(ctx, loc, "contacts", lake.OptimizeOptions{Options: small, ZOrderBy: []string{"place_id", "contact_id"}})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := tbl.Snapshot(ctx)
	if z.FilesRemoved != snap0.NumFiles()-res.FilesRemoved+res.FilesAdded {
		t.Errorf("zorder optimize removed %d files, want every active file", z.FilesRemoved)
	}
	if _, err := lake.Optimize(ctx, loc, "places", lake.OptimizeOptions{ZOrderBy: []string{"name"}}); err == nil {
		t.Error("zorder by name on places: no error")
	}
	var ids []int64
	for id := int64(1); id <= 40; id += 3 {
		ids = append(ids, id)
	}
	rep, err := lake.Skipping(ctx, loc, "contacts", "place_id", ids)
	if err != nil {
		t.Fatal(err)
	}
	if rep.FilesSkipped() < 0.4 || rep.RowGroupsSkipped() < 0.7 {
		t.Errorf("after zorder optimize: %v", rep)
	}

	// Vacuum: with a week's retention nothing is old enough, not even a
	// file written long ago that was removed just now; with none, every
	// file the snapshot does not reference goes.
	old := time.Now().Add(-30 * 24 * time.Hour)
	for _, r := range snap.Tombstones() {
		p, _ := delta.DecodePath(r.Path)
		os.Chtimes(filepath.Join(dir, "contacts", p), old, old)
	}
	v, err := lake.Vacuum(ctx, loc, "contacts", 168*time.Hour, false, time.Now())
	if err != nil || len(v.Deleted) != 0 {
		t.Fatalf("vacuum 168h = %+v, %v; want nothing deleted", v, err)
	}
	// An orphan (a file no commit ever referenced) is aged by its mtime.
	orphan := filepath.Join(dir, "contacts", "part-orphan.zstd.parquet")
	os.WriteFile(orphan, []byte("x"), 0o644)
	os.Chtimes(orphan, old, old)
	v, err = lake.Vacuum(ctx, loc, "contacts", 168*time.Hour, true, time.Now())
	if err != nil || !cmp.Equal(v.Deleted, []string{"part-orphan.zstd.parquet"}) {
		t.Fatalf("vacuum 168h dry run = %+v, %v; want the orphan", v, err)
	}
	v, err = lake.Vacuum(ctx, loc, "contacts", 0, false, time.Now().Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	filepath.WalkDir(filepath.Join(dir, "contacts"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "_delta_log") {
			rel, _ := filepath.Rel(filepath.Join(dir, "contacts"), p)
			onDisk = append(onDisk, filepath.ToSlash(rel))
		}
		return nil
	})
	var active []string
	for _, f := range snap.Files() {
		p, _ := delta.DecodePath(f.Path)
		active = append(active, p)
	}
	if diff := cmp.Diff(active, onDisk); diff != "" {
		t.Errorf("files left by vacuum (-active +on disk):\n%s", diff)
	}
	if len(v.Deleted) == 0 {
		t.Error("vacuum with no retention deleted nothing")
	}
	if diff := cmp.Diff(before, tableRows(t, dir)); diff != "" {
		t.Errorf("rows changed by vacuum (-before +after):\n%s", diff)
	}
}
