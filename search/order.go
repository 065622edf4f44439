package search

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
)

// rankOrder lists every contact by (title, department) pair, and within a
// pair by static score, highest first: what rankByOrder walks to rank a
// big result by its best contacts only. A contact's text score, unless its
// name or email holds a query term, is its pair's; so a pair's contacts
// come in the order of their scores, and the best of all pairs' next
// contacts is the best contact left. It is derived from the index (pairDocs
// and the hot documents), built when first wanted (buildOrder), and not
// kept in the snapshot.
//
// The index changes under it: every contact the writers add again (an
// insert, an update, a move, a place's change of population) is put in
// dirty, and rankByOrder scores the dirty contacts of a result outright
// and skips them in the order, where they may stand at a stale place or
// pair. A contact removed is simply not in any result. Once dirty holds
// more than orderDirtyMax contacts the order is dropped, and built again
// when next wanted.
type rankOrder struct {
	pairs  []orderPair
	order  []uint32  // each pair's contacts, pairs[i].start to pairs[i].end
	static []float32 // their static scores when the order was built
	dirty  *roaring.Bitmap
	// titleTerms and deptTerms list, by term, the titles and departments
	// of the pairs that hold it: a query scores only those (the others
	// score 0).
	titleTerms, deptTerms map[string][]uint32
}

type orderPair struct {
	title, dept uint32
	start, end  uint32
	top         float32 // the first contact's static score: the pair's highest
}

// orderDirtyMax is how many changed contacts the order tolerates before
// it is built again: they are scored outright by every search using it.
const orderDirtyMax = 20000

// orderMin is the default result size from which a text search ranks by
// the order (rankByOrder) rather than scoring every contact of it.
// Index.orderMin holds the one in use; tests lower it.
const orderMin = 6000

// orderedFloat maps a float32 to a uint32 of the same order.
func orderedFloat(f float32) uint32 {
	b := math.Float32bits(f)
	if b&(1<<31) != 0 {
		return ^b
	}
	return b | 1<<31
}

// orderDraft is what buildOrder reads from the index under the read
// lock: each pair's contacts with their static scores, as sort keys, and
// the terms of the pairs' titles and departments. Sorting it into the
// order needs no lock.
type orderDraft struct {
	pairs                 []orderPair // start and end index keys
	keys                  []uint64    // ^orderedFloat(static)<<32 | ordinal
	titleTerms, deptTerms map[string][]uint32
	mapped                []uint64 // the off-heap array keys started in
}

// free unmaps the draft's keys (keys may have moved to the heap if more
// contacts than alive were listed, which does not happen).
func (dr *orderDraft) free() {
	offheapFree(dr.mapped)
	dr.keys, dr.mapped = nil, nil
}

// draftOrder reads the draft of a rank order. Callers hold ix.mu (for
// reading at least).
//
// The keys are off the Go heap (36 MB at the seed's scale that would
// otherwise be garbage the heap grows by): the caller frees them with
// dr.free once sorted.
func (ix *Index) draftOrder() *orderDraft {
	n := int(ix.alive.GetCardinality())
	dr := &orderDraft{keys: offheap[uint64](0, n)}
	dr.mapped = dr.keys
	add := func(o uint32) {
		dr.keys = append(dr.keys, uint64(^orderedFloat(ix.hot[o].static))<<32|uint64(o))
	}
	pair := func(k string) {
		if n := uint32(len(dr.keys)); len(dr.pairs) > 0 && dr.pairs[len(dr.pairs)-1].end == 0 {
			dr.pairs[len(dr.pairs)-1].end = n
		}
		if k == "" {
			return
		}
		t := uint32(k[0]) | uint32(k[1])<<8 | uint32(k[2])<<16 | uint32(k[3])<<24
		d := uint32(k[4]) | uint32(k[5])<<8 | uint32(k[6])<<16 | uint32(k[7])<<24
		dr.pairs = append(dr.pairs, orderPair{title: t, dept: d, start: uint32(len(dr.keys))})
	}
	f := ix.pairDocs
	for k, l := range f.small.all() {
		if len(k) != 8 {
			continue
		}
		pair(k)
		for _, o := range f.list(&l) {
			add(o)
		}
	}
	for k, bm := range f.big {
		if len(k) != 8 {
			continue
		}
		pair(k)
		eachOrd(bm, add)
	}
	pair("")
	dr.titleTerms, dr.deptTerms = map[string][]uint32{}, map[string][]uint32{}
	seenT, seenD := map[uint32]bool{}, map[uint32]bool{}
	for _, pr := range dr.pairs {
		if !seenT[pr.title] {
			seenT[pr.title] = true
			for _, tt := range ix.titles.vals[pr.title].terms {
				dr.titleTerms[tt.term] = append(dr.titleTerms[tt.term], pr.title)
			}
		}
		if !seenD[pr.dept] {
			seenD[pr.dept] = true
			for _, tt := range ix.depts.vals[pr.dept].terms {
				dr.deptTerms[tt.term] = append(dr.deptTerms[tt.term], pr.dept)
			}
		}
	}
	return dr
}

// sort turns the draft into a rank order (no lock needed: it reads only
// the draft).
//
// The order and its scores (8 bytes a contact) live off the Go heap
// (offheap.go), unmapped when the order is unreachable: its readers keep
// it alive (runtime.KeepAlive) while they read its arrays.
func (dr *orderDraft) sort() *rankOrder {
	n := len(dr.keys)
	ro := &rankOrder{dirty: roaring.New(), titleTerms: dr.titleTerms, deptTerms: dr.deptTerms,
		order: offheap[uint32](n, n), static: offheap[float32](n, n)}
	runtime.AddCleanup(ro, func(a orderArrays) {
		offheapFree(a.order)
		offheapFree(a.static)
	}, orderArrays{ro.order, ro.static})
	for _, pr := range dr.pairs {
		keys := dr.keys[pr.start:pr.end]
		if len(keys) == 0 {
			continue
		}
		slices.Sort(keys)
		for i, key := range keys {
			ro.order[int(pr.start)+i] = uint32(key)
			ro.static[int(pr.start)+i] = fromOrderedFloat(^uint32(key >> 32))
		}
		pr.top = ro.static[pr.start]
		ro.pairs = append(ro.pairs, pr)
	}
	return ro
}

// orderArrays are a rank order's off-heap arrays, for its cleanup.
type orderArrays struct {
	order  []uint32
	static []float32
}

// fromOrderedFloat inverts orderedFloat.
func fromOrderedFloat(u uint32) float32 {
	if u&(1<<31) != 0 {
		return math.Float32frombits(u &^ (1 << 31))
	}
	return math.Float32frombits(^u)
}

// buildOrder builds the rank order from the index as it is, and installs
// it. The index is read under the read lock, the draft sorted with no
// lock held (most of the work: a waiting writer would hold every search
// up meanwhile), and the order installed under the read lock again, with
// the contacts the writers added again in between (ix.orderPending) as
// its dirty ones. Callers hold no lock; one build runs at a time
// (orderBuilding).
func (ix *Index) buildOrder() {
	ix.mu.RLock()
	dr := ix.draftOrder()
	ix.orderPending = roaring.New()
	ix.mu.RUnlock()
	ro := dr.sort()
	dr.free()
	if ix.orderSorted != nil {
		ix.orderSorted()
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	ro.dirty, ix.orderPending = ix.orderPending, nil
	if ro.dirty.GetCardinality() <= ix.orderDirtyMax {
		ix.order.Store(ro)
	}
}

// markDirty records that the writers added the contacts ords again.
// Callers hold ix.mu for writing.
func (ix *Index) markDirty(ords []uint32) {
	if ix.orderPending != nil {
		ix.orderPending.AddMany(ords)
	}
	ro := ix.order.Load()
	if ro == nil {
		return
	}
	ro.dirty.AddMany(ords)
	if ro.dirty.GetCardinality() > ix.orderDirtyMax {
		ix.order.Store(nil)
	}
}

// rankOrderFor returns the rank order when it is built; otherwise it
// starts building it (once, on a goroutine of its own) and returns nil.
// Callers hold ix.mu for reading.
func (ix *Index) rankOrderFor() *rankOrder {
	if ro := ix.order.Load(); ro != nil {
		return ro
	}
	if ix.orderBuilding.CompareAndSwap(false, true) {
		go func() {
			defer ix.orderBuilding.Store(false)
			ix.buildOrder()
		}()
	}
	return nil
}

// PrepareRanking builds what ranking a big result needs (the rank order)
// now, rather than on a goroutine when the first search wants it. Callers
// hold no lock of the index.
func (ix *Index) PrepareRanking() {
	for !ix.orderBuilding.CompareAndSwap(false, true) {
		time.Sleep(time.Millisecond) // a search started a build: wait for it
	}
	defer ix.orderBuilding.Store(false)
	if ix.order.Load() == nil {
		ix.buildOrder()
	}
}

// orderCursor is a pair's place in the order during rankByOrder.
type orderCursor struct {
	bound float64 // no contact of the pair from pos on scores more
	text  float64 // the pair's text score
	pos   uint32
	end   uint32
}

// orderHeap is a max-heap of cursors by bound.
type orderHeap []orderCursor

func (h orderHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r].bound > h[l].bound {
			m = r
		}
		if h[m].bound <= h[i].bound {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h orderHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// orderChunk is how many contacts of a pair rankByOrder takes at a time.
const orderChunk = 32

// denseBufs are the flat bit arrays of rankByOrder's results, pooled.
var denseBufs sync.Pool

// rankByOrder ranks r, a big result, by its best contacts only: those with
// a name or email match (named) and the dirty ones outright, then the
// others by the order, pair by pair, always taking the next contacts of
// the pair whose score plus static score bounds the rest highest, until
// the page's worst beats every bound. r is written out as a flat bit
// array first, so that whether a contact of the order is in it is one
// load. It gives up (false) after looking at budget contacts of the
// order, when r holds few of the contacts the order lists first (a narrow
// filter); the caller then scores every contact.
func (ix *Index) rankByOrder(ro *rankOrder, r *roaring.Bitmap, p *plan, s *scorer, named *roaring.Bitmap, top *topK, budget int) bool {
	score := func(o uint32, h *hotDoc) float64 {
		return s.interned(s.titleS, ix.titles, fTitle, h.title) + s.interned(s.deptS, ix.depts, fDept, h.dept) + float64(h.static)
	}
	defer runtime.KeepAlive(ro) // its arrays are off the heap (sort)
	// Whether a contact of the order is in r (and neither named nor
	// dirty, which are scored outright): asked of the bitmaps while the
	// walk is short (a few hundred contacts over a nationwide grant),
	// and of a flat bit array of r, written out once the walk has asked
	// as many times as writing it costs (it is as big as the index: 560
	// kB at the seed's scale, and cleared again after).
	words := int(r.DenseSize())
	var dense []uint64
	var outright *roaring.Bitmap // dirty contacts of r scored outright
	asked, denseAfter := 0, words/32
	if ix.orderAsk != 0 {
		denseAfter = ix.orderAsk
	}
	defer func() {
		if dense != nil {
			clear(dense)
			denseBufs.Put(&dense)
		}
	}()
	in := func(o uint32) bool {
		if dense == nil {
			if asked++; asked <= denseAfter {
				return r.Contains(o) && (named == nil || !named.Contains(o)) && (outright == nil || !outright.Contains(o))
			}
			if v, ok := denseBufs.Get().(*[]uint64); ok && cap(*v) >= words {
				dense = (*v)[:words]
			} else {
				dense = make([]uint64, words)
			}
			r.WriteDenseTo(dense)
			unset := func(o uint32) { dense[o>>6] &^= 1 << (o & 63) }
			for _, x := range []*roaring.Bitmap{named, outright} {
				if x != nil {
					it := x.Iterator()
					for it.HasNext() {
						unset(it.Next())
					}
				}
			}
		}
		return int(o>>6) < words && dense[o>>6]&(1<<(o&63)) != 0
	}
	if named != nil {
		eachHot(ix, named, func(o uint32, h *hotDoc) {
			ix.offer(top, p.cursor, o, score(o, h)+s.nameEmail(o, h))
		})
	}
	if !ro.dirty.IsEmpty() {
		x := roaring.And(r, ro.dirty)
		if named != nil {
			x.AndNot(named)
		}
		eachHot(ix, x, func(o uint32, h *hotDoc) {
			ix.offer(top, p.cursor, o, score(o, h))
		})
		outright = x
	}
	// Score the titles and departments that hold a query term; every
	// other one scores 0 (interned's sum over no term), and is left NaN
	// in the scorer's caches.
	for _, ft := range s.terms {
		switch ft.f {
		case fTitle:
			for _, id := range ro.titleTerms[ft.term] {
				s.interned(s.titleS, ix.titles, fTitle, id)
			}
		case fDept:
			for _, id := range ro.deptTerms[ft.term] {
				s.interned(s.deptS, ix.depts, fDept, id)
			}
		}
	}
	known := func(v float32) float64 {
		if v != v {
			return 0
		}
		return float64(v)
	}
	// Only the pairs with a text score go in the heap: a pair without
	// one (no query term in its title or department) has contacts in r
	// only through a name or email match (named, scored above) unless a
	// field weight is 0 or less; rest bounds them all, and the walk gives
	// up if it ever has to look past it.
	hp := make(orderHeap, 0, 256)
	rest := math.Inf(-1)
	for i := range ro.pairs {
		pr := &ro.pairs[i]
		text := known(s.titleS[pr.title]) + known(s.deptS[pr.dept])
		if text <= 0 {
			rest = max(rest, text+float64(pr.top))
			continue
		}
		hp = append(hp, orderCursor{bound: text + float64(pr.top), text: text, pos: pr.start, end: pr.end})
	}
	hp.init()
	for {
		if top.full() && (len(hp) == 0 || hp[0].bound < top.h[0].score) && rest < top.h[0].score {
			return true // no contact left can enter
		}
		if len(hp) == 0 || hp[0].bound < rest {
			return false // the pairs without a text score could
		}
		c := &hp[0]
		end := min(c.pos+orderChunk, c.end)
		budget -= int(end - c.pos)
		for i := c.pos; i < end; i++ {
			// Dead, filtered out, named and dirty contacts are not
			// in; the others' static scores are those they were
			// ordered by.
			if o := ro.order[i]; in(o) {
				ix.offer(top, p.cursor, o, c.text+float64(ro.static[i]))
			}
		}
		if budget < 0 {
			return false
		}
		c.bound = c.text + float64(ro.static[end-1])
		c.pos = end
		if c.pos == c.end {
			hp[0] = hp[len(hp)-1]
			hp = hp[:len(hp)-1]
		}
		hp.down(0)
	}
}

// eachHot calls fn for every ordinal of bm with a copy of its hot
// document, in batches whose copies are made first (see rankContacts).
func eachHot(ix *Index, bm *roaring.Bitmap, fn func(uint32, *hotDoc)) {
	buf := ordBufs.Get().(*[512]uint32)
	defer ordBufs.Put(buf)
	hb := hotBufs.Get().(*[512]hotDoc)
	defer hotBufs.Put(hb)
	it := bm.ManyIterator()
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			return
		}
		for i, o := range buf[:n] {
			hb[i] = ix.hot[o]
		}
		for i, o := range buf[:n] {
			fn(o, &hb[i])
		}
	}
}
