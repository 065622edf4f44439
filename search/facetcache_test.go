package search

import (
	"context"
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
				req.Facets, req.Cursor = true, ""
				if req.ValidateContacts() != nil {
					continue
				}
				asks = append(asks, ask{int64(1 + r.IntN(4)), req})
			}
			fresh := func(a ask) map[string][]Bucket {
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
				return res.Facets
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
					res, err := ix.SearchContacts(a.cust, a.req)
					must(t, err)
					if want := fresh(a); !cmp.Equal(res.Facets, want) {
						t.Fatalf("round %d, request %d (customer %d, %+v): cached facets differ from fresh ones (-cached +fresh):\n%s",
							round, i, a.cust, a.req, cmp.Diff(res.Facets, want))
					}
				}
			}
			if n := ix.facets.carried.Load(); n < 100 {
				t.Fatalf("only %d searches were answered from entries of older versions: the test exercises too little", n)
			}
		})
	}
}
