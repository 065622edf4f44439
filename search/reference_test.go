package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

// world is a random dataset, written to a store and kept in memory for
// the brute-force reference.
type world struct {
	customers []pursuit.Customer
	places    []pursuit.Place
	contacts  []pursuit.Contact
	techs     []pursuit.TechStack
	pgrants   []pursuit.CustomerPlaceRelation
	cgrants   []pursuit.CustomerContactRelation
	mappings  []pursuit.CustomerMapping
}

var (
	wStates  = []string{"NY", "CA", "TX", "IL", "VT"}
	wTitles  = []string{"IT Director", "Director of Information Technology", "Chief Information Officer", "CIO", "Asst. Superintendent", "Assistant Superintendent", "Finance Manager", "Public Works Director", "DPW Supervisor", "HR Manager", "Human Resources Generalist", "Police Chief", "GIS Analyst", "Mayor", "Clerk", "Purchasing Agent", "Water Plant Operator", ""}
	wDepts   = []string{"Information Technology", "Finance", "Public Works", "Human Resources", "Police", "Parks and Recreation", "Administration", ""}
	wFirst   = []string{"Jane", "John", "María", "José", "Li", "Smith", "Ann", "Director"}
	wLast    = []string{"Smith", "Doe", "García", "O'Brien", "Nguyen", "Park", "Works"}
	wVendors = []string{"Tyler Technologies", "Microsoft", "Oracle", "Esri", "CentralSquare"}
	wCats    = []string{"erp", "gis", "email", "public safety"}
	wOwners  = []string{"Alice", "Bob", "carol", ""}
)

// seeds returns the seeds 1 to n of a property test, only the first under
// the race detector (raceEnabled).
func seeds(n uint64) []uint64 {
	if raceEnabled {
		n = 1
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i) + 1
	}
	return out
}

// rounds returns n rounds of a property test, a quarter under the race
// detector.
func rounds(n int) int {
	if raceEnabled {
		return max(1, n/4)
	}
	return n
}

func newWorld(r *rand.Rand, nPlaces, nContacts, nCustomers int) *world {
	w := &world{}
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= nCustomers; i++ {
		w.customers = append(w.customers, pursuit.Customer{CustomerID: int64(i), Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("c%d@example.com", i)})
	}
	for i := 1; i <= nPlaces; i++ {
		names := []string{"Springfield", "Public Works Authority", "Smith County", "Lake Township", "River School District"}
		w.places = append(w.places, pursuit.Place{
			PlaceID: int64(i), Name: names[r.IntN(len(names))] + fmt.Sprintf(" %d", i),
			PlaceType: pursuit.PlaceTypes[r.IntN(4)], StateAbbr: wStates[r.IntN(len(wStates))],
			County:      []string{"Cook County", "Kings County", "Smith County"}[r.IntN(3)],
			Population:  []int64{0, 50, 900, 12000, 250000, 3000000}[r.IntN(6)] + r.Int64N(100),
			EmailDomain: fmt.Sprintf("p%d.gov", i),
		})
	}
	for i := 1; i <= nContacts; i++ {
		p := w.places[r.IntN(len(w.places))]
		first, last := wFirst[r.IntN(len(wFirst))], wLast[r.IntN(len(wLast))]
		c := pursuit.Contact{
			ContactID: int64(i), PlaceID: p.PlaceID, Name: first + " " + last, FirstName: first, LastName: last,
			Title: wTitles[r.IntN(len(wTitles))], Department: wDepts[r.IntN(len(wDepts))],
			AccountOwner: wOwners[r.IntN(len(wOwners))],
		}
		if r.IntN(4) > 0 {
			c.Email = strings.ToLower(strings.ReplaceAll(first+"."+last, "'", "")) + "@" + p.EmailDomain
		}
		if r.IntN(3) > 0 {
			c.Phone = fmt.Sprintf("(555) 010-%04d", i)
		}
		if r.IntN(5) > 0 {
			c.VerifiedAt = base.Add(-time.Duration(r.IntN(900)) * 24 * time.Hour)
		}
		if k := r.IntN(4); k < 3 { // one in four empty: written as unverified
			c.EmailStatus = pursuit.EmailStatuses[k]
		}
		w.contacts = append(w.contacts, c)
	}
	id := int64(1)
	for _, p := range w.places {
		for range r.IntN(3) {
			v := wVendors[r.IntN(len(wVendors))]
			w.techs = append(w.techs, pursuit.TechStack{TechStackID: id, PlaceID: p.PlaceID, Vendor: v, Product: v + " One", Category: wCats[r.IntN(len(wCats))]})
			id++
		}
	}
	access := func() string {
		if r.IntN(2) == 0 {
			return pursuit.AccessMasked
		}
		return pursuit.AccessFull
	}
	mid := int64(1)
	for _, cu := range w.customers {
		share := r.Float64()
		for _, p := range w.places {
			if r.Float64() < share*0.6 {
				w.pgrants = append(w.pgrants, pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p.PlaceID, AccessType: access()})
			}
			if r.IntN(6) == 0 {
				w.mappings = append(w.mappings, pursuit.CustomerMapping{CustomerMappingID: mid, CustomerID: cu.CustomerID, ExternalCRMID: fmt.Sprintf("P-%d", mid), PlaceID: p.PlaceID, AccountOwner: wOwners[r.IntN(len(wOwners))]})
				mid++
			}
		}
		for _, c := range w.contacts {
			if r.IntN(8) == 0 {
				w.cgrants = append(w.cgrants, pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c.ContactID, AccessType: access()})
			}
			if r.IntN(15) == 0 {
				w.mappings = append(w.mappings, pursuit.CustomerMapping{CustomerMappingID: mid, CustomerID: cu.CustomerID, ExternalCRMID: fmt.Sprintf("C-%d", mid), ContactID: c.ContactID, AccountOwner: wOwners[r.IntN(len(wOwners))]})
				mid++
			}
		}
	}
	return w
}

// load writes the world into a store.
func (w *world) load(t testing.TB, s pursuit.Store) {
	t.Helper()
	ctx := context.Background()
	err := s.Bulk(ctx, func(b pursuit.BulkWriter) error {
		return firstError(
			b.UpsertCustomers(ctx, w.customers),
			b.UpsertPlaces(ctx, w.places),
			b.UpsertContacts(ctx, w.contacts),
			b.UpsertTechStack(ctx, w.techs),
			b.UpsertPlaceGrants(ctx, w.pgrants),
			b.UpsertContactGrants(ctx, w.cgrants),
			b.UpsertCustomerMappings(ctx, w.mappings),
		)
	})
	if err != nil {
		t.Fatalf("load world: %v", err)
	}
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// build loads the world into a new SQLite store and builds an index of
// it.
func (w *world) build(t *testing.T, opt Options) *Index {
	t.Helper()
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(context.Background(), s, opt)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return ix
}

// fixedOptions are options that make two indexes of the same rows give
// the same results: one clock (for the recency signal) and one cursor key.
func fixedOptions() Options {
	return Options{CursorKey: []byte("0123456789abcdef0123456789abcdef"),
		Now: func() time.Time { return time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) }}
}

// grantsOf returns a customer's place and contact grants: access type by
// place_id and by contact_id.
func (w *world) grantsOf(customerID int64) (pgrant, cgrant map[int64]string) {
	pgrant, cgrant = map[int64]string{}, map[int64]string{}
	for _, g := range w.pgrants {
		if g.CustomerID == customerID {
			pgrant[g.PlaceID] = g.AccessType
		}
	}
	for _, g := range w.cgrants {
		if g.CustomerID == customerID {
			cgrant[g.ContactID] = g.AccessType
		}
	}
	return pgrant, cgrant
}

// refContact is what the reference decides about one contact.
type refContact struct {
	id     int64
	access string
}

// reference answers a contacts search by looping over every row.
func (w *world) reference(t *testing.T, customerID int64, req Request) (ids []int64, access map[int64]string, facets map[string][]Bucket) {
	t.Helper()
	p, err := compile(req, true)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	places := map[int64]pursuit.Place{}
	for _, pl := range w.places {
		places[pl.PlaceID] = pl
	}
	techs := map[int64][]pursuit.TechStack{}
	for _, ts := range w.techs {
		techs[ts.PlaceID] = append(techs[ts.PlaceID], ts)
	}
	access = map[int64]string{}
	counts := map[string]map[string]int{}
	inc := func(f, v string) {
		if v == "" {
			return
		}
		if counts[f] == nil {
			counts[f] = map[string]int{}
		}
		counts[f][v]++
	}
	var a analysis.Analyzer
	pgrant, cgrant := w.grantsOf(customerID)
	var maps []pursuit.CustomerMapping
	for _, m := range w.mappings {
		if m.CustomerID == customerID {
			maps = append(maps, m)
		}
	}
	for _, c := range w.contacts {
		pl := places[c.PlaceID]
		acc := pursuit.MorePermissive(pgrant[c.PlaceID], cgrant[c.ContactID])
		if acc == "" {
			continue
		}
		fn, sen := titles.Classify(c.Title, c.Department)
		status := c.EmailStatus
		if status == "" {
			status = pursuit.EmailUnverified
		}
		var vendors, products, cats []string
		for _, ts := range techs[c.PlaceID] {
			vendors = append(vendors, normKey(ts.Vendor))
			products = append(products, normKey(ts.Product))
			cats = append(cats, normKey(ts.Category))
		}
		mapped, owners := false, []string{}
		for _, m := range maps {
			if m.ContactID == c.ContactID || m.PlaceID == c.PlaceID {
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
		states := make([]string, len(p.states))
		for i, s := range p.states {
			states[i] = normKey(s)
		}
		ok := anyOf(states, normKey(pl.StateAbbr)) &&
			anyOf(req.PlaceTypes, pl.PlaceType) &&
			(len(req.PlaceIDs) == 0 || slices.Contains(req.PlaceIDs, c.PlaceID)) &&
			pl.Population >= p.popLo && pl.Population <= p.popHi &&
			anyOf(req.Departments, normKey(c.Department)) &&
			anyOf(req.Functions, fn) && anyOf(req.Seniorities, sen) && anyOf(req.EmailStatuses, status) &&
			anyOf(req.Vendors, vendors...) && anyOf(req.Products, products...) && anyOf(req.Categories, cats...) &&
			(req.VerifiedSince.IsZero() || !c.VerifiedAt.IsZero() && !c.VerifiedAt.Before(req.VerifiedSince)) &&
			(req.HasEmail == nil || *req.HasEmail == (c.Email != "")) &&
			(req.HasPhone == nil || *req.HasPhone == (c.Phone != "")) &&
			(req.AccountOwner == "" || normKey(req.AccountOwner) != "" && slices.Contains(owners, normKey(req.AccountOwner))) &&
			(req.Mapped == nil || *req.Mapped == mapped)
		if !ok {
			continue
		}
		texts := [numFields]string{c.Name, c.Title, c.Department, c.Email}
		if acc != pursuit.AccessFull {
			texts[fEmail] = "" // a masked contact's email does not match
		}
		for _, cl := range p.clauses {
			m := false
			for _, f := range cl.fields {
				if cl.phrase {
					plain := a.Plain(texts[f])
					m = m || analysis.Contains(analysis.CanonicalTerms(plain), cl.terms) || cl.plain != nil && analysis.Contains(plain, cl.plain)
				} else {
					terms := a.Terms(texts[f], nil)
					all := true
					for _, t := range cl.terms {
						all = all && slices.Contains(terms, t)
					}
					m = m || all
				}
			}
			if m == cl.negate {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		ids = append(ids, c.ContactID)
		access[c.ContactID] = acc
		inc(FacetState, pl.StateAbbr)
		inc(FacetPlaceType, pl.PlaceType)
		inc(FacetFunction, fn)
		inc(FacetSeniority, sen)
		inc(FacetEmailStatus, status)
		inc(FacetDepartment, normKey(c.Department))
		seen := map[string]bool{}
		for _, v := range vendors {
			if !seen[v] {
				seen[v] = true
				inc(FacetVendor, v)
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	facets = map[string][]Bucket{}
	for _, f := range []string{FacetState, FacetPlaceType, FacetFunction, FacetSeniority, FacetEmailStatus, FacetDepartment, FacetVendor} {
		facets[f] = buckets(counts[f], 0)
	}
	return ids, access, facets
}
