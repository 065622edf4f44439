package rank

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// adversarial returns a model that ranks customer's contacts as far from
// the engine as it can: random large weights and affinities.
func adversarial(r *rand.Rand, customer int64) *Model {
	m := &Model{Format: ModelFormat, Customers: map[int64]*CustomerModel{}}
	cm := &CustomerModel{Affinity: &Affinity{}}
	for f := range cm.Adjust {
		cm.Adjust[f] = r.NormFloat64() * 20
	}
	for a := range cm.Affinity.Values {
		cm.Affinity.Values[a] = map[string]float64{}
	}
	for _, v := range []string{"public_safety", "finance", "it", "education", "director", "staff", "executive", "county", "municipality", "school_district", "NY", "CA", "TX"} {
		for a := range cm.Affinity.Values {
			cm.Affinity.Values[a][v] = (r.Float64()*2 - 1) * MaxAffinity
		}
	}
	m.Customers[customer] = cm
	return m
}

// TestRerankNeverHides pages through whole results with random page sizes
// under adversarial models: the pages hold every contact the engine
// matches, each once, with the engine's total and facets; the first window
// is a permutation of the engine's first candidates.
func TestRerankNeverHides(t *testing.T) {
	sim, _ := newTestSim(t, 13, 5)
	r := rand.New(rand.NewPCG(13, 1))
	queries := []string{"director", "chief", "", "manager", "finance director", "police", "smith"}
	checked := 0
	for round := range 16 {
		c := sim.Warm[r.IntN(len(sim.Warm))]
		rk := NewRanker(10+r.IntN(60), sim.Now)
		rk.SetModel(adversarial(r, c))
		req := search.Request{Q: queries[r.IntN(len(queries))], Limit: 1 + r.IntN(25), Facets: true, SidebarCounts: r.IntN(2) == 0}
		if r.IntN(3) == 0 {
			req.PlaceTypes = []string{"municipality", "county"}
		}
		all := req
		all.Limit = search.MaxLimit
		want, err := sim.Index.SearchContacts(c, all)
		if err != nil {
			t.Fatal(err)
		}
		if want.NextCursor != "" {
			continue // bigger than one engine page; the walk below stops at 1,000 anyway
		}
		var got []int64
		for page := 0; ; page++ {
			res, err := rk.SearchContacts(sim.Index, c, req, Options{})
			if err != nil {
				t.Fatalf("round %d page %d: %v", round, page, err)
			}
			if res.Total != want.Total || len(res.Facets) != len(want.Facets) {
				t.Fatalf("round %d: total %d, engine %d", round, res.Total, want.Total)
			}
			if page == 0 && !reflect.DeepEqual(res.Facets, want.Facets) || !reflect.DeepEqual(res.Mapped, want.Mapped) {
				// The sidebar of a re-ranked page is the engine's.
				t.Fatalf("round %d page %d: facets %v mapped %v, engine %v %v", round, page, res.Facets, res.Mapped, want.Facets, want.Mapped)
			}
			if len(res.Hits) > req.Limit || len(res.Items) != len(res.Hits) {
				t.Fatalf("round %d: %d hits, %d items, limit %d", round, len(res.Hits), len(res.Items), req.Limit)
			}
			got = append(got, ids(res.Hits)...)
			if res.NextCursor == "" {
				break
			}
			req.Cursor = res.NextCursor
		}
		wantIDs := ids(want.Hits)
		if len(got) != len(wantIDs) {
			t.Fatalf("round %d %q: %d hits over the pages, engine %d", round, req.Q, len(got), len(wantIDs))
		}
		// The window is the candidates, or a page when a page is more.
		w := min(max(rk.candidates, req.Limit), len(wantIDs))
		a, b := slices.Clone(got[:w]), slices.Clone(wantIDs[:w])
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("round %d: the first window is not the engine's candidates (candidates %d, limit %d, %d hits)", round, rk.candidates, req.Limit, len(wantIDs))
		}
		slices.Sort(got)
		slices.Sort(wantIDs)
		if !slices.Equal(got, wantIDs) {
			t.Fatalf("round %d: the pages are not the engine's result", round)
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("only %d rounds checked", checked)
	}
}

// TestNameLookupFirst searches for contacts by their full name and by
// their email under adversarial models: whoever the engine ranks first
// stays first.
func TestNameLookupFirst(t *testing.T) {
	sim, _ := newTestSim(t, 17, 5)
	r := rand.New(rand.NewPCG(17, 1))
	var contacts []pursuit.Contact
	if err := sim.Store.ScanContacts(t.Context(), func(c pursuit.Contact) error { contacts = append(contacts, c); return nil }); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for range 150 {
		c := sim.Warm[r.IntN(len(sim.Warm))]
		rk := NewRanker(0, sim.Now)
		rk.SetModel(adversarial(r, c))
		ct := contacts[r.IntN(len(contacts))]
		for _, q := range []string{ct.Name, ct.Email} {
			if q == "" {
				continue
			}
			req := search.Request{Q: `"` + strings.ReplaceAll(q, `"`, "") + `"`, Limit: 5}
			eng, err := sim.Index.SearchContacts(c, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(eng.Hits) == 0 || eng.Hits[0].Contact.ContactID != ct.ContactID {
				continue // not granted to this customer, or a namesake ranks first
			}
			res, err := rk.SearchContacts(sim.Index, c, req, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Learned || res.Hits[0].Contact.ContactID != ct.ContactID {
				t.Fatalf("%q: learned ranking put %d first, not %d", q, res.Hits[0].Contact.ContactID, ct.ContactID)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("only %d look-ups checked", checked)
	}
}

func TestSortAndCursorErrors(t *testing.T) {
	sim, events := newTestSim(t, 19, 20)
	rk := NewRanker(30, sim.Now)
	rk.SetModel(TrainEvents(events, TrainOptions{Now: sim.Now()}))
	c := sim.Warm[0]
	req := search.Request{Q: "director", Limit: 10}
	basic, err := rk.SearchContacts(sim.Index, c, req, Options{Sort: SortBasic})
	if err != nil {
		t.Fatal(err)
	}
	eng, _ := sim.Index.SearchContacts(c, req)
	if basic.Learned || !slices.Equal(ids(basic.Hits), ids(eng.Hits)) {
		t.Fatal("sort=relevance_basic is not the engine's ranking")
	}
	if _, err := rk.SearchContacts(sim.Index, c, req, Options{Sort: "newest"}); pursuit.ErrorField(err) != "sort" {
		t.Fatalf("bad sort: %v", err)
	}
	learned, err := rk.SearchContacts(sim.Index, c, req, Options{Explain: true})
	if err != nil || !learned.Learned || !strings.HasPrefix(learned.NextCursor, cursorPrefix) {
		t.Fatalf("learned: %v %v %q", err, learned.Learned, learned.NextCursor)
	}
	if len(learned.Explain) != len(learned.Hits) {
		t.Fatal("no explanation per hit")
	}
	for _, bad := range []string{cursorPrefix + "xx", cursorPrefix + "eyJvIjowLCJ3IjoxMH0", cursorPrefix + "eyJvIjo1MCwidyI6MTB9"} {
		req.Cursor = bad
		if _, err := rk.SearchContacts(sim.Index, c, req, Options{}); pursuit.ErrorField(err) != "cursor" {
			t.Fatalf("cursor %q: %v", bad, err)
		}
	}
	req.Cursor = learned.NextCursor
	if _, err := rk.SearchContacts(sim.Index, c, req, Options{Sort: SortBasic}); pursuit.ErrorField(err) != "cursor" {
		t.Fatalf("learned cursor with sort=relevance_basic: %v", err)
	}
	// Another customer's or search's cursor gives nothing away: the offset
	// is into the caller's own result, the engine's cursor is sealed.
	req.Q = "chief"
	if _, err := rk.SearchContacts(sim.Index, c, req, Options{}); err != nil {
		t.Fatalf("a learned cursor on another query: %v", err)
	}
}

// TestExplainWords checks that the reasons of a warm customer's hits
// name its affinities in words.
func TestExplainWords(t *testing.T) {
	sim, events := newTestSim(t, 21, 60)
	rk := NewRanker(0, sim.Now)
	rk.SetModel(TrainEvents(events, TrainOptions{Now: sim.Now()}))
	res, err := rk.SearchContacts(sim.Index, sim.Warm[0], search.Request{Q: "chief", Limit: 10}, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, rs := range res.Explain {
		if len(rs) == 0 || len(rs) > 3 {
			t.Fatalf("hit %d: %d reasons", i, len(rs))
		}
		for _, r := range rs {
			if r.Text == "" || r.Feature == "" {
				t.Fatalf("hit %d: reason %+v", i, r)
			}
			if strings.Contains(r.Text, "your team often engages") {
				found = true
			}
		}
	}
	if !found {
		t.Fatalf("no reason names the customer's affinities: %+v", res.Explain)
	}
}
