package deltagolden

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/pursuit-gov/pursuit/lake/delta"
)

// goldenTable opens one of the Spark-written tables.
func goldenTable(t *testing.T, name string) *delta.Table {
	t.Helper()
	return &delta.Table{Storage: &delta.Dir{Root: filepath.Join(golden, name)}}
}

func sp(s string) *string { return &s }

func paths(files []delta.Add) []string {
	out := []string{}
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

// TestGoldenSnapshots replays the Spark-written tables and compares the
// active file set with the one read off the JSON commits by hand.
func TestGoldenSnapshots(t *testing.T) {
	pf := func(uuid string) string { return "part-00000-" + uuid + "-c000.snappy.parquet" }
	tests := []struct {
		table   string
		version int64 // -1: latest
		want    []string
		wantV   int64
	}{
		{"checkpoint", -1, []string{"15"}, 14},
		{"checkpoint", 10, []string{"11"}, 10},
		// Before the checkpoint: a pure JSON replay.
		{"checkpoint", 9, []string{"10"}, 9},
		{"basic-with-inserts-deletes-checkpoint", -1, []string{
			pf("1b0098ea-c696-4470-84cc-d43bb7afb833"), pf("4b448490-06f4-4c74-9f65-9f36ae68e3b2"),
			pf("7d1a368c-74ea-42df-9527-2c9a7c8292b9"), pf("c92cba9e-6c07-4a93-916a-0a6e115e39b3"),
			pf("ca2d0b26-c15c-454f-a933-fc724e15e5f1"), pf("da82aeb5-4edb-4cc1-91ef-970c75c965cc"),
			pf("f80053c6-2b0d-41ed-ab5f-61ef1503cae6"),
		}, 13},
		{"basic-with-inserts-updates", -1, []string{
			pf("6dfaec75-bd45-4fd6-b20f-7d58c9341479"), "part-00001-13a6bfd9-3835-44dd-b4f1-465aa95b2bf4-c000.snappy.parquet",
		}, 1},
		{"deltalog-getChanges", -1, []string{}, 2},
		{"deltalog-getChanges", 0, []string{"fake/path/1"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			s, err := goldenTable(t, tt.table).SnapshotAt(context.Background(), tt.version)
			if err != nil {
				t.Fatal(err)
			}
			if s.Version != tt.wantV {
				t.Errorf("version = %d, want %d", s.Version, tt.wantV)
			}
			want := append([]string{}, tt.want...)
			sort.Strings(want)
			if diff := cmp.Diff(want, paths(s.Files())); diff != "" {
				t.Errorf("active files (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoldenStatsAndTxn(t *testing.T) {
	ctx := context.Background()
	s, err := goldenTable(t, "basic-with-inserts-deletes-checkpoint").Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Rows per file from the stats: 5 files of 5 (deletes), 10 and 6.
	var total int64
	for _, f := range s.Files() {
		st, ok, err := f.ParsedStats()
		if err != nil || !ok {
			t.Fatalf("stats of %s: ok=%v err=%v", f.Path, ok, err)
		}
		total += st.NumRecords
	}
	if total != 41 {
		t.Errorf("numRecords sum = %d, want 41", total)
	}
	f, ok := s.File("part-00000-7d1a368c-74ea-42df-9527-2c9a7c8292b9-c000.snappy.parquet")
	if !ok {
		t.Fatal("file of version 13 not active")
	}
	st, _, _ := f.ParsedStats()
	want := delta.Stats{NumRecords: 6, MinValues: map[string]any{"id": 60.0}, MaxValues: map[string]any{"id": 65.0}, NullCount: map[string]int64{"id": 0}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if len(s.Tombstones()) != 7 {
		t.Errorf("tombstones = %d, want 7", len(s.Tombstones()))
	}

	g, err := goldenTable(t, "deltalog-getChanges").Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v := g.TxnVersion("fakeAppId"); v != 3 {
		t.Errorf("txn version = %d, want 3", v)
	}
	acts, err := goldenTable(t, "deltalog-getChanges").ReadCommit(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var cdc []delta.CDC
	for _, a := range acts {
		if a.CDC != nil {
			cdc = append(cdc, *a.CDC)
		}
	}
	wantCDC := []delta.CDC{{Path: "fake/path/2", PartitionValues: map[string]*string{"partition_foo": sp("partition_bar")}, Size: 1, Tags: map[string]string{"tag_foo": "tag_bar"}}}
	if diff := cmp.Diff(wantCDC, cdc); diff != "" {
		t.Errorf("cdc actions (-want +got):\n%s", diff)
	}
}

func TestGoldenPartitionValues(t *testing.T) {
	tbl := goldenTable(t, "data-reader-partition-values")
	s, err := tbl.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"as_int", "as_long", "as_byte", "as_short", "as_boolean", "as_float", "as_double", "as_string", "as_string_lit_null", "as_date", "as_timestamp", "as_big_decimal"}, s.Metadata.PartitionColumns); diff != "" {
		t.Errorf("partition columns (-want +got):\n%s", diff)
	}
	nulls := 0
	for _, f := range s.Files() {
		p, err := delta.DecodePath(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(tbl.Storage.LocalPath(p)); err != nil {
			t.Errorf("decoded path of %s: %v", f.Path, err)
		}
		if f.PartitionValues["as_int"] == nil {
			nulls++
			continue
		}
		if got := *f.PartitionValues["as_timestamp"]; got != "2021-09-08 11:11:11" {
			t.Errorf("as_timestamp = %q", got)
		}
		// Our own encoding of the partition directory matches Spark's.
		dir := delta.PartitionDir(s.Metadata.PartitionColumns, f.PartitionValues)
		if got := delta.EncodePath(dir) + "/"; got != f.Path[:len(got)] {
			t.Errorf("delta.EncodePath(delta.PartitionDir) = %q, want prefix of %q", got, f.Path)
		}
	}
	if nulls != 1 {
		t.Errorf("files with null partition values = %d, want 1", nulls)
	}
	schema, err := s.Metadata.Schema()
	if err != nil {
		t.Fatal(err)
	}
	if got := schema.Fields[10].TypeName(); got != "timestamp" {
		t.Errorf("field 10 type = %q, want timestamp", got)
	}
}

// TestCheckpointRoundTrip writes our own checkpoint of every golden table
// and replays it alone: the state must equal the JSON replay.
func TestCheckpointRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"checkpoint", "basic-with-inserts-deletes-checkpoint", "basic-with-inserts-updates", "deltalog-getChanges", "data-reader-partition-values", "data-skipping-partition-and-data-column"} {
		t.Run(name, func(t *testing.T) {
			src, err := goldenTable(t, name).Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			dst := &delta.Table{Storage: &delta.Dir{Root: t.TempDir()}}
			if err := dst.Checkpoint(ctx, src, 1<<62); err != nil {
				t.Fatal(err)
			}
			got, err := dst.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != src.Version {
				t.Errorf("version = %d, want %d", got.Version, src.Version)
			}
			for _, f := range src.Files() {
				f.DataChange = false
				g, ok := got.File(f.Path)
				if !ok {
					t.Errorf("file %s missing after checkpoint", f.Path)
					continue
				}
				if diff := cmp.Diff(f, g); diff != "" {
					t.Errorf("file %s (-want +got):\n%s", f.Path, diff)
				}
			}
			if got.NumFiles() != src.NumFiles() {
				t.Errorf("files = %d, want %d", got.NumFiles(), src.NumFiles())
			}
			if diff := cmp.Diff(src.Metadata, got.Metadata); diff != "" {
				t.Errorf("metadata (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(src.Txns, got.Txns); diff != "" {
				t.Errorf("txns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCheckpointSchemaMatchesSpark compares the parquet schema of our
// checkpoints with the one Spark wrote in the golden table checkpoint/.
func TestCheckpointSchemaMatchesSpark(t *testing.T) {
	ctx := context.Background()
	src := goldenTable(t, "checkpoint")
	schemaOf := func(st delta.Storage, name string) string {
		t.Helper()
		r, size, err := st.Open(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		f, err := parquet.OpenFile(r, size)
		if err != nil {
			t.Fatal(err)
		}
		s := f.Schema().String()
		return s[strings.IndexByte(s, '{'):] // without the message name
	}
	want := schemaOf(src.Storage, delta.LogDir+"/00000000000000000010.checkpoint.parquet")
	snap, err := src.SnapshotAt(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	dst := &delta.Table{Storage: &delta.Dir{Root: t.TempDir()}}
	if err := dst.Checkpoint(ctx, snap, 1<<62); err != nil {
		t.Fatal(err)
	}
	got := schemaOf(dst.Storage, delta.LogDir+"/00000000000000000010.checkpoint.parquet")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checkpoint schema (-spark +ours):\n%s", diff)
	}
}
