package search

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestTermTable applies random sets and deletes to a termTable and to a
// map — few distinct terms, so that deleted slots are reused and the
// table is rebuilt over its tombstones, and many, so that it doubles —
// and requires the same contents through get, len and all after each
// batch. The empty term and long terms are terms like the others.
func TestTermTable(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		r := rand.New(rand.NewPCG(seed, 5))
		var retired []func()
		tab := termTable{retired: &retired}
		want := map[string]postList{}
		distinct := []int{20, 300, 20000}[r.IntN(3)]
		term := func() string {
			k := r.IntN(distinct)
			if k%97 == 0 {
				return fmt.Sprintf("%0300d", k) // a long one
			}
			if k == 1 {
				return ""
			}
			return fmt.Sprint("t", k)
		}
		for i := range 30000 {
			k := term()
			if r.IntN(3) == 0 {
				tab.delete(k)
				delete(want, k)
			} else {
				l := postList{off: uint32(i), n: uint16(r.IntN(9)), capLog: uint8(r.IntN(5))}
				tab.set(k, l)
				want[k] = l
			}
			if i%1009 != 0 && i != 29999 {
				continue
			}
			if tab.len() != len(want) {
				t.Fatalf("seed %d step %d: len %d, want %d", seed, i, tab.len(), len(want))
			}
			if tab.used*8 > len(tab.slots)*7 {
				t.Fatalf("seed %d step %d: %d of %d slots used", seed, i, tab.used, len(tab.slots))
			}
			seen := map[string]bool{}
			for k, l := range tab.all() {
				if seen[k] || want[k] != l {
					t.Fatalf("seed %d step %d: all yields %q %+v (seen %v), want %+v", seed, i, k, l, seen[k], want[k])
				}
				seen[k] = true
			}
			if len(seen) != len(want) {
				t.Fatalf("seed %d step %d: all yielded %d terms, want %d", seed, i, len(seen), len(want))
			}
			for range 200 {
				k := term()
				l, ok := tab.get(k)
				if w, wok := want[k]; ok != wok || l != w {
					t.Fatalf("seed %d step %d: get(%q) = %+v %v, want %+v %v", seed, i, k, l, ok, w, wok)
				}
			}
		}
		for _, free := range retired {
			free()
		}
	}
}
