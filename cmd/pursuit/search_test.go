package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/sqlite"
)

func TestSearchCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pursuit.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cu := pursuit.Customer{Name: "Acme", Email: "a@acme.com"}
	il := pursuit.Place{Name: "Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL", Population: 114000}
	tx := pursuit.Place{Name: "Austin", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "TX", Population: 900000}
	for _, err := range []error{db.CreateCustomer(ctx, &cu), db.CreatePlace(ctx, &il), db.CreatePlace(ctx, &tx)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []pursuit.Contact{
		{PlaceID: il.PlaceID, Name: "Jane Doe", Title: "Director of Information Technology", Email: "jane@springfield.gov", Phone: "(217) 555-0142"},
		{PlaceID: tx.PlaceID, Name: "Jim Roe", Title: "IT Director", Email: "jim@austin.gov"},
	} {
		if err := db.CreateContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []int64{il.PlaceID, tx.PlaceID} {
		if err := db.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p, AccessType: pursuit.AccessMasked}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	// Flags after the query, as the usage line shows them.
	out, _, err := runCmd(t, "search", "--db", path, "--customer", "1", "it director", "--state", "IL")
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	for _, want := range []string{"Jane Doe", "1 contacts match", "j•••@springfield.gov", "state:", "IL (1)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "jane@springfield.gov") || strings.Contains(out, "Jim Roe") {
		t.Errorf("output shows a masked email or a filtered-out contact:\n%s", out)
	}
	out, _, err = runCmd(t, "search", "--db", path, "--customer", "1", "--places", "austin")
	if err != nil || !strings.Contains(out, "Austin") || !strings.Contains(out, "1 places match") {
		t.Errorf("search --places = %v:\n%s", err, out)
	}
	if _, _, err := runCmd(t, "search", "--db", path, "--customer", "1", `"unclosed`); pursuit.ErrorField(err) != "query" {
		t.Errorf("search with a bad query = %v, want an error on the query", err)
	}

	// --sql: the store's own full-text index, same scoping and masking,
	// plain words, no stemming ("director" but not "directors").
	out, _, err = runCmd(t, "search", "--db", path, "--customer", "1", "--sql", "director", "--state", "IL")
	if err != nil {
		t.Fatalf("search --sql: %v", err)
	}
	for _, want := range []string{"Jane Doe", "1 contacts match", "j•••@springfield.gov", "masked", "sqlite text search"} {
		if !strings.Contains(out, want) {
			t.Errorf("search --sql output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "jane@springfield.gov") || strings.Contains(out, "Jim Roe") {
		t.Errorf("search --sql shows a masked email or a filtered-out contact:\n%s", out)
	}
	out, _, err = runCmd(t, "search", "--db", path, "--customer", "1", "--sql", "--places", "austin")
	if err != nil || !strings.Contains(out, "Austin") || !strings.Contains(out, "1 places match") {
		t.Errorf("search --sql --places = %v:\n%s", err, out)
	}
	out, _, err = runCmd(t, "search", "--db", path, "--customer", "1", "--sql", "--limit", "1", "director")
	if err != nil || !strings.Contains(out, "2 contacts match (1 shown") || !strings.Contains(out, "next page: --after 1") {
		t.Errorf("search --sql --limit 1 = %v:\n%s", err, out)
	}
	out, _, err = runCmd(t, "search", "--db", path, "--customer", "1", "--sql", "--limit", "1", "--after", "1", "director")
	if err != nil || !strings.Contains(out, "Jim Roe") || strings.Contains(out, "Jane Doe") {
		t.Errorf("search --sql --after 1 = %v:\n%s", err, out)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--sql", "--function", "it", "director"}, "--function cannot be used with --sql"},
		{[]string{"--sql", `"it director"`}, "quoted phrases"},
		{[]string{"--sql", "director -police"}, "exclusion"},
		{[]string{"--sql", "title:director"}, "field prefix"},
		{[]string{"--sql", "--state", "XX", "director"}, "--state"},
		{[]string{"--after", "3", "director"}, "--after pages --sql"},
	} {
		_, _, err := runCmd(t, append([]string{"search", "--db", path, "--customer", "1"}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("search %v = %v, want an error saying %q", tt.args, err, tt.want)
		}
	}
}

// TestSearchCommandRejects checks that the search command refuses what it
// cannot answer, with the flag at fault and a non-zero exit, and that it
// does so before it builds the index: the store's tech_stack table is
// dropped, so that a build fails, and every case must fail on its own
// check instead.
func TestSearchCommandRejects(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pursuit.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cu := pursuit.Customer{Name: "Acme", Email: "a@acme.com"}
	if err := db.CreateCustomer(ctx, &cu); err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("DROP TABLE tech_stack"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, _, err := runCmd(t, "search", "--db", path, "--customer", "1", "director"); err == nil || !strings.Contains(err.Error(), "tech_stack") {
		t.Fatalf("search over a store without tech_stack = %v, want the index build to fail", err)
	}

	tests := []struct {
		name  string
		args  []string
		field string
		want  string
	}{
		{"unknown customer", []string{"--customer", "99999", "director"}, "--customer", "no such customer 99999"},
		{"unknown state", []string{"--customer", "1", "--state", "ZZ", "director"}, "--state", `unknown state "ZZ"`},
		{"lower-case unknown state", []string{"--customer", "1", "--state", "zz"}, "--state", `unknown state "zz"`},
		{"one good one bad state", []string{"--customer", "1", "--state", "NY,XX"}, "--state", `unknown state "XX"`},
		{"unknown place type", []string{"--customer", "1", "--type", "village"}, "--type", `"village" is not one of`},
		{"unknown function", []string{"--customer", "1", "--function", "wizardry"}, "--function", `"wizardry" is not one of`},
		{"unknown seniority", []string{"--customer", "1", "--seniority", "boss"}, "--seniority", `"boss" is not one of`},
		{"population bounds crossed", []string{"--customer", "1", "--population-min", "10", "--population-max", "5"}, "--population-min", "is more than population_max"},
		{"places search with a contact filter", []string{"--customer", "1", "--places", "--function", "it"}, "--function", "applies to contacts"},
		{"malformed query", []string{"--customer", "1", `"unclosed`}, "query", ""},
		{"limit too big", []string{"--customer", "1", "--limit", "5000", "x"}, "--limit", "must be between"},
		{"place id not positive", []string{"--customer", "1", "--place-id", "-3"}, "--place-id", "must be a positive integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCmd(t, append([]string{"search", "--db", path}, tt.args...)...)
			if err == nil {
				t.Fatalf("search %v succeeded:\n%s", tt.args, out)
			}
			if got := pursuit.ErrorField(err); got != tt.field {
				t.Errorf("search %v: error %q names %q, want %q", tt.args, err, got, tt.field)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("search %v: error %q, want it to say %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestBenchSearchCommand runs a short pursuit bench search on a small
// dataset generated into SQLite and PostgreSQL, so that both SQL baselines'
// queries keep matching the schema.
func TestBenchSearchCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a dataset")
	}
	db := filepath.Join(t.TempDir(), "bench.db")
	pg := testdb.PostgresDSN(t)
	for _, target := range []string{db, pg} {
		if _, _, err := runCmd(t, "generate", "--db", target, "--places", "60", "--contacts", "1500", "--customers", "4"); err != nil {
			t.Fatalf("generate into %s: %v", target, err)
		}
	}
	out, _, err := runCmd(t, "bench", "search", "--db", db, "--postgres", pg, "--queries", "40", "--sql-queries", "10", "--memory-limit-mib", "0")
	if err != nil {
		t.Fatalf("bench search: %v\n%s", err, out)
	}
	for _, sys := range []string{"engine", "sqlite-fts5", "postgres-tsvector"} {
		if !regexp.MustCompile(`(?m)^\s+` + sys + `\s+\d+\s`).MatchString(out) {
			t.Errorf("bench search output has no %s row:\n%s", sys, out)
		}
	}
	if !strings.Contains(out, "postgres-tsvector / engine on the same 10 queries") {
		t.Errorf("bench search output has no PostgreSQL ratio:\n%s", out)
	}
	// The SQLite baseline's scratch index, built beside the store, is gone.
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db), ".pursuit-bench-fts-*")); len(left) > 0 {
		t.Errorf("bench search left its scratch index behind: %v", left)
	}
}
