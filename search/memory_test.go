package search

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestMemoryParts checks the memory estimate names every part, counts
// the documents and the text at their sizes at least, and grows when
// contacts are added.
func TestMemoryParts(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	sum := func(w *world) (map[string]int64, int) {
		ix := w.build(t, fixedOptions())
		m := map[string]int64{}
		for _, p := range ix.Memory() {
			if p.Bytes < 0 || p.OffHeap < 0 || p.OffHeap > p.Bytes {
				t.Fatalf("part %+v", p)
			}
			m[p.Name] = p.Bytes
		}
		return m, ix.Stats().Contacts
	}
	small, n := sum(newWorld(r, 10, 100, 2))
	for _, name := range []string{"documents", "text", "postings", "filters", "places", "place lists", "place postings", "tech stack", "grants", "visible sets", "mappings"} {
		if _, ok := small[name]; !ok {
			t.Fatalf("no part %q in %v", name, small)
		}
	}
	if small["documents"] < int64(n)*int64(unsafe.Sizeof(contactDoc{})) || small["text"] < int64(n) {
		t.Fatalf("documents %d, text %d bytes for %d contacts", small["documents"], small["text"], n)
	}
	big, _ := sum(newWorld(r, 10, 2000, 2))
	for _, name := range []string{"documents", "text", "postings"} {
		if big[name] <= small[name] {
			t.Errorf("%s: %d bytes for 2000 contacts, %d for 100", name, big[name], small[name])
		}
	}
}
