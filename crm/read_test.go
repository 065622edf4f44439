package crm

import (
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
)

func TestReadAccountsShapes(t *testing.T) {
	cases := []struct {
		name  string
		csv   string
		shape Shape
		want  Account
	}{
		{"salesforce", "\ufeffAccount ID,Account Name,Billing City,Billing State/Province,Website,Account Owner,NCES District ID,FIPS Code,Billing County\n" +
			"001A,\"Springfield, City of\",Springfield,IL,www.springfield.il.us,Bob Smith,,1772000,Sangamon\n",
			ShapeSalesforce, Account{Line: 2, ExternalCRMID: "001A", Name: "Springfield, City of", City: "Springfield", State: "IL", Website: "www.springfield.il.us", Owner: "Bob Smith", GEOID: "1772000", County: "Sangamon"}},
		{"hubspot", "Record ID,Company name,City,State/Region,Company Domain Name,Company owner\n" +
			"9001,Springfield SD,Springfield,Illinois,sps.k12.il.us,Alice\n",
			ShapeHubSpot, Account{Line: 2, ExternalCRMID: "9001", Name: "Springfield SD", City: "Springfield", State: "Illinois", Website: "sps.k12.il.us", Owner: "Alice"}},
		{"generic, any order and case", "NAME,external_crm_id,state,nces_id,account_owner\n" +
			"Cook County,X-1,IL,,Carla\n",
			ShapeGeneric, Account{Line: 2, ExternalCRMID: "X-1", Name: "Cook County", State: "IL", Owner: "Carla"}},
	}
	for _, c := range cases {
		got, shape, err := ReadAccounts(strings.NewReader(c.csv), "a.csv")
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if shape != c.shape || len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: got %v %+v, want %v %+v", c.name, shape, got, c.shape, c.want)
		}
	}
}

func TestReadAccountsErrors(t *testing.T) {
	cases := []struct {
		name, csv, field, msg string
	}{
		{"empty", "", "", "a.csv: the file is empty"},
		{"unknown header", "foo,bar\n1,2\n", "", `a.csv:1: the header "foo,bar" is no known account export`},
		{"salesforce without id", "Account Name,Billing State/Province,Account Owner\nX,IL,Bob\n", "external_crm_id", `a.csv:1: this Salesforce Accounts export has no "Account ID" column (required)`},
		{"hubspot without name", "Record ID,City,Company owner,Company Domain Name\n1,X,Bob,x.gov\n", "name", `a.csv:1: this HubSpot Companies export has no "Company name" column (required)`},
		{"generic without name", "external_crm_id,state\n1,IL\n", "name", `a.csv:1: this generic account file has no "name" column (required)`},
		{"empty id", "Account ID,Account Name\n1,A\n,B\n", "external_crm_id", `a.csv:3: the "Account ID" column is empty`},
		{"duplicate id", "Account ID,Account Name\n1,A\n2,B\n1,C\n", "external_crm_id", `a.csv:4: Account ID "1" is also on line 2`},
		{"bad quoting", "Account ID,Account Name\n1,\"A\n", "", "a.csv:2:"},
		{"too long", "Account ID,Account Name\n1," + strings.Repeat("x", MaxFieldBytes+1) + "\n", "name", "a.csv:2: Account Name is 1001 bytes"},
	}
	for _, c := range cases {
		_, _, err := ReadAccounts(strings.NewReader(c.csv), "a.csv")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if pursuit.ErrorCode(err) != pursuit.EINVALID || !strings.Contains(err.Error(), c.msg) || pursuit.ErrorField(err) != c.field {
			t.Errorf("%s: error %q (code %s, field %q), want EINVALID containing %q, field %q", c.name, err, pursuit.ErrorCode(err), pursuit.ErrorField(err), c.msg, c.field)
		}
	}
}

// TestReadWriteRoundTrip reads an export made by WriteAccounts back.
func TestReadWriteRoundTrip(t *testing.T) {
	places := testPlaces(t)[:2000]
	accts, _ := NoisyExport(places, NoisyConfig{Seed: 3, Accounts: 500})
	for _, shape := range []Shape{ShapeSalesforce, ShapeHubSpot, ShapeGeneric} {
		var b strings.Builder
		if err := WriteAccounts(&b, shape, accts); err != nil {
			t.Fatal(err)
		}
		got, gotShape, err := ReadAccounts(strings.NewReader(b.String()), "x.csv")
		if err != nil {
			t.Fatalf("%s: %v", shape, err)
		}
		if gotShape != shape || len(got) != len(accts) {
			t.Fatalf("%s: read %v with %d accounts, want %d", shape, gotShape, len(got), len(accts))
		}
		for i := range got {
			want := accts[i]
			want.Line = i + 2
			want.Name = strings.TrimSpace(want.Name)
			if got[i] != want {
				t.Fatalf("%s: account %d: got %+v, want %+v", shape, i, got[i], want)
			}
		}
	}
}
