package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// checkLens fails when a customer's length sums differ from a recount
// over its visible set and places, or its visible set holds a contact the
// index does not (which would make the "sees everything" shortcut of
// contactStats wrong).
func checkLens(t *testing.T, ix *Index) {
	t.Helper()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for id, c := range ix.customers {
		lens, placeLens := c.lens, c.placeLens
		ix.recountLens(c)
		if lens != c.lens || placeLens != c.placeLens {
			t.Fatalf("customer %d: kept length sums %v %v, recounted %v %v", id, lens, placeLens, c.lens, c.placeLens)
		}
		if n := c.visible.GetCardinality(); c.visible.AndCardinality(ix.alive) != n {
			t.Fatalf("customer %d sees %d contacts, %d of them alive", id, n, c.visible.AndCardinality(ix.alive))
		}
	}
}

// visibleWorld returns what customer cust of w can see: the contacts it
// has a grant on or a grant of their place on, the places it holds or
// sees a contact of, their tech stack, its own grants and mappings.
func (w *world) visibleWorld(cust int64) *world {
	held, granted := map[int64]bool{}, map[int64]bool{}
	for _, g := range w.pgrants {
		if g.CustomerID == cust {
			held[g.PlaceID] = true
		}
	}
	for _, g := range w.cgrants {
		if g.CustomerID == cust {
			granted[g.ContactID] = true
		}
	}
	// The rows the customer's own mappings name stay too (visible or not:
	// they are the same in both stores).
	mapped := map[int64]bool{}
	for _, m := range w.mappings {
		if m.CustomerID == cust && m.ContactID != 0 {
			mapped[m.ContactID] = true
		}
	}
	v := &world{}
	keepPlace := map[int64]bool{}
	for _, m := range w.mappings {
		if m.CustomerID == cust && m.PlaceID != 0 {
			keepPlace[m.PlaceID] = true
		}
	}
	for _, c := range w.contacts {
		if held[c.PlaceID] || granted[c.ContactID] || mapped[c.ContactID] {
			v.contacts = append(v.contacts, c)
			keepPlace[c.PlaceID] = true
		}
	}
	for _, p := range w.places {
		if held[p.PlaceID] || keepPlace[p.PlaceID] {
			v.places = append(v.places, p)
			keepPlace[p.PlaceID] = true
		}
	}
	for _, ts := range w.techs {
		if keepPlace[ts.PlaceID] {
			v.techs = append(v.techs, ts)
		}
	}
	for _, c := range w.customers {
		if c.CustomerID == cust {
			v.customers = append(v.customers, c)
		}
	}
	for _, g := range w.pgrants {
		if g.CustomerID == cust {
			v.pgrants = append(v.pgrants, g)
		}
	}
	for _, g := range w.cgrants {
		if g.CustomerID == cust {
			v.cgrants = append(v.cgrants, g)
		}
	}
	for _, m := range w.mappings {
		if m.CustomerID == cust {
			v.mappings = append(v.mappings, m)
		}
	}
	return v
}

// addHidden adds rows customer 2 holds and customer 1 does not: places
// and contacts full of the words customer 1 searches for, on the ids the
// visible world left free and beyond, granted to customer 2 only.
func (w *world) addHidden(r *rand.Rand, n int) {
	usedP, usedC := map[int64]bool{}, map[int64]bool{}
	for _, p := range w.places {
		usedP[p.PlaceID] = true
	}
	for _, c := range w.contacts {
		usedC[c.ContactID] = true
	}
	free := func(used map[int64]bool) int64 {
		for id := int64(1); ; id++ {
			if !used[id] {
				used[id] = true
				return id
			}
		}
	}
	w.customers = append(w.customers, pursuit.Customer{CustomerID: 2, Name: "Hidden Rival", Email: "rival@example.com"})
	var pids []int64
	for i := range max(1, n/20) {
		p := pursuit.Place{PlaceID: free(usedP), Name: fmt.Sprintf("Springfield Public Works %d", i), PlaceType: pursuit.PlaceTypes[r.IntN(4)],
			StateAbbr: wStates[r.IntN(len(wStates))], County: "Smith County", Population: r.Int64N(5000000), EmailDomain: "hidden.gov"}
		w.places = append(w.places, p)
		pids = append(pids, p.PlaceID)
		w.pgrants = append(w.pgrants, pursuit.CustomerPlaceRelation{CustomerID: 2, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull})
		w.techs = append(w.techs, pursuit.TechStack{TechStackID: int64(100000 + i), PlaceID: p.PlaceID, Vendor: wVendors[r.IntN(len(wVendors))], Category: "erp"})
	}
	for range n {
		first, last := wFirst[r.IntN(len(wFirst))], wLast[r.IntN(len(wLast))]
		w.contacts = append(w.contacts, pursuit.Contact{
			ContactID: free(usedC), PlaceID: pids[r.IntN(len(pids))], Name: first + " " + last + " Director Smith",
			Title: wTitles[r.IntN(len(wTitles))] + " Director", Department: wDepts[r.IntN(len(wDepts))],
			Email: "director.smith.jane@hidden.gov",
		})
	}
}

// TestStatsOnlyFromVisibleRows is the attack on the ranking statistics:
// two stores that hold the same rows customer 1 can see and differ in
// everything else (one has only those; the other has customer 2's rows
// too, thousands of them full of the words customer 1 searches for, on
// interleaved ids). Customer 1's results must be identical in both:
// totals, every hit with its score, order, facets, and the cursors'
// contents page after page, for contacts and places. With statistics of
// the whole store the scores would move with the hidden rows.
func TestStatsOnlyFromVisibleRows(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	for _, seed := range seeds(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			full := newWorld(r, 50, 1200, 2)
			full.fixTimes()
			mine := full.visibleWorld(1)
			hidden := full.visibleWorld(1)
			hidden.addHidden(r, 400+r.IntN(1500))
			opt := fixedOptions()
			indexes := map[string]*Index{"full": full.build(t, opt), "mine": mine.build(t, opt), "hidden": hidden.build(t, opt)}
			reqs := []Request{{Q: "director"}, {Q: "smith"}, {Q: "director smith", Facets: true}, {Q: `"public works"`},
				{Q: "jane -clerk"}, {Q: "title:director", Limit: 3}, {Facets: true}}
			for range 60 {
				req := randomRequest(r, mine)
				if _, err := compile(req, true); err == nil {
					reqs = append(reqs, req)
				}
			}
			compared := 0
			for _, req := range reqs {
				req.Limit = 1 + r.IntN(7)
				want := pages(t, indexes["mine"], req, true)
				for _, name := range []string{"full", "hidden"} {
					got := pages(t, indexes[name], req, true)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("q=%q %+v: customer 1's contacts search differs between its rows alone and its rows with %s rows around (-alone +%s):\n%s", req.Q, req, name, name, diff)
					}
				}
				compared += len(want)
				preq := Request{Q: []string{"springfield", "smith county", "public works", "lake", ""}[r.IntN(5)], Limit: 1 + r.IntN(4), Facets: true}
				want = pages(t, indexes["mine"], preq, false)
				for _, name := range []string{"full", "hidden"} {
					if diff := cmp.Diff(want, pages(t, indexes[name], preq, false)); diff != "" {
						t.Fatalf("q=%q: customer 1's places search differs with %s rows around (-alone +%s):\n%s", preq.Q, name, name, diff)
					}
				}
			}
			if compared < 100 {
				t.Fatalf("only %d pages compared", compared)
			}
		})
	}
}

// page is one page of a search as the comparison sees it: the result
// without its sealed cursor string, and what the cursor holds.
type page struct {
	Contacts *ContactResult
	Places   *PlaceResult
	Cursor   *cursor
}

// pages returns the first 40 pages of customer 1's search.
func pages(t *testing.T, ix *Index, req Request, contacts bool) []page {
	t.Helper()
	var out []page
	for range 40 {
		var pg page
		var next string
		if contacts {
			res, err := ix.SearchContacts(1, req)
			must(t, err)
			next, res.NextCursor = res.NextCursor, ""
			pg.Contacts = &res
		} else {
			res, err := ix.SearchPlaces(1, req)
			must(t, err)
			next, res.NextCursor = res.NextCursor, ""
			pg.Places = &res
		}
		if next != "" {
			pg.Cursor = openCursor(t, ix, 1, req, contacts, next)
		}
		out = append(out, pg)
		if next == "" {
			return out
		}
		req.Cursor = next
	}
	return out
}

// TestLensFollowChanges makes random changes and checks every customer's
// length sums against a recount after each round.
func TestLensFollowChanges(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(21, 22))
	w := newWorld(r, 25, 300, 4)
	s := testdb.SQLite(t)
	w.load(t, s)
	key := []byte("0123456789abcdef0123456789abcdef")
	ix, err := Build(ctx, s, Options{CursorKey: key})
	must(t, err)
	checkLens(t, ix)
	queries := []string{"director", "smith jane", `"public works" manager`, "springfield", "county"}
	for range rounds(10) {
		// Fill the document-frequency cache, which the changes must
		// empty.
		for cust := range int64(5) {
			for _, q := range queries {
				customerStats(t, ix, cust, q)
			}
		}
		for range 20 {
			mutate(t, r, s, w)
			w = worldFromStore(t, s)
		}
		must(t, ix.Sync(ctx))
		checkLens(t, ix)
		fresh, err := Build(ctx, s, Options{CursorKey: key})
		must(t, err)
		for cust := range int64(5) {
			for _, q := range queries {
				if diff := cmp.Diff(customerStats(t, fresh, cust, q), customerStats(t, ix, cust, q)); diff != "" {
					t.Fatalf("customer %d q=%q: statistics of the followed index differ from a fresh build's (-fresh +followed):\n%s", cust, q, diff)
				}
			}
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if !slices.ContainsFunc([]int64{1, 2, 3, 4}, func(id int64) bool { c := ix.customers[id]; return c != nil && c.lens[fName] > 0 }) {
		t.Fatalf("no customer has a name length sum: the check checked nothing")
	}
}
