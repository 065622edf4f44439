package rank

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// DefaultCandidates is how many of the engine's best hits the learned
// ranking re-orders. 100 keeps a search's p99 within a millisecond of the
// engine's at the seed's scale; 200 ranks better but adds 3–4 ms at p99
// there (measured in one run with pursuit bench search
// --learned-candidates 100,200; BenchmarkCandidates measures the
// re-ranking's own cost; docs/benchmarks.md, "Candidate window").
const DefaultCandidates = 100

// Sort orders of a contacts search.
const (
	// SortRelevance is the learned ranking when a model is loaded, the
	// engine's otherwise.
	SortRelevance = "relevance"
	// SortBasic is the engine's ranking (BM25 plus fixed signals), as it
	// was before learned ranking.
	SortBasic = "relevance_basic"
)

// Ranker searches through the index and re-ranks the engine's best
// candidates with the loaded model. It is safe for concurrent use; the
// model is swapped atomically.
type Ranker struct {
	model      atomic.Pointer[Model]
	candidates int
	now        func() time.Time
}

// NewRanker returns a ranker without a model (the engine's ranking)
// re-ranking candidates hits (0: DefaultCandidates), with clock now (nil:
// time.Now).
func NewRanker(candidates int, now func() time.Time) *Ranker {
	if candidates <= 0 {
		candidates = DefaultCandidates
	}
	if now == nil {
		now = time.Now
	}
	return &Ranker{candidates: min(candidates, search.MaxLimit), now: now}
}

// SetModel replaces the model; nil goes back to the engine's ranking.
func (r *Ranker) SetModel(m *Model) { r.model.Store(m) }

// Model returns the loaded model, nil when none.
func (r *Ranker) Model() *Model { return r.model.Load() }

// ModelStore is where models are kept; every pursuit.Store is one.
type ModelStore interface {
	RankModel(ctx context.Context, state string) (pursuit.RankModel, error)
}

// Load loads the store's active model when it differs from the one
// loaded. It reports whether the model changed; no model in the store is
// no model.
func (r *Ranker) Load(ctx context.Context, s ModelStore) (bool, error) {
	rm, err := s.RankModel(ctx, pursuit.ModelActive)
	if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
		changed := r.Model() != nil
		r.SetModel(nil)
		return changed, nil
	}
	if err != nil {
		return false, err
	}
	if cur := r.Model(); cur != nil && cur.ModelID == rm.ModelID {
		return false, nil
	}
	m, err := FromStore(rm)
	if err != nil {
		return false, err
	}
	r.SetModel(m)
	return true, nil
}

// Options of one search.
type Options struct {
	// Sort is SortRelevance ("" too) or SortBasic.
	Sort string
	// Explain asks for each hit's reasons.
	Explain bool
}

// Result is a page of a ranked contacts search. Hits carry their Signals.
type Result struct {
	search.ContactResult
	// Explain[i] are the reasons of Hits[i] (with Options.Explain).
	Explain [][]Reason
	// Items are the hits as an impression logs them.
	Items []Item
	// Learned tells whether the page was re-ranked by a model, and ModelID
	// which.
	Learned bool
	ModelID int64
}

// cursorPrefix marks the ranker's cursors; the engine's are base64url,
// which has no '.'.
const cursorPrefix = "r1."

// rankCursor is where a re-ranked listing stands: Offset hits into the
// re-ranked window of Window candidates, and the engine's cursor after the
// window, "" when the result has no more.
type rankCursor struct {
	Offset int    `json:"o"`
	Window int    `json:"w"`
	Engine string `json:"n,omitempty"`
}

func (c rankCursor) encode() string {
	b, _ := json.Marshal(c)
	return cursorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (rankCursor, error) {
	var c rankCursor
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, cursorPrefix))
	if err == nil {
		err = json.Unmarshal(raw, &c)
	}
	if err != nil || c.Window < 1 || c.Window > search.MaxLimit || c.Offset < 1 || c.Offset > c.Window {
		return c, pursuit.FieldErrorf(pursuit.EINVALID, "cursor", "not a cursor of this search")
	}
	return c, nil
}

// SearchContacts searches ix for customerID and ranks the result: with
// SortBasic, or without a model, in the engine's order; otherwise the
// engine's best candidates (at least the page) are re-ranked by the
// customer's weights. The re-ranking only reorders what the engine
// matched: totals and facets are the engine's, no hit is dropped, and
// hits whose text score comes mostly from their name or email (a look-up
// of someone) keep the engine's order ahead of the others. Pages after
// the window continue in the engine's order.
func (r *Ranker) SearchContacts(ix *search.Index, customerID int64, req search.Request, opt Options) (Result, error) {
	if opt.Sort != "" && opt.Sort != SortRelevance && opt.Sort != SortBasic {
		return Result{}, pursuit.FieldErrorf(pursuit.EINVALID, "sort", "must be %q or %q, not %q", SortRelevance, SortBasic, opt.Sort)
	}
	m := r.Model()
	in := IntentOf(req.Q)
	now := r.now()
	req.Signals = true
	limit := req.Limit
	if limit == 0 {
		limit = search.DefaultLimit
	}
	ranked := strings.HasPrefix(req.Cursor, cursorPrefix)
	if opt.Sort == SortBasic || m == nil || req.Cursor != "" && !ranked {
		if ranked {
			return Result{}, pursuit.FieldErrorf(pursuit.EINVALID, "cursor", "this cursor belongs to the learned ranking (sort=%s)", SortRelevance)
		}
		res, err := ix.SearchContacts(customerID, req)
		if err != nil {
			return Result{}, err
		}
		offset := 0
		out := Result{ContactResult: res}
		r.finish(&out, nil, customerID, offset, in, now, opt)
		return out, nil
	}
	cur := rankCursor{Window: max(r.candidates, limit)}
	if ranked {
		var err error
		if cur, err = decodeCursor(req.Cursor); err != nil {
			return Result{}, err
		}
	}
	wreq := req
	wreq.Cursor, wreq.Limit, wreq.Lean = "", cur.Window, true
	win, err := ix.SearchContacts(customerID, wreq)
	if err != nil {
		return Result{}, err
	}
	w, aff := m.weights(customerID)
	items := make([]Item, len(win.Hits))
	scores := make([]float64, len(win.Hits))
	pinned := make([]bool, len(win.Hits))
	others := make([]int, 0, len(win.Hits))
	for i := range win.Hits {
		h := &win.Hits[i]
		items[i] = ItemOf(h, i+1, in, now)
		x := features(&items[i], aff)
		scores[i] = h.Score + dot(&w, &x)
		if s := h.Signals; s.Name+s.Email > 0 && s.Name+s.Email >= s.Title+s.Department {
			// A look-up of someone by name or email keeps the engine's
			// position.
			pinned[i] = true
		} else {
			others = append(others, i)
		}
	}
	slices.SortStableFunc(others, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	order := make([]int, len(win.Hits))
	for i := range order {
		if pinned[i] {
			order[i] = i
		} else {
			order[i], others = others[0], others[1:]
		}
	}
	out := Result{ContactResult: search.ContactResult{Total: win.Total, Facets: win.Facets, Mapped: win.Mapped, Hits: []search.ContactHit{}}, Learned: true, ModelID: m.ModelID}
	page := order[min(cur.Offset, len(order)):min(cur.Offset+limit, len(order))]
	lean := make([]search.ContactHit, len(page))
	byID := make(map[int64]Item, len(page))
	for k, i := range page {
		lean[k] = win.Hits[i]
		byID[win.Hits[i].Contact.ContactID] = items[i]
	}
	// The page's hits with their text; one deleted or hidden since the
	// window was read is left out.
	out.Hits = ix.CompleteHits(customerID, lean)
	pageItems := make([]Item, len(out.Hits))
	for k := range out.Hits {
		pageItems[k] = byID[out.Hits[k].Contact.ContactID]
	}
	end := cur.Offset + limit
	switch {
	case end < len(order):
		out.NextCursor = rankCursor{Offset: end, Window: cur.Window, Engine: win.NextCursor}.encode()
	case len(out.Hits) < limit && win.NextCursor != "":
		// The page runs past the window: the rest in the engine's order.
		treq := req
		treq.Cursor, treq.Limit = win.NextCursor, limit-len(out.Hits)
		treq.Facets, treq.SidebarCounts = false, false // the window's are the page's
		tail, err := ix.SearchContacts(customerID, treq)
		if err != nil {
			return Result{}, err
		}
		out.Hits = append(out.Hits, tail.Hits...)
		out.NextCursor = tail.NextCursor
	default:
		out.NextCursor = win.NextCursor
	}
	r.finish(&out, pageItems, customerID, cur.Offset, in, now, opt)
	return out, nil
}

// finish sets the page's logged items (those not given already) and
// explanations.
func (r *Ranker) finish(out *Result, items []Item, customerID int64, offset int, in Intent, now time.Time, opt Options) {
	for i := len(items); i < len(out.Hits); i++ {
		items = append(items, ItemOf(&out.Hits[i], 0, in, now))
	}
	for i := range items {
		items[i].Pos = offset + i + 1
	}
	out.Items = items
	if !opt.Explain {
		return
	}
	var w [NumFeatures]float64
	var aff *Affinity
	if m := r.Model(); m != nil && out.Learned {
		w, aff = m.weights(customerID)
	}
	out.Explain = make([][]Reason, len(items))
	for i := range items {
		x := features(&items[i], aff)
		out.Explain[i] = explain(&items[i], &x, &w, 3)
	}
}

// MaxLoggedItems is how many hits of a page an impression logs: users
// look at the first few dozen at most.
const MaxLoggedItems = 50

// Impression returns the impression event of a result, for a Recorder,
// and the search id that links later actions to it.
func Impression(customerID, userID, apiKeyID int64, q string, res *Result) (pursuit.EngagementEvent, error) {
	items := res.Items[:min(len(res.Items), MaxLoggedItems)]
	b, err := json.Marshal(items)
	if err != nil {
		return pursuit.EngagementEvent{}, err
	}
	if len(q) > pursuit.MaxEventQuery {
		q = strings.ToValidUTF8(q[:pursuit.MaxEventQuery], "")
	}
	return pursuit.EngagementEvent{
		CustomerID: customerID, UserID: userID, APIKeyID: apiKeyID,
		Kind: pursuit.EventImpression, SearchID: NewSearchID(), Query: q, Items: string(b),
	}, nil
}

// NewSearchID returns a random search id.
func NewSearchID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
