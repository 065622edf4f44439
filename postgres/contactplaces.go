package postgres

import (
	"slices"
	"sort"
)

// maxContactPlaces bounds how many contacts a Bulk remembers the place of
// (16 bytes each: 72 MiB for the seed's 4.5M contacts). A variable for
// the tests.
var maxContactPlaces = 20_000_000

// contactPlaces remembers the place of every contact one Bulk COPYed as
// new (writeContacts' fresh-load path), so that the grants and mappings
// loaded after them get their contacts' places without probing the
// contacts table: contact_id alone cannot prune contacts' hash partitions
// on place_id, so each probe is one index look-up per partition (16), and
// it was done twice per row (the place column, then the parent's lock).
//
// The contacts are this transaction's own inserts: no other transaction
// sees them, so none can delete or move them, and their locks are held
// already. Within the Bulk, a contact write that is not all-new (it may
// move a contact to another place) switches the record off for good;
// Bulk deletes nothing.
type contactPlaces struct {
	// ids are sorted; places[i] is the place of ids[i]. Each batch
	// appended has ids above all earlier ones (writeContacts' allNew).
	ids, places []int64
	off         bool
}

// add records a batch of new contacts; every id is above the recorded
// ones. Past maxContactPlaces the record switches off.
func (c *contactPlaces) add(ids, places []int64) {
	if c.off {
		return
	}
	if len(c.ids)+len(ids) > maxContactPlaces {
		c.disable()
		return
	}
	n := len(c.ids)
	c.ids = append(c.ids, ids...)
	c.places = append(c.places, places...)
	if !slices.IsSorted(c.ids[n:]) {
		sort.Sort(byID{c.ids[n:], c.places[n:]})
	}
	if n > 0 && c.ids[n] <= c.ids[n-1] {
		// Not above the earlier batches after all: give up rather than
		// keep a record that binary search cannot trust.
		c.disable()
	}
}

// disable forgets the record and stops recording.
func (c *contactPlaces) disable() {
	c.ids, c.places, c.off = nil, nil, true
}

// place returns the recorded place of contact id.
func (c *contactPlaces) place(id int64) (int64, bool) {
	if c.off {
		return 0, false
	}
	i, ok := slices.BinarySearch(c.ids, id)
	if !ok {
		return 0, false
	}
	return c.places[i], true
}

// byID sorts ids and places together by id.
type byID struct{ ids, places []int64 }

func (b byID) Len() int           { return len(b.ids) }
func (b byID) Less(i, j int) bool { return b.ids[i] < b.ids[j] }
func (b byID) Swap(i, j int) {
	b.ids[i], b.ids[j] = b.ids[j], b.ids[i]
	b.places[i], b.places[j] = b.places[j], b.places[i]
}
