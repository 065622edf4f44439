package search

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search/analysis"
)

// SearchContacts searches the contacts customerID can see. Errors are
// *pursuit.Error with code EINVALID naming the bad parameter: "q" (with the
// position of a syntax error), "state", "place_type", "place_id",
// "population_min", "function", "seniority", "limit", "facet_size" or
// "cursor". A customer with no grants gets an empty result, not an error.
func (ix *Index) SearchContacts(customerID int64, req Request) (ContactResult, error) {
	p, err := compile(req, true)
	if err != nil {
		return ContactResult{}, err
	}
	bind := binding{contacts: true, customer: customerID, request: p.hash}
	if req.Cursor != "" {
		if p.cursor, err = ix.sealer.open(req.Cursor, bind, scoringTerms(p.clauses), numFields); err != nil {
			return ContactResult{}, err
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	res := ContactResult{Hits: []ContactHit{}}
	c := ix.customers[customerID]
	if c == nil {
		if req.Facets {
			res.Facets = ix.contactFacets(roaring.New(), p.facetN)
		}
		if req.SidebarCounts {
			res.Mapped = &MappedCounts{}
		}
		return res, nil
	}
	a := analyzers.Get().(*analysis.Analyzer)
	defer analyzers.Put(a)
	emails := c.emailWithin()
	var r, byState *roaring.Bitmap
	var shared, reused bool
	fkey := requestKey{customer: customerID, hash: p.hash}
	switch {
	case req.SidebarCounts:
		r, shared, byState, res.Mapped = ix.sidebarSearch(a, c, p, emails)
	default:
		// The same request of the same customer in one version of the
		// index is the same set: an entry that holds it at this version
		// answers without filtering and matching (read only).
		if r = ix.resultOf(fkey); r != nil {
			shared, reused = true, true
			break
		}
		r, shared = ix.contactFilter(c, p)
		r, shared = ix.matchClauses(a, r, shared, p.clauses, emails)
	}
	res.Total = int(r.GetCardinality())
	st := ix.contactStats(c, p)
	// The cache entry: the bitmap r is, when it is the index's own (and
	// not an entry's set), or the request's.
	var fbm *roaring.Bitmap
	if shared && !reused {
		fbm = r
	}
	var cached map[string][]Bucket
	if req.Facets {
		cached = ix.facetsFor(fbm, fkey, r, p.facetN)
	}
	var fc *facetCounter
	if req.Facets && cached == nil && st != nil && (!shared || reused) && uint64(res.Total) <= ix.facetWalk && uint64(res.Total) < ix.pruneMin {
		// A text search of a result under pruneMin walks the whole
		// result to rank it: the facets are counted in the same walk.
		fc = ix.newFacetCounter()
		defer fc.release()
	}
	hits := ix.rankContacts(r, p, st, fc, emails)
	switch {
	case cached != nil:
		res.Facets = cached
	case req.Facets:
		var counts *facetCounts
		if fc != nil {
			counts = fc.counts()
		} else {
			counts = ix.contactCounts(r)
		}
		res.Facets = ix.facetsOf(counts, p.facetN)
		// r is not read after this: the cache takes it (a copy of it
		// when it is the index's).
		ix.keepFacets(fbm, fkey, r, !shared, counts)
	case !shared && !req.SidebarCounts:
		// The result alone, for the next search of the request.
		ix.keepFacets(nil, fkey, r, true, nil)
	}
	if req.Facets && byState != nil {
		res.Facets[FacetState] = ix.stateCounts(byState)
	}
	more := len(hits) > p.limit
	if more {
		hits = hits[:p.limit]
	}
	res.Hits = make([]ContactHit, 0, len(hits))
	for _, h := range hits {
		if req.Lean {
			res.Hits = append(res.Hits, ix.leanHit(c, h))
		} else {
			res.Hits = append(res.Hits, ix.contactHit(c, h))
		}
	}
	if req.Signals || req.Lean {
		ix.fillSignals(c, p, st, hits, res.Hits)
	}
	if more {
		last := hits[len(hits)-1]
		res.NextCursor = ix.sealer.seal(cursor{Score: last.score, ID: last.id, Stats: st}, bind)
	}
	return res, nil
}

func (ix *Index) contactHit(c *customer, h hit) ContactHit {
	d, hd := &ix.contacts[h.ord], &ix.hot[h.ord]
	pd := &ix.places[hd.place]
	name, first, last, email, phone := ix.unpack(d)
	access := c.access(h.ord)
	contact := pursuit.Contact{
		ContactID: d.id, PlaceID: pd.p.PlaceID,
		Name: name, FirstName: first, LastName: last, Email: email, Phone: phone,
		Title: ix.titles.vals[hd.title].s, Department: ix.depts.vals[hd.dept].s,
		AccountOwner: ix.owners.vals[d.owner].s,
		VerifiedAt:   fromMicros(d.verified), CreatedAt: fromMicros(d.created), UpdatedAt: fromMicros(ix.updated(d)),
		EmailStatus: pursuit.EmailStatuses[hd.email],
	}
	return ContactHit{
		Contact:    contact.Masked(access),
		PlaceName:  pd.p.Name(),
		PlaceType:  pd.p.PlaceType,
		StateAbbr:  pd.p.StateAbbr,
		Function:   functionName(hd.function()),
		Seniority:  seniorityName(hd.seniority()),
		AccessType: access,
		Score:      h.score,
	}
}

// sidebarSearch is the filtering and matching of SearchContacts for a
// request with SidebarCounts, in one pass over the index: the text and
// every filter but the state and mapped ones are matched once (r0), and
// the two are applied last, each to its own copy: r0 within the mapped
// filter is what the state facet counts (as if no state were chosen),
// r0 within the states what the mapped counts count (as if Mapped were
// not set), and r0 within both the result, the same set the plain path
// finds (filters and clauses are intersections and differences of sets,
// so their order does not change it). byState is nil when no state is
// chosen: the result's own state facet is then the one.
func (ix *Index) sidebarSearch(a *analysis.Analyzer, c *customer, p *plan, emails *roaring.Bitmap) (r *roaring.Bitmap, shared bool, byState *roaring.Bitmap, mc *MappedCounts) {
	q := *p
	q.states, q.req.Mapped = nil, nil
	r0, shared0 := ix.contactFilter(c, &q)
	r0, shared0 = ix.matchClauses(a, r0, shared0, p.clauses, emails)
	rM, sharedM := r0, shared0 // within the states: what the mapped counts count
	if len(p.states) > 0 {
		if bm := orOf(ix.states, p.states, false); bm != nil {
			rM = roaring.And(r0, bm)
		} else {
			rM = roaring.New()
		}
		sharedM = false
	}
	mapped := int(rM.AndCardinality(c.mapped))
	mc = &MappedCounts{Mapped: mapped, Unmapped: int(rM.GetCardinality()) - mapped}
	within := func(x *roaring.Bitmap) *roaring.Bitmap { // x within the mapped filter, a new bitmap
		if *p.req.Mapped {
			return roaring.And(x, c.mapped)
		}
		return roaring.AndNot(x, c.mapped)
	}
	switch {
	case p.req.Mapped == nil:
		r, shared = rM, sharedM
		if len(p.states) > 0 {
			byState = r0
		}
	case len(p.states) == 0:
		r = within(r0)
	default:
		byState = within(r0)
		r = within(rM)
	}
	return r, shared, byState, mc
}

// stateCounts counts the state facet of r with the state bitmaps, which
// are runs of ordinals (documents are in state order).
func (ix *Index) stateCounts(r *roaring.Bitmap) []Bucket {
	counts := map[string]int{}
	for st, bm := range ix.states {
		if n := int(r.AndCardinality(bm)); n > 0 {
			counts[st] = n
		}
	}
	return buckets(counts, 0)
}

// contactFilter returns the customer's visible contacts that pass every
// filter of the request. shared tells that r is the customer's own
// visible bitmap (no filter applied), which callers must not change.
func (ix *Index) contactFilter(c *customer, p *plan) (r *roaring.Bitmap, shared bool) {
	req := &p.req
	r, shared = c.visible, true
	// A customer who sees every contact: its visible set within a filter
	// is the filter's bitmap itself (no structure holds a dead
	// ordinal), taken read only rather than copied.
	all := c.visible.GetCardinality() == ix.alive.GetCardinality()
	// owned tells whether bm is one of the index's own bitmaps (a filter
	// of one value), which the index keeps for as long as its facets
	// are cached by it (cachedFacets); a union made for the search is
	// copied as before.
	and := func(bm *roaring.Bitmap, owned ...bool) {
		switch {
		case bm == nil:
			r, shared = roaring.New(), false
		case shared && all && r == c.visible && len(owned) == 1 && owned[0]:
			r = bm
		case shared:
			r, shared = roaring.And(r, bm), false
		default:
			r.And(bm)
		}
	}
	andOrNot := func(bm *roaring.Bitmap, with bool) {
		switch {
		case with:
			and(bm)
		case shared:
			r, shared = roaring.AndNot(r, bm), false
		default:
			r.AndNot(bm)
		}
	}
	if len(p.states) > 0 {
		and(orOf(ix.states, p.states, false), len(p.states) == 1)
	}
	if len(req.PlaceTypes) > 0 {
		and(orOf(ix.types, req.PlaceTypes, false), len(req.PlaceTypes) == 1)
	}
	if len(req.PlaceIDs) > 0 {
		bm := roaring.New()
		for _, id := range req.PlaceIDs {
			if ord, ok := ix.placeOrd[id]; ok {
				bm.AddMany(ix.places[ord].contacts)
			}
		}
		and(bm)
	}
	if len(req.Departments) > 0 {
		and(orOf(ix.deptKeys, req.Departments, true), len(req.Departments) == 1)
	}
	if len(p.functs) > 0 {
		and(orIdx(ix.functions, p.functs), len(p.functs) == 1)
	}
	if len(p.seniors) > 0 {
		and(orIdx(ix.seniorities, p.seniors), len(p.seniors) == 1)
	}
	if len(p.emails) > 0 {
		and(orIdx(ix.emailStatuses, p.emails), len(p.emails) == 1)
	}
	if len(req.Vendors) > 0 {
		and(orOf(ix.vendors, req.Vendors, true), len(req.Vendors) == 1)
	}
	if len(req.Products) > 0 {
		and(orOf(ix.products, req.Products, true), len(req.Products) == 1)
	}
	if len(req.Categories) > 0 {
		and(orOf(ix.cats, req.Categories, true), len(req.Categories) == 1)
	}
	if req.HasEmail != nil {
		andOrNot(ix.hasEmail, *req.HasEmail)
	}
	if req.HasPhone != nil {
		andOrNot(ix.hasPhone, *req.HasPhone)
	}
	if req.AccountOwner != "" {
		and(c.owners[normKey(req.AccountOwner)], true)
	}
	if req.Mapped != nil {
		andOrNot(c.mapped, *req.Mapped)
	}
	if p.hasPop && !r.IsEmpty() {
		r, shared = ix.pop.query(p.popLo, p.popHi, r, func(o uint32) int64 {
			return ix.places[ix.hot[o].place].p.Population
		}), false
	}
	if p.verified != 0 && !r.IsEmpty() {
		r, shared = ix.verified.query(p.verified, math.MaxInt64, r, func(o uint32) int64 { return ix.contacts[o].verified }), false
	}
	return r, shared
}

func andOrNot(r, bm *roaring.Bitmap, with bool) {
	if with {
		r.And(bm)
	} else {
		r.AndNot(bm)
	}
}

// orOf returns the union of the bitmaps of keys, nil when none exists.
func orOf(m bitmaps, keys []string, norm bool) *roaring.Bitmap {
	var bms []*roaring.Bitmap
	for _, k := range keys {
		if norm {
			k = normKey(k)
		}
		if bm := m[k]; bm != nil {
			bms = append(bms, bm)
		}
	}
	switch len(bms) {
	case 0:
		return nil
	case 1:
		return bms[0]
	}
	return orAll(bms)
}

// orAll unions a few bitmaps. Unlike roaring.FastOr, which turns run
// containers into 8 kB bitmap containers, it keeps the runs that state,
// place type and vendor bitmaps are made of, so it allocates little.
func orAll(bms []*roaring.Bitmap) *roaring.Bitmap {
	out := bms[0].Clone()
	for _, bm := range bms[1:] {
		out.Or(bm)
	}
	return out
}

func orIdx(list []*roaring.Bitmap, idx []int) *roaring.Bitmap {
	var bms []*roaring.Bitmap
	for _, i := range idx {
		bms = append(bms, list[i])
	}
	if len(bms) == 1 {
		return bms[0]
	}
	return orAll(bms)
}

// termBitmap returns the docs holding term in any of fields.
func termBitmap(fs []*field, fields []int, term string) *roaring.Bitmap {
	var bms []*roaring.Bitmap
	for _, f := range fields {
		if bm := fs[f].get(term); bm != nil {
			bms = append(bms, bm)
		}
	}
	switch len(bms) {
	case 0:
		return roaring.New()
	case 1:
		return bms[0]
	}
	return roaring.FastOr(bms...)
}

// allTerms returns the docs of within holding every term in field f.
//
// The terms' postings and within are intersected smallest first: within
// is often a big customer's visible set, made of runs, and an
// intersection of runs with runs (a common word's postings hold some)
// builds its answer range by range, at a cost quadratic in the runs;
// a small grant's is best taken first.
func allTerms(fs []*field, f int, terms []string, within *roaring.Bitmap) *roaring.Bitmap {
	if len(terms) == 0 {
		return within.Clone()
	}
	bms := make([]*roaring.Bitmap, 0, len(terms)+1)
	for _, t := range terms {
		bm := fs[f].get(t)
		if bm == nil {
			return roaring.New()
		}
		bms = append(bms, bm)
	}
	bms = append(bms, within)
	slices.SortStableFunc(bms, func(a, b *roaring.Bitmap) int {
		return cmp.Compare(a.GetCardinality(), b.GetCardinality())
	})
	out := roaring.And(bms[0], bms[1])
	for _, bm := range bms[2:] {
		out.And(bm)
	}
	return out
}

// matchClauses narrows r to the contacts that match every clause. shared
// tells, in and out, that r is a bitmap of the index (or of its caches),
// which must not be changed: see subsetOf. emails, when not nil, are the
// only contacts whose email field may match (emailWithin): the same for a
// clause that excludes, so that neither what is found nor what is left
// out depends on the email of a contact the customer sees masked.
func (ix *Index) matchClauses(a *analysis.Analyzer, r *roaring.Bitmap, shared bool, cls []clause, emails *roaring.Bitmap) (*roaring.Bitmap, bool) {
	for i := range cls {
		cl := &cls[i]
		if r.IsEmpty() {
			return r, shared
		}
		var m *roaring.Bitmap
		mShared := false
		if !cl.phrase {
			m = roaring.New()
			// r holding every live contact (a nationwide grant, no
			// filter) holds every term's documents: the first term's
			// bitmap is read as it is, not intersected with r.
			all := r.GetCardinality() == ix.alive.GetCardinality()
			for j, t := range cl.terms {
				x, ex := ix.termDocs(cl.fields, t, emails)
				switch {
				case j == 0 && ex == nil && len(cl.terms) == 1 && !cl.negate && subsetOf(x, r, ix.subsetMin, ix.alive.GetCardinality()):
					m, mShared = x, true
				case j == 0 && ex == nil && all:
					m, mShared = x, true
				case j == 0:
					m = roaring.And(r, x)
					if ex != nil {
						orEmails(m, roaring.And(r, ex), emails)
					}
				case ex != nil:
					y := roaring.And(m, ex)
					if mShared {
						m, mShared = roaring.And(m, x), false
					} else {
						m.And(x)
					}
					orEmails(m, y, emails)
				case mShared:
					m, mShared = roaring.And(m, x), false
				default:
					m.And(x)
				}
			}
		} else {
			m = roaring.New()
			for _, f := range cl.fields {
				var only *roaring.Bitmap
				if f == fEmail {
					only = emails
				}
				m.Or(ix.phraseMatches(a, f, cl, r, only))
			}
		}
		if cl.negate {
			if shared {
				r, shared = r.Clone(), false
			}
			r.AndNot(m)
		} else {
			r, shared = m, mShared
		}
	}
	return r, shared
}

// orEmails adds to m the contacts of y within emails (y is changed).
// Most email matches of a word are name matches too (a surname): only
// those m lacks are added, and nothing is merged when there are none.
func orEmails(m, y, emails *roaring.Bitmap) {
	y.AndNot(m)
	if y.IsEmpty() {
		return
	}
	y.And(emails)
	m.Or(y)
}

// emailWithin returns the contacts whose email field may match the
// customer's searches: nil (all of them) when it sees every contact it
// sees in full, and otherwise those, c.full. A masked contact's email is
// PII the customer has not been shown: were it searchable, email:word
// would tell which masked contacts' addresses hold the word. The index
// does not follow reveals (contact_reveals), so a revealed contact stays
// masked here too, as it does everywhere but the reveal's own answer.
func (c *customer) emailWithin() *roaring.Bitmap {
	if c.full.GetCardinality() == c.visible.GetCardinality() {
		return nil
	}
	return c.full
}

// termDocs returns the contacts holding term in fields, read only: x,
// and, when the email matches are limited to emails (see emailWithin),
// the email's postings apart in ex (nil when there are none). The contacts
// that match are those of x and those of ex within emails.
func (ix *Index) termDocs(fields []int, term string, emails *roaring.Bitmap) (x, ex *roaring.Bitmap) {
	if emails == nil || !slices.Contains(fields, fEmail) {
		return ix.anyField(fields, term), nil
	}
	rest := make([]int, 0, len(fields))
	for _, f := range fields {
		if f != fEmail {
			rest = append(rest, f)
		}
	}
	x = roaring.New()
	if len(rest) > 0 {
		x = ix.anyField(rest, term)
	}
	if e := ix.anyField([]int{fEmail}, term); !e.IsEmpty() {
		ex = e
	}
	return x, ex
}

// subsetMin is the default size from which matchClauses checks whether a
// term's bitmap lies wholly within the candidates. Index.subsetMin holds
// the one in use; tests lower it to take that path at any size.
const subsetMin = 1 << 16

// subsetOf reports whether x, a big bitmap, lies wholly within r. A
// common word over a nationwide grant is the usual case: the term's own
// bitmap is then the result, read only, rather than a copy of it (up to
// 8 kB per 65,536 ordinals, most of what such a search allocates, and so
// of its garbage collection work). alive is the number of live contacts:
// r (a customer's contacts, within the live ones) holding that many is
// every live contact, and so holds x (no posting holds a dead ordinal)
// without the intersection.
func subsetOf(x, r *roaring.Bitmap, min, alive uint64) bool {
	n := x.GetCardinality()
	if n < min {
		return false
	}
	rn := r.GetCardinality()
	return rn == alive || rn >= n && x.AndCardinality(r) == n
}

// phraseMatches returns the docs of within (and of only, when not nil)
// whose field f holds the phrase.
func (ix *Index) phraseMatches(a *analysis.Analyzer, f int, cl *clause, within, only *roaring.Bitmap) *roaring.Bitmap {
	fs := ix.fields[:]
	cand := allTerms(fs, f, cl.terms, within)
	if cl.plain != nil && !equal(cl.plain, cl.terms) {
		cand.Or(allTerms(fs, f, cl.plain, within))
	}
	if only != nil {
		cand.And(only)
	}
	if cand.IsEmpty() {
		return cand
	}
	// Title and department are interned: check each distinct value once
	// (memo: 0 unknown, 1 matches, 2 does not), reading the contacts'
	// ids from the hot documents.
	var memo []uint8
	var tab *interner
	switch f {
	case fTitle:
		memo, tab = make([]uint8, len(ix.titles.vals)), ix.titles
	case fDept:
		memo, tab = make([]uint8, len(ix.depts.vals)), ix.depts
	}
	matches := func(id uint32) bool {
		if memo[id] == 0 {
			t := &tab.vals[id]
			memo[id] = 2
			if analysis.Contains(t.canon, cl.terms) || cl.plain != nil && analysis.Contains(t.plain, cl.plain) {
				memo[id] = 1
			}
		}
		return memo[id] == 1
	}
	walk := cand
	var walked *roaring.Bitmap
	if ro := ix.order.Load(); tab != nil && ro != nil && cand.GetCardinality() >= ix.phraseByOrderMin {
		// The rank order lists the titles and departments holding each
		// term, and each pair's contacts: the candidates whose value
		// holds the terms but not the phrase are those of the values
		// that do not match (usually none), taken out at once; only the
		// contacts the order does not know (dirty: their value may be
		// newer than it) are checked one by one.
		byTerm := ro.titleTerms
		if f == fDept {
			byTerm = ro.deptTerms
		}
		bad := map[uint32]bool{}
		notHolding(byTerm, cl.terms, matches, bad)
		if cl.plain != nil {
			notHolding(byTerm, cl.plain, matches, bad)
		}
		walk = roaring.New()
		if !ro.dirty.IsEmpty() {
			walk = roaring.And(cand, ro.dirty)
			cand.AndNot(walk)
		}
		if len(bad) > 0 {
			var out []uint32
			for _, pr := range ro.pairs {
				v := pr.title
				if f == fDept {
					v = pr.dept
				}
				if bad[v] {
					out = append(out, ro.order[pr.start:pr.end]...)
				}
			}
			slices.Sort(out)
			cand.AndNot(roaring.BitmapOf(out...))
		}
		walked = cand
		runtime.KeepAlive(ro) // its arrays are off the heap (orderDraft.sort)
	}
	if walked != nil && walk.IsEmpty() {
		return walked
	}
	buf := ordBufs.Get().(*[512]uint32)
	defer ordBufs.Put(buf)
	var ids [512]uint32
	var drop []uint32
	it := walk.ManyIterator()
	for {
		n := it.NextMany(buf[:])
		if n == 0 {
			break
		}
		if tab != nil {
			// The ids first: loads that do not wait on each other.
			for i, o := range buf[:n] {
				if f == fDept {
					ids[i] = ix.hot[o].dept
				} else {
					ids[i] = ix.hot[o].title
				}
			}
		}
		for i, o := range buf[:n] {
			var ok bool
			if tab != nil {
				ok = matches(ids[i])
			} else {
				r := ix.arena.record(ix.contacts[o].packed)
				var s string
				if f == fEmail {
					s = r.emailOf(&ix.arena.domains)
				} else {
					s = r.nameOf()
				}
				plain := a.Plain(s)
				ok = analysis.Contains(analysis.CanonicalTerms(plain), cl.terms) || cl.plain != nil && analysis.Contains(plain, cl.plain)
			}
			if !ok {
				drop = append(drop, o)
			}
		}
	}
	// Most candidates hold the phrase: take the others out of them.
	if len(drop) > 0 {
		walk.AndNot(roaring.BitmapOf(drop...))
	}
	if walked != nil {
		walked.Or(walk)
		return walked
	}
	return walk
}

// phraseByOrderMin is the number of candidates from which phraseMatches
// takes the candidates of values that do not hold the phrase out through
// the rank order (which costs a look at every pair of it, and the lists
// of those values' contacts, whoever sees them) rather than checking
// each candidate.
const phraseByOrderMin = 8192

// notHolding adds to bad the values listed under every one of terms in
// byTerm (the titles or departments of the rank order holding each term)
// that do not match.
func notHolding(byTerm map[string][]uint32, terms []string, matches func(uint32) bool, bad map[uint32]bool) {
	if len(terms) == 0 {
		return
	}
	count := map[uint32]int{}
	for _, t := range terms {
		for _, id := range byTerm[t] {
			count[id]++
		}
	}
	for id, n := range count {
		if n == len(terms) && !matches(id) {
			bad[id] = true
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// orCache keeps the postings of recently searched terms in a set of
// contact fields (their union, for a word of any field), so that a common
// word ("director") does not allocate its any-field bitmap, nor a small
// term its bitmap, on every search. It is emptied
// whenever a batch of changes is applied. The cached bitmaps are only
// read.
type orCache struct {
	mu      sync.Mutex
	version int64
	m       map[orKey]*roaring.Bitmap
}

// orKey is a term and the set of fields (bit f for field f) of a union.
type orKey struct {
	term   string
	fields uint8
}

const orCacheSize = 512

// anyField returns the contacts holding term in any of fields, from the
// cache when it can. Callers hold ix.mu for reading.
func (ix *Index) anyField(fields []int, term string) *roaring.Bitmap {
	k := orKey{term: term}
	for _, f := range fields {
		k.fields |= 1 << f
	}
	c := &ix.ors
	c.mu.Lock()
	if c.version != ix.version || c.m == nil {
		c.m, c.version = map[orKey]*roaring.Bitmap{}, ix.version
	}
	bm, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return bm
	}
	bm = termBitmap(ix.fields[:], fields, term)
	c.mu.Lock()
	if c.version == ix.version {
		if len(c.m) >= orCacheSize {
			clear(c.m)
		}
		c.m[k] = bm
	}
	c.mu.Unlock()
	return bm
}
