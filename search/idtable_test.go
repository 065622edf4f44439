package search

import (
	"math/rand/v2"
	"testing"
)

// TestIDTable applies random sets and deletes — dense ids, ids far beyond
// the others, negative ids — to an idTable and to a map, and requires the
// same contents after each, through get, len and all; an id that moved
// from the sparse map to the dense slice (the slice grew over it) is
// found once.
func TestIDTable(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		r := rand.New(rand.NewPCG(seed, 3))
		var retired []func()
		tab := idTable[techRow]{retired: &retired}
		want := map[int64]techRow{}
		for i := range 20000 {
			var id int64
			switch r.IntN(10) {
			case 0:
				id = int64(r.IntN(1 << 40)) // far: sparse
			case 1:
				id = -int64(1 + r.IntN(100))
			default:
				id = int64(r.IntN(3000 + i))
			}
			if r.IntN(4) == 0 {
				for k := range want { // delete an existing one too
					if r.IntN(3) == 0 {
						id = k
					}
					break
				}
				tab.delete(id)
				delete(want, id)
			} else {
				v := techRow{place: int64(i), vendor: uint32(r.IntN(9))}
				tab.set(id, v)
				want[id] = v
			}
			if i%997 == 0 || i == 19999 {
				if tab.len() != len(want) {
					t.Fatalf("seed %d step %d: len %d, want %d", seed, i, tab.len(), len(want))
				}
				seen := map[int64]bool{}
				for id, v := range tab.all() {
					if seen[id] {
						t.Fatalf("seed %d step %d: id %d yielded twice", seed, i, id)
					}
					seen[id] = true
					if want[id] != v {
						t.Fatalf("seed %d step %d: id %d = %+v, want %+v", seed, i, id, v, want[id])
					}
				}
				if len(seen) != len(want) {
					t.Fatalf("seed %d step %d: all yielded %d, want %d", seed, i, len(seen), len(want))
				}
				for id, v := range want {
					if got, ok := tab.get(id); !ok || got != v {
						t.Fatalf("seed %d step %d: get(%d) = %+v, %v; want %+v", seed, i, id, got, ok, v)
					}
				}
				for range 50 {
					id := int64(r.IntN(1<<20)) - 10
					if _, ok := want[id]; ok {
						continue
					}
					if _, ok := tab.get(id); ok {
						t.Fatalf("seed %d step %d: get(%d) found a deleted or never set id", seed, i, id)
					}
				}
			}
		}
		for _, free := range retired {
			free()
		}
	}
}
