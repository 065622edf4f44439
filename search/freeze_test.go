package search

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// TestFreezeBitmaps checks that freezing keeps every bitmap's values,
// that the bitmaps then read the slab, and that changing a frozen bitmap
// copies what it changes rather than writing the slab.
func TestFreezeBitmaps(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	ix := newWorld(r, 10, 600, 3).build(t, fixedOptions())
	if ix.frozenSlabs == nil || len(*ix.frozenSlabs) != 1 {
		t.Fatalf("a build froze no slab")
	}
	var bms []*roaring.Bitmap
	var vals [][]uint32
	ix.eachBitmap(func(g int, bm *roaring.Bitmap) {
		bms = append(bms, bm)
		vals = append(vals, bm.ToArray())
	})
	ix.freezeBitmaps()
	if len(*ix.frozenSlabs) != 2 {
		t.Fatalf("%d slabs after a second freeze", len(*ix.frozenSlabs))
	}
	slab := (*ix.frozenSlabs)[1]
	before := slices.Clone(slab)
	for i, bm := range bms {
		if got := bm.ToArray(); !slices.Equal(got, vals[i]) {
			t.Fatalf("bitmap %d: %d values after the freeze, %d before", i, len(got), len(vals[i]))
		}
	}
	// alive is frozen (it has hundreds of contacts): a change copies.
	n := ix.alive.GetCardinality()
	first := ix.alive.Minimum()
	ix.alive.Remove(first)
	ix.alive.Add(1 << 20)
	if ix.alive.GetCardinality() != n || ix.alive.Contains(first) || !ix.alive.Contains(1<<20) {
		t.Fatalf("alive after a change: %d values, want %d", ix.alive.GetCardinality(), n)
	}
	if !bytes.Equal(before, slab) {
		t.Fatal("changing a frozen bitmap wrote the slab")
	}
	var frozen int64
	for _, b := range ix.frozen {
		frozen += b
	}
	if frozen == 0 {
		t.Fatal("no frozen bytes counted")
	}
}

// TestOffBufGrows writes pieces of every size through an offBuf, across
// several moves to bigger mappings, and reads back what was written.
func TestOffBufGrows(t *testing.T) {
	var w offBuf
	defer w.free()
	var want []byte
	rng := rand.New(rand.NewPCG(3, 4))
	for len(want) < 5<<20 {
		p := make([]byte, rng.IntN(300<<10))
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		if n, err := w.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", len(p), n, err)
		}
		want = append(want, p...)
	}
	if !bytes.Equal(w.b, want) {
		t.Fatalf("offBuf holds %d bytes that differ from the %d written", len(w.b), len(want))
	}
	w.b = w.b[:0] // reused, as relayout does
	w.Write([]byte("again"))
	if string(w.b) != "again" {
		t.Fatalf("after reuse: %q", w.b)
	}
}
