package crm

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
)

var (
	placesOnce  sync.Once
	placesSmall []pursuit.Place
	placesErr   error
)

// testPlaces returns the generator's first 20,000 places of seed 1.
func testPlaces(t testing.TB) []pursuit.Place {
	t.Helper()
	placesOnce.Do(func() {
		placesSmall, placesErr = gen.Places(gen.Config{Seed: 1, Places: 20_000})
	})
	if placesErr != nil {
		t.Fatal(placesErr)
	}
	return placesSmall
}

// Quality is precision and recall of results against ground truth.
type quality struct {
	tp, fp, fn, tn int
}

func measure(results []Result, truth []int64) quality {
	var q quality
	for i, r := range results {
		switch {
		case r.PlaceID != 0 && r.PlaceID == truth[i]:
			q.tp++
		case r.PlaceID != 0:
			q.fp++
		case truth[i] != 0:
			q.fn++
		default:
			q.tn++
		}
	}
	return q
}

func (q quality) precision() float64 { return float64(q.tp) / float64(q.tp+q.fp) }
func (q quality) recall() float64    { return float64(q.tp) / float64(q.tp+q.fn) }

// TestQualityFixedSeed matches a noisy export of 10,000 accounts (15 %
// no place of ours, typos, abbreviations, missing states, …) against
// 20,000 generated places and requires the measured precision and recall
// of seed 1: the goals are P >= 99 % and R >= 95 %; these thresholds sit
// just under what the matcher reaches, so a regression fails.
func TestQualityFixedSeed(t *testing.T) {
	places := testPlaces(t)
	m := NewMatcherFromPlaces(places)
	accts, truth := NoisyExport(places, NoisyConfig{Seed: 1, Accounts: 10_000})
	res, err := m.MatchAll(context.Background(), accts, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := measure(res, truth)
	t.Logf("%+v precision %.4f recall %.4f", q, q.precision(), q.recall())
	if q.precision() < 0.999 || q.recall() < 0.975 {
		t.Errorf("precision %.4f, recall %.4f; want >= 0.999 and >= 0.975 on seed 1", q.precision(), q.recall())
	}
	if nonPlaces := q.fp + q.tn; nonPlaces < 1000 || nonPlaces > 2000 {
		t.Errorf("%d non-place or wrongly matched accounts of 10,000; the export should have 10-20 %% non-places", nonPlaces)
	}
	for i, r := range res {
		if r.Account.ExternalCRMID != accts[i].ExternalCRMID {
			t.Fatalf("result %d is of account %q, not %q: results must be in input order", i, r.Account.ExternalCRMID, accts[i].ExternalCRMID)
		}
		if r.PlaceID == 0 && r.Method != MethodAmbiguous && r.Method != MethodNone {
			t.Fatalf("unmatched result with method %q", r.Method)
		}
		if r.Method == MethodAmbiguous && (len(r.Candidates) < 1 || len(r.Candidates) > MaxCandidates) {
			t.Fatalf("ambiguous result with %d candidates", len(r.Candidates))
		}
	}
}

// TestQualityRandomSeeds is the property: over random seeds, sizes and
// noise shares, precision stays >= 99 % and recall >= 95 %.
func TestQualityRandomSeeds(t *testing.T) {
	all := testPlaces(t)
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, 1))
	for range 4 {
		n := 2000 + r.IntN(len(all)-2000)
		places := all[:n]
		m := NewMatcherFromPlaces(places)
		cfg := NoisyConfig{Seed: r.Uint64(), Accounts: 500 + r.IntN(3000), NonPlaceShare: 0.1 + 0.1*r.Float64(), DuplicateShare: 0.01 + 0.05*r.Float64()}
		accts, truth := NoisyExport(places, cfg)
		res, err := m.MatchAll(context.Background(), accts, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := measure(res, truth)
		if q.precision() < 0.99 || q.recall() < 0.95 {
			t.Errorf("test seed %d, %d places, %+v: precision %.4f recall %.4f, want >= 0.99 and >= 0.95", seed, n, cfg, q.precision(), q.recall())
		}
	}
}

// TestAmbiguousWashingtonTownship: "Washington Township", PA, with no
// county and no website is one of several townships; it is left for
// review with its candidates, not guessed. Given the county, it matches.
func TestAmbiguousWashingtonTownship(t *testing.T) {
	places := []pursuit.Place{
		{PlaceID: 1, Name: "Washington Township", PlaceType: pursuit.PlaceTypeTownship, StateAbbr: "PA", County: "Berks County", Website: "https://www.washingtontwpberks.org"},
		{PlaceID: 2, Name: "Washington Township", PlaceType: pursuit.PlaceTypeTownship, StateAbbr: "PA", County: "Franklin County", Website: "https://www.washingtontwp-pa.gov"},
		{PlaceID: 3, Name: "Washington Township", PlaceType: pursuit.PlaceTypeTownship, StateAbbr: "PA", County: "Fayette County"},
		{PlaceID: 4, Name: "Washington Township", PlaceType: pursuit.PlaceTypeTownship, StateAbbr: "PA", County: "Erie County"},
		{PlaceID: 5, Name: "Washington Township", PlaceType: pursuit.PlaceTypeTownship, StateAbbr: "OH", County: "Franklin County"},
		{PlaceID: 6, Name: "Washington County", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "PA", County: "Washington County", GEOID: "42125"},
	}
	m := NewMatcherFromPlaces(places)
	cases := []struct {
		a      Account
		place  int64
		method string
	}{
		{Account{Name: "Washington Township", State: "PA"}, 0, MethodAmbiguous},
		{Account{Name: "Washington Twp.", State: "Pennsylvania"}, 0, MethodAmbiguous},
		{Account{Name: "WASHINGTON TOWNSHIP", State: ""}, 0, MethodAmbiguous},
		{Account{Name: "Washington Township", State: "PA", County: "Franklin"}, 2, MethodName},
		{Account{Name: "Washington Twp", State: "PA", Website: "washingtontwpberks.org/contact"}, 1, MethodDomain},
		{Account{Name: "Washington Township", State: "OH"}, 5, MethodName},
		{Account{Name: "Washington Co.", State: "PA", GEOID: "42125"}, 6, MethodGEOID},
		{Account{Name: "Washingotn Township", State: "PA", County: "Erie Co."}, 4, MethodFuzzy},
	}
	for _, c := range cases {
		r := m.Match(c.a)
		if r.PlaceID != c.place || r.Method != c.method {
			t.Errorf("%+v: matched %d by %s, want %d by %s", c.a, r.PlaceID, r.Method, c.place, c.method)
		}
		if c.place == 0 && (len(r.Candidates) != MaxCandidates) {
			t.Errorf("%+v: %d candidates %v, want %d for review", c.a, len(r.Candidates), r.Candidates, MaxCandidates)
		}
	}
}

// TestNotPublicSector: companies and names of places that do not exist
// stay unmatched, even with a state and a website.
func TestNotPublicSector(t *testing.T) {
	places := []pursuit.Place{
		{PlaceID: 1, Name: "City of Springfield", StateAbbr: "IL", County: "Sangamon County", Website: "https://www.springfield.il.us"},
		{PlaceID: 2, Name: "Springfield Public Schools", StateAbbr: "IL", County: "Sangamon County", NCESID: "1737080"},
		{PlaceID: 3, Name: "Calverton Fire District", StateAbbr: "NY", County: "Suffolk County"},
	}
	m := NewMatcherFromPlaces(places)
	for _, a := range []Account{
		{Name: "Springfield Software Inc", State: "IL", Website: "https://springfieldsoftware.com"},
		{Name: "Springfield Consulting LLC", State: "IL"},
		{Name: "City of Springfield", State: "OH"},
		{Name: "Springfield Water District", State: "IL"},
		{Name: "Silverton Fire District", State: "NY"},
		{Name: "", State: "IL"},
		{Name: "Acme Corp", State: "IL", NCESID: "999"},
	} {
		if r := m.Match(a); r.PlaceID != 0 {
			t.Errorf("%+v matched place %d by %s; it is no place of ours", a, r.PlaceID, r.Method)
		}
	}
	// The same names with a public id or website of a place match it.
	if r := m.Match(Account{Name: "Springfield SD 186", State: "IL", NCESID: "1737080"}); r.PlaceID != 2 || r.Method != MethodNCES {
		t.Errorf("NCES id: got %d by %s", r.PlaceID, r.Method)
	}
	if r := m.Match(Account{Name: "Springfield", Website: "HTTP://WWW.SPRINGFIELD.IL.US/Departments"}); r.PlaceID != 1 || r.Method != MethodDomain {
		t.Errorf("domain: got %d by %s", r.PlaceID, r.Method)
	}
}

// TestSharedDomainNotDecisive: a domain several places share decides only
// with the name.
func TestSharedDomainNotDecisive(t *testing.T) {
	places := []pursuit.Place{
		{PlaceID: 1, Name: "Ardmore Public Library", StateAbbr: "OK", Website: "https://www.ardmorepl.org"},
		{PlaceID: 2, Name: "Delridge Branch Library", StateAbbr: "OK", Website: "https://www.ardmorepl.org/locations/delridge"},
		{PlaceID: 3, Name: "Oak Branch Library", StateAbbr: "OK", Website: "https://www.ardmorepl.org/locations/oak"},
	}
	m := NewMatcherFromPlaces(places)
	if r := m.Match(Account{Name: "Ardmore Library", State: "OK", Website: "ardmorepl.org"}); r.PlaceID != 0 || r.Method != MethodAmbiguous || len(r.Candidates) != 3 {
		t.Errorf("shared domain, other name: got %d by %s with %v; want ambiguous with 3 candidates", r.PlaceID, r.Method, r.Candidates)
	}
	if r := m.Match(Account{Name: "Delridge Branch Library", Website: "ardmorepl.org"}); r.PlaceID != 2 || r.Method != MethodDomain {
		t.Errorf("shared domain, same name: got %d by %s", r.PlaceID, r.Method)
	}
}
