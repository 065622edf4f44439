package search

import (
	"slices"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// This file holds the changes of rows: a place, a tech_stack row or a
// contact put or deleted. Following the change log calls them a row at a
// time and Build calls the same ones (places, tech stack) or the same
// writers with every row at once (contacts: readContacts, then
// indexContacts); either way each structure has one writer (write.go).
// Callers hold mu.

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
	ix.reindexPlace(ord, func(pd *placeDoc) { pd.p, pd.alive = newPlaceCore(&p), true })
	ix.refreshPlaceCustomers(p.PlaceID)
	return ord
}

// reindexPlace takes a live place, and what its contacts inherit from it,
// out of the index, changes it with change, and puts them back.
func (ix *Index) reindexPlace(ord uint32, change func(pd *placeDoc)) {
	pd := &ix.places[ord]
	if pd.alive {
		ix.indexContactsPlace(pd.contacts, removing)
		ix.indexPlace(ord, removing)
	}
	change(pd)
	if pd.alive {
		ix.indexPlace(ord, adding)
		ix.indexContactsPlace(pd.contacts, adding)
	}
}

// deletePlace deletes a place and, as the stores' cascade does, its
// contacts, tech stack and grants.
func (ix *Index) deletePlace(id int64) {
	ord, ok := ix.placeOrd[id]
	if !ok || !ix.places[ord].alive {
		return
	}
	pd := &ix.places[ord]
	ix.deleteContacts(slices.Clone(pd.contacts))
	ix.indexPlace(ord, removing)
	for _, t := range pd.techs {
		ix.techs.delete(t)
	}
	pd.techs, pd.vendors, pd.products, pd.categories, pd.vendorSpells = nil, nil, nil, nil, nil
	pd.alive = false
	for _, cid := range ix.placeCust.get(id) {
		if c := ix.customers[cid]; c != nil {
			c.placeGrant.delete(id)
		}
	}
	ix.refreshPlaceCustomers(id)
}

// putTechs inserts or replaces tech_stack rows, then re-derives the
// vendors, products and categories of each place they touch, once: Build
// passes its scan in chunks, following one row at a time.
func (ix *Index) putTechs(rows []pursuit.TechStack) {
	var touched []uint32
	for _, t := range rows {
		if old, ok := ix.techs.get(t.TechStackID); ok {
			if ord, ok := ix.placeOrd[old.place]; ok {
				pd := &ix.places[ord]
				pd.techs = slices.DeleteFunc(pd.techs, func(x int64) bool { return x == t.TechStackID })
				touched = append(touched, ord)
			}
		}
		ix.techs.set(t.TechStackID, techRow{place: t.PlaceID, vendor: ix.name(t.Vendor), product: ix.name(t.Product),
			category: ix.name(t.Category), spelling: ix.spells.intern(nil, strings.TrimSpace(t.Vendor), false)})
		ord := ix.ensurePlace(t.PlaceID)
		ix.places[ord].techs = append(ix.places[ord].techs, t.TechStackID)
		touched = append(touched, ord)
	}
	slices.Sort(touched)
	for _, ord := range slices.Compact(touched) {
		ix.deriveTech(ord)
	}
}

// deleteTech deletes a tech_stack row.
func (ix *Index) deleteTech(id int64) {
	row, ok := ix.techs.get(id)
	if !ok {
		return
	}
	ix.techs.delete(id)
	ord, ok := ix.placeOrd[row.place]
	if !ok {
		return
	}
	pd := &ix.places[ord]
	pd.techs = slices.DeleteFunc(pd.techs, func(x int64) bool { return x == id })
	ix.deriveTech(ord)
}

// deriveTech re-derives a place's vendor, product and category sets from
// its tech_stack rows, and re-indexes the place and its contacts with
// them.
func (ix *Index) deriveTech(ord uint32) {
	ix.reindexPlace(ord, func(pd *placeDoc) {
		pd.vendors, pd.products, pd.categories, pd.vendorSpells = nil, nil, nil, nil
		for _, id := range pd.techs {
			row := ix.techs.at(id)
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
		ix.syncPlaceHot(ord)
	})
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
		oldPlace = ix.places[ix.hot[ord].place].p.PlaceID
		oldLens = ix.contactLens(ord)
		ix.indexContacts([]uint32{ord}, removing)
	} else if !ok {
		ord = uint32(len(ix.contacts))
		ix.contacts = growOff(ix, ix.contacts, len(ix.contacts)+1)
		ix.contacts[ord] = contactDoc{}
		ix.hot = growOff(ix, ix.hot, len(ix.contacts))
		ix.contactOrd.set(c.ContactID, ord)
	}
	nc := ix.newDoc(&ix.a, &c, pord)
	ix.contacts[ord], ix.hot[ord] = nc.d, nc.h
	ix.indexContacts([]uint32{ord}, adding)
	if oldPlace != 0 {
		// The customers that see the contact keep seeing it until the
		// refresh below: their sums move to its new lengths first.
		ix.relengthContact(ord, oldLens, c.ContactID, oldPlace)
	}
	if oldPlace != 0 && oldPlace != c.PlaceID {
		ix.refreshContactCustomers(ord, oldPlace)
	}
	ix.refreshContactCustomers(ord, c.PlaceID)
}

// deleteContact deletes a contact.
func (ix *Index) deleteContact(id int64) {
	if ord, ok := ix.contactOrd.get(id); ok {
		ix.deleteContacts([]uint32{ord})
	}
}

// deleteContacts deletes the contacts of ords (dead ones are skipped):
// out of every structure, then out of their customers' sets.
func (ix *Index) deleteContacts(ords []uint32) {
	ords = slices.DeleteFunc(ords, func(o uint32) bool { return !ix.contacts[o].alive })
	if len(ords) == 0 {
		return
	}
	pids := make([]int64, len(ords))
	for i, o := range ords {
		pids[i] = ix.places[ix.hot[o].place].p.PlaceID
	}
	ix.indexContacts(ords, removing)
	for i, o := range ords {
		ix.contacts[o].alive = false
		ix.contacts[o].packed = 0
		delete(ix.updatedAt, ix.contacts[o].id)
		ix.refreshContactCustomers(o, pids[i])
	}
}
