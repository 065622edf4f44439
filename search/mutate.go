package search

import (
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
)

// This file holds every change to the index's data. Build and the change
// follower use the same functions, so a row indexed at build and the same
// row arriving through change_log end up identical. Callers hold mu.

// ensurePlace returns the ordinal of a place, adding a placeholder for a
// place the index has not seen yet; the place's own change_log row, which
// is always later than the index's starting point, fills it in.
func (ix *Index) ensurePlace(id int64) uint32 {
	if ord, ok := ix.placeOrd[id]; ok && ix.places[ord].alive {
		return ord
	}
	return ix.putPlace(pursuit.Place{PlaceID: id})
}

// putPlace inserts or replaces a place.
func (ix *Index) putPlace(p pursuit.Place) uint32 {
	ord, ok := ix.placeOrd[p.PlaceID]
	if !ok {
		ord = uint32(len(ix.places))
		ix.places = append(ix.places, placeDoc{})
		ix.placeOrd[p.PlaceID] = ord
	}
	pd := &ix.places[ord]
	if pd.alive {
		for _, c := range pd.contacts {
			ix.indexContactPlace(c, false)
		}
		ix.indexPlace(ord, false)
	}
	pd.p = p
	pd.alive = true
	ix.indexPlace(ord, true)
	for _, c := range pd.contacts {
		ix.indexContactPlace(c, true)
	}
	ix.refreshPlaceCustomers(p.PlaceID)
	return ord
}

// deletePlace deletes a place and, as the stores' cascade does, its
// contacts, tech stack and grants.
func (ix *Index) deletePlace(id int64) {
	ord, ok := ix.placeOrd[id]
	if !ok || !ix.places[ord].alive {
		return
	}
	pd := &ix.places[ord]
	for _, c := range slices.Clone(pd.contacts) {
		ix.deleteContact(ix.contacts[c].id)
	}
	ix.indexPlace(ord, false)
	for _, t := range pd.techs {
		delete(ix.techs, t)
	}
	pd.techs, pd.vendors, pd.products, pd.categories = nil, nil, nil, nil
	pd.alive = false
	for _, cid := range ix.placeCust[id] {
		if c := ix.customers[cid]; c != nil {
			delete(c.placeGrant, id)
		}
	}
	ix.refreshPlaceCustomers(id)
}

// indexPlace adds a place to (or removes it from) the place bitmaps.
func (ix *Index) indexPlace(ord uint32, add bool) {
	pd := &ix.places[ord]
	p := &pd.p
	name := ix.a.Terms(p.Name, nil)
	county := ix.a.Terms(p.County, nil)
	if add {
		pd.stateID = uint16(ix.small.intern(nil, p.StateAbbr, false))
		pd.typeID = uint16(ix.small.intern(nil, p.PlaceType, false))
		ix.placeAlive.Add(ord)
		old := ix.placeLens(ord)
		pd.nameLen, pd.countyLen = clampLen(len(name)), clampLen(len(county))
		ix.relengthPlace(ord, old)
		ix.pfields[pfName].totalLen += int64(pd.nameLen)
		ix.pfields[pfCounty].totalLen += int64(pd.countyLen)
		for _, t := range name {
			ix.pfields[pfName].add(t, ord)
		}
		for _, t := range county {
			ix.pfields[pfCounty].add(t, ord)
		}
		ix.pstates.add(p.StateAbbr, ord)
		ix.ptypes.add(p.PlaceType, ord)
		ix.ppop.add(ord, p.Population)
		for _, v := range pd.vendors {
			ix.pvendors.add(v, ord)
		}
		for _, v := range pd.products {
			ix.pproducts.add(v, ord)
		}
		for _, v := range pd.categories {
			ix.pcats.add(v, ord)
		}
		ix.syncPlaceHot(ord)
		return
	}
	ix.placeAlive.Remove(ord)
	ix.pfields[pfName].totalLen -= int64(pd.nameLen)
	ix.pfields[pfCounty].totalLen -= int64(pd.countyLen)
	for _, t := range name {
		ix.pfields[pfName].remove(t, ord)
	}
	for _, t := range county {
		ix.pfields[pfCounty].remove(t, ord)
	}
	ix.pstates.remove(p.StateAbbr, ord)
	ix.ptypes.remove(p.PlaceType, ord)
	ix.ppop.remove(ord, p.Population)
	for _, v := range pd.vendors {
		ix.pvendors.remove(v, ord)
	}
	for _, v := range pd.products {
		ix.pproducts.remove(v, ord)
	}
	for _, v := range pd.categories {
		ix.pcats.remove(v, ord)
	}
}

func clampLen(n int) uint8 { return uint8(min(n, 255)) }

// putTech inserts or replaces a tech_stack row.
func (ix *Index) putTech(t pursuit.TechStack) {
	ix.deleteTech(t.TechStackID)
	ord := ix.recordTech(t)
	ix.updatePlaceTech(ord, func(pd *placeDoc) { pd.techs = append(pd.techs, t.TechStackID) })
}

// recordTech keeps a tech_stack row and returns its place's ordinal, but
// leaves the place as it was: putTech updates it, and Build updates each
// place once after the scan (loadTech).
func (ix *Index) recordTech(t pursuit.TechStack) uint32 {
	row := techRow{place: t.PlaceID, vendor: ix.name(t.Vendor), product: ix.name(t.Product), category: ix.name(t.Category),
		spelling: ix.spells.intern(nil, strings.TrimSpace(t.Vendor), false)}
	ix.techs[t.TechStackID] = row
	return ix.ensurePlace(t.PlaceID)
}

// loadTech adds a tech_stack row during Build, where every row is new:
// re-deriving the place's vendors for each of its rows would re-index the
// place as many times. Build calls finishTech after the scan.
func (ix *Index) loadTech(t pursuit.TechStack) {
	if _, ok := ix.techs[t.TechStackID]; ok {
		ix.putTech(t)
		return
	}
	ord := ix.recordTech(t)
	pd := &ix.places[ord]
	pd.techs = append(pd.techs, t.TechStackID)
	if ix.techPending == nil {
		ix.techPending = map[uint32]bool{}
	}
	ix.techPending[ord] = true
}

// finishTech derives the tech sets of the places loadTech added rows to.
func (ix *Index) finishTech() {
	ords := make([]uint32, 0, len(ix.techPending))
	for o := range ix.techPending {
		ords = append(ords, o)
	}
	slices.Sort(ords)
	for _, o := range ords {
		ix.updatePlaceTech(o, func(*placeDoc) {})
	}
	ix.techPending = nil
}

// deleteTech deletes a tech_stack row.
func (ix *Index) deleteTech(id int64) {
	row, ok := ix.techs[id]
	if !ok {
		return
	}
	delete(ix.techs, id)
	ord, ok := ix.placeOrd[row.place]
	if !ok {
		return
	}
	ix.updatePlaceTech(ord, func(pd *placeDoc) {
		pd.techs = slices.DeleteFunc(pd.techs, func(x int64) bool { return x == id })
	})
}

// updatePlaceTech changes a place's tech rows with fn and re-derives its
// vendor, product and category sets and their bitmaps.
func (ix *Index) updatePlaceTech(ord uint32, fn func(pd *placeDoc)) {
	pd := &ix.places[ord]
	if pd.alive {
		for _, c := range pd.contacts {
			ix.indexContactPlace(c, false)
		}
		ix.indexPlace(ord, false)
	}
	fn(pd)
	pd.vendors, pd.products, pd.categories, pd.vendorSpells = nil, nil, nil, nil
	for _, id := range pd.techs {
		row := ix.techs[id]
		if v := ix.names.vals[row.vendor].s; v != "" {
			switch i := slices.Index(pd.vendors, v); {
			case i < 0:
				pd.vendors = append(pd.vendors, v)
				pd.vendorSpells = append(pd.vendorSpells, row.spelling)
			case ix.spells.vals[row.spelling].s < ix.spells.vals[pd.vendorSpells[i]].s:
				pd.vendorSpells[i] = row.spelling
			}
		}
		pd.products = addUnique(pd.products, ix.names.vals[row.product].s)
		pd.categories = addUnique(pd.categories, ix.names.vals[row.category].s)
	}
	if pd.alive {
		ix.indexPlace(ord, true)
		for _, c := range pd.contacts {
			ix.indexContactPlace(c, true)
		}
	}
}

// name interns the normalised form of a short value (vendor, owner, …).
func (ix *Index) name(s string) uint32 {
	k := normKey(s)
	if id, ok := ix.names.ids[k]; ok {
		return id
	}
	return ix.names.intern(nil, k, false)
}

func addUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// putContact inserts or replaces a contact.
func (ix *Index) putContact(c pursuit.Contact) {
	pord := ix.ensurePlace(c.PlaceID)
	ord, ok := ix.contactOrd.get(c.ContactID)
	var oldPlace int64
	var oldLens [numFields]int64
	if ok && ix.contacts[ord].alive {
		d := &ix.contacts[ord]
		oldPlace = ix.places[d.place].p.PlaceID
		oldLens = ix.contactLens(ord)
		ix.unindexContact(ord)
	} else if !ok {
		ord = uint32(len(ix.contacts))
		ix.contacts = append(ix.contacts, contactDoc{})
		ix.contactOrd.set(c.ContactID, ord)
	}
	d := &ix.contacts[ord]
	*d = ix.newDoc(&ix.a, &c, pord)
	ix.indexContactOwn(ord, &c, true)
	if oldPlace != 0 {
		// The customers that see the contact keep seeing it until the
		// refresh below: their sums move to its new lengths first.
		ix.relengthContact(ord, oldLens, c.ContactID, oldPlace)
	}
	ix.places[pord].contacts = append(ix.places[pord].contacts, ord)
	ix.indexContactPlace(ord, true)
	if oldPlace != 0 && oldPlace != c.PlaceID {
		ix.refreshContactCustomers(ord, oldPlace)
	}
	ix.refreshContactCustomers(ord, c.PlaceID)
}

// deleteContact deletes a contact.
func (ix *Index) deleteContact(id int64) {
	ord, ok := ix.contactOrd.get(id)
	if !ok || !ix.contacts[ord].alive {
		return
	}
	pid := ix.places[ix.contacts[ord].place].p.PlaceID
	ix.unindexContact(ord)
	ix.contacts[ord].alive = false
	ix.contacts[ord].packed = 0
	ix.refreshContactCustomers(ord, pid)
}

// unindexContact removes a live contact from every bitmap and from its
// place.
func (ix *Index) unindexContact(ord uint32) {
	d := &ix.contacts[ord]
	ix.indexContactPlace(ord, false)
	name, _, _, email, phone := ix.unpack(d)
	ix.indexContactOwn(ord, &pursuit.Contact{Name: name, Email: email, Phone: phone}, false)
	pd := &ix.places[d.place]
	if i := slices.Index(pd.contacts, ord); i >= 0 {
		pd.contacts = slices.Delete(pd.contacts, i, i+1)
	}
}

// indexContactOwn adds a contact to (or removes it from) the bitmaps of
// its own fields. c supplies the name, email and phone; the rest comes from
// the doc.
func (ix *Index) indexContactOwn(ord uint32, c *pursuit.Contact, add bool) {
	d := &ix.contacts[ord]
	op := func(f *field, t string) { f.add(t, ord) }
	bop := func(bm *roaring.Bitmap) { bm.Add(ord) }
	sign := int64(1)
	if !add {
		op = func(f *field, t string) { f.remove(t, ord) }
		bop = func(bm *roaring.Bitmap) { bm.Remove(ord) }
		sign = -1
	}
	var buf [16]string
	name := ix.a.Terms(c.Name, buf[:0])
	if add {
		d.nameLen = clampLen(len(name))
	}
	for _, t := range name {
		op(ix.fields[fName], t)
	}
	email := ix.a.Terms(c.Email, name[:0])
	if add {
		d.emailLen = clampLen(len(email))
	}
	for _, t := range email {
		op(ix.fields[fEmail], t)
	}
	title, dept := &ix.titles.vals[d.title], &ix.depts.vals[d.dept]
	for _, t := range title.terms {
		op(ix.fields[fTitle], t.term)
	}
	for _, t := range dept.terms {
		op(ix.fields[fDept], t.term)
	}
	op(ix.pairDocs, pairKey(d.title, d.dept))
	ix.fields[fName].totalLen += sign * int64(d.nameLen)
	ix.fields[fEmail].totalLen += sign * int64(d.emailLen)
	ix.fields[fTitle].totalLen += sign * int64(title.n)
	ix.fields[fDept].totalLen += sign * int64(dept.n)
	bop(ix.alive)
	bop(ix.functions[d.function()])
	bop(ix.seniorities[d.seniority()])
	if k := normKey(dept.s); k != "" {
		if add {
			ix.deptKeys.add(k, ord)
		} else {
			ix.deptKeys.remove(k, ord)
		}
	}
	if c.Email != "" {
		bop(ix.hasEmail)
	}
	if c.Phone != "" {
		bop(ix.hasPhone)
	}
	if d.verified != 0 {
		if add {
			ix.verified.add(ord, d.verified)
		} else {
			ix.verified.remove(ord, d.verified)
		}
	}
}

// indexContactPlace adds a contact to (or removes it from) the bitmaps it
// inherits from its place, and sets its static score and tier.
func (ix *Index) indexContactPlace(ord uint32, add bool) {
	d := &ix.contacts[ord]
	pd := &ix.places[d.place]
	if add {
		d.static = ix.staticScore(d, pd.p.Population)
		ix.syncHot(ord)
		ix.tiers[ix.tierOf(d.static)].Add(ord)
		ix.states.add(pd.p.StateAbbr, ord)
		ix.types.add(pd.p.PlaceType, ord)
		ix.pop.add(ord, pd.p.Population)
		for _, v := range pd.vendors {
			ix.vendors.add(v, ord)
		}
		for _, v := range pd.products {
			ix.products.add(v, ord)
		}
		for _, v := range pd.categories {
			ix.cats.add(v, ord)
		}
		return
	}
	ix.tiers[ix.tierOf(d.static)].Remove(ord)
	ix.states.remove(pd.p.StateAbbr, ord)
	ix.types.remove(pd.p.PlaceType, ord)
	ix.pop.remove(ord, pd.p.Population)
	for _, v := range pd.vendors {
		ix.vendors.remove(v, ord)
	}
	for _, v := range pd.products {
		ix.products.remove(v, ord)
	}
	for _, v := range pd.categories {
		ix.cats.remove(v, ord)
	}
}
