package search

import (
	"bufio"
	"bytes"
	"runtime"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// The roaring bitmaps' containers — the big terms' postings, the filters,
// the customers' sets, the place postings: over 120 MiB at the seed's
// scale — are moved out of the Go heap after a build and after a snapshot
// load (freezeBitmaps): each bitmap is serialised into one off-heap slab
// and read back with roaring's FromBuffer, which makes its containers
// views of the slab, marked copy-on-write. The heap keeps only the
// bitmaps' small headers. A bitmap changed later (Follow) copies the
// container it changes to the heap, so the slab is never written after
// the freeze; it is unmapped only when the index is unreachable.
//
// The point is the collector's headroom: the Go heap grows to twice its
// live size between cycles (GOGC=100), so every live byte on the heap
// costs about two of resident memory under load, and one off it.

// bitmap groups, the Memory parts their off-heap bytes are counted in.
const (
	frozenPostings = iota
	frozenFilters
	frozenPlacePostings
	frozenSets
	frozenMappings
	numFrozen
)

// eachBitmap calls fn with every bitmap of the index and its group.
// Callers hold the write lock (or the index is not yet published).
func (ix *Index) eachBitmap(fn func(group int, bm *roaring.Bitmap)) {
	all := func(g int, m map[string]*roaring.Bitmap) {
		for _, bm := range m {
			fn(g, bm)
		}
	}
	for _, f := range append(ix.fields[:], ix.pairDocs) {
		all(frozenPostings, f.big)
	}
	for _, m := range []bitmaps{ix.states, ix.types, ix.deptKeys, ix.vendors, ix.products, ix.cats} {
		all(frozenFilters, m)
	}
	for _, l := range [][]*roaring.Bitmap{ix.functions, ix.seniorities, ix.emailStatuses, ix.tiers[:]} {
		for _, bm := range l {
			fn(frozenFilters, bm)
		}
	}
	fn(frozenFilters, ix.alive)
	fn(frozenFilters, ix.hasEmail)
	fn(frozenFilters, ix.hasPhone)
	for _, r := range []*rangeIndex{ix.pop, ix.verified} {
		for _, b := range r.buckets {
			fn(frozenFilters, b.bm)
		}
	}
	for _, f := range ix.pfields {
		all(frozenPlacePostings, f.big)
	}
	for _, m := range []bitmaps{ix.pstates, ix.ptypes, ix.pvendors, ix.pproducts, ix.pcats} {
		all(frozenPlacePostings, m)
	}
	fn(frozenPlacePostings, ix.placeAlive)
	for _, b := range ix.ppop.buckets {
		fn(frozenPlacePostings, b.bm)
	}
	for _, c := range ix.customers {
		fn(frozenSets, c.visible)
		fn(frozenSets, c.full)
		fn(frozenSets, c.places)
		fn(frozenMappings, c.mapped)
		fn(frozenMappings, c.placesMapped)
		all(frozenMappings, c.owners)
		all(frozenMappings, c.placeOwners)
	}
}

// frozenMin is the smallest serialised bitmap freezeBitmaps moves: below
// it the header the heap keeps anyway is most of the bitmap.
const frozenMin = 64

// freezeBitmaps moves the containers of every bitmap of at least
// frozenMin serialised bytes into one off-heap slab (see above). Callers
// hold the write lock, or the index is not yet published. Bitmaps derived
// before (cached unions) keep the heap containers they share.
func (ix *Index) freezeBitmaps() {
	type item struct {
		bm    *roaring.Bitmap
		group int
		size  int
	}
	var items []item
	total := 0
	ix.eachBitmap(func(g int, bm *roaring.Bitmap) {
		if bm == nil {
			return
		}
		n := int(bm.GetSerializedSizeInBytes())
		if n < frozenMin {
			return
		}
		items = append(items, item{bm, g, n})
		total += (n + 7) &^ 7 // containers of 64-bit words stay aligned
	})
	if total == 0 {
		return
	}
	slab := offheap[byte](total, total)
	var sizes [numFrozen]int64
	off := 0
	for _, it := range items {
		buf := slab[off : off+it.size : off+it.size]
		w := sliceWriter{buf: buf[:0]}
		if _, err := it.bm.WriteTo(&w); err != nil || len(w.buf) != it.size {
			continue // cannot happen: the size was just computed
		}
		if _, err := it.bm.FromBuffer(buf); err != nil {
			panic("search: freezeBitmaps: " + err.Error()) // it was just written
		}
		sizes[it.group] += int64(it.size)
		off += (it.size + 7) &^ 7
	}
	for g := range sizes {
		ix.frozen[g] += sizes[g]
	}
	if ix.frozenSlabs == nil {
		// Bitmaps (and unions made of them) alias the slabs until the
		// index is unreachable. The list is an object of its own: the
		// cleanup must not keep the index reachable.
		ix.frozenSlabs = new([][]byte)
		runtime.AddCleanup(ix, func(s *[][]byte) {
			for _, b := range *s {
				offheapFree(b)
			}
		}, ix.frozenSlabs)
	}
	*ix.frozenSlabs = append(*ix.frozenSlabs, slab)
}

// sliceWriter appends to buf without growing it past its capacity.
type sliceWriter struct{ buf []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	if len(w.buf)+len(p) > cap(w.buf) {
		return 0, errSliceFull
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

type sliceFullError struct{}

func (sliceFullError) Error() string { return "slice full" }

var errSliceFull error = sliceFullError{}

// relaidSections are the sections whose layout after a build is bigger
// than after a load: places (their strings and lists, carved from
// off-heap slabs by the decoder), place postings, customers (grant maps
// sized for their rows, per-row lists from slabs) and the per-row
// customer lists.
var relaidSections = map[string]bool{"places": true, "place postings": true, "customers": true, "relations": true}

// relayout gives a built index the layout of a loaded one: it encodes
// the relaidSections and decodes them again, as LoadSnapshot would, in
// place of what the build made (garbage then, which the caller frees).
// Callers hold the write lock. A section that does not decode again
// (cannot happen: it was just written) is left as the build made it.
func (ix *Index) relayout() {
	// One off-heap buffer for every section (the decoders copy what they
	// keep), unmapped at the end: on the Go heap a bytes.Buffer grew by
	// doubling to 128 MiB for the places' 88 MB, all of it zeroed, faulted
	// in and left to the collector.
	var buf offBuf
	defer buf.free()
	for i, sec := range ix.sections() {
		if !relaidSections[sec.name] {
			continue
		}
		buf.b = buf.b[:0]
		bw := bufio.NewWriterSize(&buf, 1<<16)
		e := &snapWriter{w: bw}
		sec.enc(e)
		e.u64(snapSectionMark ^ uint64(i))
		if e.err != nil || bw.Flush() != nil {
			continue
		}
		b := buf.b
		saved := ix.relaid()
		d := newSnapReader(b, bytes.NewReader(b), 0, len(b))
		if err := decodeSection(sec, i, d, e.crc); err != nil {
			ix.log.Error("search index: relayout", "section", sec.name, "err", err)
			saved.restore(ix)
			for _, free := range d.allocs {
				free()
			}
			continue
		}
		if sec.name == "customers" {
			// The build's grant tables are off the heap: unmap them.
			for _, c := range saved.customers {
				offheapFree(c.placeGrant.dense)
				offheapFree(c.placeGrant.has)
				c.mapsByPlace.free()
				c.mapsByContact.free()
			}
		}
		if sec.name == "relations" {
			saved.placeCust.free()
			saved.contactCust.free()
		}
	}
}

// offBuf is an io.Writer appending to an off-heap slice, which moves to
// a mapping twice as big when it is full.
type offBuf struct{ b []byte }

func (w *offBuf) Write(p []byte) (int, error) {
	if len(w.b)+len(p) > cap(w.b) {
		nb := offheap[byte](len(w.b), max(2*cap(w.b), len(w.b)+len(p), 1<<20))
		copy(nb, w.b)
		offheapFree(w.b)
		w.b = nb
	}
	w.b = append(w.b, p...)
	return len(p), nil
}

func (w *offBuf) free() {
	offheapFree(w.b)
	w.b = nil
}

// relaidState is what the relaidSections' decoders replace.
type relaidState struct {
	places                               []placeDoc
	placeOrd                             map[int64]uint32
	placeAlive                           *roaring.Bitmap
	placeHot                             []placeHot
	pfields                              [numPlaceFields]*field
	pstates, ptypes, pvendors, pproducts bitmaps
	pcats                                bitmaps
	customers                            map[int64]*customer
	placeCust, contactCust               custLists
	version                              int64
}

func (ix *Index) relaid() relaidState {
	return relaidState{ix.places, ix.placeOrd, ix.placeAlive, slices.Clone(ix.placeHot), ix.pfields,
		ix.pstates, ix.ptypes, ix.pvendors, ix.pproducts, ix.pcats, ix.customers, ix.placeCust, ix.contactCust, ix.version}
}

func (s relaidState) restore(ix *Index) {
	ix.places, ix.placeOrd, ix.placeAlive, ix.placeHot, ix.pfields = s.places, s.placeOrd, s.placeAlive, s.placeHot, s.pfields
	ix.pstates, ix.ptypes, ix.pvendors, ix.pproducts, ix.pcats = s.pstates, s.ptypes, s.pvendors, s.pproducts, s.pcats
	ix.customers, ix.placeCust, ix.contactCust, ix.version = s.customers, s.placeCust, s.contactCust, s.version
}
