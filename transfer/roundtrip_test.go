package transfer

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// sameFiles compares the table files of two directories byte for byte.
func sameFiles(t *testing.T, format, wantDir, gotDir string) {
	t.Helper()
	for _, table := range pursuit.DataTables {
		name := table + "." + format
		want, err := os.ReadFile(filepath.Join(wantDir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(gotDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("%s: export differs from the imported file (-want +got):\n%s", name,
				cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")))
		}
	}
}

// TestRoundTrip imports files, exports the store and expects the same
// bytes back, in both formats, on both stores.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	fx := newFixture()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		for _, format := range []string{FormatCSV, FormatJSONL} {
			in := fx.writeDir(t, format)
			res, err := Import(ctx, s, []string{in}, Options{})
			if err != nil {
				t.Fatalf("Import(%s): %v", format, err)
			}
			if got, want := res.Rows(), int64(15); got != want {
				t.Errorf("Import(%s) applied %d rows, want %d", format, got, want)
			}
			out := t.TempDir()
			stats, err := Export(ctx, s, out, format)
			if err != nil {
				t.Fatalf("Export(%s): %v", format, err)
			}
			if len(stats) != len(pursuit.DataTables) {
				t.Errorf("Export returned %d tables, want %d", len(stats), len(pursuit.DataTables))
			}
			sameFiles(t, format, in, out)
		}
	})
}

// TestImportUpsert imports changed rows over existing keys: they replace
// the old ones and add no rows.
func TestImportUpsert(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		fx := newFixture()
		if _, err := Import(ctx, s, []string{fx.writeDir(t, FormatCSV)}, Options{}); err != nil {
			t.Fatal(err)
		}
		before := counts(t, s)
		fx.places[0].Name = "City of Springfield (renamed)"
		fx.places[0].Population = 115000
		fx.contacts[1].Title = "Chief Technology Officer"
		fx.placeGrants[1].AccessType = pursuit.AccessFull
		in := fx.writeDir(t, FormatJSONL)
		res, err := Import(ctx, s, []string{in}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows() != 15 {
			t.Errorf("upsert applied %d rows, want 15", res.Rows())
		}
		after := counts(t, s)
		for _, table := range pursuit.DataTables {
			if before[table] != after[table] {
				t.Errorf("%s: %d rows after the upsert, want %d", table, after[table], before[table])
			}
		}
		if after["change_log seq"] <= before["change_log seq"] {
			t.Errorf("the upsert wrote no change_log rows")
		}
		p, err := s.GetPlace(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fx.places[0], p); diff != "" {
			t.Errorf("place 1 after the upsert (-want +got):\n%s", diff)
		}
		g, err := s.GetPlaceGrant(ctx, 1, 5)
		if err != nil {
			t.Fatal(err)
		}
		if g.AccessType != pursuit.AccessFull {
			t.Errorf("grant access_type = %q, want full", g.AccessType)
		}
		out := t.TempDir()
		if _, err := Export(ctx, s, out, FormatJSONL); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, FormatJSONL, in, out)
	})
}

// TestImportStrictAppliesNothing runs a broken import on both stores: the
// store keeps its rows and its change log.
func TestImportStrictAppliesNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		importBase(t, s)
		before := counts(t, s)
		dir := filepath.Join("testdata", "unknown_fk")
		res, err := Import(ctx, s, []string{dir}, Options{})
		if pursuit.ErrorCode(err) != pursuit.EINVALID {
			t.Fatalf("Import = %v, want EINVALID", err)
		}
		if res.Rejected != 2 {
			t.Errorf("Rejected = %d, want 2", res.Rejected)
		}
		if diff := cmp.Diff(before, counts(t, s)); diff != "" {
			t.Errorf("store changed (-before +after):\n%s", diff)
		}
		// skip-invalid applies the rest.
		res, err = Import(ctx, s, []string{dir}, Options{SkipInvalid: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rejected != 3 || res.Rows() != 5 {
			t.Errorf("skip-invalid: %d rows, %d rejected; want 5 rows, 3 rejected", res.Rows(), res.Rejected)
		}
		if n, _ := s.Count(ctx, pursuit.TableContacts); n != before[pursuit.TableContacts]+2 {
			t.Errorf("contacts = %d, want %d", n, before[pursuit.TableContacts]+2)
		}
	})
}

// TestImportInterrupted cancels an import while it writes: nothing is
// applied, and running it again completes it.
func TestImportInterrupted(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		fx := newFixture()
		in := fx.writeDir(t, FormatCSV)
		before := counts(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		_, err := Import(ctx, s, []string{in}, Options{BatchSize: 1, Progress: func(p Progress) {
			if p.Phase == "load" && !p.Done {
				cancel()
			}
		}})
		if pursuit.ErrorCode(err) != pursuit.ECANCELED {
			t.Fatalf("canceled Import = %v (code %q), want code %q", err, pursuit.ErrorCode(err), pursuit.ECANCELED)
		}
		if diff := cmp.Diff(before, counts(t, s)); diff != "" {
			t.Errorf("a canceled import changed the store (-before +after):\n%s", diff)
		}
		res, err := Import(context.Background(), s, []string{in}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows() != 15 {
			t.Errorf("re-run applied %d rows, want 15", res.Rows())
		}
	})
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		code  string
	}{
		{"no paths", nil, pursuit.EINVALID},
		{"missing", []string{"testdata/nope"}, pursuit.EINTERNAL},
		{"dir without tables", []string{"testdata"}, pursuit.EINVALID},
		{"unknown table", []string{"testdata/bad_name/widgets.csv"}, pursuit.EINVALID},
		{"unknown extension", []string{"testdata/bad_name/places.txt"}, pursuit.EINVALID},
		{"file", []string{"testdata/base/places.csv"}, ""},
		{"file with a suffix", []string{"testdata/bad_name/places.2024.csv"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := resolve(tt.paths)
			if got := pursuit.ErrorCode(err); got != tt.code {
				t.Errorf("resolve(%v) = %v, code %q; want code %q", tt.paths, err, got, tt.code)
			}
		})
	}
}

// TestRoundTripGenerated imports a small generated dataset, exports it and
// expects the generator's bytes back, on both stores and in both formats.
func TestRoundTripGenerated(t *testing.T) {
	t.Parallel()
	cfg := gen.SmallConfig()
	cfg.Places, cfg.Contacts, cfg.Customers = 150, 1500, 3
	dirs := map[string]string{}
	rows := map[string]int64{}
	for _, format := range []string{FormatCSV, FormatJSONL} {
		in, w := generateDir(t, cfg, format)
		dirs[format] = in
		for _, table := range pursuit.DataTables {
			rows[table] = w.Rows(table)
		}
	}
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		// The second import upserts the same rows: the export is the
		// same again.
		for _, format := range []string{FormatCSV, FormatJSONL} {
			res, err := Import(ctx, s, []string{dirs[format]}, Options{BatchSize: 500})
			if err != nil {
				for _, p := range res.Problems {
					t.Log(p)
				}
				t.Fatalf("Import(%s): %v", format, err)
			}
			for _, st := range res.Tables {
				if want := rows[st.Table]; st.Rows != want {
					t.Errorf("%s: imported %d rows, generated %d", st.Table, st.Rows, want)
				}
			}
			out := t.TempDir()
			if _, err := Export(ctx, s, out, format); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, format, dirs[format], out)
		}
	})
}

// countingStore counts the contact batches its Bulk writes.
type countingStore struct {
	pursuit.Store
	contactBatches int
}

type countingWriter struct {
	pursuit.BulkWriter
	s *countingStore
}

func (s *countingStore) Bulk(ctx context.Context, fn func(pursuit.BulkWriter) error) error {
	return s.Store.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return fn(countingWriter{w, s})
	})
}

func (w countingWriter) UpsertContacts(ctx context.Context, rows []pursuit.Contact) error {
	w.s.contactBatches++
	return w.BulkWriter.UpsertContacts(ctx, rows)
}

// appendCSV appends rows to a CSV table file, each made from the file's
// last row by setting the named columns.
func appendCSV(t *testing.T, path string, rows ...map[string]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, last := recs[0], recs[len(recs)-1]
	var buf bytes.Buffer
	buf.Write(data)
	w := csv.NewWriter(&buf)
	for _, set := range rows {
		rec := append([]string(nil), last...)
		for i, col := range header {
			if v, ok := set[col]; ok {
				rec[i] = v
			}
		}
		w.Write(rec)
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestImportStrictLateReject imports a generated dataset whose contacts
// file has bad rows at its end, after several batches of contacts were
// written, and whose tech_stack file (read after the import halted) has
// one more: the import fails, reports every problem, and leaves each store
// exactly as it was (same export, same change_log).
func TestImportStrictLateReject(t *testing.T) {
	t.Parallel()
	cfg := gen.SmallConfig()
	cfg.Places, cfg.Contacts, cfg.Customers = 100, 1000, 3
	in, w := generateDir(t, cfg, FormatCSV)
	contacts, techStack := w.Rows(pursuit.TableContacts), w.Rows(pursuit.TableTechStack)
	contactsCSV := filepath.Join(in, "contacts.csv")
	techCSV := filepath.Join(in, "tech_stack.csv")
	// Line 1 is the header, so the file's rows are lines 2 to n+1.
	appendCSV(t, contactsCSV,
		map[string]string{}, // the last row again: a duplicate key
		map[string]string{"contact_id": "999999", "place_id": "888888"}, // an unknown place
		map[string]string{"contact_id": "999998", "email": "not an email"})
	appendCSV(t, techCSV, map[string]string{})
	want := []Reject{
		{File: contactsCSV, Line: contacts + 2, Column: "contact_id", Reason: fmt.Sprintf("duplicate key: contact_id %d is on an earlier line of this file", contacts)},
		{File: contactsCSV, Line: contacts + 3, Column: "place_id", Reason: "888888 is not a key of places, neither in this import nor in the store"},
		{File: contactsCSV, Line: contacts + 4, Column: "email", Reason: `"not an email" is not an email address`},
		{File: techCSV, Line: techStack + 2, Column: "tech_stack_id", Reason: fmt.Sprintf("duplicate key: tech_stack_id %d is on an earlier line of this file", techStack)},
	}
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		importBase(t, s)
		before := counts(t, s)
		exportBefore := t.TempDir()
		if _, err := Export(ctx, s, exportBefore, FormatCSV); err != nil {
			t.Fatal(err)
		}
		cs := &countingStore{Store: s}
		var rejects []Reject
		res, err := Import(ctx, cs, []string{in}, Options{BatchSize: 100, OnReject: func(r Reject) error {
			rejects = append(rejects, r)
			return nil
		}})
		if pursuit.ErrorCode(err) != pursuit.EINVALID || !strings.Contains(err.Error(), "4 rows rejected, nothing was applied") {
			t.Fatalf("Import = %v, want EINVALID, 4 rows rejected, nothing was applied", err)
		}
		if cs.contactBatches < 5 {
			t.Errorf("%d contact batches written before the bad rows, want the whole file's (at least 5)", cs.contactBatches)
		}
		if diff := cmp.Diff(want, res.Problems); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, rejects); diff != "" {
			t.Errorf("OnReject (-want +got):\n%s", diff)
		}
		if res.Rejected != 4 || res.Rows() != 0 {
			t.Errorf("Rejected = %d, Rows = %d; want 4, 0", res.Rejected, res.Rows())
		}
		if diff := cmp.Diff(before, counts(t, s)); diff != "" {
			t.Errorf("store changed (-before +after):\n%s", diff)
		}
		exportAfter := t.TempDir()
		if _, err := Export(ctx, s, exportAfter, FormatCSV); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, FormatCSV, exportBefore, exportAfter)
	})
}

// generateDir writes the dataset of cfg to a new directory as format
// files and returns the directory and the closed writer (its row counts).
func generateDir(t *testing.T, cfg gen.Config, format string) (string, *DirWriter) {
	t.Helper()
	in := t.TempDir()
	w, err := NewDirWriter(in, format)
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Generate(context.Background(), cfg, w, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return in, w
}
