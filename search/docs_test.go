package search

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFieldSmallAndBig checks that a field's posting lists stay right as
// terms move between the inline form and roaring bitmaps.
func TestFieldSmallAndBig(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	f := newField()
	want := map[string]map[uint32]bool{}
	terms := []string{"a", "b", "c", "d"}
	for i := 0; i < 5000; i++ {
		term := terms[r.IntN(len(terms))]
		ord := uint32(r.IntN(12))
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
			ords := []uint32{ord, ord + 1, ord + 2}
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
}
