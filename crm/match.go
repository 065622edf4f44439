package crm

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pursuit-gov/pursuit"
)

// Methods of a Result: how the account was matched, or why it was not.
const (
	MethodNCES      = "nces_id"
	MethodGEOID     = "geoid"
	MethodDomain    = "domain"
	MethodName      = "name"
	MethodFuzzy     = "fuzzy"
	MethodAmbiguous = "ambiguous"
	MethodNone      = "none"
)

// Methods lists every method in the order they are tried, the two
// unmatched outcomes last.
var Methods = []string{MethodNCES, MethodGEOID, MethodDomain, MethodName, MethodFuzzy, MethodAmbiguous, MethodNone}

// MaxCandidates is how many candidates an ambiguous result lists.
const MaxCandidates = 3

// Candidate is a place an account may be, with a score in [0, 1].
type Candidate struct {
	PlaceID int64
	Score   float64
}

// Result is the outcome of matching one account. PlaceID is 0 when there
// is no confident match; Candidates then lists up to three places for a
// person to review (empty when nothing came close).
type Result struct {
	Account    Account
	PlaceID    int64
	Confidence float64
	Method     string
	Candidates []Candidate
}

// Matched reports whether the result names a place.
func (r *Result) Matched() bool { return r.PlaceID != 0 }

// placeRec is a place as the matcher keeps it.
type placeRec struct {
	id     int64
	state  string
	county string // countyKey of the place's county
	name   string // canonical name
	core   string // name without type words, no spaces
	kind   string // the type words, in order
	toks   []string
}

// Matcher matches accounts against a fixed set of places. It is built once
// (NewMatcher) and is safe for concurrent use.
type Matcher struct {
	places  []placeRec
	byNCES  map[string][]int32
	byGEOID map[string][]int32
	byDom   map[string][]int32
	byName  map[string][]int32 // state + "|" + canonical name
	byNameN map[string][]int32 // canonical name, every state
	byCore  map[string][]int32 // state + "|" + core
	blocks  map[string][]int32 // blockKey: the name without one of its words

	idOnce sync.Once
	ids    map[int64]int32
}

// NewMatcher builds a Matcher from every place scan yields, typically a
// store's ScanPlaces.
func NewMatcher(ctx context.Context, scan func(ctx context.Context, fn func(pursuit.Place) error) error) (*Matcher, error) {
	m := &Matcher{
		byNCES: map[string][]int32{}, byGEOID: map[string][]int32{}, byDom: map[string][]int32{},
		byName: map[string][]int32{}, byNameN: map[string][]int32{}, byCore: map[string][]int32{},
		blocks: map[string][]int32{},
	}
	err := scan(ctx, func(p pursuit.Place) error {
		m.add(p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read places: %w", err)
	}
	return m, nil
}

// NewMatcherFromPlaces builds a Matcher from a slice of places.
func NewMatcherFromPlaces(places []pursuit.Place) *Matcher {
	m, _ := NewMatcher(context.Background(), func(_ context.Context, fn func(pursuit.Place) error) error {
		for _, p := range places {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	})
	return m
}

// Len returns the number of places the matcher knows.
func (m *Matcher) Len() int { return len(m.places) }

func (m *Matcher) add(p pursuit.Place) {
	i := int32(len(m.places))
	toks := normalizeTokens(p.Name)
	c, kind := core(toks)
	r := placeRec{id: p.PlaceID, state: p.StateAbbr, county: countyKey(p.County), name: strings.Join(toks, " "), core: c, kind: kind, toks: toks}
	m.places = append(m.places, r)
	if id := NormalizeID(p.NCESID); id != "" {
		m.byNCES[id] = append(m.byNCES[id], i)
	}
	if id := NormalizeID(p.GEOID); id != "" {
		m.byGEOID[id] = append(m.byGEOID[id], i)
	}
	doms := [2]string{NormalizeDomain(p.Website), NormalizeDomain(p.EmailDomain)}
	for j, d := range doms {
		if d != "" && (j == 0 || d != doms[0]) {
			m.byDom[d] = append(m.byDom[d], i)
		}
	}
	m.byName[r.state+"|"+r.name] = append(m.byName[r.state+"|"+r.name], i)
	m.byNameN[r.name] = append(m.byNameN[r.name], i)
	m.byCore[r.state+"|"+r.core] = append(m.byCore[r.state+"|"+r.core], i)
	for j, t := range toks {
		if len(t) >= 4 && !typeWords[t] {
			k := blockKey(r.state, toks, j)
			m.blocks[k] = append(m.blocks[k], i)
		}
	}
}

// blockKey is a fuzzy-matching block: the state and the name's words
// with word j left out. A place is in one block per word of its name, and
// an account with a typo in word j finds the places that differ from it
// only there by one look-up, so an account is compared with a handful of
// places, never with all of them.
func blockKey(state string, toks []string, j int) string {
	var b strings.Builder
	b.WriteString(state)
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(j))
	b.WriteByte('|')
	for i, t := range toks {
		if i != j {
			b.WriteString(t)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// countyKey normalises a county's name for comparison: "Cook County",
// "cook", "Cook Co." are all "cook"; "Orleans Parish" is "orleans".
func countyKey(s string) string {
	toks := normalizeTokens(s)
	out := toks[:0]
	for _, t := range toks {
		switch t {
		case "county", "parish", "borough", "census", "area", "municipality", "of":
			continue
		}
		out = append(out, t)
	}
	return strings.Join(out, " ")
}

// privateMarks are words that mark a company rather than a public body.
var privateMarks = map[string]bool{
	"inc": true, "llc": true, "corp": true, "ltd": true, "lp": true,
	"llp": true, "plc": true, "pllc": true, "pc": true, "gmbh": true,
	"incorporated": true, "limited": true, "technologies": true, "solutions": true,
	"consulting": true, "partners": true, "holdings": true, "enterprises": true,
	"software": true, "systems": true, "group": true, "associates": true, "labs": true,
}

// looksPrivate reports whether a canonical name looks like a company's.
func looksPrivate(toks []string) bool {
	for _, t := range toks {
		if privateMarks[t] {
			return true
		}
	}
	return false
}

// query is an account prepared for matching.
type query struct {
	a      *Account
	state  string
	county string
	city   []string
	toks   []string
	name   string
	core   string
	kind   string
}

// Match matches one account.
func (m *Matcher) Match(a Account) Result {
	res := Result{Account: a, Method: MethodNone}
	q := query{a: &a}
	q.state, _ = NormalizeState(a.State)
	if a.County != "" {
		q.county = countyKey(a.County)
	}
	if a.City != "" {
		q.city = normalizeTokens(a.City)
	}
	q.toks = normalizeTokens(a.Name)
	q.name = strings.Join(q.toks, " ")
	q.core, q.kind = core(q.toks)

	var pending []int32 // candidates of steps that decided nothing

	// 1. Public ids.
	for _, id := range [...]struct {
		v      string
		idx    map[string][]int32
		method string
	}{{a.NCESID, m.byNCES, MethodNCES}, {a.GEOID, m.byGEOID, MethodGEOID}} {
		k := NormalizeID(id.v)
		if k == "" {
			continue
		}
		all := m.inState(id.idx[k], q.state)
		cands := all
		if len(cands) > 1 {
			cands = m.sameName(cands, &q)
		}
		if len(cands) == 1 && m.nameAgrees(&q, cands[0]) {
			return m.decide(res, &q, cands[0], 1.0, id.method)
		}
		pending = append(pending, all...)
	}

	// 2. Website domain, when it names one place of the account's state.
	if d := NormalizeDomain(a.Website); d != "" {
		all := m.inState(m.byDom[d], q.state)
		cands, conf := all, 0.97
		if len(cands) > 1 {
			cands = m.sameName(cands, &q)
			conf = 0.95
		}
		if len(cands) == 1 && m.nameAgrees(&q, cands[0]) {
			// A name that names another place exactly contradicts the
			// domain: leave it for a person.
			if other := m.exactName(&q); len(other) == 1 && other[0] != cands[0] {
				return m.ambiguous(res, []int32{cands[0], other[0]}, 0.9)
			}
			return m.decide(res, &q, cands[0], conf, MethodDomain)
		}
		pending = append(pending, all...)
	}

	if q.name == "" || looksPrivate(q.toks) {
		return m.ambiguousOrNone(res, pending)
	}

	// 3. The normalised name within the state (and county or city).
	if cands := m.exactName(&q); len(cands) > 0 {
		if len(cands) == 1 {
			conf := 0.93
			switch {
			case q.state == "":
				conf = 0.85
			case q.county != "":
				conf = 0.96
			}
			return m.decide(res, &q, cands[0], conf, MethodName)
		}
		return m.ambiguous(res, append(cands, pending...), 0.9)
	}
	// A bare name ("Springfield") is the one place of the state with that
	// core, if there is only one.
	if q.kind == "" && q.state != "" && q.core != "" {
		cands := m.narrow(m.byCore[q.state+"|"+q.core], &q)
		if len(cands) == 1 {
			return m.decide(res, &q, cands[0], 0.8, MethodName)
		}
		if len(cands) > 1 {
			return m.ambiguous(res, append(cands, pending...), 0.7)
		}
	}

	// 4. Fuzzy: a typo in one word. The places of the state whose name
	// has the same words but one are found by key (the name with that
	// word left out), and that word must be within one edit (two for long
	// words) of the account's.
	if q.state != "" && len(q.toks) >= 2 {
		best, bestD, ties := int32(-1), 3, []int32(nil)
		for j := range q.toks {
			w := q.toks[j]
			if len(w) < 4 || typeWords[w] {
				continue
			}
			maxD := 1
			if len(w) >= 12 {
				maxD = 2
			}
			for _, i := range m.blocks[blockKey(q.state, q.toks, j)] {
				p := &m.places[i]
				if q.county != "" && p.county != q.county {
					continue
				}
				d := distance(w, p.toks[j], maxD)
				if d > maxD || d == 0 {
					continue
				}
				switch {
				case d < bestD:
					best, bestD, ties = i, d, ties[:0]
				case d == bestD && i != best:
					ties = append(ties, i)
				}
			}
		}
		if best >= 0 {
			score := 0.9 - 0.1*float64(bestD)
			if len(ties) == 0 {
				return m.decide(res, &q, best, score, MethodFuzzy)
			}
			return m.ambiguous(res, append([]int32{best}, ties...), score)
		}
	}
	return m.ambiguousOrNone(res, pending)
}

// exactName returns the places whose canonical name is the account's, in
// its state (every state when it has none), narrowed by county and city.
func (m *Matcher) exactName(q *query) []int32 {
	var cands []int32
	if q.state != "" {
		cands = m.byName[q.state+"|"+q.name]
	} else {
		cands = m.byNameN[q.name]
	}
	return m.narrow(cands, q)
}

// narrow keeps the candidates in the account's county, then, when several
// remain, those whose name holds the account's city.
func (m *Matcher) narrow(cands []int32, q *query) []int32 {
	if q.county != "" {
		var out []int32
		for _, i := range cands {
			if m.places[i].county == q.county {
				out = append(out, i)
			}
		}
		cands = out
	}
	if len(cands) > 1 && len(q.city) > 0 {
		var out []int32
		for _, i := range cands {
			if hasSeq(m.places[i].toks, q.city) {
				out = append(out, i)
			}
		}
		if len(out) > 0 {
			cands = out
		}
	}
	return cands
}

// inState keeps the candidates in state, or all of them when state is "".
func (m *Matcher) inState(cands []int32, state string) []int32 {
	if state == "" {
		return cands
	}
	var out []int32
	for _, i := range cands {
		if m.places[i].state == state {
			out = append(out, i)
		}
	}
	return out
}

// sameName keeps the candidates whose canonical name or core is the
// account's.
func (m *Matcher) sameName(cands []int32, q *query) []int32 {
	var out []int32
	for _, i := range cands {
		if p := &m.places[i]; p.name == q.name || (q.core != "" && p.core == q.core && p.kind == q.kind) {
			out = append(out, i)
		}
	}
	return out
}

// nameAgrees reports whether the account's name is compatible with the
// place: empty, or sharing a word of its core with it, or within two edits
// of its core. It keeps a mistyped id or a stale website from deciding on
// its own against the name.
func (m *Matcher) nameAgrees(q *query, i int32) bool {
	if q.name == "" {
		return true
	}
	p := &m.places[i]
	if q.core == p.core || distance(q.core, p.core, 2) <= 2 {
		return true
	}
	for _, t := range q.toks {
		if !typeWords[t] && len(t) > 2 && hasSeq(p.toks, []string{t}) {
			return true
		}
	}
	return false
}

// decide returns a match of place i.
func (m *Matcher) decide(res Result, _ *query, i int32, conf float64, method string) Result {
	res.PlaceID = m.places[i].id
	res.Confidence = conf
	res.Method = method
	return res
}

// ambiguous returns an unmatched result listing up to MaxCandidates
// distinct places with score.
func (m *Matcher) ambiguous(res Result, cands []int32, score float64) Result {
	res.Method = MethodAmbiguous
	res.Candidates = m.candidates(cands, score)
	return res
}

// ambiguousOrNone returns the pending candidates for review, or no match.
func (m *Matcher) ambiguousOrNone(res Result, pending []int32) Result {
	if len(pending) == 0 {
		return res
	}
	return m.ambiguous(res, pending, 0.5)
}

func (m *Matcher) candidates(cands []int32, score float64) []Candidate {
	var out []Candidate
	seen := map[int64]bool{}
	for _, i := range cands {
		id := m.places[i].id
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, Candidate{PlaceID: id, Score: score})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].PlaceID < out[b].PlaceID })
	if len(out) > MaxCandidates {
		out = out[:MaxCandidates]
	}
	return out
}

// hasSeq reports whether seq occurs in toks as consecutive tokens.
func hasSeq(toks, seq []string) bool {
	if len(seq) == 0 {
		return false
	}
outer:
	for i := 0; i+len(seq) <= len(toks); i++ {
		for j := range seq {
			if toks[i+j] != seq[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

// MatchAll matches every account, in input order, on all CPUs. progress,
// when not nil, is called now and then (one call at a time) with the
// number done so far. It stops early with ctx's error.
func (m *Matcher) MatchAll(ctx context.Context, accounts []Account, progress func(done int)) ([]Result, error) {
	out := make([]Result, len(accounts))
	const chunk = 2048
	var next, done int
	var mu sync.Mutex
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= len(accounts) || ctx.Err() != nil {
					return
				}
				hi := min(lo+chunk, len(accounts))
				for i := lo; i < hi; i++ {
					out[i] = m.Match(accounts[i])
				}
				mu.Lock()
				done += hi - lo
				if progress != nil {
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, pursuit.Errorf(pursuit.ECANCELED, "matching stopped: %v", err)
	}
	return out, nil
}
