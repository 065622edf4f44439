package search

import (
	"github.com/pursuit-gov/pursuit"
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
	// EmailStatus is the contact's email_status (pursuit.EmailStatuses),
	// as the email_status filter and facet already tell.
	EmailStatus string
	// Mapped tells whether the customer maps the contact or its place to
	// its CRM (customer_mapping).
	Mapped bool
	// Categories are the place's tech_stack categories, lower-cased,
	// without duplicates. The caller may keep them but not change them:
	// the index rebuilds a place's categories, never edits them in place.
	Categories []string

	ord uint32 // the contact's ordinal in the index that made them, for CompleteHits
}

// fillSignals sets the Signals of a page's hits, in the order of hits.
func (ix *Index) fillSignals(c *customer, p *plan, st *stats, hits []hit, out []ContactHit) {
	var s *scorer
	if st != nil {
		s = ix.newScorer(p, st, c.emailWithin())
		defer s.release()
	}
	for i, h := range hits {
		hd := &ix.hot[h.ord]
		pd := &ix.places[hd.place]
		sg := &Signals{
			ord:         h.ord,
			Static:      float64(hd.static),
			Population:  pd.p.Population,
			HasEmail:    ix.hasEmail.Contains(h.ord),
			EmailStatus: pursuit.EmailStatuses[hd.email],
			Mapped:      c.mapped != nil && c.mapped.Contains(h.ord),
			Categories:  pd.categories[:len(pd.categories):len(pd.categories)],
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

// leanHit is a hit without its text (Request.Lean).
func (ix *Index) leanHit(c *customer, h hit) ContactHit {
	d, hd := &ix.contacts[h.ord], &ix.hot[h.ord]
	pd := &ix.places[hd.place]
	return ContactHit{
		Contact:    pursuit.Contact{ContactID: d.id, PlaceID: pd.p.PlaceID, VerifiedAt: fromMicros(d.verified)},
		PlaceName:  pd.p.Name(),
		PlaceType:  pd.p.PlaceType,
		StateAbbr:  pd.p.StateAbbr,
		Function:   functionName(hd.function()),
		Seniority:  seniorityName(hd.seniority()),
		AccessType: c.access(h.ord),
		Score:      h.score,
	}
}

// CompleteHits completes lean hits of customerID's search (Request.Lean)
// by this index into the hits SearchContacts returns, masked as the
// customer's access is now. A contact deleted since, or no longer visible
// to the customer, is left out, and so is a hit without Signals. Signals
// and scores are kept.
func (ix *Index) CompleteHits(customerID int64, hits []ContactHit) []ContactHit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	c := ix.customers[customerID]
	out := make([]ContactHit, 0, len(hits))
	if c == nil {
		return out
	}
	for _, h := range hits {
		if h.Signals == nil {
			continue
		}
		o := h.Signals.ord
		if int(o) >= len(ix.contacts) || ix.contacts[o].id != h.Contact.ContactID || !c.visible.Contains(o) {
			continue
		}
		full := ix.contactHit(c, hit{score: h.Score, id: h.Contact.ContactID, ord: o})
		full.Signals = h.Signals
		out = append(out, full)
	}
	return out
}
