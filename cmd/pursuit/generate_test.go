package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

var genArgs = []string{"generate", "--places", "400", "--contacts", "6000", "--customers", "4"}

func TestGenerateCommandWritesIdenticalFiles(t *testing.T) {
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			tmp := t.TempDir()
			gen := func(dir, seed string) {
				t.Helper()
				args := append(append([]string{}, genArgs...), "--seed", seed, "--out", filepath.Join(tmp, dir), "--format", format)
				out, _, err := runCmd(t, args...)
				if err != nil {
					t.Fatalf("generate: %v", err)
				}
				if !strings.Contains(out, "rows generated") {
					t.Errorf("summary = %q, want it to report the rows generated", out)
				}
			}
			gen("a", "5")
			gen("b", "5")
			gen("c", "6")
			for _, table := range pursuit.DataTables {
				name := table + "." + format
				a, err := os.ReadFile(filepath.Join(tmp, "a", name))
				if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(tmp, "b", name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between two runs with seed 5", name)
				}
				if table == pursuit.TableContacts {
					c, _ := os.ReadFile(filepath.Join(tmp, "c", name))
					if bytes.Equal(a, c) {
						t.Errorf("%s is the same for seeds 5 and 6", name)
					}
					if lines := bytes.Count(a, []byte("\n")); format == "csv" && lines != 6001 {
						t.Errorf("%s has %d lines, want a header and 6000 rows", name, lines)
					}
				}
			}
		})
	}
}

func TestGenerateCommandIntoStores(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "sub", "pursuit.db") },
		"postgres": func(t *testing.T) string { return testdb.PostgresDSN(t) },
	}
	for kind, dsn := range dsns {
		t.Run(kind, func(t *testing.T) {
			db := dsn(t)
			if _, _, err := runCmd(t, append(append([]string{}, genArgs...), "--db", db)...); err != nil {
				t.Fatalf("generate --db: %v", err)
			}
			s, err := openStore(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got := map[string]int64{}
			for _, table := range []string{pursuit.TableCustomers, pursuit.TablePlaces, pursuit.TableContacts} {
				if got[table], err = s.Count(context.Background(), table); err != nil {
					t.Fatal(err)
				}
			}
			want := map[string]int64{pursuit.TableCustomers: 4, pursuit.TablePlaces: 400, pursuit.TableContacts: 6000}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("row counts (-want +got):\n%s", diff)
			}
			for _, table := range pursuit.DataTables {
				if n, err := s.Count(context.Background(), table); err != nil || n == 0 {
					t.Errorf("Count(%s) = %d, %v; want rows", table, n, err)
				}
			}
		})
	}
}

func TestGenerateCommandRejectsBadFlags(t *testing.T) {
	tmp := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no destination", []string{"generate", "--small"}, "--out DIR"},
		{"both destinations", []string{"generate", "--small", "--out", tmp, "--db", filepath.Join(tmp, "x.db")}, "not both"},
		{"bad format", []string{"generate", "--small", "--out", tmp, "--format", "xml"}, "csv or jsonl"},
		{"no places", []string{"generate", "--places", "0", "--out", tmp}, "--places"},
		{"too few contacts", []string{"generate", "--places", "10", "--contacts", "5", "--out", tmp}, "--contacts"},
		{"stray argument", []string{"generate", "--out", tmp, "extra"}, "extra"},
		{"negative places", []string{"generate", "--places", "-3", "--out", tmp}, "--places"},
		{"too many places", []string{"generate", "--places", "2000001", "--out", tmp}, "--places"},
		{"negative contacts", []string{"generate", "--places", "10", "--contacts", "-1", "--out", tmp}, "--contacts"},
		{"negative customers", []string{"generate", "--places", "10", "--customers", "-1", "--out", tmp}, "--customers"},
		{"negative batch", []string{"generate", "--small", "--batch", "-5", "--out", tmp}, "--batch must be between 1 and 100000, not -5"},
		{"huge batch", []string{"generate", "--small", "--batch", "2000000000", "--out", tmp}, "--batch must be between 1 and 100000"},
		{"batch beyond int64", []string{"generate", "--small", "--batch", "9223372036854775808", "--out", tmp}, "-batch"},
		{"zero batch", []string{"generate", "--small", "--batch", "0", "--out", tmp}, "--batch"},
		{"seed out of range", []string{"generate", "--small", "--seed", "9223372036854775808", "--out", tmp}, "-seed"},
		{"seed not a number", []string{"generate", "--small", "--seed", "seven", "--out", tmp}, "-seed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

// cancelOnLog is a stderr that cancels a run once the log says the places
// table is done (or under way): generation then fails part-way, after
// customers, places and some contacts were written.
type cancelOnLog struct {
	buf    bytes.Buffer
	cancel context.CancelFunc
}

func (c *cancelOnLog) Write(p []byte) (int, error) {
	c.buf.Write(p)
	if s := c.buf.String(); strings.Contains(s, "table=places") || strings.Contains(s, `"table":"places"`) {
		c.cancel()
	}
	return len(p), nil
}

// runCanceled runs a generation that is canceled part-way and expects it
// to fail.
func runCanceled(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &cancelOnLog{cancel: cancel}
	args = append(append([]string{}, args...), "--batch", "500")
	err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), io.Discard, stderr)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run(%q) canceled part-way = %v, want context.Canceled; stderr:\n%s", args, err, stderr.buf.String())
	}
}

// dirFiles returns the names and contents of the files in dir.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, de := range entries {
		b, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[de.Name()] = string(b)
	}
	return out
}

// TestGenerateCommandFailureLeavesNothing cancels generations part-way:
// into a new directory (nothing is left, not even the directory), over an
// earlier run's files (they stay as they were, no temporary file is left),
// into a new SQLite file (removed), over a generated SQLite store and
// into PostgreSQL (no row written: one transaction).
func TestGenerateCommandFailureLeavesNothing(t *testing.T) {
	t.Run("new directory", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "new", "out")
		runCanceled(t, append(append([]string{}, genArgs...), "--out", out)...)
		if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a failed run left %s behind (%v): %v", out, err, dirFilesOrNil(out))
		}
	})
	for _, format := range []string{"csv", "jsonl"} {
		t.Run("over earlier files "+format, func(t *testing.T) {
			out := t.TempDir()
			if _, _, err := runCmd(t, append(append([]string{}, genArgs...), "--seed", "5", "--out", out, "--format", format)...); err != nil {
				t.Fatal(err)
			}
			before := dirFiles(t, out)
			if len(before) != len(pursuit.DataTables) {
				t.Fatalf("a run wrote %d files, want %d", len(before), len(pursuit.DataTables))
			}
			runCanceled(t, append(append([]string{}, genArgs...), "--seed", "6", "--out", out, "--format", format)...)
			after := dirFiles(t, out)
			if len(after) != len(before) {
				names := []string{}
				for n := range after {
					names = append(names, n)
				}
				t.Errorf("after a failed run the directory holds %q, want the earlier run's %d files", names, len(before))
			}
			for name, b := range before {
				if after[name] != b {
					t.Errorf("a failed run changed %s", name)
				}
			}
		})
	}
	t.Run("new sqlite file", func(t *testing.T) {
		dir := t.TempDir()
		runCanceled(t, append(append([]string{}, genArgs...), "--db", filepath.Join(dir, "pursuit.db"))...)
		if left := dirFiles(t, dir); len(left) != 0 {
			t.Errorf("a failed run into a new SQLite file left %d files", len(left))
		}
	})
	counts := func(t *testing.T, dsn string) map[string]int64 {
		t.Helper()
		s, err := openStore(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		got := map[string]int64{}
		for _, table := range pursuit.DataTables {
			if got[table], err = s.Count(context.Background(), table); err != nil {
				t.Fatal(err)
			}
		}
		got["change_log"], err = s.LastSeq(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	t.Run("over a sqlite store", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "pursuit.db")
		if _, _, err := runCmd(t, append(append([]string{}, genArgs...), "--seed", "5", "--db", db)...); err != nil {
			t.Fatal(err)
		}
		before := counts(t, db)
		runCanceled(t, "generate", "--seed", "6", "--places", "500", "--contacts", "7000", "--customers", "4", "--db", db)
		if diff := cmp.Diff(before, counts(t, db)); diff != "" {
			t.Errorf("a failed run changed the store (-before +after):\n%s", diff)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testdb.PostgresDSN(t)
		runCanceled(t, append(append([]string{}, genArgs...), "--db", dsn)...)
		for table, n := range counts(t, dsn) {
			if n != 0 {
				t.Errorf("a failed run left %d rows in %s", n, table)
			}
		}
	})
}

func dirFilesOrNil(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, de := range entries {
		out = append(out, de.Name())
	}
	return out
}

// TestGenerateCommandAnySeed generates with the seeds at the ends of the
// range, and with the seed and sizes that crashed ("invalid argument to
// Int64N" when a grant landed after the dataset's "now").
func TestGenerateCommandAnySeed(t *testing.T) {
	for _, args := range [][]string{
		{"--seed", "7", "--places", "100", "--contacts", "0"},
		{"--seed", "0", "--places", "30", "--contacts", "300", "--customers", "60"},
		{"--seed", "-1", "--places", "1", "--contacts", "1", "--customers", "1"},
		{"--seed", "9223372036854775807", "--places", "50", "--contacts", "50", "--customers", "0"},
		{"--seed", "-9223372036854775808", "--places", "20", "--contacts", "400", "--customers", "3"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out := t.TempDir()
			if _, _, err := runCmd(t, append(append([]string{"generate"}, args...), "--out", out)...); err != nil {
				t.Fatalf("generate %q: %v", args, err)
			}
			if got := len(dirFiles(t, out)); got != len(pursuit.DataTables) {
				t.Errorf("%d files, want %d", got, len(pursuit.DataTables))
			}
		})
	}
}
