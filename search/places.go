package search

import (
	"math"

	"github.com/RoaringBitmap/roaring/v2"
)

// SearchPlaces searches the places customerID holds a
// customer_place_relation row for. (A contact grant shows the contact,
// with its place's name and state, but not the place itself.) Words match
// the place's name and county; the contact-only filters (department,
// function, seniority, verified_since, has_email, has_phone) and the
// title:, dept: and email: fields are EINVALID. Facets are state,
// place_type and vendor.
func (ix *Index) SearchPlaces(customerID int64, req Request) (PlaceResult, error) {
	p, err := compile(req, false)
	if err != nil {
		return PlaceResult{}, err
	}
	bind := binding{contacts: false, customer: customerID, request: p.hash}
	if req.Cursor != "" {
		if p.cursor, err = ix.sealer.open(req.Cursor, bind, placeScoringKeys(p.clauses), numPlaceFields); err != nil {
			return PlaceResult{}, err
		}
	}
	// The place fields stand in for the contact fields of the plan:
	// any-field words search name and county, name: searches the name.
	for i := range p.clauses {
		if len(p.clauses[i].fields) == 1 {
			p.clauses[i].fields = []int{pfName}
		} else {
			p.clauses[i].fields = []int{pfName, pfCounty}
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	res := PlaceResult{Hits: []PlaceHit{}}
	c := ix.customers[customerID]
	if c == nil {
		if req.Facets {
			res.Facets = ix.placeFacets(roaring.New(), p.facetN)
		}
		return res, nil
	}
	r := ix.placeFilter(c, p)
	r = ix.matchPlaceClauses(r, p.clauses)
	res.Total = int(r.GetCardinality())
	if req.Facets {
		res.Facets = ix.placeFacets(r, p.facetN)
	}
	st := ix.placeStats(c, p)
	top := &topK{k: p.limit + 1}
	// The scoring (clause term, field) pairs, with their postings and the
	// document-independent part of their score, looked up once.
	type scoring struct {
		queryTerm
		f  int
		bm *roaring.Bitmap
	}
	var terms []scoring
	for _, cl := range p.clauses {
		if cl.negate || st == nil {
			continue
		}
		for _, t := range cl.terms {
			for _, f := range cl.fields {
				w, fn := ix.w.PlaceName, placeFieldNames[pfName]
				if f == pfCounty {
					w, fn = ix.w.County, placeFieldNames[pfCounty]
				}
				if bm := ix.pfields[f].get(t); bm != nil {
					terms = append(terms, scoring{newQueryTerm(w, st, st.DF[dfKey(fn, t)], st.Avg[f]), f, bm})
				}
			}
		}
	}
	eachOrd(r, func(o uint32) {
		pd := &ix.places[o]
		sc := ix.w.Population * math.Min(1, math.Log10(float64(max(pd.p.Population, 0))+1)/7)
		for i := range terms {
			if t := &terms[i]; t.bm.Contains(o) {
				l := float64(pd.nameLen)
				if t.f == pfCounty {
					l = float64(pd.countyLen)
				}
				sc += ix.textScore(&t.queryTerm, 1, l)
			}
		}
		sc = float64(float32(sc))
		if p.cursor.after(sc, pd.p.PlaceID) {
			top.push(hit{sc, pd.p.PlaceID, o})
		}
	})
	hits := top.sorted()
	more := len(hits) > p.limit
	if more {
		hits = hits[:p.limit]
	}
	for _, h := range hits {
		pd := &ix.places[h.ord]
		res.Hits = append(res.Hits, PlaceHit{
			Place:      pd.p.place(),
			Contacts:   len(pd.contacts),
			AccessType: accessName(c.placeGrant.at(pd.p.PlaceID)),
			Score:      h.score,
		})
	}
	if more {
		last := hits[len(hits)-1]
		res.NextCursor = ix.sealer.seal(cursor{Score: last.score, ID: last.id, Stats: st}, bind)
	}
	return res, nil
}

func (ix *Index) placeFilter(c *customer, p *plan) *roaring.Bitmap {
	req := &p.req
	r := c.places.Clone()
	and := func(bm *roaring.Bitmap) {
		if bm == nil {
			r.Clear()
			return
		}
		r.And(bm)
	}
	if len(p.states) > 0 {
		and(orOf(ix.pstates, p.states, false))
	}
	if len(req.PlaceTypes) > 0 {
		and(orOf(ix.ptypes, req.PlaceTypes, false))
	}
	if len(req.PlaceIDs) > 0 {
		bm := roaring.New()
		for _, id := range req.PlaceIDs {
			if ord, ok := ix.placeOrd[id]; ok {
				bm.Add(ord)
			}
		}
		and(bm)
	}
	if len(req.Vendors) > 0 {
		and(orOf(ix.pvendors, req.Vendors, true))
	}
	if len(req.Products) > 0 {
		and(orOf(ix.pproducts, req.Products, true))
	}
	if len(req.Categories) > 0 {
		and(orOf(ix.pcats, req.Categories, true))
	}
	if req.AccountOwner != "" {
		and(c.placeOwners[normKey(req.AccountOwner)])
	}
	if req.Mapped != nil {
		andOrNot(r, c.placesMapped, *req.Mapped)
	}
	if p.hasPop && !r.IsEmpty() {
		r = ix.ppop.query(p.popLo, p.popHi, r, func(o uint32) int64 { return ix.places[o].p.Population })
	}
	return r
}

// matchPlaceClauses narrows r to the places matching every clause. Place
// phrases are checked against the analysed name and county.
func (ix *Index) matchPlaceClauses(r *roaring.Bitmap, cls []clause) *roaring.Bitmap {
	pf := ix.pfields[:]
	for i := range cls {
		cl := &cls[i]
		m := roaring.New()
		for j, t := range cl.terms {
			if j == 0 {
				m = roaring.And(r, termBitmap(pf, cl.fields, t))
			} else {
				m.And(termBitmap(pf, cl.fields, t))
			}
		}
		if cl.phrase {
			if cl.plain != nil && !equal(cl.plain, cl.terms) {
				alt := r.Clone()
				for _, t := range cl.plain {
					alt.And(termBitmap(pf, cl.fields, t))
				}
				m.Or(alt)
			}
			a := analyzers.Get().(*analyzerT)
			v := roaring.New()
			eachOrd(m, func(o uint32) {
				pd := &ix.places[o]
				for _, f := range cl.fields {
					s := pd.p.Name()
					if f == pfCounty {
						s = pd.p.County()
					}
					plain := a.Plain(s)
					if containsSeq(canonical(plain), cl.terms) || cl.plain != nil && containsSeq(plain, cl.plain) {
						v.Add(o)
						return
					}
				}
			})
			analyzers.Put(a)
			m = v
		}
		if cl.negate {
			r.AndNot(m)
		} else {
			r = m
		}
	}
	return r
}
