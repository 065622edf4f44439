package rank

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// ModelFormat is the version of the encoded model; Decode refuses others.
const ModelFormat = 1

// Model is a trained ranking model. A contact's learned score is
//
//	engine score + (Global + Customers[c].Adjust) · features
//
// so a model of zeros is the engine's ranking, and a customer the model
// does not know gets the global weights with no affinities.
type Model struct {
	Format  int       `json:"format"`
	Trained time.Time `json:"trained"`
	Seed    uint64    `json:"seed"`
	// Global are the weights every customer starts from, trained on every
	// customer's pairs, each customer weighing at most PairCap pairs.
	Global [NumFeatures]float64 `json:"global"`
	// Customers are the per-customer parts, by customer_id.
	Customers map[int64]*CustomerModel `json:"customers"`
	// Events and Pairs count what it was trained on.
	Events int64 `json:"events"`
	Pairs  int   `json:"pairs"`
	// ModelID is the store's id of the model (not encoded).
	ModelID int64 `json:"-"`
}

// CustomerModel is what a model learned of one customer: an adjustment of
// the global weights, trained on its pairs alone, and its affinities.
type CustomerModel struct {
	Adjust   [NumFeatures]float64 `json:"adjust"`
	Affinity *Affinity            `json:"affinity"`
	Events   int                  `json:"events"`
	Pairs    int                  `json:"pairs"`
}

// Affinity is a customer's learned preference for each value of each
// attribute (Attrs): the smoothed log-lift of its engagement with contacts
// of the value over its engagement overall, in [−MaxAffinity, MaxAffinity].
// 0 is no preference.
type Affinity struct {
	// Values[a][v] is the affinity of value v of attribute Attrs[a].
	Values [6]map[string]float64 `json:"values"`
}

// MaxAffinity bounds an affinity.
const MaxAffinity = 2.0

func (a *Affinity) get(attr int, v string) float64 {
	if a == nil || a.Values[attr] == nil {
		return 0
	}
	return a.Values[attr][v]
}

// weights returns the weights a customer ranks with and its affinities.
func (m *Model) weights(customerID int64) (w [NumFeatures]float64, aff *Affinity) {
	w = m.Global
	if c := m.Customers[customerID]; c != nil {
		for i := range w {
			w[i] += c.Adjust[i]
		}
		aff = c.Affinity
	}
	return w, aff
}

// Encode returns the model as the store keeps it.
func (m *Model) Encode() ([]byte, error) {
	m.Format = ModelFormat
	return json.Marshal(m)
}

// Decode reads a model Encode wrote.
func Decode(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "body", "ranking model: %v", err)
	}
	if m.Format != ModelFormat {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "body", "ranking model format %d, this binary reads %d", m.Format, ModelFormat)
	}
	for _, w := range m.Global {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "body", "ranking model has a weight that is not finite")
		}
	}
	if m.Customers == nil {
		m.Customers = map[int64]*CustomerModel{}
	}
	return &m, nil
}

// FromStore decodes a stored model.
func FromStore(rm pursuit.RankModel) (*Model, error) {
	m, err := Decode(rm.Body)
	if err != nil {
		return nil, fmt.Errorf("model %d: %w", rm.ModelID, err)
	}
	m.ModelID = rm.ModelID
	return m, nil
}

// Reason is one part of why a hit ranks where it does: a feature, its
// contribution to the score, and the same in words.
type Reason struct {
	Feature      string  `json:"feature"`
	Contribution float64 `json:"contribution"`
	Text         string  `json:"text"`
}

// explain returns the largest contributions to an item's score (at most
// n), in words. text parts come from the engine (weight 1 plus the
// learned one); the others are the learned weights' alone.
func explain(it *Item, x *[NumFeatures]float64, w *[NumFeatures]float64, n int) []Reason {
	var rs []Reason
	add := func(f int, c float64) {
		if math.Abs(c) < 0.01 {
			return
		}
		rs = append(rs, Reason{Feature: FeatureNames[f], Contribution: math.Round(c*1000) / 1000, Text: reasonText(f, c, it)})
	}
	// The engine's score is its text parts plus its static part; the
	// learned weight of engine_score scales all of it.
	scale := 1 + w[FEngine]
	for f := FName; f <= FEmail; f++ {
		add(f, scale*x[f]+w[f]*x[f])
	}
	static := it.Engine - x[FName] - x[FTitle] - x[FDept] - x[FEmail]
	if math.Abs(scale*static) >= 0.01 {
		rs = append(rs, Reason{Feature: "engine_static", Contribution: math.Round(scale*static*1000) / 1000,
			Text: "seniority, population and recency (the base ranking)"})
	}
	for f := FFuncMatch; f < FEngine; f++ {
		if f >= FName && f <= FEmail {
			continue
		}
		add(f, w[f]*x[f])
	}
	slices.SortStableFunc(rs, func(a, b Reason) int {
		switch {
		case math.Abs(a.Contribution) > math.Abs(b.Contribution):
			return -1
		case math.Abs(a.Contribution) < math.Abs(b.Contribution):
			return 1
		}
		return 0
	})
	return rs[:min(n, len(rs))]
}

func reasonText(f int, c float64, it *Item) string {
	often := "often"
	if c < 0 {
		often = "rarely"
	}
	lead := strings.TrimSpace(it.Function + " " + it.Seniority)
	switch f {
	case FName:
		return "the name matches your words"
	case FTitle:
		return "the title matches your words"
	case FDept:
		return "the department matches your words"
	case FEmail:
		return "the email matches your words"
	case FFuncMatch:
		if c > 0 {
			return "a " + it.Function + " title, as your search asks"
		}
		return "a " + it.Function + " title, not the function your search names"
	case FSenMatch:
		if c > 0 {
			return "a " + it.Seniority + ", the level your search names"
		}
		return "a " + it.Seniority + ", not the level your search names"
	case FSeniority:
		return "seniority (" + it.Seniority + ")"
	case FPopulation:
		return "the size of the place"
	case FRecency:
		return "how recently the contact was verified"
	case FHasEmail:
		return "the email's status (verified, unverified, bounced)"
	case FTech:
		return "the place's technology footprint"
	case FMapped:
		if c > 0 {
			return "already in your CRM — your team works those accounts"
		}
		return "already in your CRM"
	case FAffFunction:
		return lead + " — your team " + often + " engages " + it.Function + " contacts"
	case FAffSeniority:
		return it.Seniority + " level — your team " + often + " engages " + it.Seniority + "-level contacts"
	case FAffPlaceType:
		return strings.ReplaceAll(it.PlaceType, "_", " ") + " — a kind of place your team " + often + " engages"
	case FAffState:
		return it.State + " — a state your team " + often + " engages"
	case FAffSize:
		return "population " + Sizes[min(max(it.Size, 0), len(Sizes)-1)] + " — a size of place your team " + often + " engages"
	case FAffTech:
		return "runs " + strings.Join(it.Tech, ", ") + " — technology your team's accounts " + often + " run"
	}
	return FeatureNames[f]
}
