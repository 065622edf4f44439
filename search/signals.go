package search

import (
	"slices"
)

// Signals are what the engine knows of a contact hit beyond its score: the
// per-field parts of its text score and the place's facts a re-ranker
// (package rank) reads. SearchContacts fills ContactHit.Signals only when
// Request.Signals is set. Every value comes from rows the customer sees
// and from its own statistics, like the score.
type Signals struct {
	// Name, Title, Department and Email are the BM25 parts of the text
	// score (weight · idf · tfnorm summed over the query's terms in the
	// field); Static is the static part (seniority, population,
	// recency). Score = Name + Title + Department + Email + Static.
	Name, Title, Department, Email float64
	Static                         float64
	// Population is the place's population.
	Population int64
	// HasEmail tells whether the contact has an email address (a masked
	// contact's too: the has_email filter already says as much).
	HasEmail bool
	// Mapped tells whether the customer maps the contact or its place to
	// its CRM (customer_mapping).
	Mapped bool
	// Categories are the place's tech_stack categories, lower-cased,
	// without duplicates: a copy the caller may keep.
	Categories []string
}

// fillSignals sets the Signals of a page's hits, in the order of hits.
func (ix *Index) fillSignals(c *customer, p *plan, st *stats, hits []hit, out []ContactHit) {
	var s *scorer
	if st != nil {
		s = ix.newScorer(p, st, c.emailWithin())
		defer s.release()
	}
	for i, h := range hits {
		d := &ix.contacts[h.ord]
		hd := &ix.hot[h.ord]
		pd := &ix.places[d.place]
		sg := &Signals{
			Static:     float64(hd.static),
			Population: pd.p.Population,
			HasEmail:   ix.hasEmail.Contains(h.ord),
			Mapped:     c.mapped != nil && c.mapped.Contains(h.ord),
			Categories: slices.Clone(pd.categories),
		}
		if s != nil {
			sg.Title = s.interned(s.titleS, ix.titles, fTitle, hd.title)
			sg.Department = s.interned(s.deptS, ix.depts, fDept, hd.dept)
			for j := range s.nameT {
				ft := &s.nameT[j]
				if !ft.bm.Contains(h.ord) || ft.within != nil && !ft.within.Contains(h.ord) {
					continue
				}
				if ft.f == fEmail {
					sg.Email += ix.textScore(&ft.queryTerm, 1, float64(hd.emailLen))
				} else {
					sg.Name += ix.textScore(&ft.queryTerm, 1, float64(hd.nameLen))
				}
			}
		}
		out[i].Signals = sg
	}
}
