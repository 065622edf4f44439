package search

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestRankByOrderMatchesFullWalk checks that ranking by the rank order,
// which looks at a big result's best contacts only, returns exactly the
// pages (hits, order, scores, cursors, facets) of scoring every match, on
// random worlds of random sizes, a customer who sees every place and
// others who see part of them, built and then followed through random
// changes of every table: contacts the order lists at a stale place
// (dirty), an order dropped once too many contacts changed and built
// again, contacts added after it. The full walk's facets are counted
// anew (the cache of a request's facets emptied), the order's are taken
// from that cache when the request was seen before.
func TestRankByOrderMatchesFullWalk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, seed := range seeds(3) {
		seed-- // seeds 0 to 2
		r := rand.New(rand.NewPCG(11, seed))
		w := newWorld(r, 20+r.IntN(40), 300+r.IntN(900), 4)
		for _, p := range w.places {
			w.pgrants = append(w.pgrants, pursuit.CustomerPlaceRelation{CustomerID: 1, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull})
		}
		s := testdb.SQLite(t)
		w.load(t, s)
		var opt Options
		if seed == 2 {
			// Titles weigh nothing: pairs without a text score hold
			// matches, which the walk must not lose.
			wts := DefaultWeights
			wts.Title = 0
			opt.Weights = &wts
		}
		ix, err := Build(ctx, s, opt)
		must(t, err)
		ix.PrepareRanking()
		ordered, pages := 0, 0
		search := func(cust int64, req Request, byOrder bool) ContactResult {
			t.Helper()
			ix.orderMin, ix.pruneMin = math.MaxUint64, math.MaxUint64
			if byOrder {
				ix.orderMin = 0
				// Membership asked of the bitmaps, written out flat
				// at once, or after a few asks.
				ix.orderAsk = []int{-1, math.MaxInt, 7}[r.IntN(3)]
			} else {
				ix.facets.mu.Lock()
				ix.facets.byReq = nil
				ix.facets.mu.Unlock()
			}
			res, err := ix.SearchContacts(cust, req)
			if err != nil {
				t.Fatalf("q=%q: %v", req.Q, err)
			}
			return res
		}
		for round := range 6 {
			if round > 0 {
				for range 1 + r.IntN(30) {
					mutate(t, r, s, w)
				}
				// Contacts that change title, department or place: dirty
				// in the order, at a stale place in it.
				for range 1 + r.IntN(8) {
					c := w.contacts[r.IntN(len(w.contacts))]
					c.Title, c.Department = wTitles[r.IntN(len(wTitles))], wDepts[r.IntN(len(wDepts))]
					if r.IntN(3) == 0 {
						c.PlaceID = w.places[r.IntN(len(w.places))].PlaceID
					}
					if err := s.UpdateContact(ctx, &c); pursuit.ErrorCode(err) != "" && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
						t.Fatal(err)
					}
				}
				w = worldFromStore(t, s)
				w.customers = make([]pursuit.Customer, 4)
				ix.orderDirtyMax = uint64([]int{5, 40, 1000}[r.IntN(3)])
				must(t, ix.Sync(ctx))
				switch r.IntN(3) {
				case 0:
					ix.PrepareRanking() // built again when dropped
				case 1:
					// Built again with changes applied while it is
					// sorted: they must be dirty in it.
					ix.order.Store(nil)
					ix.orderSorted = func() {
						for range 1 + r.IntN(10) {
							mutate(t, r, s, w)
						}
						must(t, ix.Sync(ctx))
					}
					ix.PrepareRanking()
					ix.orderSorted = nil
					w = worldFromStore(t, s)
					w.customers = make([]pursuit.Customer, 4)
				}
			}
			if ix.order.Load() != nil {
				ordered++
			}
			for range 40 {
				req := randomRequest(r, w)
				if _, err := compile(req, true); err != nil || req.Q == "" {
					continue
				}
				cust := int64(1 + r.IntN(4))
				req.Limit = 1 + r.IntN(8)
				for page := range 3 {
					want, got := search(cust, req, false), search(cust, req, true)
					if w, g := peekCursor(t, ix, cust, req, want.NextCursor), peekCursor(t, ix, cust, req, got.NextCursor); !cmp.Equal(w, g) {
						t.Fatalf("seed %d round %d q=%q page %d: the order's cursor %+v, the full walk's %+v", seed, round, req.Q, page, g, w)
					}
					wantCmp, gotCmp := want, got
					wantCmp.NextCursor, gotCmp.NextCursor = "", ""
					if diff := cmp.Diff(wantCmp, gotCmp); diff != "" {
						t.Fatalf("seed %d round %d customer %d q=%q %+v page %d: ranking by the order differs from the full walk (-full +order):\n%s", seed, round, cust, req.Q, req, page, diff)
					}
					pages++
					if got.NextCursor == "" {
						break
					}
					req.Cursor = got.NextCursor
				}
			}
		}
		if ordered < 2 || pages < 100 {
			t.Fatalf("seed %d: the order was there in %d rounds, %d pages compared: too little to tell", seed, ordered, pages)
		}
	}
}

// TestRankByOrderFollowsChanges checks the rank order's bookkeeping: a
// contact the writers add again is dirty, and the order is dropped once
// more than orderDirtyMax are.
func TestRankByOrderFollowsChanges(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(12, 1))
	w := newWorld(r, 10, 200, 2)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	must(t, err)
	ix.PrepareRanking()
	ro := ix.order.Load()
	if ro == nil || !ro.dirty.IsEmpty() || len(ro.order) != int(ix.alive.GetCardinality()) {
		t.Fatalf("a fresh order must list every live contact once and none dirty")
	}
	c := w.contacts[0]
	c.Title = "Fire Chief"
	must(t, s.UpdateContact(ctx, &c))
	must(t, ix.Sync(ctx))
	o, _ := ix.contactOrd.get(c.ContactID)
	if ix.order.Load() != ro || !ro.dirty.Contains(o) {
		t.Fatalf("an updated contact must be dirty in the same order")
	}
	// Changes applied while an order is sorted are dirty in it.
	ix.order.Store(nil)
	c = w.contacts[2]
	ix.orderSorted = func() {
		c.Title = "Police Chief"
		must(t, s.UpdateContact(ctx, &c))
		must(t, ix.Sync(ctx))
	}
	ix.PrepareRanking()
	ix.orderSorted = nil
	o, _ = ix.contactOrd.get(c.ContactID)
	if ro = ix.order.Load(); ro == nil || !ro.dirty.Contains(o) || ix.orderPending != nil {
		t.Fatalf("a contact updated while the order was sorted must be dirty in it")
	}
	ix.orderDirtyMax = 1
	c = w.contacts[1]
	c.Department = "Fire Department"
	must(t, s.UpdateContact(ctx, &c))
	must(t, ix.Sync(ctx))
	if ix.order.Load() != nil {
		t.Fatalf("an order with more dirty contacts than orderDirtyMax must be dropped")
	}
}

// TestRequestFacetsNotShared is the attack on the cache of a request's
// facets: customers with different grants, masking and contact grants
// send the same requests, in turn and again, words of masked emails
// among them, and every answer (totals, hits, access, masking, facets)
// must be the customer's own, by the brute-force reference, including
// after grants change through the follower. It also requires that the
// cache was used and that the customers' facets differ for some requests
// (so that handing one's to the other would be seen).
func TestRequestFacetsNotShared(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(13, 1))
	w := newWorld(r, 30, 500, 4)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	must(t, err)
	differ, hits := 0, 0
	for round := range 4 {
		if round > 0 {
			for range 20 {
				mutate(t, r, s, w)
			}
			w = worldFromStore(t, s)
			w.customers = make([]pursuit.Customer, 4)
			must(t, ix.Sync(ctx))
		}
		for range 25 {
			req := randomRequest(r, w)
			if r.IntN(3) == 0 {
				req.Q = []string{"email:jane", "smith", "p3.gov", "director", ""}[r.IntN(5)]
			}
			if _, err := compile(req, true); err != nil {
				req.Q = ""
			}
			first := map[int64]map[string][]Bucket{}
			for _, cust := range r.Perm(4) {
				for range 2 {
					c := int64(cust + 1)
					checkAgainstReference(t, ix, w, c, req)
					if t.Failed() {
						t.Fatalf("round %d customer %d q=%q", round, c, req.Q)
					}
					res, err := ix.SearchContacts(c, req)
					must(t, err)
					first[c] = normFacets(res.Facets)
				}
			}
			if !cmp.Equal(first[1], first[2]) || !cmp.Equal(first[3], first[4]) {
				differ++
			}
			ix.facets.mu.Lock()
			hits += len(ix.facets.byReq)
			ix.facets.mu.Unlock()
		}
	}
	if differ < 20 || hits == 0 {
		t.Fatalf("customers' facets differed for %d requests, %d cached: the test exercises too little", differ, hits)
	}
}

// TestPhraseByOrderMatchesWalk checks phrase matching through the rank
// order (the titles and departments holding a phrase's terms but not the
// phrase, their contacts taken out at once; dirty contacts checked one by
// one) against checking every candidate, on a followed index whose
// contacts change title and department (dirty in the order), with
// phrases that some values hold only out of order.
func TestPhraseByOrderMatchesWalk(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(14, 1))
	w := newWorld(r, 30, 600, 4)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	must(t, err)
	ix.PrepareRanking()
	ix.orderDirtyMax = 1 << 20
	ix.phraseByOrderMin = 0
	phrases := []string{`"it director"`, `"director it"`, `"technology director"`, `"director information technology"`,
		`"superintendent assistant"`, `"assistant superintendent"`, `"police chief"`, `"manager finance"`,
		`title:"hr manager"`, `dept:"parks recreation"`, `"information technology"`, `clerk -"it director"`, `director -"police chief"`}
	compared := 0
	for round := range 4 {
		if round > 0 {
			for range 10 + r.IntN(20) {
				c := w.contacts[r.IntN(len(w.contacts))]
				c.Title, c.Department = wTitles[r.IntN(len(wTitles))], wDepts[r.IntN(len(wDepts))]
				if err := s.UpdateContact(ctx, &c); pursuit.ErrorCode(err) != "" && pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
					t.Fatal(err)
				}
			}
			must(t, ix.Sync(ctx))
		}
		ro := ix.order.Load()
		if ro == nil || round > 0 && ro.dirty.IsEmpty() {
			t.Fatalf("round %d: the order must be there, with dirty contacts after changes", round)
		}
		for _, q := range phrases {
			for cust := range int64(4) {
				req := Request{Q: q, Limit: 7}
				ix.order.Store(ro)
				gotFirst, got := collect(t, ix, cust+1, req)
				ix.order.Store(nil)
				wantFirst, want := collect(t, ix, cust+1, req)
				ix.order.Store(ro)
				if gotFirst.Total != wantFirst.Total || !cmp.Equal(got, want) {
					t.Fatalf("round %d customer %d q=%s: %d hits through the order, %d checking each candidate", round, cust+1, q, gotFirst.Total, wantFirst.Total)
				}
				compared += len(got)
			}
		}
	}
	if compared < 200 {
		t.Fatalf("only %d hits compared", compared)
	}
}
