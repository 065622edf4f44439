package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// worldFromStore reads a store back into a world for the reference.
func worldFromStore(t *testing.T, s pursuit.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{}
	must(t, s.ScanPlaces(ctx, func(p pursuit.Place) error { w.places = append(w.places, p); return nil }))
	must(t, s.ScanContacts(ctx, func(c pursuit.Contact) error { w.contacts = append(w.contacts, c); return nil }))
	must(t, s.ScanTechStack(ctx, func(x pursuit.TechStack) error { w.techs = append(w.techs, x); return nil }))
	must(t, s.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error { w.pgrants = append(w.pgrants, g); return nil }))
	must(t, s.ScanContactGrants(ctx, func(g pursuit.CustomerContactRelation) error { w.cgrants = append(w.cgrants, g); return nil }))
	must(t, s.ScanCustomerMappings(ctx, func(m pursuit.CustomerMapping) error { w.mappings = append(w.mappings, m); return nil }))
	return w
}

// mutate makes one random change through the store's API.
func mutate(t *testing.T, r *rand.Rand, s pursuit.Store, w *world) {
	t.Helper()
	ctx := context.Background()
	pickPlace := func() pursuit.Place { return w.places[r.IntN(len(w.places))] }
	pickContact := func() pursuit.Contact { return w.contacts[r.IntN(len(w.contacts))] }
	cust := int64(1 + r.IntN(4))
	access := []string{pursuit.AccessFull, pursuit.AccessMasked}[r.IntN(2)]
	var err error
	switch r.IntN(18) {
	case 0: // new contact
		p := pickPlace()
		c := pursuit.Contact{PlaceID: p.PlaceID, Name: "Maria Smith", FirstName: "Maria", LastName: "Smith",
			Email: "maria.smith@" + p.EmailDomain, Title: wTitles[r.IntN(len(wTitles))], Department: wDepts[r.IntN(len(wDepts))]}
		err = s.CreateContact(ctx, &c)
	case 1: // retitle a contact
		c := pickContact()
		c.Title = wTitles[r.IntN(len(wTitles))]
		c.Email = ""
		err = s.UpdateContact(ctx, &c)
	case 2: // move a contact
		c := pickContact()
		c.PlaceID = pickPlace().PlaceID
		err = s.UpdateContact(ctx, &c)
	case 3:
		err = s.DeleteContact(ctx, pickContact().ContactID)
	case 4: // a place moves state and grows
		p := pickPlace()
		p.StateAbbr = wStates[r.IntN(len(wStates))]
		p.Population = r.Int64N(1000000)
		p.Name = "Public Works District"
		err = s.UpdatePlace(ctx, &p)
	case 5:
		if r.IntN(4) == 0 {
			err = s.DeletePlace(ctx, pickPlace().PlaceID)
		}
	case 6:
		err = s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cust, PlaceID: pickPlace().PlaceID, AccessType: access})
	case 7:
		if len(w.pgrants) > 0 {
			g := w.pgrants[r.IntN(len(w.pgrants))]
			err = s.DeletePlaceGrant(ctx, g.CustomerID, g.PlaceID)
		}
	case 8:
		err = s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cust, ContactID: pickContact().ContactID, AccessType: access})
	case 9:
		if len(w.cgrants) > 0 {
			g := w.cgrants[r.IntN(len(w.cgrants))]
			err = s.DeleteContactGrant(ctx, g.CustomerID, g.ContactID)
		}
	case 10:
		m := pursuit.CustomerMapping{CustomerID: cust, ExternalCRMID: fmt.Sprintf("m-%d", r.Int64()), AccountOwner: wOwners[r.IntN(3)]}
		if r.IntN(2) == 0 {
			m.PlaceID = pickPlace().PlaceID
		} else {
			m.ContactID = pickContact().ContactID
		}
		err = s.CreateCustomerMapping(ctx, &m)
	case 11:
		v := wVendors[r.IntN(len(wVendors))]
		if len(w.techs) > 0 && r.IntN(2) == 0 {
			err = s.DeleteTechStack(ctx, w.techs[r.IntN(len(w.techs))].TechStackID)
		} else {
			err = s.CreateTechStack(ctx, &pursuit.TechStack{PlaceID: pickPlace().PlaceID, Vendor: v, Product: v + " One", Category: wCats[r.IntN(len(wCats))]})
		}
	case 12: // a contact's own fields change
		c := pickContact()
		first, last := wFirst[r.IntN(len(wFirst))], wLast[r.IntN(len(wLast))]
		c.Name, c.FirstName, c.LastName = first+" "+last, first, last
		c.Email = []string{"", strings.ToLower(first) + ".works@p1.gov", "jane.o'brien.smith@example.gov"}[r.IntN(3)]
		c.Phone = []string{"", "(555) 010-9999"}[r.IntN(2)]
		c.Department = []string{wDepts[r.IntN(len(wDepts))], "LEGAL", "Legal", "finance"}[r.IntN(4)]
		c.AccountOwner = wOwners[r.IntN(len(wOwners))]
		c.VerifiedAt = []time.Time{{}, time.Date(2024, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)}[r.IntN(2)]
		err = s.UpdateContact(ctx, &c)
	case 13: // a place is renamed and retyped, in its state
		p := pickPlace()
		p.Name = []string{"Lake Township", "Smith County Water Authority", p.Name + " North"}[r.IntN(3)]
		p.County = []string{"", "Cook County", "Works County"}[r.IntN(3)]
		p.PlaceType = pursuit.PlaceTypes[r.IntN(4)]
		err = s.UpdatePlace(ctx, &p)
	case 14: // a tech_stack row changes vendor, and maybe place
		if len(w.techs) > 0 {
			ts := w.techs[r.IntN(len(w.techs))]
			ts.Vendor = []string{"ESRI", "esri", "Esri", "Oracle", "Tyler Technologies"}[r.IntN(5)]
			ts.Product = ts.Vendor + " Two"
			if r.IntN(3) == 0 {
				ts.PlaceID = pickPlace().PlaceID
			}
			err = s.UpdateTechStack(ctx, &ts)
		}
	case 15: // a mapping changes owner or target
		if len(w.mappings) > 0 {
			m := w.mappings[r.IntN(len(w.mappings))]
			m.AccountOwner = wOwners[r.IntN(len(wOwners))]
			if r.IntN(2) == 0 {
				m.PlaceID, m.ContactID = pickPlace().PlaceID, 0
			}
			err = s.UpdateCustomerMapping(ctx, &m)
		}
	case 16:
		if len(w.mappings) > 0 {
			err = s.DeleteCustomerMapping(ctx, w.mappings[r.IntN(len(w.mappings))].CustomerMappingID)
		}
	case 17: // a grant changes access
		if len(w.cgrants) > 0 && r.IntN(2) == 0 {
			g := w.cgrants[r.IntN(len(w.cgrants))]
			g.AccessType = access
			err = s.PutContactGrant(ctx, &g)
		} else if len(w.pgrants) > 0 {
			g := w.pgrants[r.IntN(len(w.pgrants))]
			g.AccessType = access
			err = s.PutPlaceGrant(ctx, &g)
		}
	}
	if code := pursuit.ErrorCode(err); code != "" && code != pursuit.ENOTFOUND && code != pursuit.EFOREIGNKEY {
		t.Fatalf("mutate: %v", err)
	}
}

// TestFollowMatchesReference changes the store at random after the build
// and checks the followed index against the reference after each round,
// with the default paths and with the seed-scale ones (which also use the
// caches of facets and term unions that every change must empty).
func TestFollowMatchesReference(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	t.Run("default", func(t *testing.T) { testFollowMatchesReference(t, nil) })
	t.Run("bitmap paths", func(t *testing.T) {
		testFollowMatchesReference(t, func(ix *Index) { ix.facetWalk, ix.subsetMin, ix.pruneMin = 0, 0, 0 })
	})
	t.Run("shared term bitmaps", func(t *testing.T) {
		testFollowMatchesReference(t, func(ix *Index) { ix.subsetMin = 0 })
	})
	t.Run("rank order", func(t *testing.T) {
		// Changed contacts are dirty in the order; past 60 it is dropped
		// and built again by the next search that wants it.
		testFollowMatchesReference(t, func(ix *Index) { ix.orderMin, ix.orderDirtyMax, ix.phraseByOrderMin = 0, 60, 0; ix.PrepareRanking() })
	})
}

func testFollowMatchesReference(t *testing.T, tune func(*Index)) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	w := newWorld(r, 30, 400, 4)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{})
	must(t, err)
	if tune != nil {
		tune(ix)
	}
	for round := range rounds(8) {
		for range 25 {
			mutate(t, r, s, w)
			w = worldFromStore(t, s)
			w.customers = make([]pursuit.Customer, 4)
		}
		must(t, ix.Sync(ctx))
		checkLens(t, ix)
		for cust := range int64(4) {
			// The whole visible set and a common word: the results
			// whose facets are cached between searches.
			checkAgainstReference(t, ix, w, cust+1, Request{Facets: true, Limit: 5})
			checkAgainstReference(t, ix, w, cust+1, Request{Q: "director", Facets: true, Limit: 5})
		}
		for range 30 {
			req := randomRequest(r, w)
			checkAgainstReference(t, ix, w, int64(1+r.IntN(4)), req)
			if t.Failed() {
				t.Fatalf("round %d", round)
			}
		}
	}
}

// TestFreshness writes through each store and waits, with a generous
// deadline, for Follow to make the write searchable.
func TestFreshness(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f := newFixture(t, s)
		done := make(chan error, 1)
		go func() { done <- f.ix.Follow(ctx) }()
		defer func() {
			cancel()
			<-done
		}()
		a := f.a.CustomerID
		waitFor := func(what string, ok func() bool) {
			t.Helper()
			deadline := time.Now().Add(time.Minute) // bounds a hang only
			for !ok() {
				if time.Now().After(deadline) {
					t.Fatalf("%s: not visible to search after a minute", what)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
		total := func(q string) int {
			res, err := f.ix.SearchContacts(a, Request{Q: q})
			must(t, err)
			return res.Total
		}
		must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: a, PlaceID: f.p1.PlaceID, AccessType: pursuit.AccessFull}))
		f.ix.Notify()
		waitFor("place grant", func() bool { return total("") == 2 })

		c := pursuit.Contact{PlaceID: f.p1.PlaceID, Name: "Zelda Quux", Title: "GIS Analyst", Email: "zelda@springfield.gov"}
		must(t, s.CreateContact(ctx, &c))
		waitFor("contact insert", func() bool { return total("zelda") == 1 })

		c.Title = "Public Works Director"
		must(t, s.UpdateContact(ctx, &c))
		waitFor("contact update", func() bool { return total("zelda dpw") == 1 && total("zelda gis") == 0 })

		must(t, s.DeleteContact(ctx, c.ContactID))
		waitFor("contact delete", func() bool { return total("zelda") == 0 })

		must(t, s.DeletePlaceGrant(ctx, a, f.p1.PlaceID))
		waitFor("grant delete", func() bool { return total("") == 0 })
		if st := f.ix.Stats(); st.Applied == 0 || st.LastSeq == 0 {
			t.Errorf("Stats = %+v, want applied changes", st)
		}
	})
}

// TestCursorStableUnderInserts pages through a search while matching
// contacts are inserted, and checks no contact that existed before is
// skipped or repeated.
func TestCursorStableUnderInserts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := rand.New(rand.NewPCG(5, 6))
	w := newWorld(r, 20, 600, 2)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{PollInterval: time.Millisecond})
	must(t, err)
	req := Request{Q: "director", Limit: 7}
	before, all := collect(t, ix, 1, req)
	if before.Total < 20 {
		t.Fatalf("only %d hits to page through", before.Total)
	}
	done := make(chan error, 1)
	go func() { done <- ix.Follow(ctx) }()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 60 && ctx.Err() == nil; i++ {
			p := w.places[i%len(w.places)]
			c := pursuit.Contact{PlaceID: p.PlaceID, Name: fmt.Sprintf("New Person%d", i), Title: "Director"}
			if err := s.CreateContact(ctx, &c); err != nil {
				t.Errorf("CreateContact: %v", err)
				return
			}
			ix.Notify()
			time.Sleep(time.Millisecond)
		}
	}()
	seen := map[int64]int{}
	res, err := ix.SearchContacts(1, req)
	must(t, err)
	for {
		for _, h := range res.Hits {
			seen[h.Contact.ContactID]++
			time.Sleep(200 * time.Microsecond)
		}
		if res.NextCursor == "" {
			break
		}
		req.Cursor = res.NextCursor
		res, err = ix.SearchContacts(1, req)
		must(t, err)
	}
	wg.Wait()
	cancel()
	<-done
	for id, n := range seen {
		if n > 1 {
			t.Errorf("contact %d returned %d times", id, n)
		}
	}
	for _, h := range all {
		if seen[h.Contact.ContactID] != 1 {
			t.Errorf("contact %d, there before paging, seen %d times", h.Contact.ContactID, seen[h.Contact.ContactID])
		}
	}
}

// TestConcurrentSearchAndFollow runs searches while Follow applies writes;
// it exists for the race detector.
func TestConcurrentSearchAndFollow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := rand.New(rand.NewPCG(7, 8))
	w := newWorld(r, 20, 300, 4)
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(ctx, s, Options{PollInterval: time.Millisecond})
	must(t, err)
	done := make(chan error, 1)
	go func() { done <- ix.Follow(ctx) }()
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rr := rand.New(rand.NewPCG(seed, 1))
			// A few requests asked over and over, with facets: their
			// cache entries are caught up by several searches at once.
			fixed := []Request{{Facets: true}, {Q: "director", Facets: true}, {Q: "smith works", Facets: true, States: []string{wStates[0]}}}
			for ctx.Err() == nil {
				req := randomRequest(rr, w)
				if rr.IntN(2) == 0 {
					req = fixed[rr.IntN(len(fixed))]
				}
				if _, err := ix.SearchContacts(int64(1+rr.IntN(4)), req); err != nil && pursuit.ErrorCode(err) != pursuit.EINVALID {
					t.Errorf("SearchContacts: %v", err)
				}
				req.Functions, req.Seniorities, req.Departments, req.VerifiedSince, req.HasEmail, req.HasPhone = nil, nil, nil, time.Time{}, nil, nil
				req.EmailStatuses = nil
				req.Q = ""
				if _, err := ix.SearchPlaces(int64(1+rr.IntN(4)), req); err != nil {
					t.Errorf("SearchPlaces: %v", err)
				}
				_ = ix.Stats()
			}
		}(uint64(g))
	}
	wm := worldFromStore(t, s) // the writer's view; readers keep w
	for i := 0; i < 100; i++ {
		mutate(t, r, s, wm)
		if i%4 == 0 {
			wm = worldFromStore(t, s)
		}
		ix.Notify()
	}
	cancel()
	wg.Wait()
	<-done
}
