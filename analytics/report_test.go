package analytics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/analytics"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/lake"
)

// exportFixture writes three places in two states with known contacts and
// tech stack, exports them and opens the lake.
func exportFixture(t *testing.T) *analytics.DB {
	t.Helper()
	ctx := context.Background()
	s := testdb.SQLite(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, []pursuit.Place{
			{PlaceID: 1, Name: "Albany", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "NY", Population: 100},
			{PlaceID: 2, Name: "Troy", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "NY", Population: 50},
			{PlaceID: 3, Name: "Austin ISD", PlaceType: pursuit.PlaceTypeSchoolDistrict, StateAbbr: "TX", Population: 70},
		}); err != nil {
			return err
		}
		if err := w.UpsertContacts(ctx, []pursuit.Contact{
			{ContactID: 1, PlaceID: 1, Name: "A", Email: "a@albany.gov", Title: "Chief Information Officer", Department: "Information Technology", VerifiedAt: now},
			{ContactID: 2, PlaceID: 1, Name: "B", Title: "Finance Director", Department: "Finance"},
			{ContactID: 3, PlaceID: 1, Name: "C", Email: "c@albany.gov", Phone: "518-555-0100", Title: "Network Administrator", Department: "IT"},
			{ContactID: 4, PlaceID: 3, Name: "D", Email: "d@austinisd.org", Title: "Superintendent", Department: "Administration"},
		}); err != nil {
			return err
		}
		return w.UpsertTechStack(ctx, []pursuit.TechStack{
			{TechStackID: 1, PlaceID: 1, Vendor: "Tyler", Category: "erp"},
			{TechStackID: 2, PlaceID: 2, Vendor: "Tyler", Category: "erp"},
			{TechStackID: 3, PlaceID: 2, Vendor: "Microsoft", Category: "email"},
			{TechStackID: 4, PlaceID: 3, Vendor: "Workday", Category: "erp"},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	loc, _ := lake.OpenLocation(ctx, dir)
	if _, err := lake.Export(ctx, s, loc, lake.ExportOptions{IncludePII: true}); err != nil {
		t.Fatal(err)
	}
	d, err := analytics.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func csvOf(t *testing.T, res *analytics.Result) string {
	var b bytes.Buffer
	if err := analytics.Write(&b, res, "csv"); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReports(t *testing.T) {
	d := exportFixture(t)
	tests := []struct{ report, by, want string }{
		{"coverage", "state", `state,places,places_with_contacts,pct_places_with_contacts,contacts,contacts_per_place,pct_with_email,pct_with_phone,pct_verified,pct_places_with_tech_stack,population
NY,2,1,50,3,1.5,66.7,33.3,33.3,100,150
TX,1,1,100,1,1,100,0,0,100,70
`},
		{"tech-adoption", "state", `state,category,places_using,pct_of_places,leading_vendor,leader_share_pct
NY,erp,2,100,Tyler,100
NY,email,1,50,Microsoft,100
TX,erp,1,100,Workday,100
`},
		{"contacts-by-function", "place_type", `place_type,function,contacts,leaders,pct_of_group
municipality,it,2,1,66.7
municipality,finance,1,1,33.3
school_district,education,1,1,100
`},
	}
	for _, tt := range tests {
		t.Run(tt.report, func(t *testing.T) {
			res, err := d.Report(context.Background(), tt.report, tt.by)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, csvOf(t, res)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := d.Report(context.Background(), "coverage", "color"); err == nil {
		t.Error("--by color: no error")
	}
	if _, err := d.Report(context.Background(), "nope", "state"); err == nil {
		t.Error("report nope: no error")
	}
}

func TestWriteFormats(t *testing.T) {
	d := exportFixture(t)
	res, err := d.Query(context.Background(), "SELECT contact_id, email, verified_at IS NOT NULL AS verified FROM contacts WHERE contact_id <= 2 ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	analytics.Write(&b, res, "table")
	want := "contact_id  email         verified\n----------  -----         --------\n1           a@albany.gov  true\n2                         false\n(2 rows)\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	b.Reset()
	analytics.Write(&b, res, "json")
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil || len(got) != 2 || got[0]["email"] != "a@albany.gov" {
		t.Errorf("json = %s (%v)", b.String(), err)
	}
	if err := analytics.Write(&b, res, "xml"); err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("format xml: err = %v", err)
	}
}
