package rank

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pursuit-gov/pursuit/search"
)

// BenchmarkSearch compares a page of the engine's ranking with the learned
// re-ranking of the default candidates, and with the engine's order
// through the ranker with and without explanations, on a small simulated
// world (the seed-scale figure is pursuit bench search's).
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
	// What going through the ranker costs a page ranked the engine's way
	// (the web app's search page with sort=relevance_basic or no model):
	// the signals and the impression's items, and the reasons of each hit.
	for _, explain := range []bool{false, true} {
		name := "basic"
		if explain {
			name = "basic-explain"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := learned.SearchContacts(sim.Index, c, req, Options{Sort: SortBasic, Explain: explain}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCandidates measures what re-ranking adds to a search's p99 at
// 100 and 200 candidates, in the same run: each iteration runs one query
// of the personas' query mix (every warm customer in turn, a page of 20)
// through relevance_basic and through the learned ranking with each
// window, in a rotating order, and times each on the thread's CPU clock
// (which waiting for a core does not inflate). It reports p50 and p99 of
// each and the learned p99 minus the basic p99 ("added-p99-…"). The world
// is 1,000 places and 20,000 contacts (pursuit bench ranking's); the
// seed-scale figure is pursuit bench search --learned-candidates 100,200.
//
//	go test ./rank -run '^$' -bench Candidates -benchtime 3000x
func BenchmarkCandidates(b *testing.B) {
	sim, events := newSimOf(b, SimConfig{Seed: 29, Places: 1000, Contacts: 20000}, 40)
	m := TrainEvents(events, TrainOptions{Now: sim.Now()})
	windows := []int{100, 200}
	rankers := []*Ranker{NewRanker(0, sim.Now)}
	for _, n := range windows {
		rk := NewRanker(n, sim.Now)
		rk.SetModel(m)
		rankers = append(rankers, rk)
	}
	var queries []string
	for _, p := range Personas {
		for _, q := range p.Queries {
			if !slices.Contains(queries, q) {
				queries = append(queries, q)
			}
		}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu := make([][]time.Duration, len(rankers))
	i := 0
	for b.Loop() {
		req := search.Request{Q: queries[i%len(queries)], Limit: 20}
		c := sim.Warm[(i/len(queries))%len(sim.Warm)]
		for k := range rankers {
			j := (i + k) % len(rankers)
			opt := Options{}
			if j == 0 {
				opt.Sort = SortBasic
			}
			t0 := threadCPU(b)
			if _, err := rankers[j].SearchContacts(sim.Index, c, req, opt); err != nil {
				b.Fatal(err)
			}
			cpu[j] = append(cpu[j], threadCPU(b)-t0)
		}
		i++
	}
	pct := func(d []time.Duration, p float64) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(p*float64(len(s))))]) / 1e3
	}
	basic99 := pct(cpu[0], 0.99)
	b.ReportMetric(pct(cpu[0], 0.5), "basic-p50-µs")
	b.ReportMetric(basic99, "basic-p99-µs")
	for k, n := range windows {
		b.ReportMetric(pct(cpu[k+1], 0.5), fmt.Sprintf("learned%d-p50-µs", n))
		b.ReportMetric(pct(cpu[k+1], 0.99), fmt.Sprintf("learned%d-p99-µs", n))
		b.ReportMetric(pct(cpu[k+1], 0.99)-basic99, fmt.Sprintf("added-p99-%d-µs", n))
	}
}

// threadCPU returns the CPU time of the calling OS thread.
func threadCPU(b *testing.B) time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ts.Nano())
}
