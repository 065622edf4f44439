package transfer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// counts returns the row count of every data table and the last
// change_log sequence number.
func counts(t *testing.T, s pursuit.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	m := make(map[string]int64)
	for _, table := range pursuit.DataTables {
		n, err := s.Count(ctx, table)
		if err != nil {
			t.Fatalf("Count(%s): %v", table, err)
		}
		m[table] = n
	}
	seq, err := s.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m["change_log seq"] = seq
	return m
}

// importBase loads testdata/base: customers 1-2, places 1-2, contacts 1-2.
func importBase(t *testing.T, s pursuit.Store) {
	t.Helper()
	if _, err := Import(context.Background(), s, []string{filepath.Join("testdata", "base")}, Options{}); err != nil {
		t.Fatalf("import base: %v", err)
	}
}

const (
	notInStore  = " is not a key of places, neither in this import nor in the store"
	placeTypeIs = `"village" is not one of county, municipality, township, school_district, special_district, state_agency, public_college, library, tribal_government`
)

// corpus lists the broken files of testdata with the exact rejects each
// gives, and the rows skip-invalid applies. skipWant is the rejects of
// skip-invalid when they differ from strict's.
var corpus = []struct {
	name     string
	header   bool // a header problem: the import fails in both modes
	want     []Reject
	skipWant []Reject
	skipRows map[string]int64
}{
	{
		name:   "wrong_columns",
		header: true,
		want: []Reject{
			{File: "contacts.csv", Line: 1, Column: "fax", Reason: "unknown column of contacts"},
			{File: "contacts.csv", Line: 1, Column: "title", Reason: "duplicate column"},
			{File: "contacts.csv", Line: 1, Column: "name", Reason: "missing required column"},
		},
	},
	{
		name:   "empty_file",
		header: true,
		want: []Reject{
			{File: "customers.csv", Line: 1, Reason: "the file is empty: a CSV table file starts with a header row"},
		},
	},
	{
		name: "field_count",
		want: []Reject{
			{File: "places.csv", Line: 3, Reason: "has 4 fields, the header has 5"},
			{File: "places.csv", Line: 4, Reason: "has 6 fields, the header has 5"},
		},
		skipRows: map[string]int64{"places": 2},
	},
	{
		name: "bad_utf8",
		want: []Reject{
			{File: "places.csv", Line: 2, Column: "name", Reason: "is not valid UTF-8"},
			{File: "places.csv", Line: 3, Column: "population", Reason: "is not valid UTF-8"},
		},
		skipRows: map[string]int64{"places": 1},
	},
	{
		name: "bad_numbers",
		want: []Reject{
			{File: "places.csv", Line: 2, Column: "population", Reason: `"+12" is not an integer`},
			{File: "places.csv", Line: 3, Column: "place_id", Reason: `"4.0" is not an integer`},
			{File: "places.csv", Line: 4, Column: "population", Reason: "must not be negative"},
			{File: "places.csv", Line: 5, Column: "population", Reason: "99999999999999999999 is out of the 64-bit integer range"},
			{File: "places.csv", Line: 6, Column: "created_at", Reason: timeProblem("yesterday")},
			{File: "places.csv", Line: 8, Column: "place_id", Reason: "is required: every imported row needs its key, a positive integer"},
		},
		skipRows: map[string]int64{"places": 1},
	},
	{
		name: "unknown_fk",
		want: []Reject{
			{File: "contacts.csv", Line: 4, Column: "place_id", Reason: "99" + notInStore},
			{File: "customer_place_relation.csv", Line: 3, Column: "customer_id", Reason: "7 is not a key of customers, neither in this import nor in the store"},
		},
		// Skipping contact 12 makes the mapping to it dangle too; the
		// strict check counts it as present since nothing is applied.
		skipWant: []Reject{
			{File: "contacts.csv", Line: 4, Column: "place_id", Reason: "99" + notInStore},
			{File: "customer_place_relation.csv", Line: 3, Column: "customer_id", Reason: "7 is not a key of customers, neither in this import nor in the store"},
			{File: "customer_mapping.csv", Line: 2, Column: "contact_id", Reason: "12 is not a key of contacts, neither in this import nor in the store"},
		},
		skipRows: map[string]int64{"places": 1, "contacts": 2, "customer_place_relation": 1, "customer_mapping": 1},
	},
	{
		name: "duplicate_key",
		want: []Reject{
			{File: "places.csv", Line: 4, Column: "place_id", Reason: "duplicate key: place_id 3 is on an earlier line of this file"},
			{File: "customer_place_relation.csv", Line: 4, Column: "place_id", Reason: "duplicate key: customer_id 1, place_id 3 is on an earlier line of this file"},
		},
		skipRows: map[string]int64{"places": 2, "customer_place_relation": 2},
	},
	{
		name: "over_long",
		want: []Reject{
			{File: "contacts.csv", Line: 2, Column: "name", Reason: "is 301 characters long, more than the limit of 300"},
			{File: "contacts.csv", Line: 3, Column: "phone", Reason: "is 41 characters long, more than the limit of 40"},
		},
		skipRows: map[string]int64{"contacts": 1},
	},
	{
		name: "invalid",
		want: []Reject{
			{File: "places.csv", Line: 2, Column: "place_type", Reason: placeTypeIs},
			{File: "places.csv", Line: 3, Column: "state_abbr", Reason: `"ny" is not the upper-case USPS code of a US state, DC or territory`},
			{File: "places.csv", Line: 4, Column: "name", Reason: "is required"},
			{File: "customer_mapping.csv", Line: 2, Column: "place_id", Reason: "exactly one of place_id and contact_id must be set"},
		},
		skipRows: map[string]int64{"customer_mapping": 1},
	},
	{
		name: "csv_syntax",
		want: []Reject{
			{File: "places.csv", Line: 2, Reason: `bare " in an unquoted field`},
			{File: "places.csv", Line: 3, Reason: "unexpected character after a closing quote"},
			{File: "places.csv", Line: 5, Reason: "quoted field is not terminated"},
		},
		skipRows: map[string]int64{"places": 1},
	},
	{
		name:     "bom_crlf",
		skipRows: map[string]int64{"places": 2},
	},
	{
		name: "jsonl",
		want: []Reject{
			{File: "places.jsonl", Line: 2, Column: "fax", Reason: "unknown field of places"},
			{File: "places.jsonl", Line: 3, Column: "population", Reason: "must be a JSON number, not a string"},
			{File: "places.jsonl", Line: 4, Column: "population", Reason: `"1.5" is not an integer`},
			{File: "places.jsonl", Line: 6, Reason: "invalid JSON at byte 52: expected a comma or a closing brace"},
			{File: "places.jsonl", Line: 7, Column: "place_id", Reason: "duplicate key: place_id 3 is on an earlier line of this file"},
			{File: "places.jsonl", Line: 8, Column: "county", Reason: "must be a string, a number or null, not an object or array"},
			{File: "places.jsonl", Line: 9, Column: "name", Reason: "must be a JSON string, not a number"},
			{File: "contacts.jsonl", Line: 2, Column: "place_id", Reason: "4" + notInStore},
			{File: "contacts.jsonl", Line: 3, Column: "name", Reason: "is not valid UTF-8"},
			{File: "contacts.jsonl", Line: 4, Column: "verified_at", Reason: timeProblem("2024-13-01T00:00:00Z")},
			{File: "contacts.jsonl", Line: 5, Column: "name", Reason: "duplicate field"},
		},
		skipRows: map[string]int64{"places": 1, "contacts": 1},
	},
}

// inDir prefixes the rejects' file names with dir.
func inDir(dir string, rs []Reject) []Reject {
	var out []Reject
	for _, r := range rs {
		r.File = filepath.Join(dir, r.File)
		out = append(out, r)
	}
	return out
}

func TestImportCorpus(t *testing.T) {
	ctx := context.Background()
	for _, tc := range corpus {
		dir := filepath.Join("testdata", tc.name)
		t.Run(tc.name+"/strict", func(t *testing.T) {
			s := testdb.SQLite(t)
			importBase(t, s)
			before := counts(t, s)
			var got []Reject
			res, err := Import(ctx, s, []string{dir}, Options{OnReject: func(r Reject) error { got = append(got, r); return nil }})
			want := inDir(dir, tc.want)
			if len(want) == 0 {
				if err != nil {
					t.Fatalf("Import: %v", err)
				}
			} else if code := pursuit.ErrorCode(err); code != pursuit.EINVALID {
				t.Fatalf("Import: error %v (code %q), want code %q", err, code, pursuit.EINVALID)
			}
			if diff := cmp.Diff(want, res.Problems); diff != "" {
				t.Errorf("Result.Problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("OnReject (-want +got):\n%s", diff)
			}
			if res.Rejected != int64(len(want)) {
				t.Errorf("Result.Rejected = %d, want %d", res.Rejected, len(want))
			}
			if len(want) > 0 {
				if diff := cmp.Diff(before, counts(t, s)); diff != "" {
					t.Errorf("a failed strict import changed the store (-before +after):\n%s", diff)
				}
			}
		})
		t.Run(tc.name+"/skip-invalid", func(t *testing.T) {
			s := testdb.SQLite(t)
			importBase(t, s)
			before := counts(t, s)
			path := filepath.Join(t.TempDir(), "rejects.jsonl")
			rf, err := CreateRejectsFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Import(ctx, s, []string{dir}, Options{SkipInvalid: true, OnReject: rf.Write})
			if cerr := rf.Close(); cerr != nil {
				t.Fatal(cerr)
			}
			want := tc.want
			if tc.skipWant != nil {
				want = tc.skipWant
			}
			want = inDir(dir, want)
			if tc.header {
				if code := pursuit.ErrorCode(err); code != pursuit.EINVALID {
					t.Fatalf("Import: error %v (code %q), want code %q", err, code, pursuit.EINVALID)
				}
			} else if err != nil {
				t.Fatalf("Import: %v", err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ReadRejects(f, FormatJSONL)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rejects file (-want +got):\n%s", diff)
			}
			after := counts(t, s)
			gotRows := make(map[string]int64)
			for _, table := range pursuit.DataTables {
				if d := after[table] - before[table]; d != 0 {
					gotRows[table] = d
				}
			}
			wantRows := tc.skipRows
			if wantRows == nil {
				wantRows = map[string]int64{}
			}
			if diff := cmp.Diff(wantRows, gotRows); diff != "" {
				t.Errorf("rows added (-want +got):\n%s", diff)
			}
			for _, st := range res.Tables {
				if st.Rows != tc.skipRows[st.Table] {
					t.Errorf("Result %s rows = %d, want %d", st.Table, st.Rows, tc.skipRows[st.Table])
				}
			}
		})
	}
}

// TestImportValues checks values read from the corpus arrive intact: a
// quoted CRLF, a JSON escape, a time.
func TestImportValues(t *testing.T) {
	ctx := context.Background()
	s := testdb.SQLite(t)
	importBase(t, s)
	load := func(dir string) {
		t.Helper()
		if _, err := Import(ctx, s, []string{filepath.Join("testdata", dir)}, Options{SkipInvalid: true}); err != nil {
			t.Fatalf("import %s: %v", dir, err)
		}
	}
	load("bom_crlf")
	p, err := s.GetPlace(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Twin\r\nFalls" || p.Population != 50000 {
		t.Errorf("place 3 = %q, %d; want %q, 50000", p.Name, p.Population, "Twin\r\nFalls")
	}
	load("jsonl") // replaces place 3
	p, err = s.GetPlace(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Good" || p.StateAbbr != "OR" {
		t.Errorf("place 3 after the upsert = %q, %q; want Good, OR", p.Name, p.StateAbbr)
	}
	c, err := s.GetContact(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Ana Álvarez" {
		t.Errorf("contact 20 name = %q, want %q", c.Name, "Ana Álvarez")
	}
	load("bad_numbers")
	p, err = s.GetPlace(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	if want := ts("2024-01-02T03:04:05.000006Z"); !p.CreatedAt.Equal(want) {
		t.Errorf("place 8 created_at = %v, want %v", p.CreatedAt, want)
	}
}

// TestImportProblemCap keeps the first MaxProblems rejects in the Result
// and counts them all.
func TestImportProblemCap(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("place_id,name,place_type,state_abbr\n")
	for i := 1; i <= 150; i++ {
		fmt.Fprintf(&b, "%d,Place %d,hamlet,TX\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "places.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	s := testdb.SQLite(t)
	var all int
	res, err := Import(context.Background(), s, []string{dir}, Options{OnReject: func(Reject) error { all++; return nil }})
	if pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Fatalf("Import = %v, want EINVALID", err)
	}
	if len(res.Problems) != DefaultMaxProblems || res.Rejected != 150 || all != 150 {
		t.Errorf("got %d problems, %d rejected, %d OnReject calls; want %d, 150, 150", len(res.Problems), res.Rejected, all, DefaultMaxProblems)
	}
	if got := res.Problems[99].Line; got != 101 {
		t.Errorf("last kept problem is on line %d, want 101", got)
	}
}

// TestImportProgress sees the load and commit phases, ending at
// 100% of the bytes.
func TestImportProgress(t *testing.T) {
	fx := newFixture()
	in := fx.writeDir(t, FormatCSV)
	s := testdb.SQLite(t)
	var phases []string
	var last Progress
	_, err := Import(context.Background(), s, []string{in}, Options{BatchSize: 1, Progress: func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
		last = p
	}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"load", "commit"}, phases); diff != "" {
		t.Errorf("phases (-want +got):\n%s", diff)
	}
	if !last.Done || last.Percent() != 100 || last.Rows != 15 {
		t.Errorf("last progress = %+v (%.1f%%), want done, 100%%, 15 rows", last, last.Percent())
	}
}

// TestImportDeletedIDs deletes a customer that revealed a contact and
// another contact, then imports the original files again, as someone
// restoring an old export would: the rows with the deleted ids are
// rejected (strict: nothing applied; skip-invalid: only they are
// skipped), so the customer's reveals, an audit trail without a foreign
// key, never pass to a new customer holding its id.
func TestImportDeletedIDs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		importBase(t, s)
		if _, err := s.RevealContact(ctx, &pursuit.Reveal{CustomerID: 1, ContactID: 1, RevealedAt: ts("2026-01-02T03:04:05Z")}); err != nil {
			t.Fatal(err)
		}
		must(t, s.DeleteCustomer(ctx, 1))
		must(t, s.DeleteContact(ctx, 2))
		var deleted []int64
		must(t, s.ScanDeletedKeys(ctx, func(table string, k int64) error {
			if table == pursuit.TableCustomers {
				deleted = append(deleted, k)
			}
			return nil
		}))
		if diff := cmp.Diff([]int64{1}, deleted); diff != "" {
			t.Errorf("ScanDeletedKeys(customers) diff (-want +got):\n%s", diff)
		}
		before := counts(t, s)
		base := filepath.Join("testdata", "base")
		res, err := Import(ctx, s, []string{base}, Options{})
		if pursuit.ErrorCode(err) != pursuit.EINVALID {
			t.Fatalf("strict import of deleted ids: err %v, want %s", err, pursuit.EINVALID)
		}
		want := []Reject{
			{File: filepath.Join(base, "customers.csv"), Line: 2, Column: "customer_id"},
			{File: filepath.Join(base, "contacts.csv"), Line: 3, Column: "contact_id"},
		}
		var got []Reject
		for _, r := range res.Problems {
			if !strings.Contains(r.Reason, "ids are never reused") {
				t.Errorf("reject %s does not say why", r)
			}
			r.Reason = ""
			got = append(got, r)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rejects diff (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(before, counts(t, s)); diff != "" {
			t.Errorf("a failed strict import changed the store (-before +after):\n%s", diff)
		}
		if _, err := Import(ctx, s, []string{base}, Options{SkipInvalid: true}); err != nil {
			t.Fatalf("skip-invalid import: %v", err)
		}
		if _, err := s.GetCustomer(ctx, 1); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			t.Errorf("customer 1 after skip-invalid: err %v, want not found", err)
		}
		if _, err := s.GetContact(ctx, 2); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			t.Errorf("contact 2 after skip-invalid: err %v, want not found", err)
		}
		if c, err := s.GetCustomer(ctx, 2); err != nil || c.Name != "Beta Corp" {
			t.Errorf("customer 2 after skip-invalid: %+v, %v", c, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
