package search

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
)

// indexState is the inner state of an index with every ordinal replaced
// by the id of its row (contact_id, place_id) and every interned id by its
// string, so that two indexes that hold the same rows compare equal
// whatever ordinals and interned ids they gave them: a build numbers
// contacts by (state, place, id), following appends them as they come.
//
// The comparison is modulo what an index keeps of rows that are gone and
// never reads again, which a fresh build does not have: dead ordinals (a
// deleted contact's slot), dead places, interned strings no live row uses,
// customers left with nothing, and the customers listed on a row id
// (placeCust, contactCust), which only ever grow. Those are checked for
// what they must be instead (state.problems): no structure holds a dead
// ordinal, every range bucket's bounds enclose its members' values (the
// bounds only widen: wider bounds are right, only slower), every customer
// with a grant or mapping on a row is listed on it, the hot arrays mirror
// the documents, and the id maps point at the live slots.
type indexState struct {
	Contacts map[int64]contactState
	// Postings are field → term → contact ids; FieldLens each field's
	// length sum.
	Postings  map[string]map[string][]int64
	FieldLens map[string]int64
	// Pairs are the pair postings, by "title\x00department".
	Pairs map[string][]int64
	// Filters are filter → value → contact ids: state, type, department,
	// vendor, product, category, function, seniority, tier, and alive,
	// has_email, has_phone under "".
	Filters map[string]map[string][]int64
	// Ranges are range index → bucket → contact (or place) ids.
	Ranges map[string]map[int][]int64

	Places        map[int64]placeState
	PlacePostings map[string]map[string][]int64
	PlaceLens     map[string]int64
	PlaceFilters  map[string]map[string][]int64
	Techs         map[int64]techState
	Customers     map[int64]customerState
	Mappings      map[int64]mappingState
}

type mappingState struct {
	Customer, Place, Contact int64
	Owner                    string
}

type contactState struct {
	Name, First, Last, Email, Phone  string
	Verified, Created, Updated       int64
	Place                            int64
	Title, Dept, Owner               string
	Static                           float32
	NameLen, EmailLen, Function, Sen int
}

type placeState struct {
	Place                         pursuit.Place
	Contacts, Techs               []int64
	Vendors, Products, Categories []string
	// VendorSpells maps each vendor to the spelling its facet shows.
	VendorSpells       map[string]string
	State, Type        string
	NameLen, CountyLen int
}

type techState struct {
	Place                               int64
	Vendor, Product, Category, Spelling string
}

type customerState struct {
	PlaceGrant, ContactGrant   map[int64]uint8
	Visible, Full, Mapped      []int64
	Places, PlacesMapped       []int64
	Lens                       [numFields]int64
	PlaceLens                  [numPlaceFields]int64
	MapsByPlace, MapsByContact map[int64][]int64
	Owners                     map[string][]int64
	PlaceOwners                map[string][]int64
}

// state reads an index's state, and the problems (see indexState) it
// finds on the way. Callers hold no lock.
func (ix *Index) state() (st indexState, problems []string) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	bad := func(format string, args ...any) {
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	// contactIDs maps a bitmap of contact ordinals to sorted ids; a dead
	// or unknown ordinal is a problem.
	contactIDs := func(what string, ords []uint32) []int64 {
		var out []int64
		for _, o := range ords {
			if int(o) >= len(ix.contacts) || !ix.contacts[o].alive {
				bad("%s holds ordinal %d, which is no live contact", what, o)
				continue
			}
			out = append(out, ix.contacts[o].id)
		}
		slices.Sort(out)
		return out
	}
	placeIDs := func(what string, ords []uint32) []int64 {
		var out []int64
		for _, o := range ords {
			if int(o) >= len(ix.places) || !ix.places[o].alive {
				bad("%s holds place ordinal %d, which is no live place", what, o)
				continue
			}
			out = append(out, ix.places[o].p.PlaceID)
		}
		slices.Sort(out)
		return out
	}
	bmIDs := func(what string, bm *roaring.Bitmap) []int64 { return contactIDs(what, bm.ToArray()) }
	keyed := func(what string, m bitmaps, ids func(string, []uint32) []int64) map[string][]int64 {
		out := map[string][]int64{}
		for k, bm := range m {
			if !bm.IsEmpty() {
				out[k] = ids(what+" "+k, bm.ToArray())
			}
		}
		return out
	}
	postings := func(what string, f *field, ids func(string, []uint32) []int64, key func(string) string) map[string][]int64 {
		out := map[string][]int64{}
		for t, bm := range f.big {
			if bm.IsEmpty() {
				bad("%s: term %q has an empty bitmap", what, t)
			}
			out[key(t)] = ids(what+" "+t, bm.ToArray())
		}
		for t, l := range f.small.all() {
			if _, ok := f.big[t]; ok {
				bad("%s: term %q is both small and big", what, t)
			}
			out[key(t)] = ids(what+" "+t, f.list(&l))
		}
		return out
	}
	same := func(s string) string { return s }

	st.Contacts = map[int64]contactState{}
	for o := range ix.contacts {
		d := &ix.contacts[o]
		if !d.alive {
			continue
		}
		if got, ok := ix.contactOrd.get(d.id); !ok || got != uint32(o) {
			bad("contact %d at ordinal %d: contactOrd says %d, %v", d.id, o, got, ok)
		}
		name, first, last, email, phone := ix.unpack(d)
		if o >= len(ix.hot) {
			bad("contact %d: no hot entry for ordinal %d", d.id, o)
			continue
		}
		h := &ix.hot[o]
		pd := &ix.places[h.place]
		if !pd.alive {
			bad("contact %d is at a dead place %d", d.id, pd.p.PlaceID)
		}
		st.Contacts[d.id] = contactState{
			Name: name, First: first, Last: last, Email: email, Phone: phone,
			Verified: d.verified, Created: d.created, Updated: ix.updated(d), Place: pd.p.PlaceID,
			Title: ix.titles.vals[h.title].s, Dept: ix.depts.vals[h.dept].s, Owner: ix.owners.vals[d.owner].s,
			Static: h.static, NameLen: int(h.nameLen), EmailLen: int(h.emailLen), Function: h.function(), Sen: h.seniority(),
		}
		if c, ok := ix.classes[[2]uint32{h.title, h.dept}]; !ok || c != h.class {
			bad("contact %d: class %d, classes say %d, %v", d.id, h.class, c, ok)
		}
		if !slices.Contains(pd.contacts, uint32(o)) {
			bad("contact %d is missing from its place's list", d.id)
		}
	}
	if len(ix.pairs) != len(ix.classes) {
		bad("%d pairs listed, %d classified", len(ix.pairs), len(ix.classes))
	}

	st.Postings, st.FieldLens = map[string]map[string][]int64{}, map[string]int64{}
	for f, fd := range ix.fields {
		st.Postings[fieldNames[f]] = postings(fieldNames[f], fd, contactIDs, same)
		st.FieldLens[fieldNames[f]] = fd.totalLen
	}
	st.Pairs = postings("pairs", ix.pairDocs, contactIDs, func(k string) string {
		b := []byte(k)
		t := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		d := uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		return ix.titles.vals[t].s + "\x00" + ix.depts.vals[d].s
	})

	st.Filters = map[string]map[string][]int64{
		"state": keyed("state", ix.states, contactIDs), "type": keyed("type", ix.types, contactIDs),
		"department": keyed("department", ix.deptKeys, contactIDs), "vendor": keyed("vendor", ix.vendors, contactIDs),
		"product": keyed("product", ix.products, contactIDs), "category": keyed("category", ix.cats, contactIDs),
		"": {"alive": bmIDs("alive", ix.alive), "has_email": bmIDs("has_email", ix.hasEmail), "has_phone": bmIDs("has_phone", ix.hasPhone)},
	}
	list := func(name string, bms []*roaring.Bitmap, label func(int) string) {
		m := map[string][]int64{}
		for i, bm := range bms {
			if !bm.IsEmpty() {
				m[label(i)] = bmIDs(name, bm)
			}
		}
		st.Filters[name] = m
	}
	list("function", ix.functions, functionName)
	list("seniority", ix.seniorities, seniorityName)
	list("email_status", ix.emailStatuses, func(i int) string { return pursuit.EmailStatuses[i] })
	list("tier", ix.tiers[:], func(i int) string { return fmt.Sprint(i) })

	st.Ranges = map[string]map[int][]int64{}
	ranges := func(name string, r *rangeIndex, ids func(string, []uint32) []int64, value func(uint32) int64) {
		m := map[int][]int64{}
		for k, b := range r.buckets {
			if b.bm.IsEmpty() {
				continue
			}
			m[k] = ids(fmt.Sprint(name, " bucket ", k), b.bm.ToArray())
			eachOrd(b.bm, func(o uint32) {
				if v := value(o); v < b.min || v > b.max || r.bucket(v) != k {
					bad("%s bucket %d [%d, %d] holds ordinal %d of value %d", name, k, b.min, b.max, o, v)
				}
			})
		}
		st.Ranges[name] = m
	}
	contactPop := func(o uint32) int64 { return ix.places[ix.hot[o].place].p.Population }
	ranges("population", ix.pop, contactIDs, contactPop)
	ranges("verified", ix.verified, contactIDs, func(o uint32) int64 { return ix.contacts[o].verified })
	ranges("place population", ix.ppop, placeIDs, func(o uint32) int64 { return ix.places[o].p.Population })

	st.Places = map[int64]placeState{}
	for o := range ix.places {
		pd := &ix.places[o]
		if !pd.alive {
			if len(pd.contacts) > 0 {
				bad("dead place %d lists contacts", pd.p.PlaceID)
			}
			continue
		}
		if !slices.IsSorted(pd.contacts) {
			bad("place %d: its contact list is not sorted", pd.p.PlaceID)
		}
		if ix.placeOrd[pd.p.PlaceID] != uint32(o) {
			bad("place %d at ordinal %d: placeOrd says %d", pd.p.PlaceID, o, ix.placeOrd[pd.p.PlaceID])
		}
		ps := placeState{
			Place: pd.p.place(), Contacts: contactIDs(fmt.Sprint("place ", pd.p.PlaceID), pd.contacts), Techs: slices.Sorted(slices.Values(pd.techs)),
			Vendors: sorted(pd.vendors), Products: sorted(pd.products), Categories: sorted(pd.categories), VendorSpells: map[string]string{},
			State: ix.small.vals[pd.stateID].s, Type: ix.small.vals[pd.typeID].s, NameLen: int(pd.nameLen), CountyLen: int(pd.countyLen),
		}
		if len(pd.vendorSpells) != len(pd.vendors) {
			bad("place %d: %d vendors, %d spellings", pd.p.PlaceID, len(pd.vendors), len(pd.vendorSpells))
		}
		for i, v := range pd.vendors {
			if i < len(pd.vendorSpells) {
				ps.VendorSpells[v] = ix.spells.vals[pd.vendorSpells[i]].s
			}
		}
		if o >= len(ix.placeHot) || !slices.Equal(ix.placeHot[o].vendorSpells, pd.vendorSpells) ||
			ix.placeHot[o].stateID != pd.stateID || ix.placeHot[o].typeID != pd.typeID {
			bad("place %d: hot entry does not mirror the place", pd.p.PlaceID)
		}
		for _, id := range pd.techs {
			if ix.techs.at(id).place != pd.p.PlaceID {
				bad("place %d lists tech_stack %d of place %d", pd.p.PlaceID, id, ix.techs.at(id).place)
			}
		}
		st.Places[pd.p.PlaceID] = ps
	}
	st.PlacePostings, st.PlaceLens = map[string]map[string][]int64{}, map[string]int64{}
	for f, fd := range ix.pfields {
		st.PlacePostings[placeFieldNames[f]] = postings(placeFieldNames[f], fd, placeIDs, same)
		st.PlaceLens[placeFieldNames[f]] = fd.totalLen
	}
	st.PlaceFilters = map[string]map[string][]int64{
		"state": keyed("place state", ix.pstates, placeIDs), "type": keyed("place type", ix.ptypes, placeIDs),
		"vendor": keyed("place vendor", ix.pvendors, placeIDs), "product": keyed("place product", ix.pproducts, placeIDs),
		"category": keyed("place category", ix.pcats, placeIDs), "": {"alive": placeIDs("place alive", ix.placeAlive.ToArray())},
	}

	st.Techs = map[int64]techState{}
	for id, t := range ix.techs.all() {
		st.Techs[id] = techState{Place: t.place, Vendor: ix.names.vals[t.vendor].s, Product: ix.names.vals[t.product].s,
			Category: ix.names.vals[t.category].s, Spelling: ix.spells.vals[t.spelling].s}
		if ord, ok := ix.placeOrd[t.place]; !ok || !ix.places[ord].alive || !slices.Contains(ix.places[ord].techs, id) {
			bad("tech_stack %d is not listed by its place %d", id, t.place)
		}
	}
	st.Mappings = map[int64]mappingState{}
	for id, m := range ix.mappings.all() {
		st.Mappings[id] = mappingState{m.customer, m.place, m.contact, ix.names.vals[m.owner].s}
	}

	st.Customers = map[int64]customerState{}
	for id, c := range ix.customers {
		cs := customerState{
			PlaceGrant: nonEmpty(maps.Collect(c.placeGrant.all())), ContactGrant: nonEmpty(c.contactGrant),
			Visible: bmIDs("visible", c.visible), Full: bmIDs("full", c.full), Mapped: bmIDs("mapped", c.mapped),
			Places: placeIDs("places", c.places.ToArray()), PlacesMapped: placeIDs("places mapped", c.placesMapped.ToArray()),
			Lens: c.lens, PlaceLens: c.placeLens,
			MapsByPlace: sortedLists(maps.Collect(c.mapsByPlace.all)), MapsByContact: sortedLists(maps.Collect(c.mapsByContact.all)),
			Owners: keyed("owners", c.owners, contactIDs), PlaceOwners: keyed("place owners", c.placeOwners, placeIDs),
		}
		// Every row the customer has a grant or mapping on lists it.
		for _, rel := range []struct {
			what  string
			keys  []int64
			lists *custLists
		}{
			{"a grant on place", slices.Collect(maps.Keys(maps.Collect(c.placeGrant.all()))), &ix.placeCust},
			{"a mapping of place", slices.Collect(maps.Keys(maps.Collect(c.mapsByPlace.all))), &ix.placeCust},
			{"a grant on contact", slices.Collect(maps.Keys(c.contactGrant)), &ix.contactCust},
			{"a mapping of contact", slices.Collect(maps.Keys(maps.Collect(c.mapsByContact.all))), &ix.contactCust},
		} {
			for _, key := range rel.keys {
				if !slices.Contains(rel.lists.get(key), id) {
					bad("customer %d has %s %d but is not listed on it", id, rel.what, key)
				}
			}
		}
		if cs.PlaceGrant == nil && cs.ContactGrant == nil && len(cs.Visible)+len(cs.Full)+len(cs.Mapped)+len(cs.Places)+len(cs.PlacesMapped) == 0 &&
			cs.MapsByPlace == nil && cs.MapsByContact == nil && len(cs.Owners)+len(cs.PlaceOwners) == 0 && cs.Lens == [numFields]int64{} && cs.PlaceLens == [numPlaceFields]int64{} {
			continue // a customer left with nothing is one the index never met
		}
		st.Customers[id] = cs
	}
	return st, problems
}

func sorted(l []string) []string {
	out := slices.Clone(l)
	sort.Strings(out)
	return out
}

func nonEmpty[K comparable, V any](m map[K]V) map[K]V {
	if len(m) == 0 {
		return nil
	}
	return m
}

func sortedLists(m map[int64][]int64) map[int64][]int64 {
	if len(m) == 0 {
		return nil
	}
	out := map[int64][]int64{}
	for k, l := range m {
		out[k] = slices.Sorted(slices.Values(l))
	}
	return out
}
