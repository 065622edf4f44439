package search

import (
	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
)

// Access levels, ordered so that max is "the more permissive".
const (
	accessNone   uint8 = 0
	accessMasked uint8 = 1
	accessFull   uint8 = 2
)

func accessLevel(s string) uint8 {
	switch s {
	case pursuit.AccessFull:
		return accessFull
	case pursuit.AccessMasked:
		return accessMasked
	}
	return accessNone
}

func accessName(l uint8) string {
	switch l {
	case accessFull:
		return pursuit.AccessFull
	case accessMasked:
		return pursuit.AccessMasked
	}
	return ""
}

// customer is one customer's entitlements and CRM mappings, and the
// bitmaps derived from them: the in-memory form of the seed's
// materialised view of what a customer can see.
type customer struct {
	id           int64
	placeGrant   idTable[uint8]  // place id → access (off the Go heap: 728,000 rows at the seed's scale)
	contactGrant map[int64]uint8 // contact id → access

	visible *roaring.Bitmap // contacts seen at all
	full    *roaring.Bitmap // contacts seen in full
	places  *roaring.Bitmap // granted places (place ordinals)

	// lens is the sum over visible of each contact field's length (but
	// the email's, summed over full), and placeLens over places of each
	// place field's: the average field lengths BM25 scores this
	// customer's searches with (stats.go).
	lens      [numFields]int64
	placeLens [numPlaceFields]int64

	mapsByPlace   custLists       // place id → customer_mapping ids
	mapsByContact custLists       // contact id → customer_mapping ids
	mapped        *roaring.Bitmap // contacts mapped directly or through their place
	owners        bitmaps         // mapping account_owner (lower-cased) → contacts
	placesMapped  *roaring.Bitmap
	placeOwners   bitmaps
}

func (ix *Index) customer(id int64) *customer {
	c := ix.customers[id]
	if c == nil {
		c = &customer{
			id:           id,
			contactGrant: map[int64]uint8{},
			visible:      roaring.New(),
			full:         roaring.New(),
			places:       roaring.New(),
			mapped:       roaring.New(),
			owners:       bitmaps{},
			placesMapped: roaring.New(),
			placeOwners:  bitmaps{},
		}
		c.placeGrant.retired = &ix.retired
		c.mapsByPlace.retired, c.mapsByContact.retired = &ix.retired, &ix.retired
		ix.customers[id] = c
	}
	return c
}

func relate(l *custLists, key, customerID int64) { l.relate(key, customerID) }

func setBit(bm *roaring.Bitmap, ord uint32, on bool) {
	if on {
		bm.Add(ord)
	} else {
		bm.Remove(ord)
	}
}

// putPlaceGrant sets (access "" deletes) a customer_place_relation row.
func (ix *Index) putPlaceGrant(customerID, placeID int64, access string) {
	c := ix.customer(customerID)
	l := accessLevel(access)
	if l == accessNone {
		c.placeGrant.delete(placeID)
	} else {
		c.placeGrant.set(placeID, l)
	}
	relate(&ix.placeCust, placeID, customerID)
	ord, ok := ix.placeOrd[placeID]
	if !ok {
		return
	}
	ix.refreshPlace(c, ord)
	contacts := ix.places[ord].contacts
	if len(c.contactGrant) == 0 && c.mapsByContact.len() == 0 && c.mapsByPlace.len() == 0 {
		// Fast path (every build): nothing per contact to combine with,
		// so the place's contacts are all visible or none is, and all
		// full or none is.
		ix.setAll(c, c.visible, contacts, l != accessNone)
		ix.setAll(c, c.full, contacts, l == accessFull)
		return
	}
	for _, o := range contacts {
		ix.refreshContact(c, o)
	}
}

// setAll sets (on) or clears the contacts of a place in one of a
// customer's sets, visible or full, and moves the customer's length sums
// with them, as setIn does.
func (ix *Index) setAll(c *customer, set *roaring.Bitmap, contacts []uint32, on bool) {
	before := set.GetCardinality()
	if on {
		set.AddMany(contacts)
	} else {
		for _, o := range contacts {
			set.Remove(o)
		}
	}
	d := int64(set.GetCardinality()) - int64(before)
	if d != 0 {
		ix.touchCustomer(c)
	}
	switch {
	case d == 0 || ix.lensDeferred:
	case d == int64(len(contacts)) || d == -int64(len(contacts)):
		sign := int64(1)
		if d < 0 {
			sign = -1
		}
		for _, o := range contacts {
			addLens(&c.lens, ix.contactLens(o), sign, set == c.visible, set == c.full)
		}
	default:
		// Some of the place's contacts were in the set and some not:
		// not what this path expects, so count again.
		ix.recountLens(c)
	}
}

// putContactGrant sets (access "" deletes) a customer_contact_relation
// row.
func (ix *Index) putContactGrant(customerID, contactID int64, access string) {
	c := ix.customer(customerID)
	if l := accessLevel(access); l == accessNone {
		delete(c.contactGrant, contactID)
	} else {
		c.contactGrant[contactID] = l
	}
	relate(&ix.contactCust, contactID, customerID)
	if ord, ok := ix.contactOrd.get(contactID); ok {
		ix.refreshContact(c, ord)
	}
}

// putMapping inserts or replaces a customer_mapping row.
func (ix *Index) putMapping(m pursuit.CustomerMapping) {
	_, replaces := ix.mappings.get(m.CustomerMappingID)
	ix.deleteMapping(m.CustomerMappingID)
	row := mappingRow{customer: m.CustomerID, place: m.PlaceID, contact: m.ContactID, owner: ix.name(m.AccountOwner)}
	ix.mappings.set(m.CustomerMappingID, row)
	c := ix.customer(m.CustomerID)
	switch {
	case m.ContactID != 0:
		c.mapsByContact.relate(m.ContactID, m.CustomerMappingID)
		relate(&ix.contactCust, m.ContactID, m.CustomerID)
	case m.PlaceID != 0:
		c.mapsByPlace.relate(m.PlaceID, m.CustomerMappingID)
		relate(&ix.placeCust, m.PlaceID, m.CustomerID)
	}
	if replaces || !ix.addMapping(c, row) {
		ix.refreshMapping(c, row)
	}
}

// addMapping sets the bits a new mapping adds, when that is all it does:
// a mapping only marks its live target (and a place's contacts) mapped
// and adds its owner, so for a mapping that replaces none the bits are the
// union of the old ones and its own. It reports false, leaving the
// recomputation to refreshMapping, when the target is not live. Every
// mapping of a build takes this path, rather than recomputing each
// contact of a mapped place from all its grants and mappings.
func (ix *Index) addMapping(c *customer, m mappingRow) bool {
	switch {
	case m.contact != 0:
		ord, ok := ix.contactOrd.get(m.contact)
		if !ok || !ix.contacts[ord].alive {
			return false
		}
		c.mapped.Add(ord)
		if m.owner != 0 {
			c.owners.add(ix.names.vals[m.owner].s, ord)
		}
	case m.place != 0:
		ord, ok := ix.placeOrd[m.place]
		if !ok || !ix.places[ord].alive {
			return false
		}
		pd := &ix.places[ord]
		c.placesMapped.Add(ord)
		c.mapped.AddMany(pd.contacts)
		if m.owner != 0 {
			owner := ix.names.vals[m.owner].s
			c.placeOwners.add(owner, ord)
			c.owners.addMany(owner, pd.contacts)
		}
	}
	return true
}

// deleteMapping deletes a customer_mapping row.
func (ix *Index) deleteMapping(id int64) {
	m, ok := ix.mappings.get(id)
	if !ok {
		return
	}
	ix.mappings.delete(id)
	c := ix.customer(m.customer)
	if m.contact != 0 {
		c.mapsByContact.drop(m.contact, id)
	}
	if m.place != 0 {
		c.mapsByPlace.drop(m.place, id)
	}
	ix.refreshMapping(c, m)
}

// refreshMapping recomputes what a mapping row touches.
func (ix *Index) refreshMapping(c *customer, m mappingRow) {
	if m.contact != 0 {
		if ord, ok := ix.contactOrd.get(m.contact); ok {
			ix.refreshContact(c, ord)
		}
	}
	if m.place != 0 {
		if ord, ok := ix.placeOrd[m.place]; ok {
			ix.refreshPlace(c, ord)
			for _, o := range ix.places[ord].contacts {
				ix.refreshContact(c, o)
			}
		}
	}
}

// refreshContact recomputes one contact's bits in a customer's bitmaps
// from the grants and mappings.
func (ix *Index) refreshContact(c *customer, ord uint32) {
	d := &ix.contacts[ord]
	wasMapped := c.mapped.Contains(ord)
	if wasMapped {
		for _, bm := range c.owners {
			bm.Remove(ord)
		}
	}
	if !d.alive {
		ix.setIn(c, c.visible, ord, false)
		ix.setIn(c, c.full, ord, false)
		c.mapped.Remove(ord)
		return
	}
	pid := ix.places[ix.hot[ord].place].p.PlaceID
	l := max(c.contactGrant[d.id], c.placeGrant.at(pid))
	ix.setIn(c, c.visible, ord, l != accessNone)
	ix.setIn(c, c.full, ord, l == accessFull)
	byContact, byPlace := c.mapsByContact.get(d.id), c.mapsByPlace.get(pid)
	setBit(c.mapped, ord, len(byContact)+len(byPlace) > 0)
	for _, ids := range [2][]int64{byContact, byPlace} {
		for _, id := range ids {
			if k := ix.mappings.at(id).owner; k != 0 {
				c.owners.add(ix.names.vals[k].s, ord)
			}
		}
	}
}

// refreshPlace recomputes one place's bits in a customer's place bitmaps.
func (ix *Index) refreshPlace(c *customer, ord uint32) {
	pd := &ix.places[ord]
	if c.placesMapped.Contains(ord) {
		for _, bm := range c.placeOwners {
			bm.Remove(ord)
		}
	}
	pid := pd.p.PlaceID
	ix.setPlace(c, ord, pd.alive && c.placeGrant.at(pid) != accessNone)
	maps := c.mapsByPlace.get(pid)
	setBit(c.placesMapped, ord, pd.alive && len(maps) > 0)
	if !pd.alive {
		return
	}
	for _, id := range maps {
		if k := ix.mappings.at(id).owner; k != 0 {
			c.placeOwners.add(ix.names.vals[k].s, ord)
		}
	}
}

// refreshContactCustomers recomputes a contact's bits for every customer
// with a grant or mapping on it or on the place placeID.
func (ix *Index) refreshContactCustomers(ord uint32, placeID int64) {
	id := ix.contacts[ord].id
	for _, list := range [2][]int64{ix.contactCust.get(id), ix.placeCust.get(placeID)} {
		for _, cid := range list {
			if c := ix.customers[cid]; c != nil {
				ix.refreshContact(c, ord)
			}
		}
	}
}

// refreshPlaceCustomers recomputes a place's bits, and its contacts', for
// every customer with a grant or mapping on it.
func (ix *Index) refreshPlaceCustomers(placeID int64) {
	ord, ok := ix.placeOrd[placeID]
	if !ok {
		return
	}
	for _, cid := range ix.placeCust.get(placeID) {
		if c := ix.customers[cid]; c != nil {
			ix.refreshPlace(c, ord)
		}
	}
}

// access returns a customer's effective access to a contact ordinal.
func (c *customer) access(ord uint32) string {
	if c.full.Contains(ord) {
		return pursuit.AccessFull
	}
	if c.visible.Contains(ord) {
		return pursuit.AccessMasked
	}
	return ""
}
