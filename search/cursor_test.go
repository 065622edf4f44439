package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// openCursor opens a sealed cursor of customer's search req with the
// index's key, for tests that compare what cursors hold.
func openCursor(t testing.TB, ix *Index, customer int64, req Request, contacts bool, s string) *cursor {
	t.Helper()
	if s == "" {
		return nil
	}
	p, err := compile(req, contacts)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	keys, avgs := scoringTerms(p.clauses), numFields
	if !contacts {
		keys, avgs = placeScoringKeys(p.clauses), numPlaceFields
	}
	c, err := ix.sealer.open(s, binding{contacts: contacts, customer: customer, request: p.hash}, keys, avgs)
	if err != nil {
		t.Fatalf("open a cursor the index made: %v", err)
	}
	return c
}

// peekCursor opens a contacts search's cursor.
func peekCursor(t testing.TB, ix *Index, customer int64, req Request, s string) *cursor {
	req.Cursor = ""
	return openCursor(t, ix, customer, req, true, s)
}

// sealRaw seals any plaintext as a cursor of binding b: what only the
// holder of the key can do, so what the content checks must survive.
func sealRaw(s *sealer, plain []byte, b binding) string {
	out := make([]byte, 1+s.aead.NonceSize())
	out[0] = cursorVersion
	out = s.aead.Seal(out, out[1:], plain, b.bytes())
	return base64.RawURLEncoding.EncodeToString(out)
}

// cursorFixture is two customers who see the same places, so that each
// one's searches give the same hits and a cursor could pass for the
// other's if it were not bound to its customer.
func cursorFixture(t testing.TB) (*Index, pursuit.Store) {
	t.Helper()
	r := rand.New(rand.NewPCG(31, 32))
	w := newWorld(r, 20, 300, 3)
	w.pgrants, w.cgrants = nil, nil
	for _, p := range w.places {
		for _, cust := range []int64{1, 2} {
			w.pgrants = append(w.pgrants, pursuit.CustomerPlaceRelation{CustomerID: cust, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull})
		}
	}
	s := testdb.SQLite(t)
	w.load(t, s)
	ix, err := Build(context.Background(), s, Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return ix, s
}

func wantBadCursor(t *testing.T, what string, err error) {
	t.Helper()
	if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != "cursor" {
		t.Fatalf("%s: error %v, want EINVALID on cursor", what, err)
	}
}

// TestCursorBound checks that a cursor continues only the search that made
// it: another customer's, another query's, a places search's, a tampered,
// truncated or stretched one are refused with EINVALID on cursor; and that
// it is opaque: the plain base64 of JSON it used to be shows nothing.
func TestCursorBound(t *testing.T) {
	ix, _ := cursorFixture(t)
	req := Request{Q: "director", States: []string{"ny", "TX", "VT", "IL", "CA"}, Limit: 2}
	first, err := ix.SearchContacts(1, req)
	must(t, err)
	if first.NextCursor == "" {
		t.Fatalf("no next page for %+v (total %d)", req, first.Total)
	}
	cur := first.NextCursor
	if raw, err := base64.RawURLEncoding.DecodeString(cur); err != nil || strings.Contains(string(raw), `"n"`) || strings.Contains(string(raw), "director") {
		t.Fatalf("the cursor is not opaque: %q", raw)
	}
	next := req
	next.Cursor = cur
	if _, err := ix.SearchContacts(1, next); err != nil {
		t.Fatalf("the cursor's own search: %v", err)
	}
	// The same search written another way is the same search.
	same := next
	same.States = []string{"ca", "il", "vt", "tx", "NY", "NY"}
	same.Limit = 5
	if _, err := ix.SearchContacts(1, same); err != nil {
		t.Fatalf("the same search with its states reordered: %v", err)
	}
	other := func(f func(r *Request)) Request { r := next; f(&r); return r }
	for name, tc := range map[string]struct {
		customer int64
		req      Request
	}{
		"another customer with the same hits": {2, next},
		"another query":                       {1, other(func(r *Request) { r.Q = "manager" })},
		"another filter":                      {1, other(func(r *Request) { r.States = []string{"NY"} })},
		"an added filter":                     {1, other(func(r *Request) { v := true; r.HasEmail = &v })},
		"an excluded word":                    {1, other(func(r *Request) { r.Q = "director -smith" })},
		"unknown customer":                    {99, next},
	} {
		_, err := ix.SearchContacts(tc.customer, tc.req)
		wantBadCursor(t, name, err)
	}
	_, err = ix.SearchPlaces(1, Request{Q: "director", Cursor: cur})
	wantBadCursor(t, "a contacts cursor in a places search", err)

	raw, _ := base64.RawURLEncoding.DecodeString(cur)
	for i := range raw {
		for _, bit := range []byte{1, 0x80} {
			b := []byte(string(raw))
			b[i] ^= bit
			_, err := ix.SearchContacts(1, other(func(r *Request) { r.Cursor = base64.RawURLEncoding.EncodeToString(b) }))
			wantBadCursor(t, "a flipped bit", err)
		}
	}
	for _, s := range []string{"", "A", cur[:len(cur)-1], cur[:10], cur + "A", cur + "AAAA", "not a cursor", strings.Repeat("A", maxCursorLen+4),
		base64.RawURLEncoding.EncodeToString([]byte(`{"h":1,"s":1,"i":1,"t":{"n":1,"a":[]}}`))} {
		if s == "" {
			continue
		}
		_, err := ix.SearchContacts(1, other(func(r *Request) { r.Cursor = s }))
		wantBadCursor(t, "cursor "+s[:min(len(s), 20)], err)
	}
}

// TestCursorSharedKey checks that indexes over one store accept each
// other's cursors (the key is the store's), and an index with another key
// does not.
func TestCursorSharedKey(t *testing.T) {
	ix, s := cursorFixture(t)
	ix2, err := Build(context.Background(), s, Options{})
	must(t, err)
	req := Request{Q: "smith", Limit: 3}
	res, err := ix.SearchContacts(1, req)
	must(t, err)
	req.Cursor = res.NextCursor
	want, err := ix.SearchContacts(1, req)
	must(t, err)
	got, err := ix2.SearchContacts(1, req)
	if err != nil {
		t.Fatalf("a cursor of one index on another over the same store: %v", err)
	}
	if len(got.Hits) == 0 || got.Hits[0].Contact.ContactID != want.Hits[0].Contact.ContactID {
		t.Fatalf("the second index's next page starts at %v, the first's at %v", got.Hits, want.Hits)
	}
	other, err := Build(context.Background(), s, Options{CursorKey: []byte("another key, 32 bytes long......")})
	must(t, err)
	_, err = other.SearchContacts(1, req)
	wantBadCursor(t, "a cursor under another key", err)
}

// TestForgedCursorContent seals, with the right key, contents the index
// never makes: each must be refused with EINVALID on cursor, never reach
// the scorer (an empty average list was an index out of range there, a
// huge N a score JSON cannot encode).
func TestForgedCursorContent(t *testing.T) {
	ix, _ := cursorFixture(t)
	req := Request{Q: "director smith", Limit: 2}
	p, err := compile(req, true)
	must(t, err)
	b := binding{contacts: true, customer: 1, request: p.hash}
	for name, plain := range map[string]string{
		"empty":              ``,
		"not json":           `nope`,
		"no stats":           `{"s":1,"i":5}`,
		"empty averages":     `{"s":1,"i":5,"t":{"n":100,"a":[]}}`,
		"short averages":     `{"s":1,"i":5,"t":{"n":100,"a":[1,1]}}`,
		"huge n":             `{"s":1,"i":5,"t":{"n":1e300,"a":[1,1,1,1]}}`,
		"n out of float":     `{"s":1,"i":5,"t":{"n":1e400,"a":[1,1,1,1]}}`,
		"negative n":         `{"s":1,"i":5,"t":{"n":-5,"a":[1,1,1,1]}}`,
		"negative average":   `{"s":1,"i":5,"t":{"n":5,"a":[1,-1,1,1]}}`,
		"df above n":         `{"s":1,"i":5,"t":{"n":5,"a":[1,1,1,1],"d":{"title\u0000director":6}}}`,
		"df of another term": `{"s":1,"i":5,"t":{"n":5,"a":[1,1,1,1],"d":{"title\u0000clerk":1}}}`,
		"zero id":            `{"s":1,"i":0,"t":{"n":5,"a":[1,1,1,1]}}`,
		"unknown field":      `{"s":1,"i":5,"x":1,"t":{"n":5,"a":[1,1,1,1]}}`,
		"trailing data":      `{"s":1,"i":5,"t":{"n":5,"a":[1,1,1,1]}} {}`,
		"string score":       `{"s":"1","i":5,"t":{"n":5,"a":[1,1,1,1]}}`,
	} {
		r := req
		r.Cursor = sealRaw(ix.sealer, []byte(plain), b)
		_, err := ix.SearchContacts(1, r)
		wantBadCursor(t, name, err)
	}
	// And a well-formed one is taken.
	r := req
	r.Cursor = sealRaw(ix.sealer, []byte(`{"s":100,"i":1,"t":{"n":5,"a":[1,1,1,1],"d":{"title\u0000director":2}}}`), b)
	if _, err := ix.SearchContacts(1, r); err != nil {
		t.Fatalf("a well-formed cursor: %v", err)
	}
}

// FuzzDecodeCursor feeds the cursor decoder any string, and the content
// checks any plaintext sealed with the right key: neither may panic, and
// whatever they accept must give a search that answers with finite scores
// that encode as JSON.
func FuzzDecodeCursor(f *testing.F) {
	ix, _ := cursorFixture(f)
	req := Request{Q: "director smith", Limit: 2}
	res, err := ix.SearchContacts(1, req)
	if err != nil || res.NextCursor == "" {
		f.Fatalf("no cursor to start from: %v", err)
	}
	p, err := compile(req, true)
	if err != nil {
		f.Fatal(err)
	}
	b := binding{contacts: true, customer: 1, request: p.hash}
	f.Add(res.NextCursor, []byte(`{"s":1,"i":5,"t":{"n":5,"a":[1,1,1,1]}}`))
	f.Add("", []byte(`{"s":1,"i":5,"t":{"n":5,"a":[]}}`))
	f.Add("AQ", []byte(`{"s":1e308,"i":9007199254740993,"t":{"n":1099511627776,"a":[65536,0,0,1],"d":{"name\u0000smith":0}}}`))
	f.Fuzz(func(t *testing.T, s string, plain []byte) {
		for _, cur := range []string{s, sealRaw(ix.sealer, plain, b)} {
			r := req
			r.Cursor = cur
			res, err := ix.SearchContacts(1, r)
			if err != nil {
				if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != "cursor" {
					t.Fatalf("cursor %q: error %v, want EINVALID on cursor", cur, err)
				}
				continue
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("cursor %q: the result does not encode: %v", cur, err)
			}
		}
	})
}

// TestCursorAcrossBuildsOfADay builds two indexes over the same store at
// different moments of one UTC day: every page a cursor of the first
// leads to must be the second's page too, hit for hit and score for
// score (recency is measured from the day's start, so the builds' static
// scores agree to the bit).
func TestCursorAcrossBuildsOfADay(t *testing.T) {
	_, s := cursorFixture(t)
	day := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	build := func(at time.Duration) *Index {
		ix, err := Build(context.Background(), s, Options{Now: func() time.Time { return day.Add(at) }})
		must(t, err)
		return ix
	}
	a, b := build(7*time.Second), build(23*time.Hour+59*time.Minute+59*time.Second)
	for _, q := range []string{"smith", "director", "finance", "smith director", ""} {
		req := Request{Q: q, Limit: 4}
		for page := 0; page < 6; page++ {
			ra, err := a.SearchContacts(1, req)
			must(t, err)
			rb, err := b.SearchContacts(1, req)
			must(t, err)
			if len(ra.Hits) != len(rb.Hits) {
				t.Fatalf("q=%q page %d: %d hits against %d", q, page, len(ra.Hits), len(rb.Hits))
			}
			for i := range ra.Hits {
				if ra.Hits[i].Contact.ContactID != rb.Hits[i].Contact.ContactID || ra.Hits[i].Score != rb.Hits[i].Score {
					t.Fatalf("q=%q page %d hit %d: contact %d (score %v) against %d (score %v)", q, page, i,
						ra.Hits[i].Contact.ContactID, ra.Hits[i].Score, rb.Hits[i].Contact.ContactID, rb.Hits[i].Score)
				}
			}
			if ra.NextCursor == "" {
				break
			}
			req.Cursor = ra.NextCursor
		}
	}
}
