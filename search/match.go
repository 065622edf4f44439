package search

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/pursuit-gov/pursuit/search/analysis"
)

// Subset restricts MatchContactIDs to some contacts: those whose id is
// one of ContactIDs or whose place is one of PlaceIDs.
type Subset struct {
	ContactIDs []int64
	PlaceIDs   []int64
}

// Empty reports whether the subset holds no contact at all.
func (s *Subset) Empty() bool { return len(s.ContactIDs) == 0 && len(s.PlaceIDs) == 0 }

// Seq is the change_log sequence number the index has applied up to.
func (ix *Index) Seq() int64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.seq
}

// MatchContactIDs returns the ids, in increasing order, of the contacts
// customerID can see that match req's query and filters — exactly the
// rows SearchContacts would rank (the same visibility, filters and
// matching, masked emails included), without ranking, paging or facets.
// within, when not nil, restricts them to its contacts. Saved-search
// alerts ask it which changed contacts match a saved search now. Errors
// are SearchContacts's.
func (ix *Index) MatchContactIDs(customerID int64, req Request, within *Subset) ([]int64, error) {
	req.Cursor, req.Facets = "", false
	p, err := compile(req, true)
	if err != nil {
		return nil, err
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c := ix.customers[customerID]
	if c == nil {
		return nil, nil
	}
	r, shared := ix.contactFilter(c, p)
	if within != nil {
		sub := roaring.New()
		for _, id := range within.ContactIDs {
			if o, ok := ix.contactOrd.get(id); ok {
				sub.Add(o)
			}
		}
		for _, id := range within.PlaceIDs {
			if o, ok := ix.placeOrd[id]; ok {
				sub.AddMany(ix.places[o].contacts)
			}
		}
		r, shared = roaring.And(r, sub), false
	}
	a := analyzers.Get().(*analysis.Analyzer)
	defer analyzers.Put(a)
	r, _ = ix.matchClauses(a, r, shared, p.clauses, c.emailWithin())
	out := make([]int64, 0, r.GetCardinality())
	for it := r.Iterator(); it.HasNext(); {
		out = append(out, ix.contacts[it.Next()].id)
	}
	slices.Sort(out)
	return out, nil
}

// ContactHits returns the hits of the contacts with the given ids that
// customerID can see now, masked as it sees them (Score 0), in the order
// of ids; the others are left out.
func (ix *Index) ContactHits(customerID int64, ids []int64) []ContactHit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c := ix.customers[customerID]
	if c == nil {
		return nil
	}
	out := make([]ContactHit, 0, len(ids))
	for _, id := range ids {
		o, ok := ix.contactOrd.get(id)
		if !ok || !c.visible.Contains(o) {
			continue
		}
		out = append(out, ix.contactHit(c, hit{id: id, ord: o}))
	}
	return out
}
