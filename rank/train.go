package rank

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Defaults of TrainOptions.
const (
	DefaultLambda         = 1.0
	DefaultCustomerLambda = 8.0
	DefaultPairCap        = 5000
	DefaultAttribution    = 30 * time.Minute
	affinitySmoothing     = 5.0
)

// TrainOptions configure Train.
type TrainOptions struct {
	// Seed picks the pairs kept of a customer with more than PairCap.
	Seed uint64
	// Now stamps the model; zero means time.Now.
	Now time.Time
	// Lambda is the L2 penalty of the global weights, CustomerLambda that
	// of each customer's adjustment (0: the defaults).
	Lambda, CustomerLambda float64
	// PairCap bounds the pairs of one customer, so that no customer
	// outweighs the others in the global weights (0: DefaultPairCap).
	PairCap int
	// Attribution is how long after an impression an action without a
	// search id is credited to it (0: DefaultAttribution).
	Attribution time.Duration
	// Global, when set, holds the global weights fixed and trains only the
	// per-customer parts.
	Global *[NumFeatures]float64
	// Logger receives progress; nil discards.
	Logger *slog.Logger
}

func (o *TrainOptions) defaults() {
	if o.Lambda <= 0 {
		o.Lambda = DefaultLambda
	}
	if o.CustomerLambda <= 0 {
		o.CustomerLambda = DefaultCustomerLambda
	}
	if o.PairCap <= 0 {
		o.PairCap = DefaultPairCap
	}
	if o.Attribution <= 0 {
		o.Attribution = DefaultAttribution
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// EventSource is what training reads: the customers and each one's
// events. Every pursuit.Store is one.
type EventSource interface {
	ScanCustomers(ctx context.Context, fn func(pursuit.Customer) error) error
	ListEvents(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.EngagementEvent, error)
}

// Train trains a model on every customer's events in src.
func Train(ctx context.Context, src EventSource, opt TrainOptions) (*Model, error) {
	opt.defaults()
	var ids []int64
	if err := src.ScanCustomers(ctx, func(c pursuit.Customer) error { ids = append(ids, c.CustomerID); return nil }); err != nil {
		return nil, fmt.Errorf("train: customers: %w", err)
	}
	events := map[int64][]pursuit.EngagementEvent{}
	var n int64
	for i, id := range ids {
		var after int64
		for {
			page, err := src.ListEvents(ctx, id, pursuit.ListOptions{After: after, Limit: pursuit.MaxListLimit})
			if err != nil {
				return nil, fmt.Errorf("train: events of customer %d: %w", id, err)
			}
			events[id] = append(events[id], page...)
			n += int64(len(page))
			if len(page) < pursuit.MaxListLimit {
				break
			}
			after = page[len(page)-1].EventID
		}
		if (i+1)%100 == 0 || i+1 == len(ids) {
			opt.Logger.Info("rank: events read", "customers", i+1, "of", len(ids), "events", n)
		}
	}
	return TrainEvents(events, opt), nil
}

// pair is one training pair: the engaged item's features minus the other
// item's, the offset (the engine's score difference, plus the global
// weights' part when a customer's adjustment is trained), and its weight.
type pair struct {
	dx  [NumFeatures]float64
	off float64
	a   float64
}

// custData is one customer's events, parsed.
type custData struct {
	id     int64
	events int
	imps   []impression
	aff    *Affinity
	counts *counts
	pairs  []pair
}

type impression struct {
	searchID string
	at       time.Time
	items    []Item
	gain     map[int64]float64 // contact → engagement gain
}

// TrainEvents trains a model on events grouped by customer; Train reads
// them from a store. It is deterministic: the same events and options give
// the same model.
func TrainEvents(byCustomer map[int64][]pursuit.EngagementEvent, opt TrainOptions) *Model {
	opt.defaults()
	ids := make([]int64, 0, len(byCustomer))
	for id := range byCustomer {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	m := &Model{Format: ModelFormat, Trained: opt.Now.UTC(), Seed: opt.Seed, Customers: map[int64]*CustomerModel{}}
	var all []pair
	var data []*custData
	for _, id := range ids {
		cd := parseCustomer(id, byCustomer[id], opt.Attribution)
		m.Events += int64(cd.events)
		if cd.counts == nil {
			continue
		}
		cd.aff = cd.counts.affinity(nil)
		cd.pairs = cd.makePairs()
		if len(cd.pairs) > opt.PairCap {
			r := rand.New(rand.NewPCG(opt.Seed, uint64(id)))
			r.Shuffle(len(cd.pairs), func(i, j int) { cd.pairs[i], cd.pairs[j] = cd.pairs[j], cd.pairs[i] })
			cd.pairs = cd.pairs[:opt.PairCap]
		}
		data = append(data, cd)
		all = append(all, cd.pairs...)
		m.Pairs += len(cd.pairs)
	}
	if opt.Global != nil {
		m.Global = *opt.Global
	} else {
		// The global weights weigh only the customer's own affinities
		// (GlobalFeature).
		for i := range all {
			for f := range all[i].dx {
				if !GlobalFeature(f) {
					all[i].dx[f] = 0
				}
			}
		}
		m.Global = fit(all, opt.Lambda)
	}
	for _, cd := range data {
		ps := make([]pair, len(cd.pairs))
		for i, p := range cd.pairs {
			ps[i] = p
			ps[i].off += dot(&m.Global, &p.dx)
		}
		m.Customers[cd.id] = &CustomerModel{Adjust: fit(ps, opt.CustomerLambda), Affinity: cd.aff, Events: cd.events, Pairs: len(cd.pairs)}
	}
	opt.Logger.Info("rank: trained", "customers", len(data), "events", m.Events, "pairs", m.Pairs)
	return m
}

// GlobalFeature reports whether the global weights weigh feature f: only
// the affinities, that is how much a customer's own learned preferences
// count. Every other weight is a taste (for a kind of contact, for the
// query's words against the static signals, for a function the query
// names) that, learned from other customers, would move a new customer's
// ranking toward what they buy: measured, it made some new customers'
// rankings worse. Those weights are each customer's adjustment, so a
// customer with no events is ranked exactly as the engine ranks.
func GlobalFeature(f int) bool {
	return f >= NumBase && f != FEngine
}

// parseCustomer reads a customer's impressions and credits each action to
// the impression it came from: the one with its search id, or else the
// latest impression within attribution before it that showed the contact.
func parseCustomer(id int64, evs []pursuit.EngagementEvent, attribution time.Duration) *custData {
	cd := &custData{id: id, events: len(evs)}
	bySearch := map[string]int{}
	byContact := map[int64][]int{} // impressions showing a contact, in time order
	last := map[int64]*Item{}
	for _, e := range evs {
		if e.Kind != pursuit.EventImpression {
			continue
		}
		var items []Item
		if err := json.Unmarshal([]byte(e.Items), &items); err != nil || len(items) == 0 {
			continue // not an impression this version logged
		}
		i := len(cd.imps)
		cd.imps = append(cd.imps, impression{searchID: e.SearchID, at: e.CreatedAt, items: items, gain: map[int64]float64{}})
		if e.SearchID != "" {
			bySearch[e.SearchID] = i
		}
		for k := range items {
			byContact[items[k].ContactID] = append(byContact[items[k].ContactID], i)
			last[items[k].ContactID] = &cd.imps[i].items[k]
		}
	}
	var loose []looseAction // actions credited to no impression
	for _, e := range evs {
		g := positive(e.Kind)
		if g == 0 || e.ContactID == 0 {
			continue
		}
		imp := -1
		if i, ok := bySearch[e.SearchID]; ok && e.SearchID != "" && cd.imps[i].shows(e.ContactID) {
			imp = i
		} else {
			for _, i := range slices.Backward(byContact[e.ContactID]) {
				at := cd.imps[i].at
				if !at.After(e.CreatedAt) && e.CreatedAt.Sub(at) <= attribution {
					imp = i
					break
				}
			}
		}
		if imp >= 0 {
			cd.imps[imp].gain[e.ContactID] = max(cd.imps[imp].gain[e.ContactID], g)
		} else if it := last[e.ContactID]; it != nil {
			loose = append(loose, looseAction{it, g})
		}
	}
	if len(cd.imps) == 0 {
		return cd
	}
	cd.counts = newCounts()
	for i := range cd.imps {
		cd.counts.add(&cd.imps[i], 1)
	}
	for _, l := range loose {
		cd.counts.addPositive(l.item, l.gain, 1)
	}
	return cd
}

type looseAction struct {
	item *Item
	gain float64
}

func (im *impression) shows(contact int64) bool {
	for i := range im.items {
		if im.items[i].ContactID == contact {
			return true
		}
	}
	return false
}

// counts are a customer's impressions and engagement per attribute value.
type counts struct {
	imp, pos [6]map[string]float64
	I, P     float64
}

func newCounts() *counts {
	c := &counts{}
	for a := range c.imp {
		c.imp[a], c.pos[a] = map[string]float64{}, map[string]float64{}
	}
	return c
}

// add adds (sign 1) or takes out (sign −1) an impression's counts.
func (c *counts) add(im *impression, sign float64) {
	for k := range im.items {
		it := &im.items[k]
		c.I += sign
		vals := it.values()
		for a, v := range vals {
			c.imp[a][v] += sign
		}
		for _, t := range it.Tech {
			c.imp[AttrTechIdx][t] += sign / float64(len(it.Tech))
		}
		if g := im.gain[it.ContactID]; g > 0 {
			c.addPositive(it, g, sign)
		}
	}
}

func (c *counts) addPositive(it *Item, g, sign float64) {
	c.P += sign * g
	vals := it.values()
	for a, v := range vals {
		c.pos[a][v] += sign * g
	}
	for _, t := range it.Tech {
		c.pos[AttrTechIdx][t] += sign * g / float64(len(it.Tech))
	}
}

// affinity returns the affinities of the counts, without those of the
// impression leave (nil: none): an impression's own engagement must not
// be in the affinities its pairs are trained with, or the model learns to
// trust affinities more than they deserve on new searches.
func (c *counts) affinity(leave *impression) *Affinity {
	if leave != nil {
		c.add(leave, -1)
		defer c.add(leave, 1)
	}
	if c.P <= 0 || c.I <= 0 {
		return nil
	}
	r0 := c.P / c.I
	aff := &Affinity{}
	for a := range c.imp {
		vals := map[string]float64{}
		for v, pos := range c.pos[a] {
			vals[v] = lift(pos, c.imp[a][v], r0)
		}
		for v, imp := range c.imp[a] {
			if _, ok := vals[v]; !ok {
				vals[v] = lift(0, imp, r0)
			}
		}
		for v, x := range vals {
			if math.Abs(x) < 1e-3 {
				delete(vals, v)
			}
		}
		if len(vals) > 0 {
			aff.Values[a] = vals
		}
	}
	return aff
}

// lift is the smoothed log ratio of a value's engagement rate to the
// overall rate r0, clamped to ±MaxAffinity.
func lift(pos, imp, r0 float64) float64 {
	pos, imp = math.Max(0, pos), math.Max(0, imp)
	rate := (pos + affinitySmoothing*r0) / (imp + affinitySmoothing)
	x := math.Log(rate / r0)
	x = math.Round(x*1e6) / 1e6
	return math.Max(-MaxAffinity, math.Min(MaxAffinity, x))
}

// makePairs returns the customer's training pairs: in each impression,
// every engaged item against every item not engaged that was shown at most
// two positions below the last engaged one (what the user looked at).
func (cd *custData) makePairs() []pair {
	var out []pair
	for i := range cd.imps {
		im := &cd.imps[i]
		if len(im.gain) == 0 {
			continue
		}
		last := 0
		for _, it := range im.items {
			if im.gain[it.ContactID] > 0 {
				last = max(last, it.Pos)
			}
		}
		aff := cd.counts.affinity(im)
		xs := make([][NumFeatures]float64, len(im.items))
		for k := range im.items {
			xs[k] = features(&im.items[k], aff)
		}
		for k, it := range im.items {
			g := im.gain[it.ContactID]
			if g == 0 {
				continue
			}
			for l, jt := range im.items {
				if im.gain[jt.ContactID] > 0 || jt.Pos > last+2 {
					continue
				}
				var p pair
				for f := range p.dx {
					p.dx[f] = xs[k][f] - xs[l][f]
				}
				p.off = it.Engine - jt.Engine
				p.a = g
				out = append(out, p)
			}
		}
	}
	return out
}

func dot(w, x *[NumFeatures]float64) float64 {
	var s float64
	for i := range w {
		s += w[i] * x[i]
	}
	return s
}

// fit minimises the pairwise logistic loss
//
//	Σ a · log(1 + exp(−(off + w·dx))) + λ/2 · |w|²
//
// by Newton's method (the loss is convex and has 19 weights: a few exact
// steps converge). Without pairs it returns zeros.
func fit(ps []pair, lambda float64) [NumFeatures]float64 {
	const n = NumFeatures
	var w [n]float64
	if len(ps) == 0 {
		return w
	}
	for iter := 0; iter < 50; iter++ {
		var g [n]float64
		var h [n][n]float64
		for i := range n {
			g[i] = lambda * w[i]
			h[i][i] = lambda
		}
		for k := range ps {
			p := &ps[k]
			m := p.off + dot(&w, &p.dx)
			s := sigmoid(-m) // the loss's derivative in m is −s
			c := p.a * s * (1 - s)
			for i := range n {
				if p.dx[i] == 0 {
					continue
				}
				g[i] -= p.a * s * p.dx[i]
				for j := i; j < n; j++ {
					h[i][j] += c * p.dx[i] * p.dx[j]
				}
			}
		}
		for i := range n {
			for j := 0; j < i; j++ {
				h[i][j] = h[j][i]
			}
		}
		d := solve(h, g)
		// Backtrack until the loss goes down: a full Newton step can
		// overshoot far from the optimum.
		cur := loss(ps, &w, lambda)
		t := 1.0
		var next [n]float64
		for range 60 {
			for i := range n {
				next[i] = w[i] - t*d[i]
			}
			if loss(ps, &next, lambda) <= cur {
				break
			}
			t /= 2
		}
		var step float64
		for i := range n {
			step = math.Max(step, math.Abs(next[i]-w[i]))
		}
		w = next
		if step < 1e-9 {
			break
		}
	}
	for i := range w {
		w[i] = math.Round(w[i]*1e9) / 1e9
	}
	return w
}

// loss is the objective fit minimises.
func loss(ps []pair, w *[NumFeatures]float64, lambda float64) float64 {
	var l float64
	for i := range ps {
		l += ps[i].a * softplus(-(ps[i].off + dot(w, &ps[i].dx)))
	}
	for _, x := range w {
		l += lambda / 2 * x * x
	}
	return l
}

// softplus is log(1 + e^x), without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// solve solves h·d = g for a symmetric positive definite h (Cholesky).
func solve(h [NumFeatures][NumFeatures]float64, g [NumFeatures]float64) [NumFeatures]float64 {
	const n = NumFeatures
	var l [n][n]float64
	for i := range n {
		for j := 0; j <= i; j++ {
			s := h[i][j]
			for k := 0; k < j; k++ {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				l[i][i] = math.Sqrt(math.Max(s, 1e-12))
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	var y, x [n]float64
	for i := range n {
		s := g[i]
		for k := 0; k < i; k++ {
			s -= l[i][k] * y[k]
		}
		y[i] = s / l[i][i]
	}
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < n; k++ {
			s -= l[k][i] * x[k]
		}
		x[i] = s / l[i][i]
	}
	return x
}
