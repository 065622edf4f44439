package search

import (
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

// TestArenaPutContact checks that packing a contact straight into the
// arena reads back like packContact's string.
func TestArenaPutContact(t *testing.T) {
	var a arena
	for _, c := range []pursuit.Contact{
		{Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jane@x.gov", Phone: "555-0100"},
		{},
		{Name: "Solo"},
		{Phone: "1"},
		{Name: strings.Repeat("n", 70000), Email: "big@x.gov"},
	} {
		ref := a.putContact(&c)
		if got, want := a.get(ref), a.get(a.put(packContact(&c))); got != want {
			t.Errorf("putContact(%.20q…) reads back %.40q, want %.40q", c.Name, got, want)
		}
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

// TestPackedName checks that names the arena stores as derived from the
// first and last names, and the others, come back as they went in.
func TestPackedName(t *testing.T) {
	ix := newIndex(nil, Options{})
	for _, c := range []pursuit.Contact{
		{Name: "Mary Lewis", FirstName: "Mary", LastName: "Lewis", Email: "m@x.gov", Phone: "1"},
		{Name: "Mary  Lewis", FirstName: "Mary", LastName: "Lewis"},
		{Name: "Lewis Mary", FirstName: "Mary", LastName: "Lewis"},
		{Name: " ", FirstName: "", LastName: ""},
		{Name: "", FirstName: "", LastName: ""},
		{Name: "Mary", FirstName: "Mary", LastName: ""},
		{Name: "Mary ", FirstName: "Mary", LastName: ""},
		{Name: "\x1e", FirstName: "a", LastName: "b"},
		{Name: "\x1e\x1eX", FirstName: "a", LastName: "b"},
		{Name: "Dr. Ann Lee", FirstName: "Ann", LastName: "Lee"},
	} {
		d := contactDoc{packed: ix.arena.putContact(&c)}
		name, first, last, email, phone := ix.unpack(&d)
		if name != c.Name || first != c.FirstName || last != c.LastName || email != c.Email || phone != c.Phone {
			t.Errorf("%q %q %q: unpacked %q %q %q", c.Name, c.FirstName, c.LastName, name, first, last)
		}
		d.packed = ix.arena.put(packContact(&c))
		if name, _, _, _, _ := ix.unpack(&d); name != c.Name {
			t.Errorf("%q via packContact: unpacked %q", c.Name, name)
		}
	}
	c := pursuit.Contact{Name: "Mary Lewis", FirstName: "Mary", LastName: "Lewis"}
	if got := packedName(&c); got != derivedName {
		t.Errorf("packedName(%q) = %q, want the derived marker", c.Name, got)
	}
}
