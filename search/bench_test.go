package search

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// benchIndex builds an index over a random world of 400 places and 40,000
// contacts in which customer 1 sees every place (a nationwide grant) and
// customers 2 to 4 see random parts.
func benchIndex(b *testing.B) *Index {
	b.Helper()
	r := rand.New(rand.NewPCG(11, 12))
	w := newWorld(r, 400, 40000, 4)
	var keep []pursuit.CustomerPlaceRelation
	for _, g := range w.pgrants {
		if g.CustomerID != 1 {
			keep = append(keep, g)
		}
	}
	for _, p := range w.places {
		keep = append(keep, pursuit.CustomerPlaceRelation{CustomerID: 1, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull})
	}
	w.pgrants = keep
	s := testdb.SQLite(b)
	w.load(b, s)
	ix, err := Build(context.Background(), s, Options{})
	if err != nil {
		b.Fatalf("Build: %v", err)
	}
	return ix
}

// BenchmarkSearchContacts measures first pages and next pages (through
// the cursor) of text and filter searches, for a nationwide and a partial
// grant. The scores come from statistics of the customer's visible set.
func BenchmarkSearchContacts(b *testing.B) {
	ix := benchIndex(b)
	cases := []struct {
		name string
		req  Request
	}{
		{"common word", Request{Q: "director"}},
		{"two words", Request{Q: "information technology director"}},
		{"name", Request{Q: "smith"}},
		{"phrase", Request{Q: `"public works"`}},
		{"filter only", Request{States: []string{"NY", "TX"}}},
		{"word and facets", Request{Q: "manager", Facets: true}},
	}
	for _, cust := range []struct {
		name string
		id   int64
	}{{"nationwide", 1}, {"partial", 2}} {
		for _, tc := range cases {
			b.Run(cust.name+"/"+tc.name+"/first page", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ix.SearchContacts(cust.id, tc.req); err != nil {
						b.Fatal(err)
					}
				}
			})
			first, err := ix.SearchContacts(cust.id, tc.req)
			if err != nil {
				b.Fatal(err)
			}
			if first.NextCursor == "" {
				continue
			}
			next := tc.req
			next.Cursor = first.NextCursor
			b.Run(cust.name+"/"+tc.name+"/next page", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ix.SearchContacts(cust.id, next); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkSearchPlaces measures a word and a filter search of places.
func BenchmarkSearchPlaces(b *testing.B) {
	ix := benchIndex(b)
	for _, tc := range []struct {
		name string
		req  Request
	}{{"word", Request{Q: "springfield"}}, {"filter only", Request{States: []string{"NY"}}}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ix.SearchPlaces(1, tc.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
