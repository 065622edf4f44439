package crmexport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

func sampleRows() []Row {
	full := pursuit.Contact{
		ContactID: 7, PlaceID: 3, Name: "Jane Doe", FirstName: "Jane", LastName: "Doe",
		Email: "jane.doe@springfield.gov", Phone: "(217) 555-0142",
		Title: "IT Director", Department: "Information Technology",
	}
	masked := pursuit.Contact{
		ContactID: 8, PlaceID: 4, Name: "Omar", FirstName: "", LastName: "",
		Email: "o.khan@shelby.k12.tn.us", Phone: "901-555-0100",
		Title: "=HYPERLINK(\"http://x\")", Department: "Finance",
	}.Masked(pursuit.AccessMasked)
	return []Row{
		{Contact: full, PlaceName: "City of Springfield", StateAbbr: "IL", County: "Sangamon County",
			ExternalCRMID: "001A000001", AccountOwner: "Bob"},
		{Contact: masked, PlaceName: "Shelby County Schools", StateAbbr: "TN", Masked: true},
	}
}

func write(t *testing.T, f Format, rows []Row) [][]string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if err := w.Write(&rows[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	return recs
}

func TestLayouts(t *testing.T) {
	tests := []struct {
		format Format
		want   [][]string
	}{
		{SalesforceContact, [][]string{
			{"First Name", "Last Name", "Title", "Department", "Email", "Phone", "Account Name", "Account ID", "Mailing State/Province", "Mailing Country", "Contact Owner", "Pursuit Contact ID"},
			{"Jane", "Doe", "IT Director", "Information Technology", "jane.doe@springfield.gov", "(217) 555-0142", "City of Springfield", "001A000001", "IL", "United States", "Bob", "7"},
			{"", "Omar", "'=HYPERLINK(\"http://x\")", "Finance", "o•••@shelby.k12.tn.us", "•••-•••-0100", "Shelby County Schools", "", "TN", "United States", "", "8"},
		}},
		{SalesforceLead, [][]string{
			{"First Name", "Last Name", "Title", "Company", "Email", "Phone", "State/Province", "Country", "Lead Source", "Account ID", "Pursuit Contact ID"},
			{"Jane", "Doe", "IT Director", "City of Springfield", "jane.doe@springfield.gov", "(217) 555-0142", "IL", "United States", "Pursuit", "001A000001", "7"},
			{"", "Omar", "'=HYPERLINK(\"http://x\")", "Shelby County Schools", "o•••@shelby.k12.tn.us", "•••-•••-0100", "TN", "United States", "Pursuit", "", "8"},
		}},
		{HubSpotContact, [][]string{
			{"First Name", "Last Name", "Email", "Phone Number", "Job Title", "Department", "Company Name", "Company Record ID", "State/Region", "Country/Region", "Contact owner", "Pursuit Contact ID"},
			{"Jane", "Doe", "jane.doe@springfield.gov", "(217) 555-0142", "IT Director", "Information Technology", "City of Springfield", "001A000001", "IL", "United States", "Bob", "7"},
			{"", "Omar", "o•••@shelby.k12.tn.us", "•••-•••-0100", "'=HYPERLINK(\"http://x\")", "Finance", "Shelby County Schools", "", "TN", "United States", "", "8"},
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			got := write(t, tt.format, sampleRows())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CSV (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMaskedStaysMasked checks that the writer never turns a masked row's
// values back into the real ones: it writes what it was given.
func TestMaskedStaysMasked(t *testing.T) {
	for _, f := range Formats {
		var buf bytes.Buffer
		w, _ := NewWriter(&buf, f)
		rows := sampleRows()
		for i := range rows {
			w.Write(&rows[i])
		}
		w.Flush()
		for _, secret := range []string{"o.khan@", "901-555-0100", "901"} {
			if bytes.Contains(buf.Bytes(), []byte(secret)) {
				t.Errorf("%s: output holds %q of a masked contact:\n%s", f, secret, buf.String())
			}
		}
	}
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Director", "Director"},
		{"=1+2", "'=1+2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"+1 (217) 555-0142", "+1 (217) 555-0142"},
		{"-42", "-42"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd", "'-2+3+cmd"},
		{"\t=x", "'\t=x"},
	}
	for _, tt := range tests {
		if got := neutralize(tt.in); got != tt.want {
			t.Errorf("neutralize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		got, err := ParseFormat("format", string(f))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	_, err := ParseFormat("format", "excel")
	var e *pursuit.Error
	if !errors.As(err, &e) || e.Code != pursuit.EINVALID || e.Field != "format" {
		t.Errorf("ParseFormat(excel) = %v, want EINVALID on format", err)
	}
	if _, err := NewWriter(&bytes.Buffer{}, "excel"); pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Errorf("NewWriter(excel) = %v, want EINVALID", err)
	}
}
