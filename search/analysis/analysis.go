// Package analysis turns text into the terms of Pursuit's search index:
// it splits text into words, lower-cases and ASCII-folds them, drops a few
// stop words, expands public-sector abbreviations, stems with the Snowball
// English stemmer and rewrites multi-word names of roles and departments
// ("chief information officer", "public works") to one canonical term
// ("cio", "dpw") that their abbreviations share, so that a query on either
// form matches both.
//
// The same Analyzer analyses documents and queries, which is what keeps
// the two sides consistent.
package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// stopWords are dropped from documents and queries alike.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "of": true, "the": true, "for": true,
	"to": true, "in": true, "on": true, "at": true, "by": true,
}

// Abbreviations maps a single-word abbreviation, as written, to the word it
// stands for; both then stem to the same term.
var Abbreviations = map[string]string{
	"asst": "assistant", "assoc": "associate", "dir": "director",
	"mgr": "manager", "mngr": "manager", "supt": "superintendent",
	"dept": "department", "admin": "administrator", "adm": "administrator",
	"coord": "coordinator", "engr": "engineer", "sr": "senior", "jr": "junior",
	"exec": "executive", "govt": "government", "gov": "government",
	"info": "information", "ops": "operations", "supv": "supervisor",
	"supvr": "supervisor", "spec": "specialist", "mgmt": "management",
	"svcs": "services", "svc": "service", "purch": "purchasing",
	"dep": "deputy", "chf": "chief", "offcr": "officer", "tech": "technology",
	"acct": "accounting", "hrs": "hr", "sys": "systems", "prog": "program",
}

// Synonyms maps a canonical term to the multi-word forms it stands for.
// The canonical term is itself the abbreviation, so "CIO" and "Chief
// Information Officer" both produce the term "cio".
var Synonyms = map[string][]string{
	"cio":  {"chief information officer"},
	"cto":  {"chief technology officer"},
	"cfo":  {"chief financial officer", "chief finance officer"},
	"ceo":  {"chief executive officer"},
	"coo":  {"chief operating officer", "chief operations officer"},
	"ciso": {"chief information security officer"},
	"cpo":  {"chief procurement officer"},
	"pio":  {"public information officer"},
	"it":   {"information technology"},
	"dpw":  {"public works", "department of public works"},
	"hr":   {"human resources", "human resource"},
	"gis":  {"geographic information system", "geographic information systems", "geographical information systems"},
	"ems":  {"emergency medical services", "emergency medical service"},
	"cad":  {"computer aided dispatch"},
	"erp":  {"enterprise resource planning"},
	"da":   {"district attorney"},
	"k12":  {"k 12"},
}

// phrase is one multi-word form, as stemmed terms, and its canonical term.
type phrase struct {
	terms     []string
	canonical string
}

// phrases is indexed by the first stemmed term; longest forms first.
var phrases = map[string][]phrase{}

func init() {
	for canon, forms := range Synonyms {
		for _, f := range forms {
			var a Analyzer
			terms := a.plain(f, nil)
			if len(terms) < 2 {
				continue
			}
			phrases[terms[0]] = append(phrases[terms[0]], phrase{terms, canon})
		}
	}
	for k, ps := range phrases {
		for i := 1; i < len(ps); i++ {
			for j := i; j > 0 && len(ps[j].terms) > len(ps[j-1].terms); j-- {
				ps[j], ps[j-1] = ps[j-1], ps[j]
			}
		}
		phrases[k] = ps
	}
}

// Analyzer analyses text. It caches what it learns about each word, so it
// is not safe for concurrent use: give each goroutine its own. The zero
// value is ready.
type Analyzer struct {
	cache  map[string]wordInfo
	words  []string
	starts []bool
}

// wordInfo is what the analysis of one word, as written, gives.
type wordInfo struct {
	term  string // stemmed term
	skip  bool   // a stop word
	start bool   // the term starts a multi-word synonym
}

// maxCache bounds the word cache.
const maxCache = 1 << 20

func (a *Analyzer) lookup(w string) wordInfo {
	if info, ok := a.cache[w]; ok {
		return info
	}
	info := analyseWord(w)
	if a.cache == nil {
		a.cache = make(map[string]wordInfo)
	}
	if len(a.cache) < maxCache {
		k := strings.Clone(w)
		if info.term == k {
			info.term = k // not a view of the caller's w
		}
		a.cache[k] = info
	}
	return info
}

// analyseWord analyses one word. Its term may be w itself.
func analyseWord(w string) wordInfo {
	lw := strings.ToLower(w)
	info := wordInfo{skip: stopWords[lw]}
	if !info.skip {
		if full, ok := Abbreviations[lw]; ok {
			lw = full
		}
		info.term = lw
		if len(lw) > 2 && !hasDigit(lw) {
			info.term = english.Stem(lw, true)
		}
		_, info.start = phrases[info.term]
	}
	return info
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// Fold lower-cases s and folds it to ASCII where it can ("José" becomes
// "jose"); characters with no ASCII form are kept.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
		case 'æ', 'Æ':
			b.WriteString("ae")
		case 'ø', 'Ø':
			b.WriteByte('o')
		case 'ł', 'Ł':
			b.WriteByte('l')
		case 'đ', 'Đ':
			b.WriteByte('d')
		case '’', '‘':
			b.WriteByte('\'')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// split appends the words of folded text to dst: runs of letters and
// digits, with apostrophes inside a word dropped ("o'brien" is one word).
func split(s string, dst []string) []string {
	start := -1
	var pending []byte
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		if pending != nil {
			w = string(append(pending, w...))
			pending = nil
		}
		dst = append(dst, w)
		start = -1
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if r == '\'' && start >= 0 && i+1 < len(s) && isWordByte(s[i+1]) {
			pending = append(pending, s[start:i]...)
			start = i + 1
			continue
		}
		flush(i)
	}
	flush(len(s))
	return dst
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// Words appends the words of s as Terms reads them (folded and split),
// for a caller with a cache of its own keyed by the word as written (an
// index build). Where Word says no word starts a multi-word synonym,
// Terms(s) is the terms Word gives of s's words that are not stop words,
// in order; otherwise the caller asks Terms.
func (a *Analyzer) Words(s string, dst []string) []string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			s = Fold(s)
			break
		}
	}
	return split(s, dst)
}

// Word returns the analysis of one word from Words: its term, whether it
// is a stop word, and whether its term starts a multi-word synonym.
func (a *Analyzer) Word(w string) (term string, stop, phraseStart bool) {
	info := a.lookup(w)
	return info.term, info.skip, info.start
}

// WordOnce is Word without the analyser's cache, for a caller that keeps
// one of its own (an index build, whose words are mostly seen once). The
// term may be w itself (a view of the same bytes).
func WordOnce(w string) (term string, stop, phraseStart bool) {
	info := analyseWord(w)
	return info.term, info.skip, info.start
}

// plain appends the stemmed terms of s to dst, without multi-word
// synonyms; a.starts gets, for each, whether it may start a synonym.
func (a *Analyzer) plain(s string, dst []string) []string {
	a.starts = a.starts[:0]
	a.words = a.Words(s, a.words[:0])
	for _, w := range a.words {
		info := a.lookup(w)
		if info.skip {
			continue
		}
		dst = append(dst, info.term)
		a.starts = append(a.starts, info.start)
	}
	return dst
}

// canonicalize rewrites multi-word synonyms in a plain term sequence to
// their canonical term, appending the result to dst.
func canonicalize(terms, dst []string) []string {
	for i := 0; i < len(terms); {
		if m := match(terms[i:]); m != nil {
			dst = append(dst, m.canonical)
			i += len(m.terms)
			continue
		}
		dst = append(dst, terms[i])
		i++
	}
	return dst
}

func match(terms []string) *phrase {
	for _, p := range phrases[terms[0]] {
		if len(p.terms) > len(terms) {
			continue
		}
		ok := true
		for j, t := range p.terms {
			if terms[j] != t {
				ok = false
				break
			}
		}
		if ok {
			return &p
		}
	}
	return nil
}

// Plain returns the terms of s without the multi-word synonym rewrite:
// "Information Technology Director" is [inform technolog director].
func (a *Analyzer) Plain(s string) []string { return a.plain(s, nil) }

// Canonical returns the terms of s with multi-word synonyms rewritten to
// their canonical term: "Information Technology Director" is [it director].
// Queries use it, and phrases are checked against it.
func (a *Analyzer) Canonical(s string) []string {
	p := a.plain(s, nil)
	return canonicalize(p, make([]string, 0, len(p)))
}

// Terms appends to dst the terms a document field indexes: its plain terms
// and the canonical terms of its multi-word synonyms, so that the field
// matches a query for either form. Duplicates are kept.
func (a *Analyzer) Terms(s string, dst []string) []string {
	n := len(dst)
	dst = a.plain(s, dst)
	p := dst[n:]
	for i := range p {
		if !a.starts[i] {
			continue
		}
		if m := match(p[i:]); m != nil {
			dst = append(dst, m.canonical)
		}
	}
	return dst
}

// CanonicalTerms rewrites an already analysed plain term sequence (from
// Plain) to its canonical form.
func CanonicalTerms(plain []string) []string {
	return canonicalize(plain, make([]string, 0, len(plain)))
}

// Contains reports whether seq holds sub as a run of consecutive terms.
func Contains(seq, sub []string) bool {
	if len(sub) == 0 {
		return true
	}
outer:
	for i := 0; i+len(sub) <= len(seq); i++ {
		for j, t := range sub {
			if seq[i+j] != t {
				continue outer
			}
		}
		return true
	}
	return false
}
