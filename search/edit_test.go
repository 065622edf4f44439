package search

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// TestAddManyEqualsRoaring: addMany (dense path or not) leaves the bitmap
// AddMany leaves, for lists of random size, density, order and
// duplicates, added to empty and to non-empty bitmaps.
func TestAddManyEqualsRoaring(t *testing.T) {
	for _, seed := range seeds(40) {
		rng := rand.New(rand.NewPCG(seed, 11))
		n := rng.IntN(200_000)
		span := uint32(1 + rng.IntN(3_000_000))
		ords := make([]uint32, n)
		for i := range ords {
			ords[i] = rng.Uint32N(span)
		}
		if rng.IntN(2) == 0 {
			slices.Sort(ords)
			ords = slices.Compact(ords)
		}
		var before []uint32
		if rng.IntN(2) == 0 {
			for range rng.IntN(50_000) {
				before = append(before, rng.Uint32N(span+span/2))
			}
		}
		want, got := roaring.BitmapOf(before...), roaring.BitmapOf(before...)
		want.AddMany(ords)
		addMany(got, ords)
		if !got.Equals(want) {
			t.Fatalf("seed %d: %d ords over %d after %d: addMany has %d, AddMany %d", seed, len(ords), span, len(before), got.GetCardinality(), want.GetCardinality())
		}
		// The result is a bitmap of its own: changing the list after does
		// not change it.
		clear(ords)
		if !got.Equals(want) {
			t.Fatalf("seed %d: the bitmap changed with the list", seed)
		}
	}
}
