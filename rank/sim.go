package rank

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/search"
)

// Persona is a simulated customer's ideal buyer: the functions it sells
// to (a contact of another function is irrelevant to it), the seniorities,
// place types and sizes it prefers, and the queries its users type.
type Persona struct {
	Name        string
	Functions   []string
	Seniorities []string
	PlaceTypes  []string
	// MinPop and MaxPop bound the population it prefers (0: no bound).
	MinPop, MaxPop int64
	Queries        []string
}

// Personas are the simulation's customers, after the examples.
var Personas = []Persona{
	{Name: "body cameras", Functions: []string{"public_safety"}, Seniorities: []string{"executive", "director", "elected"},
		PlaceTypes: []string{"municipality", "county"}, MinPop: 10_000, MaxPop: 500_000,
		Queries: []string{"chief", "director", "police", "", "manager", "deputy"}},
	{Name: "ERP", Functions: []string{"finance", "executive"}, Seniorities: []string{"director", "executive", "elected"},
		PlaceTypes: []string{"county", "municipality"}, MinPop: 50_000,
		Queries: []string{"director", "finance", "chief", "", "administrator", "manager"}},
	{Name: "student information", Functions: []string{"education", "it"}, Seniorities: []string{"director", "executive"},
		PlaceTypes: []string{"school_district"},
		Queries:    []string{"director", "technology", "superintendent", "", "chief", "manager"}},
	{Name: "utility billing", Functions: []string{"utilities", "finance"}, Seniorities: []string{"director", "manager"},
		PlaceTypes: []string{"special_district", "municipality"},
		Queries:    []string{"director", "utilities", "manager", "", "finance", "water"}},
	{Name: "GIS", Functions: []string{"planning", "it", "public_works"}, Seniorities: []string{"director", "manager"},
		PlaceTypes: []string{"county"}, MinPop: 20_000,
		Queries: []string{"gis", "director", "planning", "manager", "", "engineer"}},
	{Name: "HR and payroll", Functions: []string{"hr", "finance"}, Seniorities: []string{"director", "executive"},
		MinPop: 25_000, Queries: []string{"director", "human resources", "manager", "", "payroll", "chief"}},
}

// MaxRelevance is the relevance of an ideal buyer.
const MaxRelevance = 3

// Relevance is how much a persona wants a hit: 0 for another function,
// else 1, plus 1 for a preferred seniority, plus 1 for a preferred kind
// and size of place.
func (p *Persona) Relevance(h *search.ContactHit) int {
	if !slices.Contains(p.Functions, h.Function) {
		return 0
	}
	rel := 1
	if slices.Contains(p.Seniorities, h.Seniority) {
		rel++
	}
	var pop int64
	if h.Signals != nil {
		pop = h.Signals.Population
	}
	if (len(p.PlaceTypes) == 0 || slices.Contains(p.PlaceTypes, h.PlaceType)) &&
		(p.MinPop == 0 || pop >= p.MinPop) && (p.MaxPop == 0 || pop <= p.MaxPop) {
		rel++
	}
	return rel
}

// SimConfig sizes a simulation.
type SimConfig struct {
	Seed             uint64
	Places, Contacts int
	// Share is the share of places each customer is granted.
	Share float64
	// Page is how many hits a session shows.
	Page int
}

// Sim is a simulated world: a generated dataset in a store, one customer
// per persona that engages (Warm) and one per persona that never does
// (Cold), and the index over them.
type Sim struct {
	Store pursuit.Store
	Index *search.Index
	// Warm[i] and Cold[i] are the customer ids of Personas[i].
	Warm, Cold []int64
	cfg        SimConfig
	clock      time.Time
}

// NewSim fills an empty, migrated store with a generated dataset and the
// personas' customers, and builds the index.
func NewSim(ctx context.Context, s pursuit.Store, cfg SimConfig) (*Sim, error) {
	if cfg.Share <= 0 || cfg.Share > 1 {
		cfg.Share = 0.7
	}
	if cfg.Page <= 0 {
		cfg.Page = 20
	}
	gcfg := gen.Config{Seed: int64(cfg.Seed), Places: cfg.Places, Contacts: cfg.Contacts}
	err := s.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, gcfg, w, nil) })
	if err != nil {
		return nil, fmt.Errorf("sim: generate: %w", err)
	}
	var places []int64
	if err := s.ScanPlaces(ctx, func(p pursuit.Place) error { places = append(places, p.PlaceID); return nil }); err != nil {
		return nil, err
	}
	sim := &Sim{Store: s, cfg: cfg, clock: gen.DefaultBase}
	r := rand.New(rand.NewPCG(cfg.Seed, 1))
	for _, warm := range []bool{true, false} {
		for _, p := range Personas {
			c := pursuit.Customer{Name: fmt.Sprintf("%s (%s)", p.Name, map[bool]string{true: "warm", false: "cold"}[warm])}
			if err := s.CreateCustomer(ctx, &c); err != nil {
				return nil, err
			}
			var gs []pursuit.CustomerPlaceRelation
			for _, pl := range places {
				if r.Float64() < cfg.Share {
					gs = append(gs, pursuit.CustomerPlaceRelation{CustomerID: c.CustomerID, PlaceID: pl, AccessType: pursuit.AccessFull})
				}
			}
			if err := s.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertPlaceGrants(ctx, gs) }); err != nil {
				return nil, err
			}
			if warm {
				sim.Warm = append(sim.Warm, c.CustomerID)
			} else {
				sim.Cold = append(sim.Cold, c.CustomerID)
			}
		}
	}
	sim.Index, err = search.Build(ctx, s, search.Options{Now: func() time.Time { return gen.DefaultBase }})
	if err != nil {
		return nil, err
	}
	return sim, nil
}

// Now is the simulation's clock.
func (s *Sim) Now() time.Time { return s.clock }

// ClickModel is how simulated users engage with a page: they look at
// position k with probability (1/k)^PositionBias, click a contact they
// look at with probability Click[relevance] (Click[0] is the irrelevant
// clicks), and reveal a clicked contact of relevance 2 or more with
// probability Reveal.
type ClickModel struct {
	PositionBias float64
	Click        [MaxRelevance + 1]float64
	Reveal       float64
}

// DefaultClickModel is the click model of pursuit bench ranking.
var DefaultClickModel = ClickModel{PositionBias: 0.8, Click: [4]float64{0.04, 0.15, 0.4, 0.8}, Reveal: 0.5}

// Sessions runs n search sessions of customer (persona p) through the
// ranker and records what its users see and do with rec.
func (s *Sim) Sessions(ctx context.Context, rk *Ranker, rec Recorder, customer int64, p *Persona, cm ClickModel, n int, r *rand.Rand) error {
	for range n {
		s.clock = s.clock.Add(10 * time.Minute)
		q := p.Queries[r.IntN(len(p.Queries))]
		res, err := rk.SearchContacts(s.Index, customer, search.Request{Q: q, Limit: s.cfg.Page}, Options{})
		if err != nil {
			return fmt.Errorf("sim: search %q: %w", q, err)
		}
		imp, err := Impression(customer, 0, 0, q, &res)
		if err != nil {
			return err
		}
		imp.CreatedAt = s.clock
		rec.Record(imp)
		for i := range res.Hits {
			h := &res.Hits[i]
			if r.Float64() >= math.Pow(1/float64(i+1), cm.PositionBias) {
				continue
			}
			rel := p.Relevance(h)
			if r.Float64() >= cm.Click[rel] {
				continue
			}
			at := s.clock.Add(time.Duration(i+1) * time.Second)
			rec.Record(pursuit.EngagementEvent{CustomerID: customer, Kind: pursuit.EventOpenContact, SearchID: imp.SearchID, Query: q,
				ContactID: h.Contact.ContactID, PlaceID: h.Contact.PlaceID, Position: i + 1, CreatedAt: at})
			if rel >= 2 && r.Float64() < cm.Reveal {
				rec.Record(pursuit.EngagementEvent{CustomerID: customer, Kind: pursuit.EventReveal, SearchID: imp.SearchID, Query: q,
					ContactID: h.Contact.ContactID, PlaceID: h.Contact.PlaceID, Position: i + 1, CreatedAt: at.Add(time.Second)})
			}
		}
	}
	return nil
}

// Quality is how well a ranking serves a persona over a set of queries.
type Quality struct {
	// NDCG is the mean NDCG@10 (gain 2^rel − 1), IdealShare the mean share
	// of ideal buyers (MaxRelevance) among the first 20 hits.
	NDCG, IdealShare float64
	Queries          int
}

// Evaluate measures the ranker's ranking for customer (persona p) on n
// queries drawn like its sessions'. The ideal DCG is that of the best
// order of the engine's first 1,000 matches, the same for every ranker.
func (s *Sim) Evaluate(rk *Ranker, customer int64, p *Persona, sort string, n int, r *rand.Rand) (Quality, error) {
	var q Quality
	for range n {
		text := p.Queries[r.IntN(len(p.Queries))]
		all, err := s.Index.SearchContacts(customer, search.Request{Q: text, Limit: search.MaxLimit, Signals: true})
		if err != nil {
			return q, err
		}
		rels := make([]int, len(all.Hits))
		for i := range all.Hits {
			rels[i] = p.Relevance(&all.Hits[i])
		}
		slices.SortFunc(rels, func(a, b int) int { return b - a })
		idcg := dcg(rels, 10)
		if idcg == 0 {
			continue // nothing relevant matches: every order is as good
		}
		res, err := rk.SearchContacts(s.Index, customer, search.Request{Q: text, Limit: 20}, Options{Sort: sort})
		if err != nil {
			return q, err
		}
		got := make([]int, len(res.Hits))
		ideal := 0
		for i := range res.Hits {
			got[i] = p.Relevance(&res.Hits[i])
			if got[i] == MaxRelevance {
				ideal++
			}
		}
		q.NDCG += dcg(got, 10) / idcg
		if len(got) > 0 {
			q.IdealShare += float64(ideal) / float64(len(got))
		}
		q.Queries++
	}
	if q.Queries > 0 {
		q.NDCG /= float64(q.Queries)
		q.IdealShare /= float64(q.Queries)
	}
	return q, nil
}

func dcg(rels []int, k int) float64 {
	var s float64
	for i, rel := range rels[:min(k, len(rels))] {
		s += (math.Exp2(float64(rel)) - 1) / math.Log2(float64(i+2))
	}
	return s
}
