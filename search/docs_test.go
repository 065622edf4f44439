package search

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// TestFieldSmallAndBig checks that a field's posting lists stay right as
// terms move between the inline ordinal, pooled lists and roaring bitmaps,
// and that freed pool regions are reused rather than leaked.
func TestFieldSmallAndBig(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	f := newField()
	f.listMax = 6
	want := map[string]map[uint32]bool{}
	terms := []string{"a", "b", "c", "d"}
	for i := 0; i < 5000; i++ {
		term := terms[r.IntN(len(terms))]
		ord := uint32(r.IntN(16))
		if want[term] == nil {
			want[term] = map[uint32]bool{}
		}
		switch r.IntN(3) {
		case 0:
			f.add(term, ord)
			want[term][ord] = true
		case 1:
			f.remove(term, ord)
			delete(want[term], ord)
		case 2:
			ords := []uint32{ord + 2, ord, ord + 1, ord} // unsorted, with a duplicate
			f.addMany(term, ords)
			for _, o := range ords {
				want[term][o] = true
			}
		}
		for _, term := range terms {
			var w []uint32
			for o := range want[term] {
				w = append(w, o)
			}
			slices.Sort(w)
			var got []uint32
			if bm := f.get(term); bm != nil {
				got = bm.ToArray()
			}
			if len(got) == 0 {
				got = nil
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Fatalf("step %d term %q diff (-want +got):\n%s", i, term, diff)
			}
			if f.card(term) != uint64(len(w)) {
				t.Fatalf("step %d: card(%q) = %d, want %d", i, term, f.card(term), len(w))
			}
		}
	}

	// A term that grows to listMax and shrinks again, a thousand times,
	// needs a few regions of up to 8 ordinals; without reuse it would
	// use thousands.
	f = newField()
	f.listMax = 6
	for i := range 1000 {
		for o := range uint32(5) {
			f.add("x", o+uint32(i))
		}
		for o := range uint32(5) {
			f.remove("x", o+uint32(i))
		}
		if f.card("x") != 0 || f.get("x") != nil {
			t.Fatalf("round %d: term left with %d documents", i, f.card("x"))
		}
	}
	if used := len(f.pool.chunks[0]); len(f.pool.chunks) != 1 || used > 64 {
		t.Errorf("pool used %d ordinals in %d chunks for one churned term: freed regions are not reused", used, len(f.pool.chunks))
	}
}

// TestSetBits checks the word-level range fill of the build against
// setting bits one at a time.
func TestSetBits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		got, want := make([]uint64, 8), make([]uint64, 8)
		lo := uint32(r.IntN(512))
		hi := lo + uint32(r.IntN(int(512-lo)+1))
		setBits(got, lo, hi)
		for b := lo; b < hi; b++ {
			want[b/64] |= 1 << (b % 64)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("setBits(%d, %d) (-want +got):\n%s", lo, hi, diff)
		}
	}
}

// TestArenaPutContact checks that every kind of text record (text.go)
// reads back exactly: derived and other names, addresses of every local
// part pattern, with a suffix, at the same and other domains, kept whole,
// phones of both packed layouts and others, and a record too long for a
// reference's length field.
func TestArenaPutContact(t *testing.T) {
	ix := newIndex(nil, Options{})
	cs := []pursuit.Contact{
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jane.doe@x.gov", Phone: "(555) 010-0100"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jdoe3@x.gov", Phone: "555-010-0100"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "janed@y.gov", Phone: "555-010-010"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jane_doe@x.gov", Phone: "(555)010-0100"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "janedoe@x.gov", Phone: "+1 555 010 0100"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "doej@x.gov", Phone: "(5a5) 010-0100"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "j.doe@x.gov"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "doe.jane@x.gov"},
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "JDoe@X.gov"},
		{Name: "Seán O'Brien-Smith", FirstName: "Seán", LastName: "O'Brien-Smith", Email: "sobriensmith@co.x.us"},
		{Name: "Ann Lee", FirstName: "Ann", LastName: "Lee", Email: "someone@x.gov"},
		{Name: "Ann Lee", FirstName: "Ann", LastName: "Lee", Email: "a@b@x.gov"},
		{Name: "Ann Lee", FirstName: "Ann", LastName: "Lee", Email: "no-at-sign"},
		{Name: "Ann Lee", FirstName: "Ann", LastName: "Lee", Email: "trailing@"},
		{Name: "Ann Lee", FirstName: "Ann", LastName: "Lee", Email: "@x.gov"},
		{Name: "X", FirstName: "!!", LastName: "Lee", Email: "lee@x.gov"},
		{},
		{Name: "Solo"},
		{Phone: "1"},
		{Name: strings.Repeat("n", 70000), Email: "big@x.gov"},
		{Name: "A B", FirstName: "A", LastName: strings.Repeat("b", 300), Email: "a" + strings.Repeat("b", 300) + "@x.gov"},
	}
	refs := make([]uint64, len(cs))
	for i := range cs {
		refs[i] = ix.arena.putContact(&cs[i])
	}
	for i, c := range cs {
		d := contactDoc{packed: refs[i]}
		name, first, last, email, phone := ix.unpack(&d)
		if name != c.Name || first != c.FirstName || last != c.LastName || email != c.Email || phone != c.Phone {
			t.Errorf("%.20q %q %q %q %q: unpacked %.20q %q %q %q %q", c.Name, c.FirstName, c.LastName, c.Email, c.Phone, name, first, last, email, phone)
		}
		r := ix.arena.record(refs[i])
		if r.hasEmail() != (c.Email != "") || r.hasPhone() != (c.Phone != "") {
			t.Errorf("%q %q: hasEmail %v, hasPhone %v", c.Email, c.Phone, r.hasEmail(), r.hasPhone())
		}
	}
	// The usual contact: a derived name, a patterned address at a known
	// domain, a packed phone.
	if n := refs[1] & 0xffff; n > 12 {
		t.Errorf("the usual contact's record is %d bytes, want at most 12", n)
	}
	if got := ix.arena.domains.len(); got != 4 {
		t.Errorf("%d domains, want 4", got)
	}
}

// TestDict checks that a dictionary gives each string one id through its
// growth, reads every value back, and refuses what it cannot hold.
func TestDict(t *testing.T) {
	var d dict
	for round := range 2 {
		for i := range 5000 {
			id, ok := d.id(fmt.Sprint("name", i))
			if !ok || id != uint32(i) {
				t.Fatalf("round %d: id(name%d) = %d, %v", round, i, id, ok)
			}
		}
	}
	for i := range 5000 {
		if got, want := d.val(uint32(i)), fmt.Sprint("name", i); got != want {
			t.Fatalf("val(%d) = %q, want %q", i, got, want)
		}
	}
	if _, ok := d.id(strings.Repeat("x", 256)); ok {
		t.Errorf("a 256-byte string has an id")
	}
	var e dict
	e.set([]string{"a", "", "b"})
	if id, _ := e.id("b"); id != 2 || e.val(1) != "" || e.len() != 3 {
		t.Errorf("set: id(b) = %d, val(1) = %q, len %d", id, e.val(1), e.len())
	}
}

// TestDecodeRecordRefuses checks that records cut short, or naming a domain
// the dictionary lacks, do not decode (check refuses such a snapshot).
func TestDecodeRecordRefuses(t *testing.T) {
	var a arena
	c := pursuit.Contact{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jdoe@x.gov", Phone: "555-010-0100"}
	rec := string(a.encodeContact(nil, &c))
	words := &a.words
	if _, n, ok := decodeRecord(rec, &a.domains, words); !ok || n != len(rec) {
		t.Fatalf("decodeRecord = %d, %v; want %d, true", n, ok, len(rec))
	}
	for i := range len(rec) {
		if _, _, ok := decodeRecord(rec[:i], &a.domains, words); ok {
			t.Errorf("a record cut at %d of %d bytes decodes", i, len(rec))
		}
	}
	if _, _, ok := decodeRecord(rec, &dict{}, words); ok {
		t.Errorf("a record of domain 0 decodes with no domains")
	}
	var one dict
	one.id("Jane")
	if _, _, ok := decodeRecord(rec, &a.domains, &one); ok {
		t.Errorf("a record of name 1 decodes with one name")
	}
}

// TestHotDocSize guards the size of the array the ranking and facet walks
// stream through: a field added carelessly would make every walk slower.
func TestHotDocSize(t *testing.T) {
	if n := unsafe.Sizeof(hotDoc{}); n != 20 {
		t.Errorf("hotDoc is %d bytes, want 20", n)
	}
}

// TestTextScore pins the one text-score expression to BM25 as
// docs/search.md writes it: weight · ln(1 + (N − df + 0.5)/(df + 0.5)) ·
// tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)).
func TestTextScore(t *testing.T) {
	ix := newIndex(nil, Options{})
	tests := []struct {
		name                           string
		weight, n, df, avg, tf, length float64
		want                           float64
	}{
		{"average length", 3, 100, 10, 4, 1, 4, 3 * math.Log(1+90.5/10.5) * 2.2 / 2.2},
		{"long field", 2, 1000, 1, 2, 2, 6, 2 * math.Log(1+999.5/1.5) * 2 * 2.2 / (2 + 1.2*(0.25+0.75*3))},
		{"no average", 1, 10, 10, 0, 1, 1, math.Log(1+0.5/10.5) * 2.2 / (1 + 1.2)},
	}
	for _, tt := range tests {
		q := newQueryTerm(tt.weight, &stats{N: tt.n}, tt.df, tt.avg)
		if got := ix.textScore(&q, tt.tf, tt.length); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: textScore = %v, want %v", tt.name, got, tt.want)
		}
	}
}
