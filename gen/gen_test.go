package gen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/titles"
)

func generate(t testing.TB, cfg Config, discard bool) *memWriter {
	t.Helper()
	w := newMemWriter(discard)
	if err := Generate(context.Background(), cfg, w, nil); err != nil {
		t.Fatalf("Generate(%v): %v", cfg, err)
	}
	return w
}

func TestGenerateIsDeterministic(t *testing.T) {
	cfg := SmallConfig()
	a := generate(t, cfg, true)
	b := generate(t, cfg, true)
	if a.sum() != b.sum() {
		t.Errorf("two runs with seed %d wrote different rows", cfg.Seed)
	}
	if diff := cmp.Diff(a.counts, b.counts); diff != "" {
		t.Errorf("row counts differ (-first +second):\n%s", diff)
	}
	cfg.Seed = 2
	if c := generate(t, cfg, true); c.sum() == a.sum() {
		t.Errorf("seeds 1 and 2 wrote the same rows")
	}
	// The batch size changes the batches, not the rows.
	cfg.Seed, cfg.BatchSize = 1, 777
	d := generate(t, cfg, false)
	e := generate(t, SmallConfig(), false)
	if diff := cmp.Diff(e.contacts, d.contacts); diff != "" {
		t.Errorf("contacts depend on the batch size (-10000 +777):\n%s", diff)
	}
}

func TestGenerateCountsAndOrder(t *testing.T) {
	cfg := Config{Seed: 7, Places: 1234, Contacts: 23456, Customers: 6, BatchSize: 1000}
	w := generate(t, cfg, false)
	want := map[string]int{
		pursuit.TableCustomers: cfg.Customers,
		pursuit.TablePlaces:    cfg.Places,
		pursuit.TableContacts:  cfg.Contacts,
	}
	for table, n := range want {
		if w.counts[table] != n {
			t.Errorf("%s: %d rows, want %d", table, w.counts[table], n)
		}
	}
	if diff := cmp.Diff(pursuit.DataTables, w.order); diff != "" {
		t.Errorf("table order (-want +got):\n%s", diff)
	}
	if max := (cfg.Contacts+cfg.BatchSize-1)/cfg.BatchSize + 8*((cfg.Places+cfg.BatchSize-1)/cfg.BatchSize) + 200; w.batches > max {
		t.Errorf("%d batches, more than %d", w.batches, max)
	}
	dense := func(table string, ids []int64) {
		for i, id := range ids {
			if id != int64(i+1) {
				t.Errorf("%s: row %d has id %d, want ids dense from 1", table, i, id)
				return
			}
		}
	}
	dense("customers", ids(w.customers, func(c pursuit.Customer) int64 { return c.CustomerID }))
	dense("places", ids(w.places, func(p pursuit.Place) int64 { return p.PlaceID }))
	dense("contacts", ids(w.contacts, func(c pursuit.Contact) int64 { return c.ContactID }))
	dense("tech_stack", ids(w.techs, func(x pursuit.TechStack) int64 { return x.TechStackID }))
	dense("customer_mapping", ids(w.mappings, func(m pursuit.CustomerMapping) int64 { return m.CustomerMappingID }))
}

func ids[T any](rows []T, id func(T) int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

// TestGenerateRowsAreValid checks every row against the domain's
// validation and every reference against the rows it points at.
func TestGenerateRowsAreValid(t *testing.T) {
	w := generate(t, Config{Seed: 3, Places: 2500, Contacts: 40000, Customers: 12}, false)
	check := func(table string, i int, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s row %d: %v", table, i+1, err)
		}
	}
	for i := range w.customers {
		check("customers", i, w.customers[i].Validate())
	}
	for i := range w.places {
		check("places", i, w.places[i].Validate())
	}
	emails := map[string]bool{}
	for i := range w.contacts {
		c := &w.contacts[i]
		check("contacts", i, c.Validate())
		if c.PlaceID < 1 || c.PlaceID > int64(len(w.places)) {
			t.Fatalf("contact %d: place_id %d does not exist", c.ContactID, c.PlaceID)
		}
		if c.Email != "" {
			if emails[c.Email] {
				t.Errorf("contact %d: email %q is taken by another contact", c.ContactID, c.Email)
			}
			emails[c.Email] = true
		}
		if c.UpdatedAt.Before(c.CreatedAt) {
			t.Errorf("contact %d: updated_at %v before created_at %v", c.ContactID, c.UpdatedAt, c.CreatedAt)
		}
	}
	for i := range w.techs {
		x := &w.techs[i]
		check("tech_stack", i, x.Validate())
		if x.LastSeen.Before(x.FirstSeen) || x.PlaceID > int64(len(w.places)) {
			t.Errorf("tech_stack %d: %+v", x.TechStackID, x)
		}
	}
	type key struct{ a, b int64 }
	seen := map[key]bool{}
	for i := range w.pgrants {
		g := &w.pgrants[i]
		check("customer_place_relation", i, g.Validate())
		if seen[key{g.CustomerID, g.PlaceID}] || g.CustomerID > int64(len(w.customers)) || g.PlaceID > int64(len(w.places)) {
			t.Fatalf("place grant %+v is a duplicate or points at nothing", g)
		}
		seen[key{g.CustomerID, g.PlaceID}] = true
	}
	clear(seen)
	for i := range w.cgrants {
		g := &w.cgrants[i]
		check("customer_contact_relation", i, g.Validate())
		if seen[key{g.CustomerID, g.ContactID}] || g.CustomerID > int64(len(w.customers)) || g.ContactID > int64(len(w.contacts)) {
			t.Fatalf("contact grant %+v is a duplicate or points at nothing", g)
		}
		seen[key{g.CustomerID, g.ContactID}] = true
	}
	crm := map[string]bool{}
	for i := range w.mappings {
		m := &w.mappings[i]
		check("customer_mapping", i, m.Validate())
		k := fmt.Sprint(m.CustomerID, "/", m.ExternalCRMID)
		if crm[k] || m.PlaceID > int64(len(w.places)) || m.ContactID > int64(len(w.contacts)) {
			t.Fatalf("mapping %+v is a duplicate (customer_id, external_crm_id) or points at nothing", m)
		}
		crm[k] = true
	}
	if len(w.pgrants) == 0 || len(w.cgrants) == 0 || len(w.mappings) == 0 || len(w.techs) == 0 {
		t.Errorf("empty table: %v", w.counts)
	}
}

// TestGenerateDistributions checks the realism bounds docs/dataset.md
// states, on a dataset small enough for a unit test.
func TestGenerateDistributions(t *testing.T) {
	cfg := Config{Seed: 11, Places: 3000, Contacts: 90000, Customers: 10}
	w := generate(t, cfg, false)
	g, err := loadGeo()
	if err != nil {
		t.Fatal(err)
	}

	states := map[string]bool{}
	types := map[string]int{}
	for _, p := range w.places {
		states[p.StateAbbr] = true
		types[p.PlaceType]++
	}
	for _, s := range g.States {
		if !states[s.Abbr] {
			t.Errorf("no place in %s", s.Abbr)
		}
	}
	if len(states) != 51 {
		t.Errorf("places in %d states, want the 50 states and DC", len(states))
	}

	// Place types in the seed's proportions, within 10% of each type's
	// expected count (or 3 places for the rare ones).
	seedTypes := map[string]int{}
	for _, k := range kinds {
		seedTypes[k.typ] += k.seed
	}
	for typ, n := range seedTypes {
		want := float64(n) * float64(cfg.Places) / seedPlaces
		if got := float64(types[typ]); math.Abs(got-want) > math.Max(3, want/10) {
			t.Errorf("%d %s places, want about %.0f", types[typ], typ, want)
		}
	}

	perPlace := make([]int, len(w.places)+1)
	for _, c := range w.contacts {
		perPlace[c.PlaceID]++
	}
	// The top 1% of places by population hold a large share of contacts.
	byPop := slices.Clone(w.places)
	sort.SliceStable(byPop, func(i, j int) bool { return byPop[i].Population > byPop[j].Population })
	top := 0
	for _, p := range byPop[:len(byPop)/100] {
		top += perPlace[p.PlaceID]
	}
	if share := float64(top) / float64(len(w.contacts)); share < 0.15 {
		t.Errorf("top 1%% of places by population hold %.1f%% of contacts, want at least 15%%", 100*share)
	}
	// Most special districts have a handful of contacts.
	small, specials := 0, 0
	for _, p := range w.places {
		if p.PlaceType == pursuit.PlaceTypeSpecialDistrict {
			specials++
			if perPlace[p.PlaceID] <= 5 {
				small++
			}
		}
		if perPlace[p.PlaceID] < 1 {
			t.Errorf("place %d (%s) has no contact", p.PlaceID, p.Name)
		}
	}
	if float64(small) < 0.6*float64(specials) {
		t.Errorf("%d of %d special districts have at most 5 contacts, want at least 60%%", small, specials)
	}

	// Emails on the place's domain, phones on the state's area codes.
	phoneRE := regexp.MustCompile(`^\(?(\d{3})\)?[ .-]\d{3}[.-]\d{4}( ext\. \d+)?$`)
	byTitle := map[string]int{}
	for _, c := range w.contacts {
		p := w.places[c.PlaceID-1]
		if c.Email != "" && !strings.HasSuffix(c.Email, "@"+p.EmailDomain) {
			t.Fatalf("contact %d: email %q is not on its place's domain %q", c.ContactID, c.Email, p.EmailDomain)
		}
		if c.Phone != "" {
			m := phoneRE.FindStringSubmatch(c.Phone)
			if m == nil || !slices.Contains(g.ByAbbr[p.StateAbbr].AreaCodes, m[1]) {
				t.Fatalf("contact %d: phone %q is not a %s number", c.ContactID, c.Phone, p.StateAbbr)
			}
		}
		byTitle[c.Title]++
	}
	if len(byTitle) < 300 {
		t.Errorf("%d distinct titles, want at least 300", len(byTitle))
	}
	for title, n := range byTitle {
		if float64(n) > 0.08*float64(len(w.contacts)) {
			t.Errorf("title %q on %d of %d contacts, more than 8%%", title, n, len(w.contacts))
		}
	}
	// Titles spread over the functions the titles taxonomy knows.
	functions := map[string]int{}
	for _, c := range w.contacts {
		f, _ := titles.Classify(c.Title, c.Department)
		functions[f]++
	}
	for f, n := range functions {
		if share := float64(n) / float64(len(w.contacts)); share > 0.3 {
			t.Errorf("function %s has %.0f%% of contacts, more than 30%%", f, 100*share)
		}
	}
	if n := len(functions); n < len(titles.Functions)-2 {
		t.Errorf("contacts' titles fall into %d functions, want at least %d: %v", n, len(titles.Functions)-2, functions)
	}
	for _, want := range []string{"Superintendent", "Chief Information Officer", "Police Chief", "Dir. of IT", "Chief Information Officer (CIO)", "Asst. Superintendent"} {
		if byTitle[want] == 0 {
			t.Errorf("no contact titled %q", want)
		}
	}

	// Identifiers shaped like the Census's and NCES's.
	fips := map[string]string{}
	for _, s := range g.States {
		fips[s.Abbr] = s.FIPS
	}
	digits := func(s string, n int) bool { return len(s) == n && strings.Trim(s, "0123456789") == "" }
	// Governments have a GEOID; their departments (a sheriff's office, a
	// police department) have none.
	plan := makePlan(cfg.Places, g)
	withGEOID := map[string]int{}
	for _, p := range w.places {
		pre := fips[p.StateAbbr]
		if p.GEOID != "" {
			withGEOID[p.PlaceType]++
		}
		switch p.PlaceType {
		case pursuit.PlaceTypeCounty:
			if p.GEOID != "" && (!digits(p.GEOID, 5) || !strings.HasPrefix(p.GEOID, pre)) {
				t.Errorf("county %q: GEOID %q", p.Name, p.GEOID)
			}
		case pursuit.PlaceTypeMunicipality:
			if p.GEOID != "" && (!digits(p.GEOID, 7) || !strings.HasPrefix(p.GEOID, pre)) {
				t.Errorf("municipality %q: GEOID %q", p.Name, p.GEOID)
			}
		case pursuit.PlaceTypeSchoolDistrict:
			if !digits(p.NCESID, 7) || !strings.HasPrefix(p.NCESID, pre) {
				t.Errorf("school district %q: NCES id %q", p.Name, p.NCESID)
			}
		case pursuit.PlaceTypeTownship:
			if townshipWeights[p.StateAbbr] == 0 {
				t.Errorf("township %q in %s, a state without townships", p.Name, p.StateAbbr)
			}
		}
	}
	sum := func(k int) (n int) {
		for _, v := range plan[k] {
			n += v
		}
		return n
	}
	want := map[string]int{pursuit.PlaceTypeCounty: sum(kCounty), pursuit.PlaceTypeMunicipality: sum(kMunicipality),
		pursuit.PlaceTypeTownship: sum(kTownship), pursuit.PlaceTypeSchoolDistrict: sum(kSchool)}
	if diff := cmp.Diff(want, withGEOID); diff != "" {
		t.Errorf("places with a GEOID by type, one per government (-want +got):\n%s", diff)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"no places", Config{Places: 0, Contacts: 10}, "places"},
		{"fewer contacts than places", Config{Places: 10, Contacts: 5}, "contacts"},
		{"negative customers", Config{Places: 10, Contacts: 10, Customers: -1}, "customers"},
		{"negative batch", Config{Places: 10, Contacts: 10, BatchSize: -1}, "batch_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Generate(context.Background(), tt.cfg, newMemWriter(true), nil)
			if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != tt.field {
				t.Errorf("Generate(%+v) = %v, want EINVALID on %s", tt.cfg, err, tt.field)
			}
		})
	}
	for _, cfg := range []Config{DefaultConfig(), SmallConfig(), {Places: 5, Contacts: 0}} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("%v.Validate() = %v", cfg, err)
		}
	}
}

func TestGenerateWithoutContactsOrCustomers(t *testing.T) {
	w := generate(t, Config{Seed: 1, Places: 60}, false)
	if len(w.places) != 60 || len(w.contacts) != 0 || len(w.customers) != 0 || len(w.pgrants) != 0 || len(w.mappings) != 0 {
		t.Errorf("counts %v, want 60 places and nothing else but tech stacks", w.counts)
	}
}

func TestGenerateStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Generate(ctx, SmallConfig(), newMemWriter(true), nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate on a canceled context = %v, want context.Canceled", err)
	}
}

func TestGenerateReportsProgress(t *testing.T) {
	last := map[string]int64{}
	err := Generate(context.Background(), SmallConfig(), newMemWriter(true), func(table string, rows int64) {
		if rows <= last[table] {
			t.Errorf("progress(%s, %d) after %d", table, rows, last[table])
		}
		last[table] = rows
	})
	if err != nil {
		t.Fatal(err)
	}
	if last[pursuit.TableContacts] != int64(SmallConfig().Contacts) {
		t.Errorf("last contacts progress %d, want %d", last[pursuit.TableContacts], SmallConfig().Contacts)
	}
}

// BenchmarkGenerate measures generation alone (rows are counted, not
// written) at a tenth of the seed scale; multiply by ten for the full
// dataset. Run with: go test ./gen -bench Generate -benchtime 1x
func BenchmarkGenerate(b *testing.B) {
	cfg := Config{Seed: 1, Places: 15_000, Contacts: 450_000, Customers: 50}
	var rows int64
	for b.Loop() {
		w := &countWriter{}
		if err := Generate(context.Background(), cfg, w, nil); err != nil {
			b.Fatal(err)
		}
		rows += w.rows
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func TestGenerateCustomersWithoutContacts(t *testing.T) {
	w := generate(t, Config{Seed: 1, Places: 80, Customers: 3}, false)
	if len(w.customers) != 3 || len(w.contacts) != 0 || len(w.cgrants) != 0 {
		t.Errorf("counts %v, want 3 customers and no contacts or contact grants", w.counts)
	}
	for _, m := range w.mappings {
		if m.ContactID != 0 {
			t.Errorf("mapping %+v points at a contact", m)
		}
	}
}

// TestPlacesEqualsGenerate pins gen.Places to the places Generate writes.
func TestPlacesEqualsGenerate(t *testing.T) {
	cfg := Config{Seed: 7, Places: 800, Contacts: 1600, Customers: 3}
	got, err := Places(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w := &placeCollector{}
	if err := Generate(context.Background(), cfg, w, nil); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(w.places) || len(got) != cfg.Places {
		t.Fatalf("Places gave %d places, Generate %d, want %d", len(got), len(w.places), cfg.Places)
	}
	for i := range got {
		if got[i] != w.places[i] {
			t.Fatalf("place %d: Places %+v, Generate %+v", i, got[i], w.places[i])
		}
	}
}

// placeCollector is a BulkWriter that keeps the places and drops the rest.
type placeCollector struct{ places []pursuit.Place }

func (c *placeCollector) UpsertCustomers(context.Context, []pursuit.Customer) error { return nil }
func (c *placeCollector) UpsertPlaces(_ context.Context, rows []pursuit.Place) error {
	c.places = append(c.places, rows...)
	return nil
}
func (c *placeCollector) UpsertContacts(context.Context, []pursuit.Contact) error    { return nil }
func (c *placeCollector) UpsertTechStack(context.Context, []pursuit.TechStack) error { return nil }
func (c *placeCollector) UpsertPlaceGrants(context.Context, []pursuit.CustomerPlaceRelation) error {
	return nil
}
func (c *placeCollector) UpsertContactGrants(context.Context, []pursuit.CustomerContactRelation) error {
	return nil
}
func (c *placeCollector) UpsertCustomerMappings(context.Context, []pursuit.CustomerMapping) error {
	return nil
}
