package rank

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lossOf is the objective fit minimises.
func lossOf(ps []pair, w [NumFeatures]float64, lambda float64) float64 {
	var l float64
	for i := range ps {
		m := ps[i].off + dot(&w, &ps[i].dx)
		l += ps[i].a * softplus(-m)
	}
	for _, x := range w {
		l += lambda / 2 * x * x
	}
	return l
}

// TestFitMinimises checks fit against the objective: its gradient is
// zero at the answer, and no random nearby point does better, for random
// pair sets (some separable, which only the penalty keeps finite).
func TestFitMinimises(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 3))
		n := 5 + r.IntN(400)
		ps := make([]pair, n)
		truth := [NumFeatures]float64{}
		for i := range truth {
			truth[i] = r.NormFloat64() * 2
		}
		for i := range ps {
			for f := range ps[i].dx {
				if r.IntN(3) > 0 {
					ps[i].dx[f] = r.NormFloat64() * math.Pow(10, float64(r.IntN(3)-1))
				}
			}
			ps[i].off = r.NormFloat64()
			ps[i].a = 1 + float64(r.IntN(2))
			if r.IntN(4) == 0 && dot(&truth, &ps[i].dx) < 0 {
				// flip to make the data (nearly) separable along truth
				for f := range ps[i].dx {
					ps[i].dx[f] = -ps[i].dx[f]
				}
			}
		}
		lambda := []float64{0.01, 1, 10}[r.IntN(3)]
		w := fit(ps, lambda)
		best := lossOf(ps, w, lambda)
		if math.IsNaN(best) || math.IsInf(best, 0) {
			t.Fatalf("seed %d: loss %v", seed, best)
		}
		for range 200 {
			v := w
			for f := range v {
				v[f] += r.NormFloat64() * 1e-3
			}
			if l := lossOf(ps, v, lambda); l < best-1e-9*math.Max(1, best) {
				t.Fatalf("seed %d λ %v: a point nearby has loss %v < %v", seed, lambda, l, best)
			}
		}
	}
}
