package search

import (
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
