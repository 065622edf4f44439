// Package titles normalises free-text public-sector job titles into a
// function (the area of government the person works in: it, finance,
// public_safety, …) and a seniority (elected, executive, director, manager,
// staff), so that search can filter and facet on "IT directors" whatever a
// place chose to call them: "Dir. of IT", "IT Director", "Chief Information
// Officer (CIO)" and "Director, Information Technology" all classify as
// (it, director) or (it, executive).
//
// Classify is called once per contact at index build time (millions of
// times), so it works on tokens and table look-ups only: no regular
// expressions and no allocation on the common path. The taxonomy and the
// rules are documented in docs/taxonomy.md; testdata/labelled.tsv is the
// labelled list of titles the rules must all get right.
package titles

// Functions of a job, in the order they are listed to users.
const (
	FunctionIT             = "it"
	FunctionFinance        = "finance"
	FunctionProcurement    = "procurement"
	FunctionPublicWorks    = "public_works"
	FunctionPublicSafety   = "public_safety"
	FunctionEducation      = "education"
	FunctionExecutive      = "executive"
	FunctionGovernance     = "governance"
	FunctionLegal          = "legal"
	FunctionHR             = "hr"
	FunctionParks          = "parks"
	FunctionUtilities      = "utilities"
	FunctionHealth         = "health"
	FunctionPlanning       = "planning"
	FunctionCommunications = "communications"
	FunctionClerk          = "clerk"
	FunctionTransportation = "transportation"
	FunctionLibrary        = "library"
	FunctionOther          = "other"
)

// Functions lists every function Classify returns, FunctionOther last.
var Functions = []string{
	FunctionIT, FunctionFinance, FunctionProcurement, FunctionPublicWorks,
	FunctionPublicSafety, FunctionEducation, FunctionExecutive, FunctionGovernance,
	FunctionLegal, FunctionHR, FunctionParks, FunctionUtilities, FunctionHealth,
	FunctionPlanning, FunctionCommunications, FunctionClerk, FunctionTransportation,
	FunctionLibrary, FunctionOther,
}

// Seniorities, from the most to the least senior.
const (
	SeniorityElected   = "elected"
	SeniorityExecutive = "executive"
	SeniorityDirector  = "director"
	SeniorityManager   = "manager"
	SeniorityStaff     = "staff"
)

// Seniorities lists every seniority Classify returns, most senior first.
var Seniorities = []string{
	SeniorityElected, SeniorityExecutive, SeniorityDirector, SeniorityManager, SeniorityStaff,
}

// fn is a function's index in Functions.
type fn uint8

const (
	fIT fn = iota
	fFinance
	fProcurement
	fPublicWorks
	fPublicSafety
	fEducation
	fExecutive
	fGovernance
	fLegal
	fHR
	fParks
	fUtilities
	fHealth
	fPlanning
	fCommunications
	fClerk
	fTransportation
	fLibrary
	fOther
	numFunctions
)

// maxTokens bounds how many tokens of a title or department are looked at;
// real titles have fewer than ten.
const maxTokens = 24

// tokens is a title split into canonical words. An unknown word is kept as
// "" so that adjacency ("public works") is preserved.
type tokens struct {
	n int
	t [maxTokens]string
}

// has reports whether the canonical word w occurs.
func (ts *tokens) has(w string) bool {
	for i := 0; i < ts.n; i++ {
		if ts.t[i] == w {
			return true
		}
	}
	return false
}

// index returns the position of w, or -1.
func (ts *tokens) index(w string) int {
	for i := 0; i < ts.n; i++ {
		if ts.t[i] == w {
			return i
		}
	}
	return -1
}

// at returns the token at i, or "" outside the title.
func (ts *tokens) at(i int) string {
	if i < 0 || i >= ts.n {
		return ""
	}
	return ts.t[i]
}

// tokenize lower-cases s (ASCII), splits it on anything but letters and
// digits, and maps every word through the canonical table (abbreviations
// expanded, unknown words as ""). Stop words are dropped.
func tokenize(s string, ts *tokens) {
	var buf [64]byte
	ts.n = 0
	i := 0
	for i < len(s) && ts.n < maxTokens {
		c := s[i]
		if !isWordByte(c) {
			i++
			continue
		}
		n := 0
		long := false
		for i < len(s) && isWordByte(s[i]) {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if n < len(buf) {
				buf[n] = c
				n++
			} else {
				long = true
			}
			i++
		}
		if long {
			ts.t[ts.n] = ""
			ts.n++
			continue
		}
		w, known := canon[string(buf[:n])]
		if known && w == "-" {
			continue // stop word
		}
		ts.t[ts.n] = w
		ts.n++
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// Classify returns the function and the seniority of a job title. The
// department, when given, decides the function of titles that name none
// ("Director" in "Finance Department") and weighs in on the others.
// Unclassifiable titles get FunctionOther and SeniorityStaff.
func Classify(title, department string) (function, seniority string) {
	var t, d tokens
	tokenize(title, &t)
	var tscore [numFunctions]int
	scoreTokens(&t, &tscore, 2, 0)
	score := tscore
	if department != "" {
		tokenize(department, &d)
		scoreTokens(&d, &score, 1, 3)
	}
	sen, override := seniorityOf(&t, &tscore)
	f := fOther
	if override != fOther {
		f = override
	} else {
		best := 0
		for i := fn(0); i < numFunctions; i++ {
			if score[i] > best {
				best, f = score[i], i
			}
		}
	}
	return Functions[f], sen
}

// scoreTokens adds each word's and each two-word phrase's function weight,
// times mul, to score; a phrase consumes both its words. When limit is
// positive no function gets more than limit from these tokens.
func scoreTokens(ts *tokens, score *[numFunctions]int, mul, limit int) {
	var add [numFunctions]int
	for i := 0; i < ts.n; i++ {
		if ts.t[i] == "" {
			continue
		}
		if i+1 < ts.n && ts.t[i+1] != "" {
			if h, ok := bigrams[[2]string{ts.t[i], ts.t[i+1]}]; ok {
				add[h.f] += int(h.w)
				i++
				continue
			}
		}
		if h, ok := words[ts.t[i]]; ok && h.w > 0 {
			add[h.f] += int(h.w)
		}
	}
	for i := range add {
		v := add[i]
		if limit > 0 && v > limit {
			v = limit
		}
		score[i] += v * mul
	}
}

// strongest returns the function with the highest score, ignoring the
// functions in skip, and its score.
func strongest(score *[numFunctions]int, skip ...fn) (fn, int) {
	f, best := fOther, 0
outer:
	for i := fn(0); i < numFunctions; i++ {
		for _, s := range skip {
			if s == i {
				continue outer
			}
		}
		if score[i] > best {
			best, f = score[i], i
		}
	}
	return f, best
}
