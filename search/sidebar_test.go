package search

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestSidebarCountsMatchNaive checks Request.SidebarCounts against naive
// counts on random data (customers, grants, mappings, filters, text): the
// mapped and unmapped counts are the reference's totals of the search
// with Mapped true and false, the state facet is the reference's state
// facet of the search without States, and the hits (every page, in
// order), total and every other facet are those of the same search
// without SidebarCounts. It runs with the seed-scale paths too (bitmap
// facets, tier ranking, a term's own bitmap as the result, cached facets).
func TestSidebarCountsMatchNaive(t *testing.T) {
	bitmapPaths := func(ix *Index) { ix.facetWalk, ix.subsetMin, ix.pruneMin = 0, 0, 0 }
	for name, tune := range map[string]func(*Index){"default": nil, "bitmap paths": bitmapPaths} {
		t.Run(name, func(t *testing.T) { testSidebarCounts(t, tune) })
	}
}

func testSidebarCounts(t *testing.T, tune func(*Index)) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))
	w := newWorld(r, 40, 800, 4)
	// Customer 1 sees every place (the every-place customer of the web
	// bench), so that a word's bitmap can be the result itself.
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
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if tune != nil {
		tune(ix)
	}
	withMapped, withStates, nonZero := 0, 0, 0
	const n = 60
	for i := range n {
		req := randomRequest(r, w)
		if _, err := compile(req, true); err != nil {
			req.Q = ""
		}
		// States and Mapped, the filters the counts ignore, more often
		// than randomRequest sets them.
		if r.IntN(2) == 0 {
			req.States = []string{wStates[r.IntN(len(wStates))]}
			if r.IntN(3) == 0 {
				req.States = append(req.States, wStates[r.IntN(len(wStates))])
			}
		}
		if r.IntN(2) == 0 {
			m := r.IntN(2) == 0
			req.Mapped = &m
		}
		if r.IntN(8) == 0 {
			req.States = []string{"WY"} // no place there
		}
		if req.Mapped != nil {
			withMapped++
		}
		if len(req.States) > 0 {
			withStates++
		}
		cust := int64(1 + r.IntN(5)) // 5: no grants at all
		side := req
		side.SidebarCounts = true
		gotSide, sideHits := collect(t, ix, cust, side)
		gotPlain, plainHits := collect(t, ix, cust, req)

		// The naive counts.
		yes, no := true, false
		m := req
		m.Mapped = &yes
		mappedIDs, _, _ := w.reference(t, cust, m)
		m.Mapped = &no
		unmappedIDs, _, _ := w.reference(t, cust, m)
		st := req
		st.States = nil
		_, _, stateFacets := w.reference(t, cust, st)
		wantIDs, _, _ := w.reference(t, cust, req)

		if gotSide.Mapped == nil {
			t.Fatalf("query %d: SidebarCounts gave no mapped counts", i)
		}
		if want := (MappedCounts{Mapped: len(mappedIDs), Unmapped: len(unmappedIDs)}); *gotSide.Mapped != want {
			t.Errorf("query %d customer %d %+v: mapped counts %+v, want %+v", i, cust, req, *gotSide.Mapped, want)
		}
		if gotSide.Mapped.Mapped+gotSide.Mapped.Unmapped > 0 {
			nonZero++
		}
		if diff := cmp.Diff(stateFacets[FacetState], normFacets(gotSide.Facets)[FacetState]); diff != "" {
			t.Errorf("query %d customer %d %+v: state facet diff (-naive +got):\n%s", i, cust, req, diff)
		}
		if gotSide.Total != len(wantIDs) || gotSide.Total != gotPlain.Total {
			t.Errorf("query %d: total %d, plain search %d, reference %d", i, gotSide.Total, gotPlain.Total, len(wantIDs))
		}
		if gotPlain.Mapped != nil {
			t.Errorf("query %d: mapped counts without SidebarCounts", i)
		}
		type h struct {
			ID    int64
			Score float64
		}
		var a, b []h
		for _, x := range sideHits {
			a = append(a, h{x.Contact.ContactID, x.Score})
		}
		for _, x := range plainHits {
			b = append(b, h{x.Contact.ContactID, x.Score})
		}
		if diff := cmp.Diff(b, a); diff != "" {
			t.Errorf("query %d: hits differ from the plain search's (-plain +sidebar):\n%s", i, diff)
		}
		fs, fp := normFacets(gotSide.Facets), normFacets(gotPlain.Facets)
		delete(fs, FacetState)
		delete(fp, FacetState)
		if diff := cmp.Diff(fp, fs); diff != "" {
			t.Errorf("query %d: facets other than state differ from the plain search's (-plain +sidebar):\n%s", i, diff)
		}
		if t.Failed() {
			t.Fatalf("stopping at query %d", i)
		}
	}
	if withMapped < n/4 || withStates < n/4 || nonZero < n/5 {
		t.Errorf("the random searches are too narrow: %d with Mapped, %d with States, %d with a count", withMapped, withStates, nonZero)
	}
}

// BenchmarkSidebar compares the web page's index work before SidebarCounts
// (the search with facets, then the same search narrowed to mapped and to
// unmapped contacts, limit 1, for their totals) with one search with
// SidebarCounts, for a nationwide and a partial grant:
//
//	go test ./search -run '^$' -bench Sidebar
func BenchmarkSidebar(b *testing.B) {
	ix := benchIndex(b)
	cases := []struct {
		name string
		req  Request
	}{
		{"no text", Request{}},
		{"common word", Request{Q: "director"}},
		{"word and state", Request{Q: "manager", States: []string{"NY"}}},
		{"state and function", Request{States: []string{"TX", "CA"}, Functions: []string{"finance"}}},
		{"phrase", Request{Q: `"public works"`}},
	}
	for _, cust := range []struct {
		name string
		id   int64
	}{{"nationwide", 1}, {"partial", 2}} {
		for _, tc := range cases {
			req := tc.req
			req.Facets = true
			b.Run(cust.name+"/"+tc.name+"/three searches", func(b *testing.B) {
				for b.Loop() {
					if _, err := ix.SearchContacts(cust.id, req); err != nil {
						b.Fatal(err)
					}
					for _, m := range []bool{true, false} {
						n := req
						n.Mapped, n.Facets, n.Limit = &m, false, 1
						if _, err := ix.SearchContacts(cust.id, n); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
			side := req
			side.SidebarCounts = true
			b.Run(cust.name+"/"+tc.name+"/one pass", func(b *testing.B) {
				for b.Loop() {
					if _, err := ix.SearchContacts(cust.id, side); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
