package search

import (
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/titles"
)

// facetCache keeps the facets of searches, kept across changes of the
// index. An entry holds the raw counts (facetCounts, by interned value)
// of a set of contacts and that set itself, private to the entry. It is
// found by one of two keys:
//
//   - a bitmap of the index that was a search's result — a customer's
//     visible set (a search with neither filter nor text), a term's own
//     bitmap (a word every contact of which the customer sees), a
//     filter's bitmap for a customer who sees everything;
//   - a customer and normalised request (requestKey), for any result.
//
// The counts are exact for the entry's set whatever changed since: every
// batch of changes notes the contacts whose facet values (place, and so
// state, type and vendors; department; class; email status) it changes,
// with their values before it (facetJournal), and an entry catches up
// with the batches since it was counted by taking those contacts out of
// its set and their old values out of its counts (catchUp). A search
// then needs only the difference between the entry's set and its own
// result: the contacts that left it (membership changes — grants,
// masking, text — with values unchanged) are subtracted and those that
// came in added, counted with today's values. So a change of one contact
// costs the next search of a cached request a few microseconds, where
// the cache used to be emptied by every batch. Within one index version
// the same key is the same set, so nothing is compared at all.
type facetCache struct {
	mu       sync.Mutex
	byBitmap map[*roaring.Bitmap]*facetEntry
	byReq    map[requestKey]*facetEntry
	bytes    uint64 // the entries' sets' sizes, and the bitmap keys'
	// journals are the last batches' facet changes, oldest first;
	// cur is the batch being applied.
	journals []*facetJournal
	cur      *facetJournal
	// carried counts the searches answered from an entry counted at an
	// older version of the index (tests check the path is taken).
	carried atomic.Int64
	// reused counts the searches whose result was an entry's set.
	reused atomic.Int64
}

// requestKey names a search's result set: the customer and the hash of
// the normalised request (plan.hash: the analysed clauses and every
// filter, not the page). Within one version of the index, the same key
// is the same set, seen by the same customer. The customer is part of the
// key: two customers' results of one request differ by their grants,
// masking (which emails match) and statistics.
type requestKey struct {
	customer int64
	hash     [32]byte
}

// facetEntry is the counts of a set of contacts.
type facetEntry struct {
	mu      sync.Mutex
	set     *roaring.Bitmap // private to the entry
	counts  *facetCounts
	version int64  // the index version the counts are of
	checked int64  // set is the key's result at this version (-1: unknown)
	bytes   uint64 // set's size, under facetCache.mu
	// keyBytes is the size of a byBitmap entry's key: the key keeps its
	// bitmap alive, also once no search can produce it again.
	keyBytes uint64
	gone     bool                        // out of the cache (under facetCache.mu)
	memo     map[int]map[string][]Bucket // facets by facet size, of set at checked
}

// facetJournal is what one batch of changes changed in the facet values
// of contacts: the first value each changed contact had in the batch.
type facetJournal struct {
	version  int64 // the index version the batch made
	ords     *roaring.Bitmap
	old      map[uint32]facetAttrs
	overflow bool // too many to note: entries older than the batch are dropped
}

// facetAttrs is what a contact counts in the facets.
type facetAttrs struct {
	place placeHot // vendorSpells copied
	dept  uint32
	class uint8
	email uint8
}

const (
	facetCacheSize  = 2048     // entries of each key kind
	facetCacheBytes = 32 << 20 // the entries' sets, at most (on the Go heap, so doubled by the collector's headroom: issue 15 goal 3)
	facetJournals   = 64       // batches an entry can catch up with
	facetJournalMax = 1 << 18  // contacts a batch's journal notes
)

// begin starts noting a batch's facet changes. Callers hold ix.mu for
// writing.
func (c *facetCache) begin(ix *Index) {
	c.cur = &facetJournal{}
}

// note records the facet values of contacts about to change (the
// writers call it before they take the contacts out: indexContactsPlace
// removing). Only the first note of a contact in a batch counts: it holds
// the value the contact had before the batch.
func (c *facetCache) note(ix *Index, ords []uint32) {
	j := c.cur
	if j == nil || j.overflow || len(c.byBitmap)+len(c.byReq) == 0 {
		return
	}
	if j.old == nil {
		j.ords, j.old = roaring.New(), map[uint32]facetAttrs{}
	}
	for _, o := range ords {
		if _, ok := j.old[o]; ok {
			continue
		}
		if len(j.old) >= facetJournalMax {
			j.overflow = true
			return
		}
		h := &ix.hot[o]
		a := facetAttrs{place: ix.placeHot[h.place], dept: h.dept, class: h.class, email: h.email}
		a.place.vendorSpells = slices.Clone(a.place.vendorSpells)
		j.old[o] = a
		j.ords.Add(o)
	}
}

// end closes the batch, which made the index's version. Callers hold
// ix.mu for writing.
func (c *facetCache) end(version int64) {
	j := c.cur
	c.cur = nil
	if j == nil {
		j = &facetJournal{}
	}
	j.version = version
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byBitmap)+len(c.byReq) == 0 {
		c.journals = c.journals[:0]
		return
	}
	if len(c.journals) == facetJournals {
		c.journals = slices.Delete(c.journals, 0, 1)
	}
	c.journals = append(c.journals, j)
}

// catchUp applies to e the journals of the batches since its counts,
// up to version; false when e is too old to (it is then dropped). Callers
// hold e.mu and ix.mu for reading.
func (c *facetCache) catchUp(ix *Index, e *facetEntry, version int64) bool {
	if e.version == version {
		return true
	}
	c.mu.Lock()
	js := c.journals
	c.mu.Unlock()
	i := 0
	for i < len(js) && js[i].version <= e.version {
		i++
	}
	if i == len(js) || js[i].version != e.version+1 || js[len(js)-1].version != version {
		return false
	}
	for _, j := range js[i:] {
		if j.overflow {
			return false
		}
		if j.ords == nil || !e.set.Intersects(j.ords) {
			continue
		}
		x := roaring.And(e.set, j.ords)
		if e.counts != nil {
			eachOrd(x, func(o uint32) { e.counts.addAttrs(j.old[o], -1) })
		}
		// A new set: searches of the entry's version may read the old
		// one as their result (resultOf).
		c.resize(e, roaring.AndNot(e.set, x))
		e.memo = nil
	}
	e.version = version
	return true
}

// facetsFor returns the facets of r (a search's result), with n buckets
// of the top-n facets, from the cache entry of bm (a bitmap of the index
// that r is) or of k; nil when there is none or it holds no counts. The
// entry is brought up to date with r (refresh). Callers hold ix.mu for
// reading.
func (ix *Index) facetsFor(bm *roaring.Bitmap, k requestKey, r *roaring.Bitmap, n int) map[string][]Bucket {
	e := ix.refresh(bm, k, r)
	if e == nil {
		return nil
	}
	defer e.mu.Unlock()
	if e.counts == nil {
		return nil
	}
	f := e.memo[n]
	if f == nil {
		f = ix.facetsOf(e.counts, n)
		if e.memo == nil {
			e.memo = map[int]map[string][]Bucket{}
		}
		e.memo[n] = f
	}
	// The buckets are shared and only read; the map is the caller's.
	return maps.Clone(f)
}

// refresh returns the entry of bm or k, locked, with its set made r and
// its counts (when it has any) r's: caught up with the batches since it
// was counted, then the difference with r subtracted and added. nil when
// there is no entry (or it was too old). Callers hold ix.mu for reading,
// and unlock the entry.
func (ix *Index) refresh(bm *roaring.Bitmap, k requestKey, r *roaring.Bitmap) *facetEntry {
	c := &ix.facets
	c.mu.Lock()
	var e *facetEntry
	if bm != nil {
		e = c.byBitmap[bm]
	} else {
		e = c.byReq[k]
	}
	c.mu.Unlock()
	if e == nil {
		return nil
	}
	e.mu.Lock()
	if e.version != ix.version {
		c.carried.Add(1)
	}
	if !c.catchUp(ix, e, ix.version) {
		e.mu.Unlock()
		c.drop(bm, k, e)
		return nil
	}
	if e.checked != ix.version {
		if e.set != r {
			sub, add := roaring.AndNot(e.set, r), roaring.AndNot(r, e.set)
			if !sub.IsEmpty() || !add.IsEmpty() {
				if e.counts != nil {
					e.counts.add(ix.contactCounts(sub), -1)
					e.counts.add(ix.contactCounts(add), 1)
				}
				// The search goes on reading r: the entry takes a copy.
				c.resize(e, r.Clone())
				e.memo = nil
			}
		}
		e.checked = ix.version
	}
	return e
}

// resultOf returns the result of the search k at the index's version
// when its entry holds it (the same key in one version is the same set),
// nil otherwise; read only. Callers hold ix.mu for reading.
func (ix *Index) resultOf(k requestKey) *roaring.Bitmap {
	c := &ix.facets
	c.mu.Lock()
	e := c.byReq[k]
	c.mu.Unlock()
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.checked != ix.version {
		return nil
	}
	c.reused.Add(1)
	return e.set
}

// keepFacets caches the counts of r, a search's result at the index's
// version (r is taken when owned, copied otherwise), under bm or k.
// Callers hold ix.mu for reading.
func (ix *Index) keepFacets(bm *roaring.Bitmap, k requestKey, r *roaring.Bitmap, owned bool, counts *facetCounts) {
	if e := ix.refresh(bm, k, r); e != nil {
		// An entry of the request without counts (a search without
		// facets), now r's set: it takes the counts.
		if e.counts == nil {
			e.counts, e.memo = counts, nil
		}
		e.mu.Unlock()
		return
	}
	if !owned {
		r = r.Clone()
	}
	e := &facetEntry{set: r, counts: counts, version: ix.version, checked: ix.version}
	c := &ix.facets
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byBitmap == nil {
		c.byBitmap = map[*roaring.Bitmap]*facetEntry{}
	}
	if c.byReq == nil {
		c.byReq = map[requestKey]*facetEntry{}
	}
	var old *facetEntry
	if bm != nil {
		old = c.byBitmap[bm]
		if old == nil && len(c.byBitmap) >= facetCacheSize {
			c.evict(true)
		}
		c.byBitmap[bm] = e
	} else {
		old = c.byReq[k]
		if old == nil && len(c.byReq) >= facetCacheSize {
			c.evict(false)
		}
		c.byReq[k] = e
	}
	if old != nil {
		c.bytes -= old.bytes + old.keyBytes
		old.gone = true
	}
	e.bytes = r.GetSizeInBytes() // e is not shared yet
	if bm != nil {
		e.keyBytes = bm.GetSizeInBytes()
	}
	c.bytes += e.bytes + e.keyBytes
	for c.bytes > facetCacheBytes && len(c.byBitmap)+len(c.byReq) > 1 {
		c.evict(len(c.byBitmap) > len(c.byReq))
	}
}

// evict drops a random entry of one kind. Callers hold c.mu.
func (c *facetCache) evict(bitmapKeys bool) {
	if bitmapKeys {
		for k, e := range c.byBitmap {
			delete(c.byBitmap, k)
			c.bytes -= e.bytes + e.keyBytes
			e.gone = true
			return
		}
	}
	for k, e := range c.byReq {
		delete(c.byReq, k)
		c.bytes -= e.bytes + e.keyBytes
		e.gone = true
		return
	}
}

// drop drops e, if it is still bm's or k's entry.
func (c *facetCache) drop(bm *roaring.Bitmap, k requestKey, e *facetEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bm != nil && c.byBitmap[bm] == e {
		delete(c.byBitmap, bm)
		c.bytes -= e.bytes + e.keyBytes
		e.gone = true
	}
	if bm == nil && c.byReq[k] == e {
		delete(c.byReq, k)
		c.bytes -= e.bytes + e.keyBytes
		e.gone = true
	}
}

// resize gives e a new set, keeping the byte count. Callers hold e.mu.
func (c *facetCache) resize(e *facetEntry, set *roaring.Bitmap) {
	e.set = set
	b := set.GetSizeInBytes()
	c.mu.Lock()
	if !e.gone {
		c.bytes += b - e.bytes
	}
	e.bytes = b
	c.mu.Unlock()
}

// facetCounts are the raw facet counts of a set of contacts, by interned
// value; facetsOf turns them into buckets. They add up: the counts of a
// union of disjoint sets are the sums of theirs.
type facetCounts struct {
	states, types []int // by ix.small id
	vendors       []int // by ix.spells id
	depts         []int // by ix.depts id
	fns, sens     []int // by function and seniority
	emails        [4]int
}

func newFacetCounts() *facetCounts {
	return &facetCounts{fns: make([]int, len(titles.Functions)), sens: make([]int, len(titles.Seniorities))}
}

// at returns s grown to hold index i.
func at(s []int, i int) []int {
	if i < len(s) {
		return s
	}
	return append(s, make([]int, i+1-len(s))...)
}

func addInts(dst, src []int, sign int) []int {
	if len(src) > len(dst) {
		dst = at(dst, len(src)-1)
	}
	for i, v := range src {
		dst[i] += sign * v
	}
	return dst
}

// add adds (sign 1) or subtracts (sign -1) o's counts.
func (fc *facetCounts) add(o *facetCounts, sign int) {
	fc.states = addInts(fc.states, o.states, sign)
	fc.types = addInts(fc.types, o.types, sign)
	fc.vendors = addInts(fc.vendors, o.vendors, sign)
	fc.depts = addInts(fc.depts, o.depts, sign)
	fc.fns = addInts(fc.fns, o.fns, sign)
	fc.sens = addInts(fc.sens, o.sens, sign)
	for i := range fc.emails {
		fc.emails[i] += sign * o.emails[i]
	}
}

// addAttrs adds or subtracts one contact of values a.
func (fc *facetCounts) addAttrs(a facetAttrs, sign int) {
	fc.states = at(fc.states, int(a.place.stateID))
	fc.states[a.place.stateID] += sign
	fc.types = at(fc.types, int(a.place.typeID))
	fc.types[a.place.typeID] += sign
	for _, v := range a.place.vendorSpells {
		fc.vendors = at(fc.vendors, int(v))
		fc.vendors[v] += sign
	}
	fc.depts = at(fc.depts, int(a.dept))
	fc.depts[a.dept] += sign
	fc.fns[a.class>>3] += sign
	fc.sens[a.class&7] += sign
	fc.emails[a.email&3] += sign
}

// facetsOf returns the buckets of counts: every state, place type,
// function, seniority and email status, and the n biggest departments and
// vendors (all when n is 0). Values that are empty strings are no
// bucket.
func (ix *Index) facetsOf(fc *facetCounts, n int) map[string][]Bucket {
	states, types := map[string]int{}, map[string]int{}
	for i, c := range fc.states {
		if c > 0 {
			states[ix.small.vals[i].s] += c
		}
	}
	for i, c := range fc.types {
		if c > 0 {
			types[ix.small.vals[i].s] += c
		}
	}
	depts, _, _ := labelled(ix.depts, bucketCounts(ix.depts, fc.depts), n, nil, nil)
	vendors, _, _ := labelled(ix.spells, bucketCounts(ix.spells, fc.vendors), n, nil, nil)
	return map[string][]Bucket{
		FacetState:       buckets(states, 0),
		FacetPlaceType:   buckets(types, 0),
		FacetFunction:    listBuckets(titles.Functions, fc.fns),
		FacetSeniority:   listBuckets(titles.Seniorities, fc.sens),
		FacetEmailStatus: listBuckets(pursuit.EmailStatuses, fc.emails[:len(pursuit.EmailStatuses)]),
		FacetDepartment:  depts,
		FacetVendor:      vendors,
	}
}

// bucketCounts returns counts (by value id of the keyed interner tab) with
// the values whose normalised form is empty, which are no bucket, at zero
// and every count at least zero, sized to tab.
func bucketCounts(tab *interner, counts []int) []int {
	out := make([]int, len(tab.vals))
	for id, c := range counts {
		if id < len(out) && c > 0 && tab.keyOf[id] != 0 {
			out[id] = c
		}
	}
	return out
}

// facetWalk is the default result size up to which facets are counted
// by walking the result (a few array increments per contact, and per
// place run for what comes from the place) rather than by intersecting it
// with the bitmap of every value. The intersections cost about the total
// size of the facets' bitmaps, whatever the result (over 20 million
// ordinals in some 700 bitmaps at the seed's scale, 12 ms), and the walk
// about 10 ns per contact of the result (it reads the contact's place,
// department and class): it wins up to about a million.
// Index.facetWalk holds the one in use; tests lower it to check both ways.
const facetWalk = 1000000

// facetCounter counts facets over a walk of a result: a few array
// increments per contact, and per run of contacts of one place for what
// comes from the place.
type facetCounter struct {
	ix                     *Index
	states, types, vendors []int
	depts                  []int // by interned spelling, like vendors
	class                  [256]int
	emails                 [4]int // by email_status
	prev, run              int
	total, best            []int // scratch of labelled
}

// facetCounters are pooled, like ordBufs.
var facetCounters = sync.Pool{New: func() any { return new(facetCounter) }}

// newFacetCounter returns a zeroed counter; release returns it.
func (ix *Index) newFacetCounter() *facetCounter {
	fc := facetCounters.Get().(*facetCounter)
	fc.ix = ix
	fc.states = zeroed(fc.states, len(ix.small.vals))
	fc.types = zeroed(fc.types, len(ix.small.vals))
	fc.vendors = zeroed(fc.vendors, len(ix.spells.vals))
	fc.depts = zeroed(fc.depts, len(ix.depts.vals))
	fc.class = [256]int{}
	fc.emails = [4]int{}
	fc.prev, fc.run = -1, 0
	return fc
}

func (fc *facetCounter) release() {
	fc.ix = nil
	facetCounters.Put(fc)
}

// zeroed returns s resized to n zeroes, reusing its memory.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// addDocs counts contacts from copies of their hot documents (in
// ordinal order), with the counters in locals: the walks over a big
// result spend most of their time here (a million contacts at the seed's
// scale).
func (fc *facetCounter) addDocs(docs []hotDoc) {
	depts, class, emails := fc.depts, &fc.class, &fc.emails
	prev, run := fc.prev, fc.run
	for i := range docs {
		h := &docs[i]
		if int(h.place) != prev {
			fc.prev, fc.run = prev, run
			fc.flush()
			prev, run = int(h.place), 0
		}
		run++
		depts[h.dept]++
		class[h.class]++
		emails[h.email&3]++
	}
	fc.prev, fc.run = prev, run
}

// addAll counts every contact of r.
// The batch's hot documents are copied first, as in rankContacts: the
// copies' loads overlap their cache misses.
func (fc *facetCounter) addAll(ix *Index, r *roaring.Bitmap) {
	it := r.ManyIterator()
	buf := ordBufs.Get().(*[512]uint32)
	defer ordBufs.Put(buf)
	hb := hotBufs.Get().(*[512]hotDoc)
	defer hotBufs.Put(hb)
	for {
		k := it.NextMany(buf[:])
		if k == 0 {
			return
		}
		for i, o := range buf[:k] {
			hb[i] = ix.hot[o]
		}
		fc.addDocs(hb[:k])
	}
}

func (fc *facetCounter) flush() {
	if fc.prev < 0 {
		return
	}
	pd := &fc.ix.placeHot[fc.prev]
	fc.states[pd.stateID] += fc.run
	fc.types[pd.typeID] += fc.run
	for _, v := range pd.vendorSpells {
		fc.vendors[v] += fc.run
	}
	fc.run = 0
}

// counts returns the counts so far (copies; the counter goes on).
func (fc *facetCounter) counts() *facetCounts {
	fc.flush()
	fc.prev = -1
	out := newFacetCounts()
	out.states, out.types = slices.Clone(fc.states), slices.Clone(fc.types)
	out.vendors, out.depts = slices.Clone(fc.vendors), slices.Clone(fc.depts)
	for cl, c := range fc.class {
		if c > 0 {
			out.fns[cl>>3] += c
			out.sens[cl&7] += c
		}
	}
	out.emails = fc.emails
	return out
}

// contactFacets counts the facets of a result.
func (ix *Index) contactFacets(r *roaring.Bitmap, n int) map[string][]Bucket {
	return ix.facetsOf(ix.contactCounts(r), n)
}

// contactCounts counts the facet values of a set of contacts: by walking
// it up to facetWalk contacts, otherwise by intersecting it with every
// value's bitmap (and walking the contacts of the values the index holds
// in several spellings, to count them by spelling).
func (ix *Index) contactCounts(r *roaring.Bitmap) *facetCounts {
	if r.IsEmpty() {
		return newFacetCounts()
	}
	if r.GetCardinality() <= ix.facetWalk {
		fc := ix.newFacetCounter()
		defer fc.release()
		fc.addAll(ix, r)
		return fc.counts()
	}
	out := newFacetCounts()
	out.states, out.types = make([]int, len(ix.small.vals)), make([]int, len(ix.small.vals))
	for st, bm := range ix.states {
		if id, ok := ix.small.ids[st]; ok {
			out.states[id] += int(r.AndCardinality(bm))
		}
	}
	for t, bm := range ix.types {
		if id, ok := ix.small.ids[t]; ok {
			out.types[id] += int(r.AndCardinality(bm))
		}
	}
	for i, bm := range ix.functions {
		out.fns[i] = int(r.AndCardinality(bm))
	}
	for i, bm := range ix.seniorities {
		out.sens[i] = int(r.AndCardinality(bm))
	}
	for i, bm := range ix.emailStatuses {
		out.emails[i] = int(r.AndCardinality(bm))
	}
	out.depts = make([]int, len(ix.depts.vals))
	for key, bm := range ix.deptKeys {
		ids := ix.depts.keyVals[ix.depts.keyIDs[key]]
		if len(ids) == 1 {
			out.depts[ids[0]] += int(r.AndCardinality(bm))
			continue
		}
		eachOrd(roaring.And(r, bm), func(o uint32) { out.depts[ix.hot[o].dept]++ })
	}
	out.vendors = make([]int, len(ix.spells.vals))
	for key, bm := range ix.vendors {
		k := ix.spells.keyIDs[key]
		ids := ix.spells.keyVals[k]
		if len(ids) == 1 {
			out.vendors[ids[0]] += int(r.AndCardinality(bm))
			continue
		}
		eachOrd(roaring.And(r, bm), func(o uint32) {
			for _, v := range ix.placeHot[ix.hot[o].place].vendorSpells {
				if ix.spells.keyOf[v] == k {
					out.vendors[v]++
				}
			}
		})
	}
	return out
}

// labelled returns the n biggest buckets (all when n is 0) of a facet
// whose rows are counted by spelling: counts[id] rows spelt as value id
// of tab, a keyed interner. A bucket is a value (its normalised form) and
// is labelled with the spelling most of its rows have (ties: the smaller
// string): a function of the result alone, whose rows the customer sees,
// and not, say, of the first spelling the index met, which may be a
// row's it does not ("LEGAL" outside its grants, "Legal" inside). total
// and best are scratch arrays, returned for reuse.
func labelled(tab *interner, counts []int, n int, total, best []int) (out []Bucket, total2, best2 []int) {
	total, best = zeroed(total, len(tab.keyNames)), zeroed(best, len(tab.keyNames))
	out = []Bucket{}
	for id, c := range counts {
		if c == 0 {
			continue
		}
		k := tab.keyOf[id]
		total[k] += c
		if b := best[k] - 1; b < 0 || c > counts[b] || c == counts[b] && tab.vals[id].s < tab.vals[b].s {
			best[k] = id + 1
		}
	}
	for k, t := range total {
		if t > 0 {
			out = append(out, Bucket{Value: tab.keyNames[k], Count: t})
		}
	}
	out = topBuckets(out, n)
	for i := range out {
		out[i].Value = tab.vals[best[tab.keyIDs[out[i].Value]]-1].s
	}
	return out, total, best
}

// buckets sorts counts biggest first (ties by value) and keeps the first
// n (all when n is 0).
func buckets(counts map[string]int, n int) []Bucket {
	out := make([]Bucket, 0, len(counts))
	for k, c := range counts {
		out = append(out, Bucket{Value: k, Count: c})
	}
	return topBuckets(out, n)
}

// topBuckets drops the empty buckets, sorts the others biggest first (ties
// by value) and keeps the first n (all when n is 0).
func topBuckets(out []Bucket, n int) []Bucket {
	out = slices.DeleteFunc(out, func(b Bucket) bool { return b.Count == 0 || b.Value == "" })
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

func listBuckets(names []string, counts []int) []Bucket {
	m := map[string]int{}
	for i, c := range counts {
		m[names[i]] = c
	}
	return buckets(m, 0)
}

// placeFacets counts state, place_type and vendor over a place result.
func (ix *Index) placeFacets(r *roaring.Bitmap, n int) map[string][]Bucket {
	states, types, vendors := map[string]int{}, map[string]int{}, make([]int, len(ix.spells.vals))
	eachOrd(r, func(o uint32) {
		pd := &ix.places[o]
		states[pd.p.StateAbbr]++
		types[pd.p.PlaceType]++
		for _, v := range pd.vendorSpells {
			vendors[v]++
		}
	})
	vb, _, _ := labelled(ix.spells, vendors, n, nil, nil)
	return map[string][]Bucket{
		FacetState:     buckets(states, 0),
		FacetPlaceType: buckets(types, 0),
		FacetVendor:    vb,
	}
}
