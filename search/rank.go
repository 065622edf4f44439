package search

import (
	"encoding/binary"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit/titles"
)

func functionName(i int) string {
	if i >= 0 && i < len(titles.Functions) {
		return titles.Functions[i]
	}
	return ""
}

func seniorityName(i int) string {
	if i >= 0 && i < len(titles.Seniorities) {
		return titles.Seniorities[i]
	}
	return ""
}

// scoringTerms returns the (field, term) pairs of a plan's positive
// clauses: the terms that score.
func scoringTerms(cls []clause) [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	for _, cl := range cls {
		if cl.negate {
			continue
		}
		for _, t := range cl.terms {
			for _, f := range cl.fields {
				k := [2]string{fieldNames[f], t}
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// scorer scores the text of contacts for one query.
type scorer struct {
	ix     *Index
	terms  []fieldTerm
	titleS []float32 // by title id; NaN until computed
	deptS  []float32
	nameT  []fieldTerm // terms scored in name and email, per doc
	// nameOrds[i] is the sorted ordinals of the result holding nameT[i],
	// and namePos[i] how far nameEmail has read them (see matchNames).
	nameOrds [][]uint32
	namePos  []int
}

type fieldTerm struct {
	queryTerm
	f    int
	term string
	bm   *roaring.Bitmap // the term's postings, read only: names and emails
	// within, when not nil, are the only contacts the term scores in
	// (emailWithin).
	within *roaring.Bitmap
}

// queryTerm is the part of a query term's BM25 score in one field that
// does not depend on the document: the field's weight times the term's
// idf, and the field's average length, both in the customer's statistics
// (stats.go).
type queryTerm struct {
	w   float64 // field weight × idf
	avg float64
}

// newQueryTerm returns the query term of weight, document frequency df
// and average field length avg in the statistics st.
func newQueryTerm(weight float64, st *stats, df, avg float64) queryTerm {
	if avg <= 0 {
		avg = 1
	}
	return queryTerm{w: weight * idf(st.N, df), avg: avg}
}

// textScore is the BM25 score of a query term in a document's field that
// holds it tf times in length terms: weight · idf · tfnorm, with
// tfnorm = tf·(k1+1) / (tf + k1·(1 − b + b·length/avg)). Every path that
// scores text calls it: the full walk and the tier ranking (through the
// title and department scores), names and emails, places.
func (ix *Index) textScore(q *queryTerm, tf, length float64) float64 {
	k1, b := ix.w.K1, ix.w.B
	return q.w * (tf * (k1 + 1) / (tf + k1*(1-b+b*length/q.avg)))
}

func (ix *Index) fieldWeight(f int) float64 {
	switch f {
	case fName:
		return ix.w.Name
	case fTitle:
		return ix.w.Title
	case fDept:
		return ix.w.Department
	}
	return ix.w.Email
}

func idf(n, df float64) float64 {
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// newScorer returns the scorer of a query; emails, when not nil, are the
// only contacts whose email field scores (emailWithin).
func (ix *Index) newScorer(p *plan, st *stats, emails *roaring.Bitmap) *scorer {
	s := &scorer{ix: ix}
	for _, ft := range scoringTerms(p.clauses) {
		f := indexOf(fieldNames[:], ft[0])
		t := fieldTerm{f: f, term: ft[1], queryTerm: newQueryTerm(ix.fieldWeight(f), st, st.DF[dfKey(ft[0], ft[1])], st.Avg[f])}
		if f == fName || f == fEmail {
			// Only names and emails are scored per contact (nameEmail);
			// titles and departments per interned value.
			t.bm = ix.anyField([]int{f}, ft[1])
			if t.bm.IsEmpty() {
				t.bm = nil
			}
			if f == fEmail {
				t.within = emails
			}
		}
		s.terms = append(s.terms, t)
		if (f == fName || f == fEmail) && t.bm != nil {
			s.nameT = append(s.nameT, t)
		}
	}
	s.titleS = nanSlice(scoreSlices.get(), len(ix.titles.vals))
	s.deptS = nanSlice(scoreSlices.get(), len(ix.depts.vals))
	return s
}

// scoreSlices are the per-search score caches of titles and departments,
// pooled like ordBufs.
var scoreSlices = slicePool{}

type slicePool struct{ p sync.Pool }

func (sp *slicePool) get() []float32 {
	if v, ok := sp.p.Get().(*[]float32); ok {
		return *v
	}
	return nil
}

func (sp *slicePool) put(s []float32) { sp.p.Put(&s) }

// release returns the scorer's caches to their pool.
func (s *scorer) release() {
	scoreSlices.put(s.titleS)
	scoreSlices.put(s.deptS)
	s.titleS, s.deptS = nil, nil
}

// nanSlice returns s resized to n NaNs, reusing its memory.
func nanSlice(s []float32, n int) []float32 {
	if cap(s) < n {
		s = make([]float32, n)
	}
	s = s[:n]
	nan := float32(math.NaN())
	for i := range s {
		s[i] = nan
	}
	return s
}

// interned scores an interned title or department.
func (s *scorer) interned(cache []float32, tab *interner, f int, id uint32) float64 {
	if v := cache[id]; v == v {
		return float64(v)
	}
	t := &tab.vals[id]
	var sum float64
	for _, ft := range s.terms {
		if ft.f != f {
			continue
		}
		for _, tt := range t.terms {
			if tt.term == ft.term {
				sum += s.ix.textScore(&ft.queryTerm, float64(tt.tf), float64(t.n))
			}
		}
	}
	cache[id] = float32(sum)
	return float64(float32(sum))
}

// base is the score of a contact without its name and email terms.
func (s *scorer) base(h *hotDoc) float64 {
	return s.interned(s.titleS, s.ix.titles, fTitle, h.title) +
		s.interned(s.deptS, s.ix.depts, fDept, h.dept) + float64(h.static)
}

// matchNames intersects each name and email term with the result r,
// for nameEmail, and returns the union: the contacts of r with a name or
// email match, nil when the query has no such term. Each term's bitmap is
// intersected with r first (that costs what the smaller side does; a
// union of the terms' whole bitmaps, then intersected, cost a third of a
// broad search's ranking).
func (s *scorer) matchNames(r *roaring.Bitmap) *roaring.Bitmap {
	var named *roaring.Bitmap
	s.nameOrds, s.namePos = s.nameOrds[:0], s.namePos[:0]
	for i, ft := range s.nameT {
		x := roaring.And(r, ft.bm)
		if ft.within != nil {
			x.And(ft.within)
		}
		s.nameOrds = append(s.nameOrds, x.ToArray())
		s.namePos = append(s.namePos, 0)
		if i == 0 {
			named = x
		} else {
			named.Or(x)
		}
	}
	return named
}

// nameEmail is the score of a contact's name and email terms. It must be
// called in increasing ord order after matchNames: it reads each term's
// ordinals forward, instead of a look-up in the term's bitmap per contact
// (130 ns a contact for a common surname).
func (s *scorer) nameEmail(ord uint32, h *hotDoc) float64 {
	var sum float64
	for i := range s.nameT {
		ft := &s.nameT[i]
		ords, p := s.nameOrds[i], s.namePos[i]
		for p < len(ords) && ords[p] < ord {
			p++
		}
		s.namePos[i] = p
		if p == len(ords) || ords[p] != ord {
			continue
		}
		l := float64(h.nameLen)
		if ft.f == fEmail {
			l = float64(h.emailLen)
		}
		sum += s.ix.textScore(&ft.queryTerm, 1, l)
	}
	return sum
}

// rankContacts returns the best limit+1 hits of r after the cursor.
func (ix *Index) rankContacts(r *roaring.Bitmap, p *plan, st *stats, fc *facetCounter, emails *roaring.Bitmap) []hit {
	top := &topK{k: p.limit + 1}
	if r.IsEmpty() {
		return nil
	}
	if st == nil {
		// No text to score: the score is the static score, so walk the
		// static tiers from the top and stop once the page is full.
		for t := numTiers - 1; t >= 0 && !top.full(); t-- {
			if p.cursor != nil && float64(t)*ix.maxStatic/numTiers-1e-6 > p.cursor.Score {
				continue // every score of the tier is before the cursor
			}
			x := roaring.And(r, ix.tiers[t])
			eachOrd(x, func(o uint32) {
				id := ix.contacts[o].id
				if sc := float64(ix.hot[o].static); p.cursor.after(sc, id) {
					top.push(hit{sc, id, o})
				}
			})
		}
		return top.sorted()
	}
	s := ix.newScorer(p, st, emails)
	defer s.release()
	named := s.matchNames(r)
	// The order pays when most of r is ranked by its pair: a result of
	// mostly name or email matches (a surname) is scored whole, in one
	// walk with its facets.
	if n := r.GetCardinality(); n >= ix.orderMin && (named == nil || 2*named.GetCardinality() < n) {
		if ro := ix.rankOrderFor(); ro != nil {
			if ix.rankByOrder(ro, r, p, s, named, top, int(2*n)+16384) {
				if fc != nil {
					fc.addAll(ix, r)
				}
				return top.sorted()
			}
			// r holds few of the contacts the order lists first: score
			// every one instead.
			top = &topK{k: p.limit + 1}
			clear(s.namePos)
		}
	}
	if fc == nil && r.GetCardinality() >= ix.pruneMin {
		return ix.rankByTier(r, p, s, named, top)
	}
	// Walk r once; the contacts with a name or email match (usually few)
	// are met in order in the sorted list of them. The facets, when
	// asked for, are counted in the same walk.
	var extra []uint32
	if named != nil {
		extra = named.ToArray()
	}
	j := 0
	it := r.ManyIterator()
	buf := ordBufs.Get().(*[512]uint32)
	defer ordBufs.Put(buf)
	hb := hotBufs.Get().(*[512]hotDoc)
	defer hotBufs.Put(hb)
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			break
		}
		// Copy the batch's hot documents first: the loads do not depend
		// on each other, so the processor overlaps their cache misses
		// (a sparse result's contacts are each on a line of their own).
		for i, o := range buf[:n] {
			hb[i] = ix.hot[o]
		}
		if fc != nil {
			fc.addDocs(hb[:n])
		}
		for i, o := range buf[:n] {
			h := &hb[i]
			sc := s.interned(s.titleS, s.ix.titles, fTitle, h.title) +
				s.interned(s.deptS, s.ix.depts, fDept, h.dept) + float64(h.static)
			if j < len(extra) && extra[j] == o {
				j++
				sc += s.nameEmail(o, h)
			}
			ix.offer(top, p.cursor, o, sc)
		}
	}
	return top.sorted()
}

// pruneMin is the default result size from which a text search ranks by
// static tier (rankByTier). Index.pruneMin holds the one in use; tests
// lower it to take that path at any size.
const pruneMin = 200000

// rankByTier ranks a big result without scoring most of it. The contacts
// with a name or email match (few, and with a high text score) are scored
// first, all of them. Every other contact's text score is that of its
// (title, department) pair. The best pairs of the query come next: each
// one's contacts (kept per pair in pairDocs) are scored outright while
// they are few, and once the page's worst score beats a pair's score
// plus the highest static score, nothing after it can enter. The rest are
// bounded by the best pair not scored yet (bound): the static tiers are
// walked from the top, and once the page is full with a worst score above
// bound plus the highest static score of the next tier, no contact of a
// lower tier can enter it. For a common word over a nationwide grant that
// is a few tiers: tens of thousands of contacts scored instead of a
// million; a word whose best pair is rare ("manager" in "Facilities
// Management") is settled by that pair's contacts.
func (ix *Index) rankByTier(r *roaring.Bitmap, p *plan, s *scorer, named *roaring.Bitmap, top *topK) []hit {
	consider := func(o uint32, sc float64) { ix.offer(top, p.cursor, o, sc) }
	if named != nil {
		eachOrd(named, func(o uint32) {
			h := &ix.hot[o]
			consider(o, s.interned(s.titleS, ix.titles, fTitle, h.title)+
				s.interned(s.deptS, ix.depts, fDept, h.dept)+float64(h.static)+s.nameEmail(o, h))
		})
	}
	pairScore := func(k [2]uint32) float64 {
		return s.interned(s.titleS, ix.titles, fTitle, k[0]) + s.interned(s.deptS, ix.depts, fDept, k[1])
	}
	// The best pairFirst+1 pairs, best first: every pair outside scores at
	// most the last of them.
	type scored struct {
		k [2]uint32
		s float64
	}
	best := make([]scored, 0, pairFirst+1)
	for _, k := range ix.pairs {
		sc := pairScore(k)
		if len(best) == cap(best) && sc <= best[len(best)-1].s {
			continue
		}
		i := len(best)
		if i < cap(best) {
			best = append(best, scored{})
		} else {
			i--
		}
		for i > 0 && best[i-1].s < sc {
			best[i] = best[i-1]
			i--
		}
		best[i] = scored{k, sc}
	}
	done := 0 // best[:done] are scored
	budget := pairFirstDocs
	for done < len(best) && done < pairFirst {
		b := best[done]
		if top.full() && top.h[0].score > b.s+ix.maxStatic+1e-4 {
			return top.sorted() // no contact left can enter
		}
		key := pairKey(b.k[0], b.k[1])
		n := int(ix.pairDocs.card(key))
		if n > budget {
			break
		}
		budget -= n
		if bm := ix.pairDocs.get(key); bm != nil {
			x := roaring.And(r, bm)
			if named != nil {
				x.AndNot(named)
			}
			eachOrd(x, func(o uint32) {
				consider(o, b.s+float64(ix.hot[o].static))
			})
		}
		done++
	}
	bound := 0.0
	if done < len(best) {
		bound = best[done].s
	} else if len(best) > 0 {
		// Every pair with a score was scored above; what is left scores
		// its static score alone at most.
		bound = math.Min(0, best[len(best)-1].s)
	}
	scoredPair := func(h *hotDoc, text float64) bool {
		if text > bound {
			return true
		}
		if text < bound {
			return false
		}
		for _, b := range best[:done] {
			if b.k == [2]uint32{h.title, h.dept} {
				return true
			}
		}
		return false
	}
	for t := numTiers - 1; t >= 0; t-- {
		if top.full() && top.h[0].score > bound+ix.tierTop(t) {
			break
		}
		x := roaring.And(r, ix.tiers[t])
		if named != nil {
			x.AndNot(named)
		}
		eachOrd(x, func(o uint32) {
			h := &ix.hot[o]
			text := s.interned(s.titleS, ix.titles, fTitle, h.title) + s.interned(s.deptS, ix.depts, fDept, h.dept)
			if done > 0 && scoredPair(h, text) {
				return
			}
			consider(o, text+float64(h.static))
		})
	}
	return top.sorted()
}

// pairFirst is how many of a query's best (title, department) pairs
// rankByTier scores outright, and pairFirstDocs how many contacts it
// scores that way at most.
const (
	pairFirst     = 16
	pairFirstDocs = 50000
)

// pairKey is the key of a (title, department) pair in Index.pairDocs.
func pairKey(title, dept uint32) string {
	var b [8]byte
	binary.LittleEndian.PutUint32(b[:4], title)
	binary.LittleEndian.PutUint32(b[4:], dept)
	return string(b[:])
}

// offer puts the contact of ordinal o, scoring sc, on the page if it
// belongs there: after the cursor and better than the page's worst. A
// contact that cannot enter a full page is skipped before its id is
// loaded (a cache miss in the big contactDoc array, most of a name
// search's walk).
func (ix *Index) offer(top *topK, cur *cursor, o uint32, sc float64) {
	if top.full() {
		w := &top.h[0]
		if sc < w.score || sc == w.score && ix.contacts[o].id > w.id {
			return
		}
	}
	if id := ix.contacts[o].id; cur.after(sc, id) {
		top.push(hit{sc, id, o})
	}
}

// tierTop is more than the static score of any contact of tier t (the
// margin covers the float32 rounding of the static score).
func (ix *Index) tierTop(t int) float64 {
	return float64(t+1)*ix.maxStatic/numTiers + 1e-4
}

// ordBufs are the buffers of walks over bitmaps. A walk's buffer escapes
// to the heap (the bitmap's iterator is an interface), and a search walks
// up to 64 bitmaps: pooling them keeps searches from making garbage, and
// garbage collection is what sets the tail latency of searches.
var ordBufs = sync.Pool{New: func() any { return new([512]uint32) }}

// hotBufs are the copies of a batch's hot documents, pooled like ordBufs.
var hotBufs = sync.Pool{New: func() any { return new([512]hotDoc) }}

// eachOrd calls fn for every ordinal of bm, in batches.
func eachOrd(bm *roaring.Bitmap, fn func(uint32)) {
	buf := ordBufs.Get().(*[512]uint32)
	defer ordBufs.Put(buf)
	it := bm.ManyIterator()
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			return
		}
		for _, o := range buf[:n] {
			fn(o)
		}
	}
}
