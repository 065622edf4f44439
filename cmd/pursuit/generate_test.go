package main

import (
	"bytes"
	"context"
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
