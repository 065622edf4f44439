package gen

import (
	"context"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// placesWriter keeps the places and counts the other rows.
type placesWriter struct {
	countWriter
	places []pursuit.Place
}

func (w *placesWriter) UpsertPlaces(_ context.Context, rows []pursuit.Place) error {
	w.places = append(w.places, rows...)
	return nil
}

// seedPlacesOnly generates the seed's places (no contacts, no customers).
func seedPlacesOnly(t *testing.T) []pursuit.Place {
	t.Helper()
	if testing.Short() {
		t.Skip("generates the seed's 150,000 places")
	}
	w := &placesWriter{}
	if err := Generate(context.Background(), Config{Seed: 1, Places: seedPlaces}, w, nil); err != nil {
		t.Fatal(err)
	}
	return w.places
}

// digitNames returns the GeoNames cities whose names hold a digit
// ("Socorro Mission Number 1 Colonia"): the only source of digits a place
// name may have.
func digitNames(t *testing.T) []string {
	t.Helper()
	g, err := loadGeo()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range g.States {
		for _, c := range s.Cities {
			if strings.ContainsAny(c.Name, "0123456789") {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

// checkNames checks what every generated dataset's place names must be:
// no numbered names ("Branch 2", "District 7"), and unique within their
// state except townships (Ohio has 43 Washington Townships).
func checkNames(t *testing.T, places []pursuit.Place, allowed []string) {
	t.Helper()
	seen := map[[2]string]bool{}
	bad := 0
	for _, p := range places {
		if strings.ContainsAny(p.Name, "0123456789") && !slices.ContainsFunc(allowed, func(a string) bool { return strings.Contains(p.Name, a) }) {
			if bad++; bad <= 10 {
				t.Errorf("place %d %q (%s): a number in its name", p.PlaceID, p.Name, p.PlaceType)
			}
		}
		if p.PlaceType == pursuit.PlaceTypeTownship {
			continue
		}
		k := [2]string{p.StateAbbr, p.Name}
		if seen[k] {
			if bad++; bad <= 10 {
				t.Errorf("place %d %q (%s): another place of %s has its name", p.PlaceID, p.Name, p.PlaceType, p.StateAbbr)
			}
		}
		seen[k] = true
	}
}

// TestSeedPlacesAreRealistic generates the seed's 150,000 places and checks
// the composition docs/dataset.md documents: exact counts by place type and
// kind, agencies per state, library systems and branches, departments
// named after a government of their state, no numbered names.
func TestSeedPlacesAreRealistic(t *testing.T) {
	places := seedPlacesOnly(t)
	checkNames(t, places, digitNames(t))

	byType := map[string]int{}
	wantType := map[string]int{}
	for _, k := range kinds {
		wantType[k.typ] += k.seed
	}
	govs := map[[2]string]bool{} // state, name of a county or municipality
	for _, p := range places {
		byType[p.PlaceType]++
		if p.GEOID != "" {
			govs[[2]string{p.StateAbbr, p.Name}] = true
		}
	}
	if diff := cmp.Diff(wantType, byType); diff != "" {
		t.Errorf("places by type at the seed's size (-want +got):\n%s", diff)
	}

	// Departments by their names, each named after a government of its
	// state.
	kindOf := []struct {
		kind   int
		suffix *regexp.Regexp
		parent func(loc string) []string
	}{
		{kSheriff, regexp.MustCompile(`^(.+) Sheriff's (Office|Department)$`), func(l string) []string { return []string{l} }},
		{kPolice, regexp.MustCompile(`^(.+) (Police Department|Division of Police)$`), func(l string) []string {
			return []string{"City of " + l, "Town of " + l, "Village of " + l, "Borough of " + l, "City of " + strings.TrimSuffix(l, " City")}
		}},
	}
	for _, k := range kindOf {
		n := 0
		for _, p := range places {
			m := k.suffix.FindStringSubmatch(p.Name)
			if m == nil || p.PlaceType != kinds[k.kind].typ {
				continue
			}
			n++
			if p.Name == "Metropolitan Police Department" {
				continue
			}
			if !slices.ContainsFunc(k.parent(m[1]), func(g string) bool { return govs[[2]string{p.StateAbbr, g}] }) {
				t.Errorf("%s %q has no %s government named after %q", p.StateAbbr, p.Name, kinds[k.kind].typ, m[1])
			}
		}
		if n != kinds[k.kind].seed {
			t.Errorf("%d %ss, want %d", n, kinds[k.kind].name, kinds[k.kind].seed)
		}
	}

	// Tens of agencies in a small state, low hundreds in a big one.
	agencies := map[string]int{}
	for _, p := range places {
		if p.PlaceType == pursuit.PlaceTypeStateAgency {
			agencies[p.StateAbbr]++
		}
	}
	for st, n := range agencies {
		if n < 50 || n > 250 {
			t.Errorf("%s has %d state agencies, want 50 to 250", st, n)
		}
	}
	if len(agencies) != 51 {
		t.Errorf("state agencies in %d states, want 51", len(agencies))
	}

	// Library branches share their system's domain and website; a system
	// is the first library of its domain.
	systems := map[string]pursuit.Place{}
	branches := 0
	for _, p := range places {
		if p.PlaceType != pursuit.PlaceTypeLibrary {
			continue
		}
		sys, ok := systems[p.EmailDomain]
		if !ok {
			systems[p.EmailDomain] = p
			continue
		}
		branches++
		if !strings.HasPrefix(p.Website, sys.Website+"/locations/") || !strings.Contains(p.Name, "Librar") && !strings.HasSuffix(p.Name, " Branch") {
			t.Errorf("branch %q (%s) of %q (%s)", p.Name, p.Website, sys.Name, sys.Website)
		}
	}
	if want := kinds[kLibraryBranch].seed; math.Abs(float64(branches-want)) > float64(want)/20 {
		t.Errorf("%d library branches, want about %d", branches, want)
	}
	// Every other domain is a place's own.
	domains := map[string]int{}
	for _, p := range places {
		if p.PlaceType != pursuit.PlaceTypeLibrary {
			domains[p.EmailDomain]++
		}
	}
	for _, p := range systems {
		domains[p.EmailDomain]++
	}
	for d, n := range domains {
		if n > 1 {
			t.Errorf("%d places share the domain %s", n, d)
		}
	}
}

// TestStateCapitals checks that every state's capital is among its
// embedded cities, so that its agencies sit in the capital's county.
func TestStateCapitals(t *testing.T) {
	g, err := loadGeo()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range g.States {
		if !slices.ContainsFunc(s.Cities, func(c *city) bool { return c.Name == stateCapitals[s.Abbr] }) {
			t.Errorf("%s: capital %q is not among its cities", s.Abbr, stateCapitals[s.Abbr])
		}
	}
}

// TestTechCatalogCoversEveryCode checks that every category a place code
// adopts has a product that code may buy.
func TestTechCatalogCoversEveryCode(t *testing.T) {
	for _, tc := range techs {
		for code := range tc.adopt {
			if len(tc.prods[code]) == 0 {
				t.Errorf("%s: code %s adopts it but may buy no product", tc.name, code)
			}
		}
	}
	codes := map[string]bool{}
	for _, c := range typeCode {
		codes[c] = true
	}
	for _, c := range deptTech {
		codes[c] = true
	}
	codes["lb"] = true
	for _, tc := range techs {
		for code := range tc.adopt {
			if !codes[code] {
				t.Errorf("%s: unknown code %s", tc.name, code)
			}
		}
	}
}

// statsWriter counts rows per table and contacts per place.
type statsWriter struct {
	countWriter
	places   []pursuit.Place
	perPlace []int
	tables   map[string]int
}

func (w *statsWriter) UpsertPlaces(_ context.Context, rows []pursuit.Place) error {
	w.places = append(w.places, rows...)
	return nil
}

func (w *statsWriter) UpsertContacts(_ context.Context, rows []pursuit.Contact) error {
	for _, c := range rows {
		for int(c.PlaceID) >= len(w.perPlace) {
			w.perPlace = append(w.perPlace, 0)
		}
		w.perPlace[c.PlaceID]++
	}
	w.tables[pursuit.TableContacts] += len(rows)
	return nil
}

func (w *statsWriter) UpsertTechStack(_ context.Context, rows []pursuit.TechStack) error {
	w.tables[pursuit.TableTechStack] += len(rows)
	return nil
}

func (w *statsWriter) UpsertPlaceGrants(_ context.Context, rows []pursuit.CustomerPlaceRelation) error {
	w.tables[pursuit.TableCustomerPlaceRelation] += len(rows)
	return nil
}

func (w *statsWriter) UpsertContactGrants(_ context.Context, rows []pursuit.CustomerContactRelation) error {
	w.tables[pursuit.TableCustomerContactRelation] += len(rows)
	return nil
}

func (w *statsWriter) UpsertCustomerMappings(_ context.Context, rows []pursuit.CustomerMapping) error {
	w.tables[pursuit.TableCustomerMapping] += len(rows)
	return nil
}

// TestSeedStats prints the figures docs/dataset.md quotes for the seed's
// size (contacts per place by type, rows per table). It generates the
// whole default dataset (about 30 s of CPU, rows counted, not kept), so it
// runs only when PURSUIT_GEN_SEED_STATS is set.
func TestSeedStats(t *testing.T) {
	if os.Getenv("PURSUIT_GEN_SEED_STATS") == "" {
		t.Skip("set PURSUIT_GEN_SEED_STATS=1 to generate the seed's dataset and print its figures")
	}
	w := &statsWriter{tables: map[string]int{}}
	if err := Generate(context.Background(), DefaultConfig(), w, nil); err != nil {
		t.Fatal(err)
	}
	byType := map[string][]int{}
	for _, p := range w.places {
		byType[p.PlaceType] = append(byType[p.PlaceType], w.perPlace[p.PlaceID])
	}
	for _, typ := range pursuit.PlaceTypes {
		n := byType[typ]
		slices.Sort(n)
		top := ""
		for _, p := range w.places {
			if p.PlaceType == typ && w.perPlace[p.PlaceID] == n[len(n)-1] {
				top = p.Name
				break
			}
		}
		t.Logf("| %s | %d | %d | %d | %d (%s) |", typ, len(n), n[len(n)/2], n[len(n)*9/10], n[len(n)-1], top)
	}
	byPop := slices.Clone(w.places)
	slices.SortStableFunc(byPop, func(a, b pursuit.Place) int { return int(b.Population - a.Population) })
	top := 0
	for _, p := range byPop[:len(byPop)/100] {
		top += w.perPlace[p.PlaceID]
	}
	t.Logf("top 1%% of places by population hold %.1f%% of contacts", 100*float64(top)/float64(w.tables[pursuit.TableContacts]))
	t.Logf("rows: %v", w.tables)
}

// TestSpecialKindsSuitCounties checks that every kind of special district
// has a name format for a county ("Cook County Housing Authority").
func TestSpecialKindsSuitCounties(t *testing.T) {
	for _, k := range specialKinds {
		if !slices.ContainsFunc(k.Formats, countyFormat) {
			t.Errorf("special district kind %s has no format for a county", k.Key)
		}
	}
}
