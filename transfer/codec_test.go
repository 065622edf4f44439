package transfer

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// readAll decodes every row of a table file, failing on any problem.
func readAll[T any](t *testing.T, sp *spec[T], path, format string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rr, problems, err := newRowReader(sp, format, f)
	if err != nil || len(problems) > 0 {
		t.Fatalf("open %s: %v %v", path, err, problems)
	}
	var rows []T
	for {
		var row T
		err := rr.read(&row)
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		rows = append(rows, row)
	}
}

func TestDirWriterRoundTrip(t *testing.T) {
	fx := newFixture()
	for _, format := range []string{FormatCSV, FormatJSONL} {
		t.Run(format, func(t *testing.T) {
			dir := fx.writeDir(t, format)
			path := func(table string) string { return filepath.Join(dir, table+"."+format) }
			check := func(table string, want, got any) {
				t.Helper()
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: read back differs (-want +got):\n%s", table, diff)
				}
			}
			check("customers", fx.customers, readAll(t, customerSpec, path(pursuit.TableCustomers), format))
			check("places", fx.places, readAll(t, placeSpec, path(pursuit.TablePlaces), format))
			check("contacts", fx.contacts, readAll(t, contactSpec, path(pursuit.TableContacts), format))
			check("tech_stack", fx.techStack, readAll(t, techStackSpec, path(pursuit.TableTechStack), format))
			check("place grants", fx.placeGrants, readAll(t, placeGrantSpec, path(pursuit.TableCustomerPlaceRelation), format))
			check("contact grants", fx.contactGrants, readAll(t, contactGrantSpec, path(pursuit.TableCustomerContactRelation), format))
			check("mappings", fx.mappings, readAll(t, mappingSpec, path(pursuit.TableCustomerMapping), format))

			// The same rows give the same bytes.
			dir2 := fx.writeDir(t, format)
			for _, table := range pursuit.DataTables {
				a, _ := os.ReadFile(path(table))
				b, _ := os.ReadFile(filepath.Join(dir2, table+"."+format))
				if !bytes.Equal(a, b) {
					t.Errorf("%s: two writes of the same rows differ", table)
				}
			}
		})
	}
}

func TestDirWriterFiles(t *testing.T) {
	dir := t.TempDir()
	d, err := NewDirWriter(dir, FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	fx := newFixture()
	if err := d.UpsertCustomers(t.Context(), fx.customers[:1]); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, table := range pursuit.DataTables {
		b, err := os.ReadFile(filepath.Join(dir, table+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		got[table] = string(b)
	}
	want := map[string]string{
		"customers": "customer_id,name,email,reveal_credits,created_at,updated_at\n" +
			`1,"Acme GovTech, Inc.",sales@acme.example,100,2024-03-01T12:34:56.123456Z,2025-01-02T03:04:05.000000Z` + "\n",
		"places":                    "place_id,name,place_type,state_abbr,county,population,website,email_domain,geoid,nces_id,account_owner,created_at,updated_at,fiscal_year_start\n",
		"contacts":                  "contact_id,place_id,name,first_name,last_name,email,phone,title,department,account_owner,verified_at,created_at,updated_at,email_status\n",
		"tech_stack":                "tech_stack_id,place_id,vendor,product,category,first_seen,last_seen\n",
		"customer_place_relation":   "customer_id,place_id,access_type,granted_at\n",
		"customer_contact_relation": "customer_id,contact_id,access_type,granted_at\n",
		"customer_mapping":          "customer_mapping_id,customer_id,external_crm_id,place_id,contact_id,account_owner,last_synced_time\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if _, err := NewDirWriter(dir, "xml"); pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Errorf("NewDirWriter(xml) = %v, want EINVALID", err)
	}
}

func TestJSONLEncoding(t *testing.T) {
	fx := newFixture()
	got := string(mappingSpec.appendJSON(nil, &fx.mappings[1]))
	want := `{"customer_mapping_id":2,"customer_id":1,"external_crm_id":"003A000007","contact_id":2,"account_owner":"","last_synced_time":""}` + "\n"
	if got != want {
		t.Errorf("appendJSON = %s, want %s", got, want)
	}
	got = string(contactSpec.appendJSON(nil, &fx.contacts[2]))
	if !strings.Contains(got, `"name":"Tab\tand \\ backslash","first_name"`) || !strings.Contains(got, `"department":"Line\nbreak\u2028separator"`) {
		t.Errorf("appendJSON = %s: escapes wrong", got)
	}
}

func TestCSVReader(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []any // []string records or *rowProblem
	}{
		{"simple", "a,b\n1,2\n", []any{[]string{"a", "b"}, []string{"1", "2"}}},
		{"no final newline", "a,b\n1,2", []any{[]string{"a", "b"}, []string{"1", "2"}}},
		{"crlf", "a,b\r\n1,2\r\n", []any{[]string{"a", "b"}, []string{"1", "2"}}},
		{"bom", "\xef\xbb\xbfa,b\n", []any{[]string{"a", "b"}}},
		{"blank lines", "a\n\n\r\nb\n", []any{[]string{"a"}, []string{"b"}}},
		{"empty fields", ",,\n", []any{[]string{"", "", ""}}},
		{"quoted", `"a,b","say ""hi""",""` + "\n", []any{[]string{"a,b", `say "hi"`, ""}}},
		{"multi-line field", "\"x\r\ny\nz\",w\nnext\n", []any{[]string{"x\r\ny\nz", "w"}, []string{"next"}}},
		{"bare quote", "a\"b,c\nok\n", []any{&rowProblem{line: 1, reason: `bare " in an unquoted field`}, []string{"ok"}}},
		{"after closing quote", "\"a\"b,c\nok\n", []any{&rowProblem{line: 1, reason: "unexpected character after a closing quote"}, []string{"ok"}}},
		{"unterminated", "x\n\"abc\ndef\n", []any{[]string{"x"}, &rowProblem{line: 2, reason: "quoted field is not terminated"}}},
		{"too long", "x\n" + strings.Repeat("y", MaxRecordBytes+10) + "\nz\n", []any{[]string{"x"},
			&rowProblem{line: 2, reason: "record is longer than the limit of 1048576 bytes"}, []string{"z"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newCSVReader(strings.NewReader(tt.in))
			var got []any
			for {
				err := r.read()
				if err == io.EOF {
					break
				}
				if p, ok := err.(*rowProblem); ok {
					got = append(got, p)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				text := string(r.buf)
				var rec []string
				for i := range r.ends {
					rec = append(rec, r.field(text, i))
				}
				got = append(got, rec)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(rowProblem{})); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseValues(t *testing.T) {
	ints := []struct {
		in     string
		want   int64
		reason string
	}{
		{"0", 0, ""}, {"42", 42, ""}, {"-7", -7, ""}, {"9223372036854775807", 1<<63 - 1, ""},
		{"+1", 0, `"+1" is not an integer`}, {" 1", 0, `" 1" is not an integer`}, {"1.0", 0, `"1.0" is not an integer`},
		{"1e3", 0, `"1e3" is not an integer`}, {"-", 0, `"-" is not an integer`}, {"0x10", 0, `"0x10" is not an integer`},
		{"9223372036854775808", 0, "9223372036854775808 is out of the 64-bit integer range"},
	}
	for _, tt := range ints {
		got, reason := parseInt(tt.in)
		if got != tt.want || reason != tt.reason {
			t.Errorf("parseInt(%q) = %d, %q; want %d, %q", tt.in, got, reason, tt.want, tt.reason)
		}
	}
	times := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-03-01T12:34:56.123456Z", ts("2024-03-01T12:34:56.123456Z"), true},
		{"2024-03-01T12:34:56Z", ts("2024-03-01T12:34:56Z"), true},
		{"2024-03-01T12:34:56.1Z", ts("2024-03-01T12:34:56.1Z"), true},
		{"2024-03-01T14:34:56.123456789+02:00", ts("2024-03-01T12:34:56.123456Z"), true},
		{"2024-02-30T00:00:00Z", time.Time{}, false},
		{"2024-13-01T00:00:00Z", time.Time{}, false},
		{"2024-03-01 12:34:56Z", ts("2024-03-01T12:34:56Z"), true},
		{"2024-03-01 14:34:56.5+02:00", ts("2024-03-01T12:34:56.5Z"), true},
		{"2024-03-01 12:34:56", ts("2024-03-01T12:34:56Z"), true},
		{"2024-03-01T12:34:56", ts("2024-03-01T12:34:56Z"), true},
		{"2024-03-01 12:34", ts("2024-03-01T12:34:00Z"), true},
		{"2024-03-01", ts("2024-03-01T00:00:00Z"), true},
		{"2024-03-01 25:00:00", time.Time{}, false},
		{"2024-02-30", time.Time{}, false},
		{"12/31/2024", time.Time{}, false},
		{"31.12.2024", time.Time{}, false},
		{"2024-3-1", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tt := range times {
		got, ok := parseTime(tt.in)
		if !got.Equal(tt.want) || ok != tt.ok || (ok && got.Location() != time.UTC) {
			t.Errorf("parseTime(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
