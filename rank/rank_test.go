package rank

import (
	"bytes"
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
)

// newTestSim builds a small simulated world with the warm customers'
// first sessions recorded, and returns it with their events.
func newTestSim(t testing.TB, seed uint64, sessions int) (*Sim, map[int64][]pursuit.EngagementEvent) {
	t.Helper()
	return newSimOf(t, SimConfig{Seed: seed, Places: 200, Contacts: 5000}, sessions)
}

// newSimOf builds the simulated world of cfg with the warm customers'
// first sessions recorded, and returns it with their events.
func newSimOf(t testing.TB, cfg SimConfig, sessions int) (*Sim, map[int64][]pursuit.EngagementEvent) {
	t.Helper()
	seed := cfg.Seed
	ctx := t.Context()
	s := testdb.SQLite(t)
	sim, err := NewSim(ctx, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := NewAsyncRecorder(s, RecorderOptions{})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { rec.Run(rctx); close(done) }()
	rk := NewRanker(0, sim.Now)
	r := rand.New(rand.NewPCG(seed, 2))
	for i, c := range sim.Warm {
		if err := sim.Sessions(ctx, rk, rec, c, &Personas[i], DefaultClickModel, sessions, r); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	<-done
	if st := rec.Stats(); st.Dropped+st.Failed+st.Invalid > 0 || st.Recorded == 0 {
		t.Fatalf("recorder: %+v", st)
	}
	events := map[int64][]pursuit.EngagementEvent{}
	for _, c := range sim.Warm {
		evs, err := s.ListEvents(ctx, c, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
		if err != nil {
			t.Fatal(err)
		}
		events[c] = evs
	}
	return sim, events
}

// ids returns the contact ids of hits.
func ids(hs []search.ContactHit) []int64 {
	out := make([]int64, len(hs))
	for i := range hs {
		out[i] = hs[i].Contact.ContactID
	}
	return out
}

func TestTrainingIsDeterministic(t *testing.T) {
	sim, events := newTestSim(t, 3, 40)
	opt := TrainOptions{Seed: 7, Now: sim.Now(), PairCap: 300}
	a, _ := TrainEvents(events, opt).Encode()
	b, _ := TrainEvents(events, opt).Encode()
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings of the same events differ")
	}
	m, err := Train(t.Context(), sim.Store, opt)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := m.Encode()
	if !bytes.Equal(a, c) {
		t.Fatal("training from the store differs from training the same events")
	}
	// The seed picks the pairs kept of customers over the cap.
	opt.Seed = 8
	d, _ := TrainEvents(events, opt).Encode()
	if bytes.Equal(a, d) {
		t.Fatal("another seed kept the same pairs")
	}
	back, err := Decode(a)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := back.Encode()
	if !bytes.Equal(a, e) {
		t.Fatal("decode and encode changed the model")
	}
}

// TestPersonaMovesUp trains on one persona's events alone: its ideal
// buyers move up on queries it did not train on, and a customer without
// events keeps the engine's ranking exactly.
func TestPersonaMovesUp(t *testing.T) {
	sim, events := newTestSim(t, 5, 60)
	for p := range Personas {
		warm, cold := sim.Warm[p], sim.Cold[(p+1)%len(Personas)]
		m := TrainEvents(map[int64][]pursuit.EngagementEvent{warm: events[warm]}, TrainOptions{Seed: 1, Now: sim.Now()})
		learned := NewRanker(0, sim.Now)
		learned.SetModel(m)
		basic := NewRanker(0, sim.Now)
		qb, err := sim.Evaluate(basic, warm, &Personas[p], SortRelevance, 30, rand.New(rand.NewPCG(11, uint64(p))))
		if err != nil {
			t.Fatal(err)
		}
		ql, err := sim.Evaluate(learned, warm, &Personas[p], SortRelevance, 30, rand.New(rand.NewPCG(11, uint64(p))))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: NDCG@10 %.3f → %.3f, ideal share %.3f → %.3f", Personas[p].Name, qb.NDCG, ql.NDCG, qb.IdealShare, ql.IdealShare)
		if ql.NDCG < qb.NDCG*1.1 {
			t.Errorf("%s: NDCG@10 %.3f learned, %.3f before", Personas[p].Name, ql.NDCG, qb.NDCG)
		}
		for _, q := range Personas[p].Queries {
			req := search.Request{Q: q, Limit: 30}
			want, err := sim.Index.SearchContacts(cold, req)
			if err != nil {
				t.Fatal(err)
			}
			got, err := learned.SearchContacts(sim.Index, cold, req, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(want.Hits), ids(got.Hits)) || want.Total != got.Total {
				t.Fatalf("%s: the model changed customer %d's ranking of %q", Personas[p].Name, cold, q)
			}
		}
	}
}

// TestCustomersIsolated is the property that one customer's events and
// model never reach another's results: for random customers A, models
// trained with A's events replaced (by nothing, or by another persona's),
// or with A's part of the model overwritten at random, rank every other
// customer exactly alike, page after page. The global weights are held
// fixed: they are the one shared part, weigh only affinities (each
// customer's own), and each customer's pairs count at most PairCap.
func TestCustomersIsolated(t *testing.T) {
	sim, events := newTestSim(t, 9, 40)
	base := TrainEvents(events, TrainOptions{Seed: 1, Now: sim.Now()})
	r := rand.New(rand.NewPCG(9, 9))
	all := append(slices.Clone(sim.Warm), sim.Cold...)
	for round := range 6 {
		a := sim.Warm[r.IntN(len(sim.Warm))]
		changed := map[int64][]pursuit.EngagementEvent{}
		for c, evs := range events {
			changed[c] = evs
		}
		switch round % 3 {
		case 0:
			delete(changed, a)
		case 1:
			other := sim.Warm[r.IntN(len(sim.Warm))]
			evs := slices.Clone(events[other])
			for i := range evs {
				evs[i].CustomerID = a
			}
			changed[a] = evs
		}
		m2 := TrainEvents(changed, TrainOptions{Seed: uint64(round), Now: sim.Now(), Global: &base.Global})
		if round%3 == 2 {
			cm := &CustomerModel{Affinity: &Affinity{}}
			for f := range cm.Adjust {
				cm.Adjust[f] = r.NormFloat64() * 5
			}
			for k := range cm.Affinity.Values {
				cm.Affinity.Values[k] = map[string]float64{"county": 2, "finance": -2, "NY": 1.5, "it": 2}
			}
			m2.Customers[a] = cm
		}
		r1, r2 := NewRanker(0, sim.Now), NewRanker(0, sim.Now)
		r1.SetModel(base)
		r2.SetModel(m2)
		for _, b := range all {
			if b == a {
				continue
			}
			p := &Personas[int(b-1)%len(Personas)] // warm, then cold, in persona order
			for _, q := range p.Queries[:3] {
				req := search.Request{Q: q, Limit: 1 + r.IntN(40), Facets: true}
				req2 := req
				for page := 0; page < 4; page++ {
					x, err1 := r1.SearchContacts(sim.Index, b, req, Options{Explain: true})
					y, err2 := r2.SearchContacts(sim.Index, b, req2, Options{Explain: true})
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					// Cursors hold the engine's, sealed with a random
					// nonce: each listing follows its own.
					if !slices.Equal(ids(x.Hits), ids(y.Hits)) || x.Total != y.Total || (x.NextCursor == "") != (y.NextCursor == "") {
						t.Fatalf("round %d: customer %d's %q page %d changed with customer %d's events or model", round, b, q, page, a)
					}
					for i := range x.Explain {
						if !slices.Equal(x.Explain[i], y.Explain[i]) {
							t.Fatalf("round %d: customer %d's explanations changed", round, b)
						}
					}
					if x.NextCursor == "" {
						break
					}
					req.Cursor, req2.Cursor = x.NextCursor, y.NextCursor
				}
			}
		}
	}
}
