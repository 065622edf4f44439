package httpapi

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// randString mixes ASCII, escapes, control characters, multi-byte runes,
// U+2028/U+2029, HTML characters and invalid UTF-8.
func randString(rng *rand.Rand) string {
	pieces := []string{"a", "Z", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f", "\x7f",
		"é", "•", "日本", "\u2028", "\u2029", "\xff", "\xe2\x80", "😀", "j•••@springfield.gov", "(217) 555-0142"}
	n := rng.IntN(6)
	var b []byte
	for i := 0; i < n; i++ {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return string(b)
}

func randFloat(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return rng.Float64() * 1e-8
	case 2:
		return rng.Float64() * 1e25
	case 3:
		return -rng.Float64() * 10
	case 4:
		return float64(rng.IntN(100))
	}
	return rng.Float64() * 20
}

func randTime(rng *rand.Rand) time.Time {
	switch rng.IntN(4) {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(rng.Int64N(2e9), rng.Int64N(1e9)).UTC()
	case 2:
		return time.Unix(rng.Int64N(2e9), 0).In(time.FixedZone("x", -5*3600))
	}
	return time.Unix(rng.Int64N(2e9), rng.Int64N(1e6)*1000).UTC()
}

// TestAppendContactResult checks the hand-written encoder byte for byte
// against encoding/json on random results.
// randContact fills every described column of a contact with a random
// value, so a column added to the description is encoded here too.
func randContact(rng *rand.Rand) pursuit.Contact {
	var c pursuit.Contact
	for i := range pursuit.Contacts.Columns {
		col := &pursuit.Contacts.Columns[i]
		switch col.Kind {
		case pursuit.KindInt:
			*col.Int(&c) = rng.Int64N(1e7) - 5
		case pursuit.KindText:
			*col.Text(&c) = randString(rng)
		case pursuit.KindTime:
			*col.Time(&c) = randTime(rng)
		}
	}
	return c
}

func TestAppendContactResult(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		res := search.ContactResult{Total: rng.IntN(1e6), NextCursor: randString(rng)}
		if rng.IntN(5) > 0 {
			res.Hits = []search.ContactHit{}
		}
		for j := rng.IntN(4); j > 0; j-- {
			res.Hits = append(res.Hits, search.ContactHit{
				Contact:   randContact(rng),
				PlaceName: randString(rng), PlaceType: randString(rng), StateAbbr: randString(rng), Function: randString(rng),
				Seniority: randString(rng), AccessType: randString(rng), Score: randFloat(rng),
			})
		}
		switch rng.IntN(3) {
		case 0:
		case 1:
			res.Facets = map[string][]search.Bucket{}
		default:
			res.Facets = map[string][]search.Bucket{}
			for k := rng.IntN(4); k > 0; k-- {
				var bs []search.Bucket
				if rng.IntN(4) > 0 {
					bs = []search.Bucket{}
				}
				for n := rng.IntN(3); n > 0; n-- {
					bs = append(bs, search.Bucket{Value: randString(rng), Count: rng.IntN(1000)})
				}
				res.Facets[randString(rng)] = bs
			}
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(&res); err != nil {
			t.Fatal(err)
		}
		got, ok := appendContactResult(nil, &res)
		if !ok {
			t.Fatalf("fast path refused %+v", res)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendContactResult differs from encoding/json:\n got %s\nwant %s", got, want.Bytes())
		}
	}
}

func TestAppendContactResultFallsBack(t *testing.T) {
	for _, res := range []search.ContactResult{
		{Hits: []search.ContactHit{{Score: math.NaN()}}},
		{Hits: []search.ContactHit{{Score: math.Inf(1)}}},
		{Hits: []search.ContactHit{{Contact: pursuit.Contact{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
		{Hits: []search.ContactHit{{Contact: pursuit.Contact{UpdatedAt: time.Date(2000, 1, 1, 0, 0, 0, 0, time.FixedZone("odd", 30))}}}},
	} {
		if _, ok := appendContactResult(nil, &res); ok {
			t.Errorf("fast path accepted %+v, which encoding/json handles differently", res)
		}
	}
}

func BenchmarkEncodeContactResult(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	res := search.ContactResult{Total: 12345, NextCursor: "eyJoIjoxNzM3NDU5NTMxMDA5Mjc2NzkyMSwicyI6Ni4wODIxMDkyNzI0ODAwMTEsImkiOjE", Facets: map[string][]search.Bucket{}}
	for i := 0; i < 20; i++ {
		res.Hits = append(res.Hits, search.ContactHit{
			Contact: pursuit.Contact{ContactID: int64(i), PlaceID: 7, Name: "Hillary Sullivan", FirstName: "Hillary", LastName: "Sullivan",
				Email: "h•••@dhhs.texas.gov", Phone: "•••-•••-6556", Title: "Director", Department: "Executive Office",
				VerifiedAt: randTime(rng), CreatedAt: randTime(rng), UpdatedAt: randTime(rng)},
			PlaceName: "Texas Department of Health and Human Services", PlaceType: "state_agency", StateAbbr: "TX",
			Function: "executive", Seniority: "director", AccessType: "masked", Score: 6.082109272480011,
		})
	}
	for _, f := range []string{"state", "place_type", "function", "seniority", "department", "vendor"} {
		for j := 0; j < 10; j++ {
			res.Facets[f] = append(res.Facets[f], search.Bucket{Value: "Value " + f, Count: 100 - j})
		}
	}
	b.Run("encoding/json", func(b *testing.B) {
		var buf bytes.Buffer
		for i := 0; i < b.N; i++ {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(&res)
		}
	})
	b.Run("append", func(b *testing.B) {
		var buf []byte
		for i := 0; i < b.N; i++ {
			buf, _ = appendContactResult(buf[:0], &res)
		}
	})
}
