package search

import (
	"unsafe"

	"github.com/RoaringBitmap/roaring/v2"
)

// MemoryPart is an estimate of the bytes one part of the index holds.
type MemoryPart struct {
	Name string `json:"name"`
	// Bytes is the part's size; OffHeap the share of it outside the Go
	// heap (offheap.go), counted at its length, not its reserved room.
	Bytes   int64 `json:"bytes"`
	OffHeap int64 `json:"off_heap"`
}

// mapBytes estimates a Go map of n entries of k+v bytes each: the slots
// at a 7/8 load plus a control byte each.
func mapBytes(n int, kv uintptr) int64 { return int64(n) * int64(kv+1) * 8 / 7 }

func bitmapBytes(bms ...*roaring.Bitmap) int64 {
	var n int64
	for _, bm := range bms {
		if bm != nil {
			n += int64(bm.GetSizeInBytes()) + 48
		}
	}
	return n
}

func bitmapsBytes(ms ...bitmaps) int64 {
	var n int64
	for _, m := range ms {
		for k, bm := range m {
			n += bitmapBytes(bm) + int64(len(k)) + 24
		}
	}
	return n
}

func (f *field) memory() (total, off int64) {
	for t, bm := range f.big {
		total += bitmapBytes(bm) + int64(len(t)) + 24
	}
	off = f.small.memory()
	for _, c := range f.pool.chunks {
		off += int64(len(c)) * 4
	}
	return total + off, off
}

func (r *rangeIndex) memory() int64 {
	var n int64
	for _, b := range r.buckets {
		n += bitmapBytes(b.bm) + 40
	}
	return n
}

// Memory estimates where the index's bytes go: the documents (contacts,
// their hot copy, the id map), their text, the postings of contacts
// (terms, pools, bitmaps, and the pairs of title and department), the
// filter bitmaps (states, types, departments, vendors, classes, tiers,
// ranges), the places (documents and id map; their lists of contacts,
// tech rows and vendors; their postings and filters), the tech stack
// rows, and per customer the grants, visible and full sets, and mappings.
// Callers hold no lock.
func (ix *Index) Memory() []MemoryPart {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var parts []MemoryPart
	// off is at most bytes: a frozen bitmap's serialised size (freeze.go)
	// may exceed the estimate of its containers.
	add := func(name string, bytes, off int64) { parts = append(parts, MemoryPart{name, bytes, min(off, bytes)}) }

	docs := int64(len(ix.contacts))*int64(unsafe.Sizeof(contactDoc{})) + int64(len(ix.hot))*int64(unsafe.Sizeof(hotDoc{}))
	docs += int64(len(ix.contactOrd.dense)) * 4
	add("documents", docs+mapBytes(len(ix.contactOrd.sparse), 12)+mapBytes(len(ix.updatedAt), 16), docs)
	var text int64
	for _, c := range ix.arena.chunks {
		text += int64(len(c))
	}
	text += ix.arena.dictBytes()
	add("text", text, text)

	var post, postOff int64
	for _, f := range append(ix.fields[:], ix.pairDocs) {
		t, o := f.memory()
		post, postOff = post+t, postOff+o
	}
	add("postings", post, postOff+ix.frozen[frozenPostings])

	filters := bitmapsBytes(ix.states, ix.types, ix.deptKeys, ix.vendors, ix.products, ix.cats)
	filters += bitmapBytes(ix.functions...) + bitmapBytes(ix.seniorities...) + bitmapBytes(ix.emailStatuses...) + bitmapBytes(ix.tiers[:]...)
	filters += bitmapBytes(ix.alive, ix.hasEmail, ix.hasPhone) + ix.pop.memory() + ix.verified.memory()
	add("filters", filters, ix.frozen[frozenFilters])

	places := int64(len(ix.places)) * int64(unsafe.Sizeof(placeDoc{}))
	var placeLists int64
	for i := range ix.places {
		pd := &ix.places[i]
		places += int64(len(pd.p.text))
		placeLists += int64(cap(pd.contacts))*4 + int64(cap(pd.techs))*8 + int64(cap(pd.vendorSpells))*4
		placeLists += int64(cap(pd.vendors)+cap(pd.products)+cap(pd.categories)) * 16
	}
	places += int64(len(ix.placeHot))*int64(unsafe.Sizeof(placeHot{})) + mapBytes(len(ix.placeOrd), 12)
	add("places", places, 0)
	add("place lists", placeLists, 0)
	var pPost, pOff int64
	for _, f := range ix.pfields {
		t, o := f.memory()
		pPost, pOff = pPost+t, pOff+o
	}
	pPost += bitmapsBytes(ix.pstates, ix.ptypes, ix.pvendors, ix.pproducts, ix.pcats) + bitmapBytes(ix.placeAlive) + ix.ppop.memory()
	add("place postings", pPost, pOff+ix.frozen[frozenPlacePostings])
	techs, techsOff := ix.techs.memory()
	add("tech stack", techs, techsOff)

	var grants, grantsOff, sets, maps, mapListsOff int64
	for _, c := range ix.customers {
		pg, pgOff := c.placeGrant.memory()
		grants += pg + mapBytes(len(c.contactGrant), 9)
		grantsOff += pgOff
		sets += bitmapBytes(c.visible, c.full, c.places)
		mapLists := c.mapsByPlace.memory() + c.mapsByContact.memory()
		mapListsOff += mapLists
		maps += mapLists + bitmapBytes(c.mapped, c.placesMapped) + bitmapsBytes(c.owners, c.placeOwners)
	}
	custs := ix.placeCust.memory() + ix.contactCust.memory()
	grants += custs
	grantsOff += custs
	mapRows, mapOff := ix.mappings.memory()
	add("grants", grants, grantsOff)
	add("visible sets", sets, ix.frozen[frozenSets])
	add("mappings", maps+mapRows, mapOff+mapListsOff+ix.frozen[frozenMappings])
	return parts
}
