package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// crmFixture is a small store for the crm commands: a customer granted
// one place (masked) and one contact elsewhere (full), places it is not
// granted, and a second customer.
type crmFixture struct {
	db                        string
	customer, other           int64
	granted, ungranted, loose pursuit.Place
	shown, hidden, single     pursuit.Contact
	revealed                  pursuit.Contact
}

func newCRMFixture(t *testing.T, dsn string) *crmFixture {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f := &crmFixture{db: dsn}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cu := pursuit.Customer{Name: "Acme", Email: "a@acme.com", RevealCredits: 5}
	cu2 := pursuit.Customer{Name: "Globex", Email: "g@globex.com"}
	must(s.CreateCustomer(ctx, &cu))
	must(s.CreateCustomer(ctx, &cu2))
	f.customer, f.other = cu.CustomerID, cu2.CustomerID
	f.granted = pursuit.Place{Name: "City of Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL", County: "Sangamon County", Website: "https://www.springfield.il.us", Population: 114000}
	f.ungranted = pursuit.Place{Name: "Springfield Public Schools", PlaceType: pursuit.PlaceTypeSchoolDistrict, StateAbbr: "IL", County: "Sangamon County", NCESID: "1737080", GEOID: "1737080", Population: 120000}
	f.loose = pursuit.Place{Name: "Cook County", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL", County: "Cook County", GEOID: "17031", Population: 5000000}
	extra := []pursuit.Place{
		{Name: "Washington Township", PlaceType: pursuit.PlaceTypeTownship, StateAbbr: "PA", County: "Berks County"},
		{Name: "Washington Township", PlaceType: pursuit.PlaceTypeTownship, StateAbbr: "PA", County: "Erie County"},
		{Name: "Lake County", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL", County: "Lake County", Population: 700000},
	}
	for _, p := range []*pursuit.Place{&f.granted, &f.ungranted, &f.loose, &extra[0], &extra[1], &extra[2]} {
		must(s.CreatePlace(ctx, p))
	}
	f.shown = pursuit.Contact{PlaceID: f.granted.PlaceID, Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jane@springfield.il.us", Phone: "(217) 555-0142", Title: "CIO"}
	f.revealed = pursuit.Contact{PlaceID: f.granted.PlaceID, Name: "Raj Rao", FirstName: "Raj", LastName: "Rao", Email: "raj@springfield.il.us", Phone: "(217) 555-0199", Title: "CFO"}
	f.hidden = pursuit.Contact{PlaceID: f.ungranted.PlaceID, Name: "Hidden Person", FirstName: "Hidden", LastName: "Person", Email: "hidden@sps.org", Title: "Superintendent"}
	f.single = pursuit.Contact{PlaceID: f.loose.PlaceID, Name: "Solo Grant", FirstName: "Solo", LastName: "Grant", Email: "solo@cookcountyil.gov", Title: "Clerk"}
	other := pursuit.Contact{PlaceID: f.loose.PlaceID, Name: "Not Granted", FirstName: "Not", LastName: "Granted", Email: "nope@cookcountyil.gov", Title: "Assessor"}
	for _, c := range []*pursuit.Contact{&f.shown, &f.revealed, &f.hidden, &f.single, &other} {
		must(s.CreateContact(ctx, c))
	}
	must(s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: f.customer, PlaceID: f.granted.PlaceID, AccessType: pursuit.AccessMasked}))
	must(s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: f.customer, PlaceID: extra[2].PlaceID, AccessType: pursuit.AccessFull}))
	must(s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: f.customer, ContactID: f.single.ContactID, AccessType: pursuit.AccessFull}))
	must(s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: f.other, PlaceID: f.ungranted.PlaceID, AccessType: pursuit.AccessFull}))
	if _, err := s.RevealContact(ctx, &pursuit.Reveal{CustomerID: f.customer, ContactID: f.revealed.ContactID}); err != nil {
		t.Fatal(err)
	}
	return f
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCRMCommands runs match, apply, re-apply, prune, coverage and export
// end to end on both stores.
func TestCRMCommands(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "pursuit.db") },
		"postgres": func(t *testing.T) string { return testdb.PostgresDSN(t) },
	}
	for kind, dsn := range dsns {
		t.Run(kind, func(t *testing.T) {
			f := newCRMFixture(t, dsn(t))
			cid := itoa(f.customer)
			accounts := writeFile(t, "accounts.csv", "Account ID,Account Name,Billing City,Billing State/Province,Website,Account Owner,NCES District ID,FIPS Code\n"+
				"001A,\"Springfield, City of\",Springfield,Illinois,WWW.SPRINGFIELD.IL.US/about,Bob,,\n"+
				"001B,Springfield SD 186,Springfield,IL,,Alice,1737080,\n"+
				"001C,Cook Co.,Chicago,IL,,Bob,,17031\n"+
				"001D,Washington Twp,,PA,,Bob,,\n"+
				"001E,Acme Software Inc,Austin,TX,acme.com,Bob,,\n")
			out := filepath.Join(t.TempDir(), "matches.csv")
			stdout, _, err := runCmd(t, "crm", "match", "--db", f.db, "--customer", cid, "--out", out, "--apply", accounts)
			if err != nil {
				t.Fatalf("crm match --apply: %v", err)
			}
			if !strings.Contains(stdout, "5 accounts: 3 matched") || !strings.Contains(stdout, "3 added, 0 changed, 0 removed, 0 unchanged") {
				t.Errorf("crm match --apply said:\n%s", stdout)
			}
			got, _ := os.ReadFile(out)
			lines := strings.Split(strings.TrimSpace(string(got)), "\n")
			want := []string{"external_crm_id,place_id,confidence,method,candidates",
				"001A," + itoa(f.granted.PlaceID) + ",0.97,domain,",
				"001B," + itoa(f.ungranted.PlaceID) + ",1.00,nces_id,",
				"001C," + itoa(f.loose.PlaceID) + ",1.00,geoid,",
				"001D,,,ambiguous,", "001E,,,none,"}
			if len(lines) != len(want) {
				t.Fatalf("matches.csv:\n%s", got)
			}
			for i := range want {
				if !strings.HasPrefix(lines[i], want[i]) {
					t.Errorf("matches.csv line %d = %q, want prefix %q", i+1, lines[i], want[i])
				}
			}

			// The same file again changes nothing.
			stdout, _, err = runCmd(t, "crm", "match", "--db", f.db, "--customer", cid, "--out", out, "--apply", "--prune", accounts)
			if err != nil || !strings.Contains(stdout, "0 added, 0 changed, 0 removed, 3 unchanged") {
				t.Errorf("re-apply: %v\n%s", err, stdout)
			}
			// A new file: A's owner changes, C is gone; with --prune C's
			// mapping goes.
			second := writeFile(t, "second.csv", "Record ID,Company name,State/Region,Company Domain Name,Company owner\n"+
				"001A,City of Springfield,IL,springfield.il.us,Carol\n"+
				"001B,Springfield Public Schools,IL,,Alice\n")
			stdout, _, err = runCmd(t, "crm", "match", "--db", f.db, "--customer", cid, "--out", out, "--apply", "--prune", second)
			if err != nil || !strings.Contains(stdout, "0 added, 1 changed, 1 removed, 1 unchanged") {
				t.Errorf("second file with prune: %v\n%s", err, stdout)
			}

			// Coverage: 2 accounts on 2 places; granted: Springfield (covered)
			// and Lake County (whitespace).
			stdout, _, err = runCmd(t, "crm", "coverage", "--db", f.db, "--customer", cid)
			if err != nil || !strings.Contains(stdout, "2 CRM accounts mapped to 2 places; 2 granted places, 1 covered, 1 whitespace") || !strings.Contains(stdout, "Lake County, IL") {
				t.Errorf("coverage: %v\n%s", err, stdout)
			}

			// Export: the mapped school district is not granted, so its
			// contact never appears; Springfield's contacts are masked
			// except the revealed one; the account id is carried.
			stdout, _, err = runCmd(t, "crm", "export", "--db", f.db, "--customer", cid, "--format", "salesforce_contact")
			if err != nil {
				t.Fatalf("crm export: %v", err)
			}
			if strings.Contains(stdout, "Hidden") || strings.Contains(stdout, "hidden@") || strings.Contains(stdout, "jane@springfield") {
				t.Errorf("export leaks an ungranted contact or a masked email:\n%s", stdout)
			}
			for _, w := range []string{"Jane,Doe,CIO,,j•••@springfield.il.us", "raj@springfield.il.us", ",001A,IL,United States,Carol,"} {
				if !strings.Contains(stdout, w) {
					t.Errorf("export lacks %q:\n%s", w, stdout)
				}
			}
			// Another customer that is granted the school district but
			// has no mapping exports nothing; asking for an account it has
			// not mapped is an error naming it.
			stdout, _, err = runCmd(t, "crm", "export", "--db", f.db, "--customer", itoa(f.other), "--format", "hubspot_contact")
			if err != nil || strings.Count(stdout, "\n") != 1 {
				t.Errorf("other customer's export: %v\n%s", err, stdout)
			}
			if _, _, err := runCmd(t, "crm", "export", "--db", f.db, "--customer", itoa(f.other), "--format", "hubspot_contact", "--accounts", "001B"); pursuit.ErrorCode(err) != pursuit.ENOTFOUND || !strings.Contains(err.Error(), `"001B"`) {
				t.Errorf("export of another customer's account: %v", err)
			}
		})
	}
}

// TestCRMCommandErrors: bad calls and bad files name what is wrong.
func TestCRMCommandErrors(t *testing.T) {
	f := newCRMFixture(t, filepath.Join(t.TempDir(), "pursuit.db"))
	cid := itoa(f.customer)
	noID := writeFile(t, "noid.csv", "Account Name,Billing State/Province,Account Owner\nX,IL,Bob\n")
	dup := writeFile(t, "dup.csv", "Account ID,Account Name\n1,A\n1,B\n")
	ok := writeFile(t, "ok.csv", "external_crm_id,name\n1,Cook County\n")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"crm", "match", "--db", f.db, "--customer", cid, noID}, `noid.csv:1: this Salesforce Accounts export has no "Account ID" column`},
		{[]string{"crm", "match", "--db", f.db, "--customer", cid, dup}, `dup.csv:3: Account ID "1" is also on line 2`},
		{[]string{"crm", "match", "--db", f.db, ok}, "--customer ID is required"},
		{[]string{"crm", "match", "--db", f.db, "--customer", cid, "--prune", ok}, "--prune needs --apply"},
		{[]string{"crm", "match", "--db", f.db, "--customer", "999", ok}, "--customer 999"},
		{[]string{"crm", "match", "--db", f.db, "--customer", cid, "missing.csv"}, "missing.csv"},
		{[]string{"crm", "export", "--db", f.db, "--customer", cid, "--format", "excel"}, `unknown export format "excel"`},
		{[]string{"crm", "frobnicate"}, `crm: unknown command "frobnicate"`},
	}
	for _, c := range cases {
		_, _, err := runCmd(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.args, err, c.want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
