package search

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestSignalsAddUpToScore checks that a hit's Signals split its score
// exactly into the text parts and the static part, for random searches of
// random worlds, and that asking for them changes nothing else.
func TestSignalsAddUpToScore(t *testing.T) {
	for _, seed := range seeds(4) {
		seed-- // seeds 0 to 3
		r := rand.New(rand.NewPCG(seed, 7))
		w := newWorld(r, 20, 300, 3)
		ix := w.build(t, fixedOptions())
		emails := map[int64]string{}
		for _, c := range w.contacts {
			emails[c.ContactID] = c.Email
		}
		for range 60 {
			req := randomRequest(r, w)
			req.Cursor = ""
			cid := int64(1 + r.IntN(3))
			plain, err := ix.SearchContacts(cid, req)
			if err != nil {
				continue
			}
			req.Signals = true
			res, err := ix.SearchContacts(cid, req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != len(plain.Hits) || res.Total != plain.Total {
				t.Fatalf("seed %d %+v: signals changed the result", seed, req)
			}
			for i, h := range res.Hits {
				if h.Contact.ContactID != plain.Hits[i].Contact.ContactID || plain.Hits[i].Signals != nil {
					t.Fatalf("seed %d %+v: hit %d differs", seed, req, i)
				}
				s := h.Signals
				if s == nil {
					t.Fatalf("seed %d: hit %d has no signals", seed, i)
				}
				sum := s.Name + s.Title + s.Department + s.Email + s.Static
				if math.Abs(sum-h.Score) > 1e-4*math.Max(1, h.Score) {
					t.Fatalf("seed %d q=%q: hit %d score %v but signals add up to %v (%+v)", seed, req.Q, i, h.Score, sum, *s)
				}
				if s.HasEmail != (emails[h.Contact.ContactID] != "") {
					t.Fatalf("seed %d: hit %d has_email %v", seed, i, s.HasEmail)
				}
			}
			// Lean hits, completed, are the full hits.
			req.Signals, req.Lean = false, true
			lean, err := ix.SearchContacts(cid, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range lean.Hits {
				if h.Contact.Name != "" || h.Contact.Email != "" || h.Contact.Title != "" || h.Signals == nil {
					t.Fatalf("seed %d: a lean hit has text or no signals: %+v", seed, h)
				}
			}
			if full := ix.CompleteHits(cid, lean.Hits); !reflect.DeepEqual(full, res.Hits) {
				t.Fatalf("seed %d q=%q: completed lean hits differ from the full hits", seed, req.Q)
			}
		}
	}
}
