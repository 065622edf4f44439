package search

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/query"
	"github.com/pursuit-gov/pursuit/search/analysis"
	"github.com/pursuit-gov/pursuit/titles"
)

// analyzers serve the read side, which cannot share the write side's
// Analyzer.
var analyzers = sync.Pool{New: func() any { return new(analysis.Analyzer) }}

// clause is one analysed clause of a query.
type clause struct {
	fields []int    // the fields it may match in
	terms  []string // canonical terms, all required
	plain  []string // plain terms of a phrase (the alternative form)
	phrase bool
	negate bool
}

// plan is a validated, analysed request.
type plan struct {
	req      Request
	clauses  []clause
	limit    int
	facetN   int
	states   []string
	functs   []int
	seniors  []int
	emails   []int // indexes of pursuit.EmailStatuses
	cursor   *cursor
	hash     [32]byte
	popLo    int64
	popHi    int64
	hasPop   bool
	verified int64
}

var allFields = []int{fName, fTitle, fDept, fEmail}

func fieldIndex(name string) []int {
	switch name {
	case "name":
		return []int{fName}
	case "title":
		return []int{fTitle}
	case "dept":
		return []int{fDept}
	case "email":
		return []int{fEmail}
	}
	return allFields
}

// compileQuery parses and analyses q.
func compileQuery(q string) ([]clause, error) {
	parsed, err := query.Parse(q)
	if err != nil {
		return nil, err
	}
	a := analyzers.Get().(*analysis.Analyzer)
	defer analyzers.Put(a)
	var out []clause
	// Plain words of one field are analysed together, so that
	// "chief information officer" finds the CIOs too.
	words := map[string][]string{}
	var order []string
	for _, c := range parsed.Clauses {
		if c.Negated || c.Phrase && len(c.Terms) > 1 {
			continue
		}
		if _, ok := words[c.Field]; !ok {
			order = append(order, c.Field)
		}
		words[c.Field] = append(words[c.Field], c.Terms...)
	}
	for _, f := range order {
		for _, t := range dedupe(a.Canonical(strings.Join(words[f], " "))) {
			out = append(out, clause{fields: fieldIndex(f), terms: []string{t}})
		}
	}
	for _, c := range parsed.Clauses {
		if !c.Negated && !(c.Phrase && len(c.Terms) > 1) {
			continue
		}
		text := strings.Join(c.Terms, " ")
		cl := clause{fields: fieldIndex(c.Field), negate: c.Negated, terms: a.Canonical(text)}
		if len(cl.terms) == 0 {
			continue
		}
		// A phrase that is one synonym ("public works" is dpw) is just its
		// canonical term: a field holds the term exactly when it holds
		// one of the term's forms.
		if c.Phrase && len(c.Terms) > 1 && len(cl.terms) > 1 {
			cl.plain = a.Plain(text)
			cl.phrase = true
		}
		out = append(out, cl)
	}
	return out, nil
}

func dedupe(ts []string) []string {
	var out []string
	for _, t := range ts {
		dup := false
		for _, o := range out {
			if o == t {
				dup = true
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out
}

// ValidateContacts checks req the way SearchContacts does, without an
// index: the query syntax and every filter (limits, states, place types,
// functions, seniorities, population bounds). Callers run it before any
// expensive work, such as building an index, so that a bad request fails
// at once; SearchContacts runs the same checks, so the two cannot drift.
// The cursor is not checked: only the index that made it can tell.
func (req Request) ValidateContacts() error {
	req.Cursor = ""
	_, err := compile(req, true)
	return err
}

// ValidatePlaces is ValidateContacts for SearchPlaces, which also rejects
// the contact-only filters.
func (req Request) ValidatePlaces() error {
	req.Cursor = ""
	_, err := compile(req, false)
	return err
}

// compile validates a request. contacts is false for places search, which
// rejects the contact-only filters.
func compile(req Request, contacts bool) (*plan, error) {
	p := &plan{req: req, limit: req.Limit, facetN: req.FacetSize}
	switch {
	case p.limit == 0:
		p.limit = DefaultLimit
	case p.limit < 0 || p.limit > MaxLimit:
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be between 1 and %d, not %d", MaxLimit, req.Limit)
	}
	switch {
	case p.facetN == 0:
		p.facetN = DefaultFacetSize
	case p.facetN < 0 || p.facetN > MaxFacetSize:
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "facet_size", "must be between 1 and %d, not %d", MaxFacetSize, req.FacetSize)
	}
	for _, s := range req.States {
		u := strings.ToUpper(strings.TrimSpace(s))
		if !pursuit.ValidStateAbbr(u) {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "state", "unknown state %q: not the USPS code of a US state, DC or territory", s)
		}
		p.states = append(p.states, u)
	}
	for _, t := range req.PlaceTypes {
		if !pursuit.ValidPlaceType(t) {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "place_type", "%q is not one of %s", t, strings.Join(pursuit.PlaceTypes, ", "))
		}
	}
	for _, id := range req.PlaceIDs {
		if id <= 0 {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "place_id", "must be a positive integer, not %d", id)
		}
	}
	p.popLo, p.popHi = math.MinInt64, math.MaxInt64
	if req.PopulationMin != nil {
		p.popLo, p.hasPop = *req.PopulationMin, true
	}
	if req.PopulationMax != nil {
		p.popHi, p.hasPop = *req.PopulationMax, true
	}
	if p.popLo > p.popHi {
		return nil, pursuit.FieldErrorf(pursuit.EINVALID, "population_min", "%d is more than population_max %d", p.popLo, p.popHi)
	}
	if !contacts {
		switch {
		case len(req.Departments) > 0:
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "department", "applies to contacts, not places")
		case len(req.Functions) > 0:
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "function", "applies to contacts, not places")
		case len(req.Seniorities) > 0:
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "seniority", "applies to contacts, not places")
		case len(req.EmailStatuses) > 0:
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "email_status", "applies to contacts, not places")
		case !req.VerifiedSince.IsZero():
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "verified_since", "applies to contacts, not places")
		case req.HasEmail != nil:
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "has_email", "applies to contacts, not places")
		case req.HasPhone != nil:
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "has_phone", "applies to contacts, not places")
		}
	}
	for _, f := range req.Functions {
		i := indexOf(titles.Functions, strings.ToLower(f))
		if i < 0 {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "function", "%q is not one of %s", f, strings.Join(titles.Functions, ", "))
		}
		p.functs = append(p.functs, i)
	}
	for _, s := range req.Seniorities {
		i := indexOf(titles.Seniorities, strings.ToLower(s))
		if i < 0 {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "seniority", "%q is not one of %s", s, strings.Join(titles.Seniorities, ", "))
		}
		p.seniors = append(p.seniors, i)
	}
	for _, s := range req.EmailStatuses {
		i := indexOf(pursuit.EmailStatuses, strings.ToLower(strings.TrimSpace(s)))
		if i < 0 {
			return nil, pursuit.FieldErrorf(pursuit.EINVALID, "email_status", "%q is not one of %s", s, strings.Join(pursuit.EmailStatuses, ", "))
		}
		p.emails = append(p.emails, i)
	}
	p.verified = micros(req.VerifiedSince)
	var err error
	if p.clauses, err = compileQuery(req.Q); err != nil {
		return nil, err
	}
	if !contacts {
		for i := range p.clauses {
			if len(p.clauses[i].fields) == 1 && p.clauses[i].fields[0] != fName {
				return nil, pursuit.FieldErrorf(pursuit.EINVALID, "q", "places search knows only the name: field, not %s:", fieldNames[p.clauses[i].fields[0]])
			}
		}
	}
	p.hash = requestHash(p, contacts)
	return p, nil
}

// requestHash fingerprints the normalised request but its page (limit,
// cursor, facets): the analysed clauses in their order (it decides how
// scores add up) and every filter in its canonical form, sorted where
// order does not matter. A cursor is sealed with it (binding), so that
// it is only accepted for the search that made it, or one that cannot be
// told from it.
func requestHash(p *plan, contacts bool) [32]byte {
	req := &p.req
	h := sha256.New()
	var buf []byte
	str := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		h.Write(buf)
		h.Write([]byte(s))
	}
	num := func(n int64) {
		buf = binary.AppendVarint(buf[:0], n)
		h.Write(buf)
	}
	strs := func(l []string, norm func(string) string) {
		l = slices.Clone(l)
		for i := range l {
			l[i] = norm(l[i])
		}
		slices.Sort(l)
		l = slices.Compact(l)
		num(int64(len(l)))
		for _, s := range l {
			str(s)
		}
	}
	ints := func(l []int64) {
		l = slices.Clone(l)
		slices.Sort(l)
		l = slices.Compact(l)
		num(int64(len(l)))
		for _, v := range l {
			num(v)
		}
	}
	tri := func(v *bool) {
		switch {
		case v == nil:
			num(-1)
		case *v:
			num(1)
		default:
			num(0)
		}
	}
	same := func(s string) string { return s }
	str("pursuit search request v1")
	str(strconv.FormatBool(contacts))
	num(int64(len(p.clauses)))
	for _, cl := range p.clauses {
		num(int64(len(cl.fields)))
		for _, f := range cl.fields {
			num(int64(f))
		}
		for _, l := range [][]string{cl.terms, cl.plain} {
			num(int64(len(l)))
			for _, t := range l {
				str(t)
			}
		}
		tri(&cl.phrase)
		tri(&cl.negate)
	}
	strs(p.states, same)
	strs(req.PlaceTypes, same)
	ints(req.PlaceIDs)
	strs(req.Departments, normKey)
	fs := make([]int64, 0, len(p.functs)+len(p.seniors)+1)
	for _, f := range p.functs {
		fs = append(fs, int64(f))
	}
	ints(fs)
	fs = fs[:0]
	for _, s := range p.seniors {
		fs = append(fs, int64(s))
	}
	ints(fs)
	strs(req.Vendors, normKey)
	strs(req.Products, normKey)
	strs(req.Categories, normKey)
	tri(&p.hasPop)
	num(p.popLo)
	num(p.popHi)
	num(p.verified)
	tri(req.HasEmail)
	tri(req.HasPhone)
	str(normKey(req.AccountOwner))
	tri(req.Mapped)
	if len(p.emails) > 0 {
		// Only when given, so that cursors of searches without it keep
		// their hash.
		str("email_status")
		fs = fs[:0]
		for _, e := range p.emails {
			fs = append(fs, int64(e))
		}
		ints(fs)
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

type analyzerT = analysis.Analyzer

func containsSeq(seq, sub []string) bool { return analysis.Contains(seq, sub) }

func canonical(plain []string) []string { return analysis.CanonicalTerms(plain) }
