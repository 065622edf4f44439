package search

import (
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// This file holds the corpus statistics BM25 scores with. They are the
// customer's own: N is the number of rows the customer can see, df a
// term's number of rows among those, and the average field lengths are
// over those rows too. Statistics of the whole store would let a customer
// infer rows it cannot see from the scores of the rows it can (hits carry
// their score, and the order depends on df): how many contacts nationwide
// are named Taylor, or work in a department called Legal. With these, a
// customer's scores, order and cursors are the same whatever the rows
// outside its grants are.
//
// The length sums are kept per customer as its visible set and the rows'
// lengths change (setIn, setAll, setPlace, and the brackets in
// putContact and indexPlace), so a search pays only for the document
// frequencies: one intersection count per (field, term) of the query,
// none for a customer who sees every contact. The email field counts only
// the contacts the customer sees in full: for it, a masked contact's email
// is empty (addLens).

// stats are the corpus statistics BM25 uses.
type stats struct {
	N   float64            `json:"n"`
	Avg []float64          `json:"a"`
	DF  map[string]float64 `json:"d,omitempty"` // "field\x00term" → df
}

func dfKey(field, term string) string { return field + "\x00" + term }

// contactLens returns the lengths of a contact's fields, in terms.
func (ix *Index) contactLens(ord uint32) [numFields]int64 {
	h := &ix.hot[ord]
	return [numFields]int64{
		fName:  int64(h.nameLen),
		fTitle: int64(ix.titles.vals[h.title].n),
		fDept:  int64(ix.depts.vals[h.dept].n),
		fEmail: int64(h.emailLen),
	}
}

// placeLens returns the lengths of a place's fields, in terms.
func (ix *Index) placeLens(ord uint32) [numPlaceFields]int64 {
	pd := &ix.places[ord]
	return [numPlaceFields]int64{pfName: int64(pd.nameLen), pfCounty: int64(pd.countyLen)}
}

// addLens adds sign times a contact's lengths to a customer's sums:
// those of the fields it sees when seen is true, the email's when full is.
// A customer's sums are over its visible set for every field but the
// email, and over the contacts it sees in full for the email: for it, a
// masked contact's email is empty (it can neither match nor weigh in the
// statistics, see matchClauses).
func addLens(sum *[numFields]int64, l [numFields]int64, sign int64, seen, full bool) {
	for f := range l {
		if f == fEmail && full || f != fEmail && seen {
			sum[f] += sign * l[f]
		}
	}
}

// setIn sets or clears a contact in a customer's visible or full set,
// moving the customer's length sums with it (addLens: the visible set
// carries every field's but the email's, the full set the email's).
func (ix *Index) setIn(c *customer, set *roaring.Bitmap, ord uint32, on bool) {
	switch {
	case on && set.CheckedAdd(ord):
		if !ix.lensDeferred {
			addLens(&c.lens, ix.contactLens(ord), 1, set == c.visible, set == c.full)
		}
		ix.touchCustomer(c)
	case !on && set.CheckedRemove(ord):
		if !ix.lensDeferred {
			addLens(&c.lens, ix.contactLens(ord), -1, set == c.visible, set == c.full)
		}
		ix.touchCustomer(c)
	}
}

// setPlace sets or clears a place in a customer's granted places, keeping
// the customer's place length sums.
func (ix *Index) setPlace(c *customer, ord uint32, on bool) {
	sign := int64(0)
	switch {
	case on && c.places.CheckedAdd(ord):
		sign = 1
	case !on && c.places.CheckedRemove(ord):
		sign = -1
	}
	if sign != 0 {
		ix.touchCustomer(c)
		l := ix.placeLens(ord)
		for f := range l {
			c.placeLens[f] += sign * l[f]
		}
	}
}

// recountLens recomputes a customer's length sums from its visible set
// and granted places.
func (ix *Index) recountLens(c *customer) {
	c.lens = [numFields]int64{}
	eachOrd(c.visible, func(o uint32) { addLens(&c.lens, ix.contactLens(o), 1, true, false) })
	eachOrd(c.full, func(o uint32) { addLens(&c.lens, ix.contactLens(o), 1, false, true) })
	c.placeLens = [numPlaceFields]int64{}
	eachOrd(c.places, func(o uint32) {
		l := ix.placeLens(o)
		for f := range l {
			c.placeLens[f] += l[f]
		}
	})
}

// seers returns the customers that may hold a contact in their visible
// set: those with a grant or mapping on the contact or on its place.
func (ix *Index) seers(contactID, placeID int64) []*customer {
	var out []*customer
	for _, list := range [2][]int64{ix.contactCust.get(contactID), ix.placeCust.get(placeID)} {
		for _, cid := range list {
			c := ix.customers[cid]
			if c == nil {
				continue
			}
			dup := false
			for _, x := range out {
				dup = dup || x == c
			}
			if !dup {
				out = append(out, c)
			}
		}
	}
	return out
}

// relengthContact moves the length sums of the customers that see a
// contact from its old lengths to its new ones.
func (ix *Index) relengthContact(ord uint32, old [numFields]int64, contactID, placeID int64) {
	now := ix.contactLens(ord)
	if now == old {
		return
	}
	for _, c := range ix.seers(contactID, placeID) {
		seen, full := c.visible.Contains(ord), c.full.Contains(ord)
		addLens(&c.lens, old, -1, seen, full)
		addLens(&c.lens, now, 1, seen, full)
	}
}

// relengthPlace does the same for a place's customers.
func (ix *Index) relengthPlace(ord uint32, old [numPlaceFields]int64) {
	now := ix.placeLens(ord)
	if now == old {
		return
	}
	for _, cid := range ix.placeCust.get(ix.places[ord].p.PlaceID) {
		if c := ix.customers[cid]; c != nil && c.places.Contains(ord) {
			for f := range now {
				c.placeLens[f] += now[f] - old[f]
			}
		}
	}
}

// contactStats returns the statistics to score a contacts search of
// customer c with: the cursor's, or c's now; nil when the query has no
// scoring term. Callers hold ix.mu for reading.
func (ix *Index) contactStats(c *customer, p *plan) *stats {
	if p.cursor != nil && p.cursor.Stats != nil {
		return p.cursor.Stats
	}
	terms := scoringTerms(p.clauses)
	if len(terms) == 0 {
		return nil
	}
	n := c.visible.GetCardinality()
	// The visible set lies within alive, so the same size means the same
	// set: the index's own counts are the customer's. The email field
	// counts only the contacts the customer sees in full (addLens).
	alive := ix.alive.GetCardinality()
	st := &stats{N: float64(n), Avg: make([]float64, numFields), DF: map[string]float64{}}
	for f := range ix.fields {
		if n > 0 {
			st.Avg[f] = float64(c.lens[f]) / float64(n)
		}
	}
	for _, ft := range terms {
		f := indexOf(fieldNames[:], ft[0])
		within := c.visible
		if f == fEmail {
			within = c.full
		}
		var df uint64
		if within.GetCardinality() == alive {
			df = ix.fields[f].card(ft[1])
		} else {
			df = ix.docFreq(dfCacheKey{customer: c.id, field: f, term: ft[1]}, ix.fields[f], within)
		}
		if df > 0 {
			st.DF[dfKey(ft[0], ft[1])] = float64(df)
		}
	}
	return st
}

// placeFieldNames name the place fields in document-frequency keys.
var placeFieldNames = [numPlaceFields]string{"pname", "pcounty"}

// placeStats returns the statistics to score a places search of customer
// c with, over the places c holds a grant on.
func (ix *Index) placeStats(c *customer, p *plan) *stats {
	if p.cursor != nil && p.cursor.Stats != nil {
		return p.cursor.Stats
	}
	keys := placeScoringKeys(p.clauses)
	if len(keys) == 0 {
		return nil
	}
	n := c.places.GetCardinality()
	st := &stats{N: float64(n), Avg: make([]float64, numPlaceFields), DF: map[string]float64{}}
	for f := range ix.pfields {
		if n > 0 {
			st.Avg[f] = float64(c.placeLens[f]) / float64(n)
		}
	}
	for _, k := range keys {
		f := indexOf(placeFieldNames[:], k[0])
		if df := ix.docFreq(dfCacheKey{customer: c.id, places: true, field: f, term: k[1]}, ix.pfields[f], c.places); df > 0 {
			st.DF[dfKey(k[0], k[1])] = float64(df)
		}
	}
	return st
}

// placeScoringKeys returns the (field, term) pairs a places search scores:
// every term of a positive clause in both place fields.
func placeScoringKeys(cls []clause) [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	for _, cl := range cls {
		if cl.negate {
			continue
		}
		for _, t := range cl.terms {
			for _, fn := range placeFieldNames {
				k := [2]string{fn, t}
				if !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// cardIn returns how many documents of within hold term.
func (f *field) cardIn(term string, within *roaring.Bitmap) uint64 {
	if bm := f.big[term]; bm != nil {
		return bm.AndCardinality(within)
	}
	l, ok := f.small.get(term)
	switch {
	case !ok:
		return 0
	case l.n == 1:
		if within.Contains(l.off) {
			return 1
		}
		return 0
	}
	list := f.list(&l)
	if len(list) > 256 {
		// A bitmap of a long sorted list is a few array containers,
		// made in microseconds, that intersect within container-wise.
		bm := roaring.New()
		bm.AddMany(list)
		return bm.AndCardinality(within)
	}
	n := uint64(0)
	for _, o := range list {
		if within.Contains(o) {
			n++
		}
	}
	return n
}

// dfCache keeps the document frequencies of recently searched terms in
// customers' visible sets (a customer's next page, or the next customer
// searching "director", counts nothing). It is emptied whenever a batch
// of changes is applied, like orCache.
type dfCache struct {
	mu      sync.Mutex
	version int64
	m       map[dfCacheKey]uint64
}

type dfCacheKey struct {
	customer int64
	places   bool
	field    int
	term     string
}

const dfCacheSize = 1 << 14

// docFreq returns how many of the documents in within hold term in f,
// through the cache. Callers hold ix.mu for reading.
func (ix *Index) docFreq(k dfCacheKey, f *field, within *roaring.Bitmap) uint64 {
	c := &ix.dfs
	c.mu.Lock()
	if c.version != ix.version || c.m == nil {
		c.m, c.version = map[dfCacheKey]uint64{}, ix.version
	}
	n, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return n
	}
	n = f.cardIn(k.term, within)
	c.mu.Lock()
	if c.version == ix.version {
		if len(c.m) >= dfCacheSize {
			clear(c.m)
		}
		c.m[k] = n
	}
	c.mu.Unlock()
	return n
}
