package transfer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// listDir returns the names of the entries of dir, sorted.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range entries {
		names = append(names, de.Name())
	}
	slices.Sort(names)
	return names
}

// readDir returns the contents of the files of dir by name.
func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, name := range listDir(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

func tableNames(format string) []string {
	var names []string
	for _, table := range pursuit.DataTables {
		names = append(names, table+"."+format)
	}
	slices.Sort(names)
	return names
}

// TestDirWriterWritesAtomically checks that no table file appears before
// Close, that Close puts every one in place, and that Abort leaves the
// directory as it was, earlier files included.
func TestDirWriterWritesAtomically(t *testing.T) {
	for _, format := range []string{FormatCSV, FormatJSONL} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			fx := newFixture()
			d, err := NewDirWriter(dir, format)
			if err != nil {
				t.Fatal(err)
			}
			fx.write(t, d)
			for _, name := range listDir(t, dir) {
				if slices.Contains(tableNames(format), name) {
					t.Errorf("%s exists before Close", name)
				}
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			d.Abort() // after Close: nothing happens
			if diff := cmp.Diff(tableNames(format), listDir(t, dir)); diff != "" {
				t.Fatalf("after Close (-want +got):\n%s", diff)
			}
			for _, name := range tableNames(format) {
				fi, err := os.Stat(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o644 {
					t.Errorf("%s: mode %v, want 0644", name, fi.Mode())
				}
			}
			before := readDir(t, dir)

			// A second run that fails: Abort, or Close after a failed write.
			a, err := NewDirWriter(dir, format)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.UpsertCustomers(context.Background(), fx.customers[:1]); err != nil {
				t.Fatal(err)
			}
			a.Abort()
			if err := a.UpsertPlaces(context.Background(), fx.places); err == nil {
				t.Error("a write after Abort succeeded")
			}
			if err := a.Close(); err == nil {
				t.Error("Close after Abort succeeded")
			}
			if diff := cmp.Diff(before, readDir(t, dir)); diff != "" {
				t.Errorf("Abort changed the directory (-before +after):\n%s", diff)
			}

			b, err := NewDirWriter(dir, format)
			if err != nil {
				t.Fatal(err)
			}
			b.err = errors.New("disk full") // as a failed write leaves it
			if err := b.Close(); err == nil {
				t.Error("Close after a failed write succeeded")
			}
			if diff := cmp.Diff(before, readDir(t, dir)); diff != "" {
				t.Errorf("a Close after a failed write changed the directory (-before +after):\n%s", diff)
			}
		})
	}
}

// TestExportFailureKeepsEarlierFiles exports a store, then exports it again
// with a canceled context: the first export's files stay as they were and
// no temporary file is left.
func TestExportFailureKeepsEarlierFiles(t *testing.T) {
	s := testdb.SQLite(t)
	fx := newFixture()
	if err := s.Bulk(context.Background(), func(w pursuit.BulkWriter) error {
		fx.write(t, w)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := Export(context.Background(), s, dir, FormatCSV); err != nil {
		t.Fatal(err)
	}
	before := readDir(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Export(ctx, s, dir, FormatCSV); !errors.Is(err, context.Canceled) {
		t.Fatalf("Export with a canceled context = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff(before, readDir(t, dir)); diff != "" {
		t.Errorf("a failed export changed the directory (-before +after):\n%s", diff)
	}
}
