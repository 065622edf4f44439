package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/sqlite"
	"github.com/pursuit-gov/pursuit/titles"
)

// seedRun is what one seed of bench ranking measured.
type seedRun struct {
	warmBasic, warmLearned rank.Quality
	coldBasic, coldLearned rank.Quality
	names, namesFirst      int
	events                 int64
	pairs                  int
	train                  time.Duration
	basicLat, learnedLat   []time.Duration
	perPersona             []float64 // learned/basic NDCG of each warm persona
}

func benchRanking(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench ranking", "",
		"Simulate customers with different ideal buyers (rank.Personas) searching and engaging the way a click\n"+
			"model says people do (position bias, noise, irrelevant clicks) over a generated dataset in a fresh\n"+
			"SQLite store per seed; train a model on their first sessions, then compare the engine's ranking\n"+
			"(relevance_basic) with the learned one on held-out queries: NDCG@10 and the share of ideal buyers\n"+
			"in the top 20, for the customers that engaged and for customers of the same personas that never did,\n"+
			"with 95% confidence intervals over the seeds; and check that exact name and email look-ups still\n"+
			"find the person first.")
	seeds := fs.Int("seeds", 5, "number of seeds (worlds and sessions)")
	places := fs.Int("places", 1000, "places of each generated world")
	contacts := fs.Int("contacts", 20000, "contacts of each generated world")
	sessions := fs.Int("sessions", 80, "training sessions of each engaging customer")
	queries := fs.Int("queries", 60, "held-out queries per customer")
	candidates := fs.Int("candidates", rank.DefaultCandidates, "hits the learned ranking reorders")
	dir := fs.String("dir", "", "directory for the per-seed SQLite stores (default: a new temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("bench ranking: unexpected argument %q", fs.Arg(0))
	case *seeds < 2:
		return fmt.Errorf("bench ranking: --seeds %d: need at least 2 for a confidence interval", *seeds)
	case *places < 1 || *contacts < *places:
		return fmt.Errorf("bench ranking: --places %d --contacts %d: need at least one place and a contact per place", *places, *contacts)
	case *sessions < 1 || *queries < 1:
		return fmt.Errorf("bench ranking: --sessions and --queries must be positive")
	case *candidates < 1 || *candidates > search.MaxLimit:
		return fmt.Errorf("bench ranking: --candidates %d: must be between 1 and %d", *candidates, search.MaxLimit)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "pursuit-bench-ranking-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	fmt.Fprintf(e.stdout, "bench ranking: %d seeds, %d places, %d contacts, %d personas, %d training sessions and %d held-out queries per customer, %d candidates (GOMAXPROCS %d)\n",
		*seeds, *places, *contacts, len(rank.Personas), *sessions, *queries, *candidates, runtime.GOMAXPROCS(0))
	var runs []seedRun
	for seed := 1; seed <= *seeds; seed++ {
		run, err := rankingSeed(ctx, e, filepath.Join(*dir, fmt.Sprintf("seed%d.db", seed)), uint64(seed), *places, *contacts, *sessions, *queries, *candidates)
		if err != nil {
			return fmt.Errorf("bench ranking: seed %d: %w", seed, err)
		}
		fmt.Fprintf(e.stdout, "seed %d: %d events, %d pairs, trained in %s; NDCG@10 engaged %.3f → %.3f, never engaged %.3f → %.3f; exact look-ups first %d/%d\n",
			seed, run.events, run.pairs, run.train.Round(time.Millisecond), run.warmBasic.NDCG, run.warmLearned.NDCG,
			run.coldBasic.NDCG, run.coldLearned.NDCG, run.namesFirst, run.names)
		runs = append(runs, run)
	}
	col := func(f func(r seedRun) float64) []float64 {
		out := make([]float64, len(runs))
		for i, r := range runs {
			out[i] = f(r)
		}
		return out
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nheld-out, mean over seeds ± 95% CI\tengine (relevance_basic)\tlearned\tlearned / engine − 1\t")
	row := func(name string, b, l func(r seedRun) float64) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", name, ci(col(b), 3), ci(col(l), 3),
			ciPct(col(func(r seedRun) float64 { return l(r)/b(r) - 1 })))
	}
	row("NDCG@10, customers with events", func(r seedRun) float64 { return r.warmBasic.NDCG }, func(r seedRun) float64 { return r.warmLearned.NDCG })
	row("ideal buyers in top 20, with events", func(r seedRun) float64 { return r.warmBasic.IdealShare }, func(r seedRun) float64 { return r.warmLearned.IdealShare })
	row("NDCG@10, customers without events", func(r seedRun) float64 { return r.coldBasic.NDCG }, func(r seedRun) float64 { return r.coldLearned.NDCG })
	row("ideal buyers in top 20, without events", func(r seedRun) float64 { return r.coldBasic.IdealShare }, func(r seedRun) float64 { return r.coldLearned.IdealShare })
	tw.Flush()
	fmt.Fprintln(e.stdout, "\nNDCG@10 learned / engine − 1 per persona (customers with events), mean over seeds:")
	for p := range rank.Personas {
		fmt.Fprintf(e.stdout, "  %-20s %s\n", rank.Personas[p].Name, ciPct(col(func(r seedRun) float64 { return r.perPersona[p] })))
	}
	var names, first int
	var bl, ll []time.Duration
	for _, r := range runs {
		names += r.names
		first += r.namesFirst
		bl = append(bl, r.basicLat...)
		ll = append(ll, r.learnedLat...)
	}
	fmt.Fprintf(e.stdout, "\nexact name or email look-ups whose person the engine ranks first: %d; still first with the learned ranking: %d\n", names, first)
	pb, pl := percentiles(bl), percentiles(ll)
	fmt.Fprintf(e.stdout, "search latency of the held-out queries (limit 20, %d queries): engine p50 %s p99 %s; learned p50 %s p99 %s (+%s at p99)\n",
		len(bl), fmtDur(pb[0]), fmtDur(pb[2]), fmtDur(pl[0]), fmtDur(pl[2]), fmtDur(pl[2]-pb[2]))
	return nil
}

// rankingSeed runs one seed: a world, the training sessions, the model,
// and the held-out evaluation.
func rankingSeed(ctx context.Context, e *env, path string, seed uint64, places, contacts, sessions, queries, candidates int) (seedRun, error) {
	var run seedRun
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		return run, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return run, err
	}
	sim, err := rank.NewSim(ctx, db, rank.SimConfig{Seed: seed, Places: places, Contacts: contacts})
	if err != nil {
		return run, err
	}
	rec := rank.NewAsyncRecorder(db, rank.RecorderOptions{Logger: e.log})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { rec.Run(rctx); close(done) }()
	basic := rank.NewRanker(candidates, sim.Now)
	r := rand.New(rand.NewPCG(seed, 100))
	for i, c := range sim.Warm {
		if err := sim.Sessions(ctx, basic, rec, c, &rank.Personas[i], rank.DefaultClickModel, sessions, r); err != nil {
			stop()
			return run, err
		}
	}
	stop()
	<-done
	if st := rec.Stats(); st.Dropped+st.Failed+st.Invalid > 0 {
		return run, fmt.Errorf("recorder lost events: %+v", st)
	}
	start := time.Now()
	m, err := rank.Train(ctx, db, rank.TrainOptions{Seed: seed, Now: sim.Now()})
	if err != nil {
		return run, err
	}
	run.train, run.events, run.pairs = time.Since(start), m.Events, m.Pairs
	learned := rank.NewRanker(candidates, sim.Now)
	learned.SetModel(m)
	evalRNG := func(c int64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1000+uint64(c))) }
	add := func(sum *rank.Quality, q rank.Quality, n int) {
		sum.NDCG += q.NDCG / float64(n)
		sum.IdealShare += q.IdealShare / float64(n)
		sum.Queries += q.Queries
	}
	n := len(rank.Personas)
	for i := range rank.Personas {
		p := &rank.Personas[i]
		for _, warm := range []bool{true, false} {
			c := sim.Cold[i]
			if warm {
				c = sim.Warm[i]
			}
			qb, err := sim.Evaluate(basic, c, p, rank.SortBasic, queries, evalRNG(c))
			if err != nil {
				return run, err
			}
			ql, err := sim.Evaluate(learned, c, p, rank.SortRelevance, queries, evalRNG(c))
			if err != nil {
				return run, err
			}
			if warm {
				add(&run.warmBasic, qb, n)
				add(&run.warmLearned, ql, n)
				run.perPersona = append(run.perPersona, ql.NDCG/qb.NDCG-1)
			} else {
				add(&run.coldBasic, qb, n)
				add(&run.coldLearned, ql, n)
			}
		}
		// Latency of the same queries, engine against learned.
		qr := evalRNG(sim.Warm[i])
		for range queries {
			req := search.Request{Q: p.Queries[qr.IntN(len(p.Queries))], Limit: 20}
			t0 := time.Now()
			if _, err := basic.SearchContacts(sim.Index, sim.Warm[i], req, rank.Options{Sort: rank.SortBasic}); err != nil {
				return run, err
			}
			t1 := time.Now()
			if _, err := learned.SearchContacts(sim.Index, sim.Warm[i], req, rank.Options{}); err != nil {
				return run, err
			}
			run.basicLat = append(run.basicLat, t1.Sub(t0))
			run.learnedLat = append(run.learnedLat, time.Since(t1))
		}
	}
	// Exact look-ups: a quoted full name or email of a random contact.
	var all []pursuit.Contact
	if err := db.ScanContacts(ctx, func(c pursuit.Contact) error { all = append(all, c); return nil }); err != nil {
		return run, err
	}
	lr := rand.New(rand.NewPCG(seed, 7))
	for range 200 {
		c := sim.Warm[lr.IntN(len(sim.Warm))]
		ct := all[lr.IntN(len(all))]
		for _, q := range []string{ct.Name, ct.Email} {
			if q == "" {
				continue
			}
			req := search.Request{Q: `"` + q + `"`, Limit: 5}
			eng, err := sim.Index.SearchContacts(c, req)
			if err != nil || len(eng.Hits) == 0 || eng.Hits[0].Contact.ContactID != ct.ContactID {
				continue
			}
			run.names++
			res, err := learned.SearchContacts(sim.Index, c, req, rank.Options{})
			if err != nil {
				return run, err
			}
			if len(res.Hits) > 0 && res.Hits[0].Contact.ContactID == ct.ContactID {
				run.namesFirst++
			}
		}
	}
	return run, nil
}

// tQuantile is the two-sided 95% quantile of Student's t with df degrees
// of freedom.
func tQuantile(df int) float64 {
	table := []float64{0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086}
	if df < len(table) {
		return table[df]
	}
	return 1.96
}

// meanCI returns the mean of xs and the half-width of its 95% confidence
// interval.
func meanCI(xs []float64) (mean, half float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	if len(xs) > 1 {
		half = tQuantile(len(xs)-1) * math.Sqrt(ss/float64(len(xs)-1)) / math.Sqrt(float64(len(xs)))
	}
	return mean, half
}

func ci(xs []float64, digits int) string {
	m, h := meanCI(xs)
	return fmt.Sprintf("%.*f ± %.*f", digits, m, digits, h)
}

func ciPct(xs []float64) string {
	m, h := meanCI(xs)
	return fmt.Sprintf("%+.1f%% ± %.1f%%", 100*m, 100*h)
}

// syntheticModel returns a model with random weights and affinities to
// every value for each of customers: what re-ranking costs does not depend
// on what the weights are, and every look-up a trained model makes is
// made.
func syntheticModel(seed uint64, customers []int64) *rank.Model {
	r := rand.New(rand.NewPCG(seed, 5))
	m := &rank.Model{Format: rank.ModelFormat, Customers: map[int64]*rank.CustomerModel{}}
	for f := range m.Global {
		if rank.GlobalFeature(f) {
			m.Global[f] = r.Float64()
		}
	}
	values := [][]string{titles.Functions, titles.Seniorities, pursuit.PlaceTypes, pursuit.StateAbbrs, rank.Sizes,
		{"erp", "gis", "public safety", "email", "finance", "utility billing", "permitting"}}
	for _, c := range customers {
		if _, ok := m.Customers[c]; ok {
			continue
		}
		cm := &rank.CustomerModel{Affinity: &rank.Affinity{}}
		for f := range cm.Adjust {
			cm.Adjust[f] = r.NormFloat64() * 0.3
		}
		for a, vs := range values {
			cm.Affinity.Values[a] = map[string]float64{}
			for _, v := range vs {
				cm.Affinity.Values[a][v] = (r.Float64()*2 - 1) * rank.MaxAffinity
			}
		}
		m.Customers[c] = cm
	}
	return m
}

// benchLearnedOverhead runs every query of bench search through the
// engine and through the learned ranking (a synthetic model), alternating
// which goes first, on one locked thread, and prints what re-ranking adds.
func benchLearnedOverhead(e *env, ix *search.Index, qs []benchQuery, candidates int) error {
	var custs []int64
	for _, q := range qs {
		custs = append(custs, q.customer)
	}
	rk := rank.NewRanker(candidates, nil)
	rk.SetModel(syntheticModel(1, custs))
	basic := rank.NewRanker(candidates, nil)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var engWall, engCPU, lrnWall, lrnCPU []time.Duration
	run := func(q benchQuery, learned bool) error {
		c0, t0 := threadCPU(), time.Now()
		var err error
		if learned {
			_, err = rk.SearchContacts(ix, q.customer, q.req, rank.Options{})
			lrnWall, lrnCPU = append(lrnWall, time.Since(t0)), append(lrnCPU, threadCPU()-c0)
		} else {
			_, err = basic.SearchContacts(ix, q.customer, q.req, rank.Options{Sort: rank.SortBasic})
			engWall, engCPU = append(engWall, time.Since(t0)), append(engCPU, threadCPU()-c0)
		}
		return err
	}
	for i, q := range qs {
		first := i%2 == 0
		if err := run(q, first); err != nil {
			return err
		}
		if err := run(q, !first); err != nil {
			return err
		}
	}
	pe, pl := percentiles(engWall), percentiles(lrnWall)
	ce, cl := percentiles(engCPU), percentiles(lrnCPU)
	fmt.Fprintf(e.stdout, "\nlearned ranking (%d candidates, synthetic model) against relevance_basic, interleaved, %d queries each:\n", candidates, len(qs))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "ranking\tp50\tp95\tp99\tmax\tcpu p50\tcpu p95\tcpu p99\t")
	fmt.Fprintf(tw, "relevance_basic\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", fmtDur(pe[0]), fmtDur(pe[1]), fmtDur(pe[2]), fmtDur(pe[3]), fmtDur(ce[0]), fmtDur(ce[1]), fmtDur(ce[2]))
	fmt.Fprintf(tw, "learned\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", fmtDur(pl[0]), fmtDur(pl[1]), fmtDur(pl[2]), fmtDur(pl[3]), fmtDur(cl[0]), fmtDur(cl[1]), fmtDur(cl[2]))
	tw.Flush()
	fmt.Fprintf(e.stdout, "learned − basic: p99 %+s wall, %+s CPU (goal: at most +1ms)\n", fmtDur(pl[2]-pe[2]), fmtDur(cl[2]-ce[2]))
	return nil
}
