package search

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

var qParts = []string{
	"director", "information technology", "it", "cio", "chief information officer", "smith",
	"works", "asst", "superintendent", "jane", "manager", "hr", "human resources", "o'brien",
	"garcia", "maría", `"public works"`, `"it director"`, `"technology director"`, `"director information technology"`,
	"-smith", `-"public works"`, "-manager", "title:director", "name:smith", "dept:finance",
	"email:jane", `title:"hr manager"`, "-title:clerk", "dpw", "p3.gov", "of", "zzzznothing",
}

func randomRequest(r *rand.Rand, w *world) Request {
	var req Request
	var q []string
	for range r.IntN(4) {
		q = append(q, qParts[r.IntN(len(qParts))])
	}
	req.Q = strings.Join(q, " ")
	pick := func(list []string) []string {
		var out []string
		for range 1 + r.IntN(2) {
			out = append(out, list[r.IntN(len(list))])
		}
		return out
	}
	maybe := func() bool { return r.IntN(6) == 0 }
	b := func() *bool { v := r.IntN(2) == 0; return &v }
	if maybe() {
		req.States = pick(wStates)
	}
	if maybe() {
		req.PlaceTypes = pick(pursuit.PlaceTypes[:4])
	}
	if maybe() {
		req.PlaceIDs = []int64{w.places[r.IntN(len(w.places))].PlaceID, w.places[r.IntN(len(w.places))].PlaceID}
	}
	if maybe() {
		v := []int64{0, 60, 1000, 100000}[r.IntN(4)]
		req.PopulationMin = &v
	}
	if maybe() {
		v := []int64{100, 12050, 300000}[r.IntN(3)]
		req.PopulationMax = &v
	}
	if maybe() {
		req.Departments = pick(wDepts[:7])
	}
	if maybe() {
		req.Functions = pick(titles.Functions)
	}
	if maybe() {
		req.Seniorities = pick(titles.Seniorities)
	}
	if maybe() {
		req.EmailStatuses = pick(pursuit.EmailStatuses)
	}
	if maybe() {
		req.Vendors = pick(wVendors)
	}
	if maybe() {
		req.Products = []string{wVendors[r.IntN(len(wVendors))] + " one"}
	}
	if maybe() {
		req.Categories = pick(wCats)
	}
	if maybe() {
		req.VerifiedSince = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(r.IntN(900)) * 24 * time.Hour)
	}
	if maybe() {
		req.HasEmail = b()
	}
	if maybe() {
		req.HasPhone = b()
	}
	if maybe() {
		req.AccountOwner = wOwners[r.IntN(3)]
	}
	if maybe() {
		req.Mapped = b()
	}
	if req.PopulationMin != nil && req.PopulationMax != nil && *req.PopulationMin > *req.PopulationMax {
		req.PopulationMin, req.PopulationMax = req.PopulationMax, req.PopulationMin
	}
	req.Limit = 1 + r.IntN(40)
	req.Facets = true
	req.FacetSize = MaxFacetSize
	return req
}

// collect pages through a search and returns every hit.
func collect(t *testing.T, ix *Index, customerID int64, req Request) (ContactResult, []ContactHit) {
	t.Helper()
	first, err := ix.SearchContacts(customerID, req)
	if err != nil {
		t.Fatalf("SearchContacts(%d, %+v): %v", customerID, req, err)
	}
	hits := first.Hits
	res := first
	for pages := 0; res.NextCursor != ""; pages++ {
		if pages > 1000 {
			t.Fatalf("more than 1000 pages")
		}
		req.Cursor = res.NextCursor
		res, err = ix.SearchContacts(customerID, req)
		if err != nil {
			t.Fatalf("SearchContacts page: %v", err)
		}
		if len(res.Hits) == 0 {
			t.Fatalf("empty page with a cursor")
		}
		hits = append(hits, res.Hits...)
	}
	return first, hits
}

func normFacets(f map[string][]Bucket) map[string][]Bucket {
	out := map[string][]Bucket{}
	for k, bs := range f {
		n := make([]Bucket, len(bs))
		for i, b := range bs {
			n[i] = Bucket{Value: normKey(b.Value), Count: b.Count}
			if k == FacetState {
				n[i].Value = b.Value
			}
		}
		slices.SortFunc(n, func(a, b Bucket) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		out[k] = n
	}
	return out
}

// checkAgainstReference compares totals, every hit, access, masking,
// order and facets with the brute-force reference.
func checkAgainstReference(t *testing.T, ix *Index, w *world, customerID int64, req Request) {
	t.Helper()
	if _, err := compile(req, true); err != nil {
		_, got := ix.SearchContacts(customerID, req)
		if pursuit.ErrorCode(got) != pursuit.EINVALID || pursuit.ErrorCode(err) != pursuit.EINVALID {
			t.Fatalf("SearchContacts(%q) error = %v, want EINVALID like compile's %v", req.Q, got, err)
		}
		req.Q = "" // check the filters alone instead
	}
	wantIDs, wantAccess, wantFacets := w.reference(t, customerID, req)
	first, hits := collect(t, ix, customerID, req)
	if first.Total != len(wantIDs) {
		t.Errorf("customer %d q=%q %+v: Total = %d, want %d", customerID, req.Q, req, first.Total, len(wantIDs))
	}
	var got []int64
	for i, h := range hits {
		got = append(got, h.Contact.ContactID)
		if i > 0 {
			prev := hits[i-1]
			if h.Score > prev.Score || h.Score == prev.Score && h.Contact.ContactID <= prev.Contact.ContactID {
				t.Fatalf("hits out of order at %d: (%v,%d) after (%v,%d)", i, h.Score, h.Contact.ContactID, prev.Score, prev.Contact.ContactID)
			}
		}
		if want := wantAccess[h.Contact.ContactID]; h.AccessType != want {
			t.Errorf("contact %d access = %q, want %q", h.Contact.ContactID, h.AccessType, want)
		}
		if h.AccessType == pursuit.AccessMasked && h.Contact.Email != "" && !strings.Contains(h.Contact.Email, "•••") {
			t.Errorf("contact %d: masked access but email %q in the clear", h.Contact.ContactID, h.Contact.Email)
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(wantIDs, got); diff != "" {
		t.Errorf("customer %d q=%q %+v: hits diff (-want +got):\n%s", customerID, req.Q, req, diff)
	}
	if diff := cmp.Diff(wantFacets, normFacets(first.Facets)); diff != "" {
		t.Errorf("customer %d q=%q %+v: facets diff (-want +got):\n%s", customerID, req.Q, req, diff)
	}
}

func TestSearchMatchesReference(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	// The seed-scale paths, taken here at any size: facets counted by
	// intersecting bitmaps rather than in the ranking walk, a term's own
	// bitmap used as the result when the candidates hold it whole, and
	// ranking by static tier.
	bitmapPaths := func(ix *Index) { ix.facetWalk, ix.subsetMin, ix.pruneMin = 0, 0, 0 }
	tierRanking := func(ix *Index) { ix.pruneMin = 0 }
	sharedTerms := func(ix *Index) { ix.subsetMin = 0 }
	rankOrder := func(ix *Index) { ix.orderMin, ix.phraseByOrderMin = 0, 0; ix.PrepareRanking() }
	for name, tune := range map[string]func(*Index){"default": nil, "bitmap paths": bitmapPaths,
		"tier ranking, walked facets": tierRanking, "shared term bitmaps, cached facets, walked ranking": sharedTerms,
		"rank order": rankOrder} {
		t.Run(name, func(t *testing.T) { testSearchMatchesReference(t, tune) })
	}
}

func testSearchMatchesReference(t *testing.T, tune func(*Index)) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	w := newWorld(r, 60, 1500, 4)
	if tune != nil {
		// Customer 1 sees every place: a nationwide grant, where a
		// term's bitmap lies wholly within the candidates.
		var keep []pursuit.CustomerPlaceRelation
		for _, g := range w.pgrants {
			if g.CustomerID != 1 {
				keep = append(keep, g)
			}
		}
		for _, p := range w.places {
			keep = append(keep, pursuit.CustomerPlaceRelation{CustomerID: 1, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull})
		}
		w.pgrants = keep
	}
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if tune != nil {
		tune(ix)
	}
	nonEmpty := 0
	n := 100 * rounds(4)
	for i := 0; i < n; i++ {
		req := randomRequest(r, w)
		cust := int64(1 + r.IntN(5))
		checkAgainstReference(t, ix, w, cust, req)
		if t.Failed() {
			t.Fatalf("stopping at query %d", i)
		}
		if _, err := compile(req, true); err != nil {
			req.Q = ""
		}
		if ids, _, _ := w.reference(t, cust, req); len(ids) > 0 {
			nonEmpty++
		}
	}
	// The random queries must exercise something: most should match.
	if nonEmpty < n/3 {
		t.Errorf("only %d of %d random searches matched anything; the generator is too narrow", nonEmpty, n)
	}
	t.Logf("%d of %d searches matched", nonEmpty, n)
}

// referencePlaces answers a places search by looping over every place.
func (w *world) referencePlaces(t *testing.T, customerID int64, req Request) []int64 {
	t.Helper()
	p, err := compile(req, false)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	var a analysis.Analyzer
	var ids []int64
	for _, pl := range w.places {
		granted := false
		for _, g := range w.pgrants {
			if g.CustomerID == customerID && g.PlaceID == pl.PlaceID {
				granted = true
			}
		}
		if !granted {
			continue
		}
		var vendors, products, cats []string
		for _, ts := range w.techs {
			if ts.PlaceID == pl.PlaceID {
				vendors, products, cats = append(vendors, normKey(ts.Vendor)), append(products, normKey(ts.Product)), append(cats, normKey(ts.Category))
			}
		}
		mapped, owners := false, []string{}
		for _, m := range w.mappings {
			if m.CustomerID == customerID && m.PlaceID == pl.PlaceID {
				mapped = true
				owners = append(owners, normKey(m.AccountOwner))
			}
		}
		anyOf := func(want []string, have ...string) bool {
			if len(want) == 0 {
				return true
			}
			for _, x := range want {
				if slices.Contains(have, normKey(x)) {
					return true
				}
			}
			return false
		}
		ok := anyOf(p.states, normKey(pl.StateAbbr)) && anyOf(req.PlaceTypes, pl.PlaceType) &&
			(len(req.PlaceIDs) == 0 || slices.Contains(req.PlaceIDs, pl.PlaceID)) &&
			pl.Population >= p.popLo && pl.Population <= p.popHi &&
			anyOf(req.Vendors, vendors...) && anyOf(req.Products, products...) && anyOf(req.Categories, cats...) &&
			(req.AccountOwner == "" || slices.Contains(owners, normKey(req.AccountOwner))) &&
			(req.Mapped == nil || *req.Mapped == mapped)
		for _, cl := range p.clauses {
			if !ok {
				break
			}
			texts := []string{pl.Name, pl.County}
			if len(cl.fields) == 1 {
				texts = texts[:1]
			}
			m := false
			for _, text := range texts {
				if cl.phrase {
					plain := a.Plain(text)
					m = m || analysis.Contains(analysis.CanonicalTerms(plain), cl.terms) || cl.plain != nil && analysis.Contains(plain, cl.plain)
				} else {
					terms := a.Terms(text, nil)
					all := true
					for _, t := range cl.terms {
						all = all && slices.Contains(terms, t)
					}
					m = m || all
				}
			}
			ok = m != cl.negate
		}
		if ok {
			ids = append(ids, pl.PlaceID)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestSearchPlacesMatchesReference(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(9, 10))
	w := newWorld(r, 80, 200, 3)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	must(t, err)
	qs := []string{"", "springfield", "county", "smith", `"lake township"`, "smith -county", "name:smith", `"public works"`, "dpw", "river district"}
	nonEmpty := 0
	for i := 0; i < 200; i++ {
		req := randomRequest(r, w)
		req.Departments, req.Functions, req.Seniorities, req.VerifiedSince, req.HasEmail, req.HasPhone = nil, nil, nil, time.Time{}, nil, nil
		req.EmailStatuses = nil
		req.Q = qs[r.IntN(len(qs))]
		cust := int64(1 + r.IntN(3))
		want := w.referencePlaces(t, cust, req)
		if len(want) > 0 {
			nonEmpty++
		}
		var got []int64
		res, err := ix.SearchPlaces(cust, req)
		must(t, err)
		total := res.Total
		for {
			for _, h := range res.Hits {
				got = append(got, h.Place.PlaceID)
				if h.AccessType == "" {
					t.Errorf("place %d hit without access type", h.Place.PlaceID)
				}
			}
			if res.NextCursor == "" {
				break
			}
			req.Cursor = res.NextCursor
			res, err = ix.SearchPlaces(cust, req)
			must(t, err)
		}
		slices.Sort(got)
		if total != len(want) {
			t.Errorf("customer %d %+v: Total = %d, want %d", cust, req, total, len(want))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("customer %d %+v: places diff (-want +got):\n%s", cust, req, diff)
		}
	}
	if nonEmpty < 25 {
		t.Errorf("only %d of 200 place searches matched anything", nonEmpty)
	}
}

// TestRankByTierMatchesFullWalk checks that ranking by static tier, which
// skips most of a big result, returns exactly the pages (hits, order,
// scores and cursors) of scoring every match.
func TestRankByTierMatchesFullWalk(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	w := newWorld(r, 60, 1500, 4)
	for _, p := range w.places {
		w.pgrants = append(w.pgrants, pursuit.CustomerPlaceRelation{CustomerID: 1, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull})
	}
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	ix.facetWalk = 0
	search := func(req Request, prune bool) ContactResult {
		t.Helper()
		ix.pruneMin = math.MaxUint64
		if prune {
			ix.pruneMin = 0
		}
		res, err := ix.SearchContacts(1, req)
		if err != nil {
			t.Fatalf("q=%q: %v", req.Q, err)
		}
		return res
	}
	compared := 0
	for i := 0; i < 300; i++ {
		req := randomRequest(r, w)
		if req.Q == "" {
			continue
		}
		if _, err := compile(req, true); err != nil {
			continue
		}
		req.Limit = 1 + r.IntN(8)
		req.Cursor = ""
		for page := 0; page < 3; page++ {
			want, got := search(req, false), search(req, true)
			// Cursors are sealed with a random nonce: compare what they
			// hold.
			if w, g := peekCursor(t, ix, 1, req, want.NextCursor), peekCursor(t, ix, 1, req, got.NextCursor); !cmp.Equal(w, g) {
				t.Fatalf("q=%q page %d: tier ranking's cursor %+v, the full walk's %+v", req.Q, page, g, w)
			}
			wantCmp, gotCmp := want, got
			wantCmp.NextCursor, gotCmp.NextCursor = "", ""
			if diff := cmp.Diff(wantCmp, gotCmp); diff != "" {
				t.Fatalf("q=%q %+v page %d: tier ranking differs from the full walk (-full +tier):\n%s", req.Q, req, page, diff)
			}
			compared += len(got.Hits)
			if got.NextCursor == "" {
				break
			}
			req.Cursor = got.NextCursor
		}
	}
	if compared < 500 {
		t.Fatalf("only %d hits compared: the random queries match too little", compared)
	}
}

// undercount is a store whose Count is short, as when contacts are
// inserted between the count and the scan of a build.
type undercount struct{ pursuit.Store }

func (u undercount) Count(ctx context.Context, table string) (int64, error) {
	n, err := u.Store.Count(ctx, table)
	return n * 3 / 4, err
}

// TestBuildWhenTheCountIsShort checks that a build reading more contacts
// than the store counted (the two scan parts overflow the array they
// share) still indexes every contact, in order.
func TestBuildWhenTheCountIsShort(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(9, 10))
	w := newWorld(r, 40, 800, 4)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, undercount{s}, Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if got := ix.Stats().Contacts; got != len(w.contacts) {
		t.Fatalf("indexed %d contacts, want %d", got, len(w.contacts))
	}
	// Each place's contacts are adjacent and in id order.
	for _, pd := range ix.places {
		for i := 1; i < len(pd.contacts); i++ {
			a, b := pd.contacts[i-1], pd.contacts[i]
			if b != a+1 || ix.contacts[a].id >= ix.contacts[b].id {
				t.Fatalf("place %d: contacts %d (id %d) and %d (id %d) are not adjacent in id order",
					pd.p.PlaceID, a, ix.contacts[a].id, b, ix.contacts[b].id)
			}
		}
	}
	for range 100 {
		checkAgainstReference(t, ix, w, int64(1+r.IntN(4)), randomRequest(r, w))
		if t.Failed() {
			return
		}
	}
}
