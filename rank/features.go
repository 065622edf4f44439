package rank

import (
	"math"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/titles"
)

// The features of a (query, contact) pair. The first NumBase are computed
// when the contact is shown and logged with the impression (Item.X); the
// affinities are the customer's learned preferences, looked up from the
// model (train time: from the events being trained on); FEngine is the
// engine's score. docs/ranking.md describes each one.
const (
	FName       = iota // BM25 part of the score from the name
	FTitle             // … from the title
	FDept              // … from the department
	FEmail             // … from the email
	FFuncMatch         // +1 the title's function is the one the query implies, −1 another, 0 none implied
	FSenMatch          // the same for seniority
	FSeniority         // seniority level: elected/executive 1, director .75, manager .5, staff .25
	FPopulation        // min(1, log10(population+1)/7)
	FRecency           // 2^(−age/365 days) of verified_at
	FHasEmail          // the email: 1 verified, .5 unverified, 0 bounced or none
	FTech              // min(1, tech categories of the place / 5)
	FMapped            // 1 when the customer maps the contact or its place to its CRM
	NumBase

	FAffFunction  = iota - 1 // customer's affinity to the contact's function
	FAffSeniority            // … seniority
	FAffPlaceType            // … place type
	FAffState                // … state
	FAffSize                 // … size of place (population bucket)
	FAffTech                 // … the place's tech categories (mean)
	FEngine                  // the engine's score (the learned weight rescales it)
	NumFeatures
)

// FeatureNames are the features' names, as docs/ranking.md and
// explanations use them.
var FeatureNames = [NumFeatures]string{
	"text_name", "text_title", "text_department", "text_email",
	"function_match", "seniority_match", "seniority", "population", "recency",
	"email", "tech", "mapped",
	"affinity_function", "affinity_seniority", "affinity_place_type", "affinity_state",
	"affinity_size", "affinity_tech", "engine_score",
}

// Attributes a customer's affinities are learned over.
const (
	AttrFunction  = "function"
	AttrSeniority = "seniority"
	AttrPlaceType = "place_type"
	AttrState     = "state"
	AttrSize      = "size"
	AttrTech      = "tech"
)

// Attrs lists the affinity attributes in the order of their features.
var Attrs = []string{AttrFunction, AttrSeniority, AttrPlaceType, AttrState, AttrSize, AttrTech}

// Sizes name the population buckets of AttrSize.
var Sizes = []string{"under 10k", "10k–50k", "50k–250k", "250k–1M", "over 1M"}

// sizeOf returns the population bucket of AttrSize.
func sizeOf(pop int64) int {
	switch {
	case pop < 10_000:
		return 0
	case pop < 50_000:
		return 1
	case pop < 250_000:
		return 2
	case pop < 1_000_000:
		return 3
	}
	return 4
}

// Item is one hit of an impression as it is logged: the contact, its
// position, its base features and the attributes affinities are learned
// over. Its JSON is compact: impressions are the bulk of the events.
type Item struct {
	ContactID int64            `json:"c"`
	PlaceID   int64            `json:"pl"`
	Pos       int              `json:"p"`
	Engine    float64          `json:"e"`
	X         [NumBase]float32 `json:"x"`
	Function  string           `json:"f"`
	Seniority string           `json:"s"`
	PlaceType string           `json:"t"`
	State     string           `json:"st"`
	Size      int              `json:"z"`
	Tech      []string         `json:"k,omitempty"`
}

// AttrTechIdx is the index of AttrTech in Attrs: the attributes before it
// have one value per contact.
const AttrTechIdx = 5

// values returns the item's value of each single-valued attribute.
func (it *Item) values() [AttrTechIdx]string {
	return [AttrTechIdx]string{it.Function, it.Seniority, it.PlaceType, it.State, Sizes[min(max(it.Size, 0), len(Sizes)-1)]}
}

// Intent is what a query implies of the contacts it looks for: the
// function and seniority of its words, when they name one.
type Intent struct {
	Function  string
	Seniority string
}

// IntentOf reads the intent of a query's text: the words of its positive
// clauses classified as a job title would be (titles.Classify).
func IntentOf(q string) Intent {
	var words []string
	for _, w := range strings.Fields(q) {
		if strings.HasPrefix(w, "-") {
			continue
		}
		if i := strings.IndexByte(w, ':'); i >= 0 {
			w = w[i+1:]
		}
		words = append(words, strings.Trim(w, `"`))
	}
	if len(words) == 0 {
		return Intent{}
	}
	f, s := titles.Classify(strings.Join(words, " "), "")
	var in Intent
	if f != titles.FunctionOther {
		in.Function = f
	}
	if s != titles.SeniorityStaff {
		in.Seniority = s
	}
	return in
}

// seniorityLevel is the level of a seniority as the engine's static score
// counts it.
func seniorityLevel(s string) float32 {
	switch s {
	case titles.SeniorityElected, titles.SeniorityExecutive:
		return 1
	case titles.SeniorityDirector:
		return 0.75
	case titles.SeniorityManager:
		return 0.5
	}
	return 0.25
}

func match(implied, actual string) float32 {
	switch {
	case implied == "":
		return 0
	case implied == actual:
		return 1
	}
	return -1
}

// ItemOf returns the logged item of a hit at position pos (1-based) of a
// search with intent in, at time now. The hit must carry its Signals.
func ItemOf(h *search.ContactHit, pos int, in Intent, now time.Time) Item {
	it := Item{
		ContactID: h.Contact.ContactID, PlaceID: h.Contact.PlaceID, Pos: pos, Engine: h.Score,
		Function: h.Function, Seniority: h.Seniority, PlaceType: h.PlaceType, State: h.StateAbbr,
	}
	s := h.Signals
	if s == nil {
		s = &search.Signals{}
	}
	it.Size = sizeOf(s.Population)
	it.Tech = s.Categories
	x := &it.X
	x[FName], x[FTitle], x[FDept], x[FEmail] = float32(s.Name), float32(s.Title), float32(s.Department), float32(s.Email)
	x[FFuncMatch] = match(in.Function, h.Function)
	x[FSenMatch] = match(in.Seniority, h.Seniority)
	x[FSeniority] = seniorityLevel(h.Seniority)
	x[FPopulation] = float32(math.Min(1, math.Log10(float64(s.Population)+1)/7))
	if !h.Contact.VerifiedAt.IsZero() {
		age := now.Sub(h.Contact.VerifiedAt).Hours() / 24
		x[FRecency] = float32(math.Exp2(-math.Max(0, age) / 365))
	}
	if s.HasEmail {
		switch s.EmailStatus {
		case pursuit.EmailVerified:
			x[FHasEmail] = 1
		case pursuit.EmailUnverified, "":
			x[FHasEmail] = 0.5
		}
	}
	x[FTech] = float32(math.Min(1, float64(len(s.Categories))/5))
	if s.Mapped {
		x[FMapped] = 1
	}
	return it
}

// features returns the full feature vector of an item under a customer's
// affinities (nil: none).
func features(it *Item, aff *Affinity) [NumFeatures]float64 {
	var x [NumFeatures]float64
	for i, v := range it.X {
		x[i] = float64(v)
	}
	if aff != nil {
		vals := it.values()
		for a, v := range vals {
			x[NumBase+a] = aff.get(a, v)
		}
		if len(it.Tech) > 0 {
			var sum float64
			for _, t := range it.Tech {
				sum += aff.get(AttrTechIdx, t)
			}
			x[FAffTech] = sum / float64(len(it.Tech))
		}
	}
	x[FEngine] = it.Engine
	return x
}

// positive reports whether an event kind tells that the customer wanted
// the contact, and how much: 1 for an open, 2 for a reveal, list add,
// export or CRM mapping.
func positive(kind string) float64 {
	switch kind {
	case pursuit.EventOpenContact:
		return 1
	case pursuit.EventReveal, pursuit.EventListAdd, pursuit.EventExport, pursuit.EventCRMMap:
		return 2
	}
	return 0
}
