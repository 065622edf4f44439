package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestFacetCacheFollowsChanges is the property of the facet cache kept
// across changes: random requests of random customers are searched (and
// so cached), the store changes at random (every table: contacts moved,
// retitled, re-departmented, deleted; places moved to other states;
// vendors changed; grants, mappings), the index follows in random batch
// sizes, and every request's facets, answered from its entry carried over
// from older versions, must equal the facets counted afresh with the
// cache set aside. Default and bitmap (facetWalk 0) counting.
func TestFacetCacheFollowsChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tune func(*Index)
	}{
		{"walk", nil},
		{"bitmap paths", func(ix *Index) { ix.facetWalk, ix.subsetMin, ix.pruneMin = 0, 0, 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			r := rand.New(rand.NewPCG(15, 1))
			w := newWorld(r, 25, 300, 4)
			s := testdb.SQLite(t)
			w.load(t, s)
			ix, err := Build(ctx, s, Options{})
			must(t, err)
			if tc.tune != nil {
				tc.tune(ix)
			}
			type ask struct {
				cust int64
				req  Request
			}
			var asks []ask
			for c := range int64(4) {
				asks = append(asks, ask{c + 1, Request{Facets: true, Limit: 3}}, ask{c + 1, Request{Q: "director", Facets: true, Limit: 3}})
			}
			for range 36 {
				req := randomRequest(r, w)
				req.Facets, req.Cursor = r.IntN(4) != 0, ""
				if req.ValidateContacts() != nil {
					continue
				}
				asks = append(asks, ask{int64(1 + r.IntN(4)), req})
			}
			fresh := func(a ask) ContactResult {
				c := &ix.facets
				c.mu.Lock()
				bb, br, bytes := c.byBitmap, c.byReq, c.bytes
				c.byBitmap, c.byReq = nil, nil
				c.mu.Unlock()
				res, err := ix.SearchContacts(a.cust, a.req)
				must(t, err)
				c.mu.Lock()
				c.byBitmap, c.byReq, c.bytes = bb, br, bytes
				c.mu.Unlock()
				return res
			}
			// same compares a cached answer with a fresh one: facets,
			// total, and the hits (ids, scores, access) — a result
			// reused from an entry must be the search's own.
			same := func(round, i int, a ask, got ContactResult) {
				t.Helper()
				want := fresh(a)
				ids := func(res ContactResult) []string {
					var out []string
					for _, h := range res.Hits {
						out = append(out, fmt.Sprintf("%d/%g/%s/%s", h.Contact.ContactID, h.Score, h.AccessType, h.Contact.Email))
					}
					return out
				}
				if !cmp.Equal(got.Facets, want.Facets) || got.Total != want.Total || !cmp.Equal(ids(got), ids(want)) || (got.NextCursor == "") != (want.NextCursor == "") {
					t.Fatalf("round %d, request %d (customer %d, %+v): cached answer differs from a fresh one (-cached +fresh):\n%s\ntotal %d, want %d\n%s",
						round, i, a.cust, a.req, cmp.Diff(got.Facets, want.Facets), got.Total, want.Total, cmp.Diff(ids(got), ids(want)))
				}
			}
			for _, a := range asks {
				_, err := ix.SearchContacts(a.cust, a.req)
				must(t, err)
			}
			for round := range 14 {
				for range 1 + r.IntN(8) {
					mutate(t, r, s, w)
					w = worldFromStore(t, s)
					w.customers = make([]pursuit.Customer, 4)
				}
				ix.opt.BatchSize = []int{1, 2, 3, 5000}[r.IntN(4)]
				must(t, ix.Sync(ctx))
				for i, a := range asks {
					if r.IntN(3) == 0 {
						continue // left to catch up with more batches later
					}
					// Twice: the first brings the entry up to date, the
					// second takes its set as the result.
					for range 2 {
						res, err := ix.SearchContacts(a.cust, a.req)
						must(t, err)
						same(round, i, a, res)
					}
				}
			}
			if n, m := ix.facets.carried.Load(), ix.facets.reused.Load(); n < 100 || m < 100 {
				t.Fatalf("only %d searches were answered from entries of older versions and %d from an entry's set: the test exercises too little", n, m)
			}
		})
	}
}
