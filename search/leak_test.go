package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestMaskedEmailNotSearchable is the attack on PII masking through
// search: a customer that sees a contact masked searches for words of its
// email address (email:word, a plain word, a phrase, an exclusion) to
// learn which masked contacts' addresses hold them. An email field may
// match only where the customer's effective access is full; masked
// contacts still match on their name, title and department.
func TestMaskedEmailNotSearchable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		w := &world{
			customers: []pursuit.Customer{{CustomerID: 1, Name: "Prober", Email: "p@example.com"}, {CustomerID: 2, Name: "Other", Email: "o@example.com"}},
			places: []pursuit.Place{
				{PlaceID: 1, Name: "Alpha City", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "NY", EmailDomain: "alpha.gov"},
				{PlaceID: 2, Name: "Beta City", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "NY", EmailDomain: "beta.gov"},
			},
			contacts: []pursuit.Contact{
				{ContactID: 10, PlaceID: 1, Name: "Ann Lee", Email: "ann.confidential@alpha.gov", Title: "Clerk"},
				{ContactID: 11, PlaceID: 1, Name: "Bob Kim", Email: "bob.kim.whistle@alpha.gov", Title: "Clerk"},
				{ContactID: 12, PlaceID: 2, Name: "Cat Ray", Email: "cat.confidential@beta.gov", Title: "Clerk"},
				{ContactID: 13, PlaceID: 1, Name: "Dan Confidential", Email: "dan@alpha.gov", Title: "Clerk"},
			},
			pgrants: []pursuit.CustomerPlaceRelation{
				{CustomerID: 1, PlaceID: 1, AccessType: pursuit.AccessMasked},
				{CustomerID: 1, PlaceID: 2, AccessType: pursuit.AccessFull},
				{CustomerID: 2, PlaceID: 1, AccessType: pursuit.AccessFull},
			},
		}
		w.load(t, s)
		ix, err := Build(ctx, s, Options{})
		must(t, err)
		check := func(t *testing.T, cust int64, q string, want []int64) {
			t.Helper()
			for _, tune := range []func(*Index){
				func(ix *Index) { ix.facetWalk, ix.subsetMin, ix.pruneMin = facetWalk, subsetMin, pruneMin },
				func(ix *Index) { ix.facetWalk, ix.subsetMin, ix.pruneMin = 0, 0, 0 },
			} {
				tune(ix)
				res, err := ix.SearchContacts(cust, Request{Q: q, Facets: true})
				must(t, err)
				var got []int64
				for _, h := range res.Hits {
					got = append(got, h.Contact.ContactID)
				}
				slices.Sort(got)
				if !slices.Equal(got, want) || res.Total != len(want) {
					t.Errorf("customer %d q=%q: hits %v (total %d), want %v", cust, q, got, res.Total, want)
				}
				n := 0
				for _, b := range res.Facets[FacetState] {
					n += b.Count
				}
				if n != len(want) {
					t.Errorf("customer %d q=%q: the state facet counts %d contacts, want %d", cust, q, n, len(want))
				}
				// The alerts' matching is the same: all of them, and those
				// of a subset (Beta City's contact, and Ann by id).
				ids, err := ix.MatchContactIDs(cust, Request{Q: q}, nil)
				must(t, err)
				if !slices.Equal(ids, want) {
					t.Errorf("customer %d q=%q: MatchContactIDs %v, want %v", cust, q, ids, want)
				}
				ids, err = ix.MatchContactIDs(cust, Request{Q: q}, &Subset{PlaceIDs: []int64{2}, ContactIDs: []int64{10}})
				must(t, err)
				sub := slices.DeleteFunc(slices.Clone(want), func(id int64) bool { return id != 12 && id != 10 })
				if !slices.Equal(ids, sub) {
					t.Errorf("customer %d q=%q: MatchContactIDs within Beta City and contact 10: %v, want %v", cust, q, ids, sub)
				}
			}
		}
		tests := []struct {
			name string
			q    string
			want []int64
		}{
			{"email field", "email:confidential", []int64{12}},
			{"plain word", "confidential", []int64{12, 13}},
			{"word only in a masked email", "whistle", nil},
			{"masked domain", "email:alpha", nil},
			{"email phrase", `email:"ann confidential"`, nil},
			{"phrase in any field", `"kim whistle"`, nil},
			{"exclusion cannot remove masked contacts", "clerk -confidential", []int64{10, 11}},
			{"excluded email field", "clerk -email:whistle", []int64{10, 11, 12, 13}},
			{"masked contacts still match on their name", "ann", []int64{10}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { check(t, 1, tt.q, tt.want) })
		}
		// Customer 2 sees place 1 in full: its emails match.
		check(t, 2, "email:confidential", []int64{10})
		check(t, 2, "whistle", []int64{11})

		// A contact grant in full makes that contact's email searchable.
		must(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: 1, ContactID: 10, AccessType: pursuit.AccessFull}))
		must(t, ix.Sync(ctx))
		check(t, 1, "email:confidential", []int64{10, 12})
		// A reveal does not: the index keeps revealed contacts masked (the
		// reveal answer is where full values appear, docs/api.md).
		if _, err := s.RevealContact(ctx, &pursuit.Reveal{CustomerID: 1, ContactID: 11, RevealedAt: time.Now().UTC().Truncate(time.Microsecond)}); err != nil &&
			pursuit.ErrorCode(err) != pursuit.EPAYMENT {
			t.Fatal(err)
		}
		must(t, ix.Sync(ctx))
		check(t, 1, "whistle", nil)
		// Losing the full grant makes it masked again.
		must(t, s.DeleteContactGrant(ctx, 1, 10))
		must(t, ix.Sync(ctx))
		check(t, 1, "email:confidential", []int64{12})
		checkLens(t, ix)
	})
}

// TestMaskedEmailTextInvisible builds stores that differ only in the
// email text of the contacts customer 1 sees masked (each rewritten to
// other, and more, words with the same first character and domain, so
// the masked value shown is the same): customer 1's results must be
// identical, page after page: hits, scores, order, totals, facets and the
// statistics its cursors hold. The email statistics BM25 scores with come
// from the contacts it sees in full; a masked contact's email is, for it,
// empty.
func TestMaskedEmailTextInvisible(t *testing.T) {
	t.Parallel() // a long property test: runs beside the others (the -race run's long pole)
	for _, seed := range seeds(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 77))
			w := newWorld(r, 40, 900, 3)
			w.fixTimes()
			masked := maskedFor(w, 1)
			if len(masked) < 20 {
				t.Fatalf("only %d masked contacts", len(masked))
			}
			other := *w
			other.contacts = slices.Clone(w.contacts)
			words := []string{"director", "smith", "jane", "confidential", "works", "hr", "p3"}
			for i, c := range other.contacts {
				if !masked[c.ContactID] || c.Email == "" {
					continue
				}
				at := strings.LastIndexByte(c.Email, '@')
				local := c.Email[:1]
				for range 1 + r.IntN(4) {
					local += "." + words[r.IntN(len(words))]
				}
				other.contacts[i].Email = local + c.Email[at:]
			}
			opt := fixedOptions()
			a, b := w.build(t, opt), other.build(t, opt)
			reqs := []Request{{Q: "director"}, {Q: "smith"}, {Q: "email:smith"}, {Q: "jane smith", Facets: true},
				{Q: "confidential"}, {Q: `email:"jane smith"`}, {Q: "director -jane"}, {Q: "p3"}, {Q: "hr -email:works"}}
			for range 40 {
				if req := randomRequest(r, w); req.ValidateContacts() == nil {
					reqs = append(reqs, req)
				}
			}
			compared := 0
			for _, req := range reqs {
				req.Limit = 1 + r.IntN(6)
				want := pages(t, a, req, true)
				if diff := cmp.Diff(want, pages(t, b, req, true)); diff != "" {
					t.Fatalf("q=%q: customer 1's results depend on the email text of contacts it sees masked (-one +other):\n%s", req.Q, diff)
				}
				compared += len(want)
			}
			if compared < 100 {
				t.Fatalf("only %d pages compared", compared)
			}
		})
	}
}

// fixTimes gives every row the same creation and update time, so that
// two stores loaded from it hold the same rows.
func (w *world) fixTimes() {
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range w.contacts {
		w.contacts[i].CreatedAt, w.contacts[i].UpdatedAt = at, at
	}
	for i := range w.places {
		w.places[i].CreatedAt, w.places[i].UpdatedAt = at, at
	}
}

// maskedFor returns the contacts a customer sees masked in w.
func maskedFor(w *world, cust int64) map[int64]bool {
	pg, cg := w.grantsOf(cust)
	out := map[int64]bool{}
	for _, c := range w.contacts {
		if pursuit.MorePermissive(pg[c.PlaceID], cg[c.ContactID]) == pursuit.AccessMasked {
			out[c.ContactID] = true
		}
	}
	return out
}
