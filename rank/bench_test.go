package rank

import (
	"testing"

	"github.com/pursuit-gov/pursuit/search"
)

// BenchmarkSearch compares a page of the engine's ranking with the learned
// re-ranking of the default candidates, on a small simulated world (the
// seed-scale figure is pursuit bench search's).
func BenchmarkSearch(b *testing.B) {
	sim, events := newTestSim(b, 23, 40)
	learned := NewRanker(0, sim.Now)
	learned.SetModel(TrainEvents(events, TrainOptions{Now: sim.Now()}))
	req := search.Request{Q: "director", Limit: 20}
	c := sim.Warm[0]
	b.Run("engine", func(b *testing.B) {
		for b.Loop() {
			if _, err := sim.Index.SearchContacts(c, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("learned", func(b *testing.B) {
		for b.Loop() {
			if _, err := learned.SearchContacts(sim.Index, c, req, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
