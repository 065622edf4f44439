package search

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
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
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	w := newWorld(r, 60, 1500, 4)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	nonEmpty := 0
	const n = 400
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
