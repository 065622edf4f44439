package search

import (
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/titles"
)

// facetCache keeps the facets of results that are bitmaps of the index
// itself: a customer's visible set (a search with neither filter nor
// text) and a term's own bitmap (a word every contact of which the
// customer sees: a common word over a nationwide grant, the costliest
// facets to count). Such a result is the same bitmap for every search of
// it until the index changes, so its facets are too. The cache is emptied
// whenever a batch of changes is applied, and its keys keep their bitmaps
// alive, so a key cannot be a new bitmap at a freed one's address.
type facetCache struct {
	mu      sync.Mutex
	version int64
	m       map[facetKey]map[string][]Bucket
	// byReq holds the facets of the searches run since the index last
	// changed, by customer and normalised request (requestKey).
	byReq map[requestKey]map[string][]Bucket
}

// requestKey names a search's result set: the customer and the hash of
// the normalised request (plan.hash: the analysed clauses and every
// filter, not the page), with the facet size. Within one version of the
// index, the same key is the same set, seen by the same customer, so the
// same facets. The customer is part of the key: two customers' results of
// one request differ by their grants, masking (which emails match) and
// statistics.
type requestKey struct {
	customer int64
	hash     [32]byte
	n        int
}

const requestFacetsSize = 1024

// requestFacets returns the cached facets of a search, nil when none.
// Callers hold ix.mu for reading.
func (ix *Index) requestFacets(k requestKey) map[string][]Bucket {
	c := &ix.facets
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != ix.version || c.byReq == nil {
		return nil
	}
	if f, ok := c.byReq[k]; ok {
		return maps.Clone(f)
	}
	return nil
}

// keepRequestFacets caches the facets f of a search (the caller's map is
// copied). Callers hold ix.mu for reading.
func (ix *Index) keepRequestFacets(k requestKey, f map[string][]Bucket) {
	c := &ix.facets
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != ix.version || c.m == nil {
		c.m, c.byReq, c.version = map[facetKey]map[string][]Bucket{}, nil, ix.version
	}
	if c.byReq == nil || len(c.byReq) >= requestFacetsSize {
		c.byReq = map[requestKey]map[string][]Bucket{}
	}
	c.byReq[k] = maps.Clone(f)
}

type facetKey struct {
	bm *roaring.Bitmap
	n  int
}

const facetCacheSize = 256

// cachedFacets returns the facets of r, a bitmap of the index that is not
// changed until the index's version changes. Callers hold ix.mu for
// reading.
func (ix *Index) cachedFacets(r *roaring.Bitmap, n int) map[string][]Bucket {
	c := &ix.facets
	k := facetKey{r, n}
	c.mu.Lock()
	if c.version != ix.version || c.m == nil {
		c.m, c.byReq, c.version = map[facetKey]map[string][]Bucket{}, nil, ix.version
	}
	f, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		f = ix.contactFacets(r, n)
		c.mu.Lock()
		if c.version == ix.version {
			if len(c.m) >= facetCacheSize {
				clear(c.m)
			}
			c.m[k] = f
		}
		c.mu.Unlock()
	}
	// The buckets are shared and only read; the map is the caller's.
	return maps.Clone(f)
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

// result returns the facets counted so far.
func (fc *facetCounter) result(n int) map[string][]Bucket {
	fc.flush()
	fc.prev = -1
	ix := fc.ix
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
	var depts, vendors []Bucket
	depts, fc.total, fc.best = labelled(ix.depts, fc.depts, n, fc.total, fc.best)
	vendors, fc.total, fc.best = labelled(ix.spells, fc.vendors, n, fc.total, fc.best)
	fns := make([]int, len(titles.Functions))
	sens := make([]int, len(titles.Seniorities))
	for cl, c := range fc.class {
		if c > 0 {
			fns[cl>>3] += c
			sens[cl&7] += c
		}
	}
	return map[string][]Bucket{
		FacetState:       buckets(states, 0),
		FacetPlaceType:   buckets(types, 0),
		FacetFunction:    listBuckets(titles.Functions, fns),
		FacetSeniority:   listBuckets(titles.Seniorities, sens),
		FacetEmailStatus: listBuckets(pursuit.EmailStatuses, fc.emails[:len(pursuit.EmailStatuses)]),
		FacetDepartment:  depts,
		FacetVendor:      vendors,
	}
}

// contactFacets counts the facets of a result.
func (ix *Index) contactFacets(r *roaring.Bitmap, n int) map[string][]Bucket {
	if r.GetCardinality() <= ix.facetWalk {
		fc := ix.newFacetCounter()
		defer fc.release()
		fc.addAll(ix, r)
		return fc.result(n)
	}
	out := map[string][]Bucket{}
	count := func(m bitmaps) map[string]int {
		c := map[string]int{}
		for k, bm := range m {
			if v := int(r.AndCardinality(bm)); v > 0 {
				c[k] = v
			}
		}
		return c
	}
	countList := func(l []*roaring.Bitmap) []int {
		c := make([]int, len(l))
		for i, bm := range l {
			c[i] = int(r.AndCardinality(bm))
		}
		return c
	}
	out[FacetState] = buckets(count(ix.states), 0)
	out[FacetPlaceType] = buckets(count(ix.types), 0)
	out[FacetFunction] = listBuckets(titles.Functions, countList(ix.functions))
	out[FacetSeniority] = listBuckets(titles.Seniorities, countList(ix.seniorities))
	out[FacetEmailStatus] = listBuckets(pursuit.EmailStatuses, countList(ix.emailStatuses))
	out[FacetDepartment] = buckets(count(ix.deptKeys), n)
	out[FacetVendor] = buckets(count(ix.vendors), n)
	ix.labelDepts(out[FacetDepartment], r)
	ix.labelVendors(out[FacetVendor], r)
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

// label labels buckets counted by normalised form (the bitmap path of
// contactFacets) as labelled does. A value the index knows in one
// spelling (in tab) is that spelling; the contacts of r of one with
// several are walked, spelt counting them by their spelling's id in tab.
func (ix *Index) label(bs []Bucket, r *roaring.Bitmap, tab *interner, m bitmaps, spelt func(o uint32, key uint32, counts map[uint32]int)) {
	for i := range bs {
		k := tab.keyIDs[bs[i].Value]
		if ids := tab.keyVals[k]; len(ids) == 1 {
			bs[i].Value = tab.vals[ids[0]].s
			continue
		}
		counts := map[uint32]int{}
		eachOrd(roaring.And(r, m[bs[i].Value]), func(o uint32) { spelt(o, k, counts) })
		best, most := uint32(0), 0
		for id, c := range counts {
			if c > most || c == most && tab.vals[id].s < tab.vals[best].s {
				best, most = id, c
			}
		}
		bs[i].Value = tab.vals[best].s
	}
}

// labelDepts labels department buckets: a contact's spelling is its own.
func (ix *Index) labelDepts(bs []Bucket, r *roaring.Bitmap) {
	ix.label(bs, r, ix.depts, ix.deptKeys, func(o uint32, _ uint32, counts map[uint32]int) {
		counts[ix.hot[o].dept]++
	})
}

// labelVendors labels vendor buckets: a contact's spelling of a vendor is
// its place's (placeDoc.vendorSpells).
func (ix *Index) labelVendors(bs []Bucket, r *roaring.Bitmap) {
	ix.label(bs, r, ix.spells, ix.vendors, func(o uint32, k uint32, counts map[uint32]int) {
		for _, v := range ix.placeHot[ix.hot[o].place].vendorSpells {
			if ix.spells.keyOf[v] == k {
				counts[v]++
			}
		}
	})
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
