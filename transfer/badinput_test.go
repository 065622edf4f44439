package transfer

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// decodeOne decodes the one row of a table file's text.
func decodeOne[T any](t *testing.T, sp *spec[T], format, text string) (T, error) {
	t.Helper()
	var row T
	rr, problems, err := newRowReader(sp, format, strings.NewReader(text))
	if err != nil || len(problems) > 0 {
		t.Fatalf("open %q: %v %v", text, err, problems)
	}
	if err := rr.read(&row); err != nil {
		return row, err
	}
	if err := rr.read(new(T)); err != io.EOF {
		t.Fatalf("%q holds more than one row: %v", text, err)
	}
	return row, nil
}

// checkZeroValues checks, for every column of a table, that a JSON null
// and an empty CSV field decode to the field's zero value, as an absent
// field does.
func checkZeroValues[T any](t *testing.T, sp *spec[T]) {
	var zero T
	for _, c := range sp.columns {
		row, err := decodeOne(t, sp, FormatJSONL, `{"`+c.Name+`":null}`+"\n")
		if err != nil {
			t.Errorf("%s: JSONL %s null: %v", sp.table, c.Name, err)
		} else if diff := cmp.Diff(zero, row); diff != "" {
			t.Errorf("%s: JSONL %s null is not the zero value (-want +got):\n%s", sp.table, c.Name, diff)
		}
	}
	header := strings.Join(Columns(sp.table), ",")
	row, err := decodeOne(t, sp, FormatCSV, header+"\n"+strings.Repeat(",", len(sp.columns)-1)+"\n")
	if err != nil {
		t.Errorf("%s: CSV row of empty fields: %v", sp.table, err)
	} else if diff := cmp.Diff(zero, row); diff != "" {
		t.Errorf("%s: CSV empty fields are not the zero values (-want +got):\n%s", sp.table, diff)
	}
}

// TestNullIsZero: a JSONL null is the zero value for every column of every
// table (text, integer and time), never the text "null" and never an error;
// an empty CSV field is the zero value too.
func TestNullIsZero(t *testing.T) {
	checkZeroValues(t, customerSpec)
	checkZeroValues(t, placeSpec)
	checkZeroValues(t, contactSpec)
	checkZeroValues(t, techStackSpec)
	checkZeroValues(t, placeGrantSpec)
	checkZeroValues(t, contactGrantSpec)
	checkZeroValues(t, mappingSpec)
}

// writeFiles writes name → content into a new directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// importBoth imports dir strictly, expecting want's rejects (file names
// relative to dir) and nothing applied when there are any, then with
// skip-invalid, expecting the same rejects in the rejects file and the
// valid rows applied. It returns the store after the skip-invalid import.
func importBoth(t *testing.T, s pursuit.Store, dir string, want []Reject) {
	t.Helper()
	ctx := context.Background()
	want = inDir(dir, want)
	before := counts(t, s)
	res, err := Import(ctx, s, []string{dir}, Options{})
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("strict import: %v", err)
		}
		return
	}
	if pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Fatalf("strict import = %v, want EINVALID", err)
	}
	if diff := cmp.Diff(want, res.Problems); diff != "" {
		t.Errorf("strict rejects (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, counts(t, s)); diff != "" {
		t.Errorf("a failed strict import changed the store (-before +after):\n%s", diff)
	}
	path := filepath.Join(t.TempDir(), "rejects.jsonl")
	rf, err := CreateRejectsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(ctx, s, []string{dir}, Options{SkipInvalid: true, OnReject: rf.Write})
	if cerr := rf.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		t.Fatalf("skip-invalid import: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("skip-invalid import wrote no rejects file: %v", err)
	}
	defer f.Close()
	got, err := ReadRejects(f, FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rejects file (-want +got):\n%s", diff)
	}
}

// TestImportNull imports JSONL nulls on both stores: a null text, integer
// or time is stored as the zero value (an empty text, 0, SQL NULL), and a
// null required field is reported as missing.
func TestImportNull(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		importBase(t, s)
		dir := writeFiles(t, map[string]string{
			"places.jsonl": `{"place_id":3,"name":"Null County","place_type":"county","state_abbr":"OR","county":null,"population":null,"website":null,"account_owner":null,"created_at":null}` + "\n" +
				`{"place_id":4,"name":null,"place_type":"county","state_abbr":"OR"}` + "\n",
			"contacts.jsonl": `{"contact_id":30,"place_id":3,"name":"Ann Null","email":null,"phone":null,"title":null,"verified_at":null}` + "\n",
		})
		importBoth(t, s, dir, []Reject{{File: "places.jsonl", Line: 2, Column: "name", Reason: "is required"}})
		ctx := context.Background()
		p, err := s.GetPlace(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if p.County != "" || p.Website != "" || p.AccountOwner != "" || p.Population != 0 || p.CreatedAt.IsZero() {
			t.Errorf("place 3 = %+v; want empty county, website and owner, population 0, created_at set by the store", p)
		}
		c, err := s.GetContact(ctx, 30)
		if err != nil {
			t.Fatal(err)
		}
		if c.Email != "" || c.Phone != "" || c.Title != "" || !c.VerifiedAt.IsZero() {
			t.Errorf("contact 30 = %+v; want empty email, phone and title, no verified_at", c)
		}
	})
}

// TestImportControlCharacters: a NUL or another control character in a
// text field is rejected by validation on both stores, naming the file,
// line and field, whether it came from CSV or from a JSONL escape; tab,
// line feed and carriage return are kept.
func TestImportControlCharacters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		importBase(t, s)
		dir := writeFiles(t, map[string]string{
			"places.csv": "place_id,name,place_type,state_abbr,county\n" +
				"3,Nul\x00City,municipality,OR,\n" +
				"4,Good Town,municipality,OR,\"Two\r\nLines\tand a tab\"\n" +
				"5,Bell Town,municipality,OR,Bell\x07County\n" +
				"6,Del Town,municipality,OR,\x7f\n",
			"contacts.jsonl": `{"contact_id":40,"place_id":4,"name":"Ann \u0000 Lee"}` + "\n" +
				`{"contact_id":41,"place_id":4,"name":"Bob","title":"Director\u001bof IT"}` + "\n" +
				`{"contact_id":42,"place_id":4,"name":"Cy","department":"C1 \u0085 control"}` + "\n" +
				`{"contact_id":43,"place_id":4,"name":"Dee","email":"dee\u0000@x.gov"}` + "\n" +
				`{"contact_id":44,"place_id":4,"name":"Eve\tPaul","title":"Line one\nline two"}` + "\n",
		})
		importBoth(t, s, dir, []Reject{
			{File: "places.csv", Line: 2, Column: "name", Reason: ctrl("U+0000", 4)},
			{File: "places.csv", Line: 5, Column: "county", Reason: ctrl("U+0007", 5)},
			{File: "places.csv", Line: 6, Column: "county", Reason: ctrl("U+007F", 1)},
			{File: "contacts.jsonl", Line: 1, Column: "name", Reason: ctrl("U+0000", 5)},
			{File: "contacts.jsonl", Line: 2, Column: "title", Reason: ctrl("U+001B", 9)},
			{File: "contacts.jsonl", Line: 3, Column: "department", Reason: ctrl("U+0085", 4)},
			{File: "contacts.jsonl", Line: 4, Column: "email", Reason: ctrl("U+0000", 4)},
		})
		ctx := context.Background()
		p, err := s.GetPlace(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		if p.County != "Two\r\nLines\tand a tab" {
			t.Errorf("place 4 county = %q, want the line break and the tab kept", p.County)
		}
		c, err := s.GetContact(ctx, 44)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != "Eve\tPaul" || c.Title != "Line one\nline two" {
			t.Errorf("contact 44 = %q, %q; want the tab and the line feed kept", c.Name, c.Title)
		}
	})
}

func ctrl(r string, at int) string {
	return "holds the control character " + r + " at character " + strconv.Itoa(at) +
		": text may hold tab, line feed and carriage return, no other control characters"
}

// TestImportMappingNaturalKey: customer_mapping's (customer_id,
// external_crm_id) is unique. A second row with the same pair in a file,
// in another file of the import, or a row whose pair the store holds under
// another customer_mapping_id is rejected in the check pass with its file,
// line and column, on both stores; skip-invalid applies the other rows and
// writes the rejects file. The same id with the same pair is an upsert.
func TestImportMappingNaturalKey(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		importBase(t, s)
		ctx := context.Background()
		if _, err := Import(ctx, s, []string{writeFiles(t, map[string]string{
			"customer_mapping.csv": "customer_mapping_id,customer_id,external_crm_id,place_id\n" +
				"1,1,ACME-1,1\n",
		})}, Options{}); err != nil {
			t.Fatalf("import the store's mapping: %v", err)
		}
		dir := writeFiles(t, map[string]string{
			"customer_mapping.csv": "customer_mapping_id,customer_id,external_crm_id,place_id,contact_id\n" +
				"1,1,ACME-1,2,\n" + // the store's row, updated: an upsert
				"2,1,ACME-2,1,\n" +
				"3,1,ACME-2,,1\n" + // the pair of line 3
				"4,1,ACME-1,,2\n" + // the pair the store holds as id 1
				"5,2,ACME-2,1,\n" + // another customer may use the same id
				"6,1,acme-2,2,\n", // another text: case matters, as in the stores
			"customer_mapping.jsonl": `{"customer_mapping_id":7,"customer_id":2,"external_crm_id":"ACME-2","place_id":2}` + "\n" +
				`{"customer_mapping_id":5,"customer_id":2,"external_crm_id":"ACME-2","place_id":2}` + "\n",
		})
		importBoth(t, s, dir, []Reject{
			{File: "customer_mapping.csv", Line: 4, Column: "external_crm_id",
				Reason: `duplicate key: customer_id 1, external_crm_id "ACME-2" is customer_mapping_id 2 on line 3 of this file; it is unique`},
			{File: "customer_mapping.csv", Line: 5, Column: "external_crm_id",
				Reason: `duplicate key: customer_id 1, external_crm_id "ACME-1" is customer_mapping_id 1 in the store; it is unique`},
			{File: "customer_mapping.jsonl", Line: 1, Column: "external_crm_id",
				Reason: `duplicate key: customer_id 2, external_crm_id "ACME-2" is customer_mapping_id 5 on line 6 of ` + filepath.Join(dir, "customer_mapping.csv") + `; it is unique`},
		})
		got := map[int64]string{}
		err := s.ScanCustomerMappings(ctx, func(m pursuit.CustomerMapping) error {
			got[m.CustomerMappingID] = strconv.FormatInt(m.CustomerID, 10) + "/" + m.ExternalCRMID + "/" + strconv.FormatInt(m.PlaceID, 10)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{1: "1/ACME-1/2", 2: "1/ACME-2/1", 5: "2/ACME-2/2", 6: "1/acme-2/2"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("mappings after the skip-invalid import (-want +got):\n%s", diff)
		}
	})
}
