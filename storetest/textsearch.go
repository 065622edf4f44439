package storetest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/pursuit-gov/pursuit"
)

// Vocabulary of the text search test: words repeat across rows, some are
// FTS5 query keywords (and, or, not, near), and "zephyr" and "quill" appear
// only in emails, which the text search must never match.
var (
	textFirst = []string{"Alex", "Maria", "Sam", "Jordan", "Lee", "Near", "Chris"}
	textLast  = []string{"Smith", "Garcia", "Nguyen", "Or", "Patel", "O'Brien", "Kim"}
	textTitle = []string{"IT Director", "Finance Director", "Chief of Police", "Parks and Recreation Director",
		"City Clerk", "Director of Public-Works", "Not Applicable", "K12 Technology Coordinator"}
	textDept  = []string{"Information Technology", "Finance", "Police", "Parks & Recreation", "Clerk", "Public Works", ""}
	textPlace = []string{"City of Springfield", "Springfield Township", "Lake County", "Lakeview School District",
		"Parks and Water District", "Town of Near Lake"}
	textStates = []string{"IL", "NY", "TX"}
	textWords  = []string{"alex", "maria", "smith", "or", "near", "director", "finance", "police", "and", "parks",
		"city", "clerk", "public", "works", "not", "k12", "obrien", "brien", "o", "of", "springfield", "lake",
		"township", "district", "zephyr", "quill", "information", "technology", "nobody"}
)

// textTokens is the reference tokenizer: lower-case runs of letters and
// digits, as FTS5's unicode61 and PostgreSQL's simple parser split these
// ASCII texts.
func textTokens(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out[w] = true
	}
	return out
}

func holdsAll(text string, words []string) bool {
	toks := textTokens(text)
	for _, w := range words {
		if !toks[w] {
			return false
		}
	}
	return true
}

// Seed returns the seed of a property test: PURSUIT_STORETEST_SEED when
// set (to replay a failure), otherwise a new one, logged. The stores' own
// property tests use it too.
func Seed(t *testing.T) uint64 {
	if v := os.Getenv("PURSUIT_STORETEST_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("PURSUIT_STORETEST_SEED=%q is not a number", v)
		}
		return n
	}
	n := uint64(time.Now().UnixNano())
	t.Logf("seed %d (replay with PURSUIT_STORETEST_SEED=%d)", n, n)
	return n
}

// testTextSearch checks SearchContactsText and SearchPlacesText against a
// reference computed here, on random data written by a bulk load and then
// by single-row creates, updates and deletes (the two ways the full-text
// indexes are kept), for random customers, grants, words and states:
// nothing ungranted, nothing missed, masking applied, emails never
// searched, paging complete.
func testTextSearch(t *testing.T, s pursuit.Store) {
	seed := Seed(t)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }

	var customers []pursuit.Customer
	for i := range 3 {
		customers = append(customers, mustCustomer(t, s, fmt.Sprintf("text%d", i)))
	}
	// Bulk load: places and contacts with explicit ids.
	nPlaces := 8 + rng.IntN(10)
	var places []pursuit.Place
	var contacts []pursuit.Contact
	for i := 1; i <= nPlaces; i++ {
		p := newPlace(pick(textPlace))
		p.PlaceID, p.StateAbbr = int64(i), pick(textStates)
		p.CreatedAt, p.UpdatedAt = t0, t0
		places = append(places, p)
	}
	newTextContact := func(placeID int64) pursuit.Contact {
		first, last := pick(textFirst), pick(textLast)
		c := newContact(placeID, first, last)
		c.Title, c.Department = pick(textTitle), pick(textDept)
		// Emails hold words nothing else holds.
		// (PostgreSQL's parser splits "quill+alex@…" into "quill" and
		// "alex@…", FTS5 splits every address into its words.)
		c.Email = []string{"zephyr", "quill", "director"}[rng.IntN(3)] + []string{".", "+"}[rng.IntN(2)] + strings.ToLower(first) + "@springfield.il.us"
		return c
	}
	for i := 1; i <= 60+rng.IntN(60); i++ {
		c := newTextContact(int64(1 + rng.IntN(nPlaces)))
		c.ContactID, c.CreatedAt, c.UpdatedAt = int64(i), t0, t0
		contacts = append(contacts, c)
	}
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, places); err != nil {
			return err
		}
		return w.UpsertContacts(ctx, contacts)
	}), "Bulk")
	// Then single rows: creates, updates, deletes, in random order.
	for range 30 {
		switch rng.IntN(3) {
		case 0:
			c := newTextContact(int64(1 + rng.IntN(nPlaces)))
			ok(t, s.CreateContact(ctx, &c), "CreateContact")
			contacts = append(contacts, c)
		case 1:
			i := rng.IntN(len(contacts))
			c := contacts[i]
			c.Title, c.Name = pick(textTitle), pick(textFirst)+" "+pick(textLast)
			ok(t, s.UpdateContact(ctx, &c), "UpdateContact")
			contacts[i] = c
		case 2:
			i := rng.IntN(len(contacts))
			ok(t, s.DeleteContact(ctx, contacts[i].ContactID), "DeleteContact")
			contacts = slices.Delete(contacts, i, i+1)
		}
	}
	p := places[rng.IntN(len(places))]
	p.Name = pick(textPlace)
	ok(t, s.UpdatePlace(ctx, &p), "UpdatePlace")
	places[p.PlaceID-1] = p

	// Random grants: customer 0 and 1 get places (full or masked) and
	// single contacts; customer 2 gets nothing.
	placeAccess := map[[2]int64]string{}
	contactAccess := map[[2]int64]string{}
	access := []string{pursuit.AccessFull, pursuit.AccessMasked}
	for _, cu := range customers[:2] {
		for _, pl := range places {
			if rng.IntN(2) == 0 {
				a := pick(access)
				ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: pl.PlaceID, AccessType: a}), "PutPlaceGrant")
				placeAccess[[2]int64{cu.CustomerID, pl.PlaceID}] = a
			}
		}
		for _, c := range contacts {
			if rng.IntN(6) == 0 {
				a := pick(access)
				ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c.ContactID, AccessType: a}), "PutContactGrant")
				contactAccess[[2]int64{cu.CustomerID, c.ContactID}] = a
			}
		}
	}
	placeOf := map[int64]pursuit.Place{}
	for _, pl := range places {
		placeOf[pl.PlaceID] = pl
	}

	for range 40 {
		cu := customers[rng.IntN(len(customers))]
		words := []string{pick(textWords)}
		if rng.IntN(2) == 0 {
			words = append(words, pick(textWords))
		}
		var states []string
		if rng.IntN(3) == 0 {
			states = []string{pick(textStates)}
		}
		what := fmt.Sprintf("customer %d, words %q, states %v", cu.CustomerID, words, states)

		// Contacts.
		var want []pursuit.Contact
		var wantAccess []string
		for _, c := range contacts {
			a := pursuit.MorePermissive(contactAccess[[2]int64{cu.CustomerID, c.ContactID}], placeAccess[[2]int64{cu.CustomerID, c.PlaceID}])
			if a == "" || (states != nil && !slices.Contains(states, placeOf[c.PlaceID].StateAbbr)) ||
				!holdsAll(c.Name+" "+c.Title+" "+c.Department, words) {
				continue
			}
			want = append(want, c.Masked(a))
			wantAccess = append(wantAccess, a)
		}
		slices.SortFunc(want, func(a, b pursuit.Contact) int { return int(a.ContactID - b.ContactID) })
		var got []pursuit.Contact
		var gotAccess []string
		limit := 1 + rng.IntN(7)
		q := pursuit.TextQuery{Words: words, States: states, Limit: limit}
		for pages := 0; ; pages++ {
			if pages > len(contacts)+1 {
				t.Fatalf("%s: paging does not end", what)
			}
			res, err := s.SearchContactsText(ctx, cu.CustomerID, q)
			ok(t, err, "SearchContactsText "+what)
			if res.Total != int64(len(want)) {
				t.Fatalf("%s: total %d, want %d", what, res.Total, len(want))
			}
			got, gotAccess = append(got, res.Contacts...), append(gotAccess, res.Access...)
			if len(res.Contacts) < limit {
				break
			}
			q.After = res.Contacts[len(res.Contacts)-1].ContactID
		}
		ids := func(cs []pursuit.Contact) []int64 {
			var out []int64
			for _, c := range cs {
				out = append(out, c.ContactID)
			}
			return out
		}
		diff(t, what+": contact ids", ids(want), ids(got))
		for i := range got {
			if got[i].Email != want[i].Email || got[i].Phone != want[i].Phone || got[i].Title != want[i].Title {
				t.Fatalf("%s: contact %d: got email %q phone %q title %q, want %q %q %q (access %s)", what, got[i].ContactID,
					got[i].Email, got[i].Phone, got[i].Title, want[i].Email, want[i].Phone, want[i].Title, wantAccess[i])
			}
		}
		diff(t, what+": access", wantAccess, gotAccess)

		// Places: name only, granted places only.
		var wantPlaces []int64
		for _, pl := range places {
			if placeAccess[[2]int64{cu.CustomerID, pl.PlaceID}] == "" || (states != nil && !slices.Contains(states, pl.StateAbbr)) ||
				!holdsAll(pl.Name, words) {
				continue
			}
			wantPlaces = append(wantPlaces, pl.PlaceID)
		}
		pres, err := s.SearchPlacesText(ctx, cu.CustomerID, pursuit.TextQuery{Words: words, States: states, Limit: pursuit.MaxListLimit})
		ok(t, err, "SearchPlacesText "+what)
		var gotPlaces []int64
		for _, pl := range pres.Places {
			gotPlaces = append(gotPlaces, pl.PlaceID)
		}
		diff(t, what+": place ids", wantPlaces, gotPlaces)
		if pres.Total != int64(len(wantPlaces)) {
			t.Fatalf("%s: place total %d, want %d", what, pres.Total, len(wantPlaces))
		}
	}

	// An attacker's probes: words only emails hold find nothing, for a
	// customer that sees every contact in full too; a customer without
	// grants counts nothing.
	for _, pl := range places {
		ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: customers[2].CustomerID, PlaceID: pl.PlaceID, AccessType: pursuit.AccessFull}), "PutPlaceGrant")
	}
	for _, w := range []string{"zephyr", "quill", "springfield", "il", "us"} {
		if holdsAll(strings.Join(textTitle, " ")+" "+strings.Join(textDept, " ")+" "+strings.Join(textFirst, " ")+" "+strings.Join(textLast, " "), []string{w}) {
			continue
		}
		res, err := s.SearchContactsText(ctx, customers[2].CustomerID, pursuit.TextQuery{Words: []string{w}, Limit: 10})
		ok(t, err, "SearchContactsText "+w)
		if res.Total != 0 || len(res.Contacts) != 0 {
			t.Fatalf("the email-only word %q found %d contacts: emails must not be searched", w, res.Total)
		}
	}
	stranger := mustCustomer(t, s, "stranger")
	res, err := s.SearchContactsText(ctx, stranger.CustomerID, pursuit.TextQuery{Words: []string{"director"}, Limit: 10})
	ok(t, err, "SearchContactsText stranger")
	if res.Total != 0 || len(res.Contacts) != 0 {
		t.Fatalf("a customer without grants found %d contacts", res.Total)
	}

	// Bad queries name the parameter.
	for _, tt := range []struct {
		q     pursuit.TextQuery
		field string
	}{
		{pursuit.TextQuery{Limit: 10}, "q"},
		{pursuit.TextQuery{Words: []string{"Director"}, Limit: 10}, "q"},
		{pursuit.TextQuery{Words: []string{`"a" OR b`}, Limit: 10}, "q"},
		{pursuit.TextQuery{Words: []string{"a"}, Limit: 0}, "limit"},
		{pursuit.TextQuery{Words: []string{"a"}, Limit: pursuit.MaxListLimit + 1}, "limit"},
		{pursuit.TextQuery{Words: []string{"a"}, States: []string{"ny"}, Limit: 1}, "state"},
		{pursuit.TextQuery{Words: []string{"a"}, After: -1, Limit: 1}, "after"},
	} {
		_, err := s.SearchContactsText(ctx, customers[0].CustomerID, tt.q)
		wantCode(t, err, pursuit.EINVALID, tt.field)
		_, err = s.SearchPlacesText(ctx, customers[0].CustomerID, tt.q)
		wantCode(t, err, pursuit.EINVALID, tt.field)
	}
}
