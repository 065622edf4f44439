package crm

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Names are compared after normalisation: the ways people write the same
// public body ("City of Springfield", "Springfield, City of", "SPRINGFIELD
// (CITY)") become one canonical token sequence ("city of springfield").
// The canonical form keeps word order, so "Union City" and "City of Union"
// stay apart; only the word order of the inverted forms is undone.

// abbreviations maps a single token to its canonical spelling. Type words
// ("township", "county", "school district") and common words of place
// names ("saint", "mount", "fort") are folded to one spelling each.
var abbreviations = map[string][]string{
	"twp":    {"township"},
	"twsp":   {"township"},
	"tp":     {"township"},
	"co":     {"county"},
	"cnty":   {"county"},
	"cty":    {"county"},
	"dept":   {"department"},
	"dpt":    {"department"},
	"sd":     {"school", "district"},
	"isd":    {"school", "district"},
	"usd":    {"school", "district"},
	"csd":    {"school", "district"},
	"dist":   {"district"},
	"sch":    {"school"},
	"schl":   {"school"},
	"pd":     {"police", "department"},
	"fd":     {"fire", "department"},
	"vfd":    {"volunteer", "fire", "department"},
	"fpd":    {"fire", "protection", "district"},
	"so":     {"sheriffs", "office"},
	"pl":     {"public", "library"},
	"lib":    {"library"},
	"saint":  {"st"},
	"mount":  {"mt"},
	"fort":   {"ft"},
	"twnshp": {"township"},
	"auth":   {"authority"},
	"comm":   {"commission"},
	"univ":   {"university"},
	"cc":     {"community", "college"},
	"hosp":   {"hospital"},
	"and":    nil, // "&" and "and" are both dropped: "Parks & Recreation" = "Parks and Recreation"
	"the":    nil,
}

// phrases maps token sequences to their canonical spelling, longest first:
// every way of writing "school district" becomes "school district".
var phrases = []struct{ from, to []string }{
	{[]string{"independent", "school", "district"}, []string{"school", "district"}},
	{[]string{"unified", "school", "district"}, []string{"school", "district"}},
	{[]string{"public", "school", "district"}, []string{"school", "district"}},
	{[]string{"public", "schools"}, []string{"school", "district"}},
	{[]string{"school", "dist"}, []string{"school", "district"}},
	{[]string{"school", "system"}, []string{"school", "district"}},
	{[]string{"schools"}, []string{"school", "district"}},
	{[]string{"sheriff", "office"}, []string{"sheriffs", "office"}},
	{[]string{"sheriff", "s", "office"}, []string{"sheriffs", "office"}},
	{[]string{"sheriff", "s", "department"}, []string{"sheriffs", "department"}},
}

// keywords are the long type words a typo in which is corrected ("Townshp"
// is "township"): they carry the kind of place, so a typo there would
// otherwise change the kind. Only words of six letters or more, so that
// an edit of one letter cannot turn one keyword into another.
var keywords = []string{
	"township", "county", "district", "department", "school", "library",
	"village", "borough", "authority", "commission", "college", "community",
	"university", "police", "sheriffs", "public", "protection", "conservation",
	"municipal", "utility", "recreation", "housing", "regional", "memorial",
}

// phraseWords are the words of phrases, which fixTypos leaves alone
// ("schools" is no typo of "school").
var phraseWords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range phrases {
		for _, w := range p.from {
			m[w] = true
		}
	}
	return m
}()

var keywordSet = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range keywords {
		m[k] = true
	}
	return m
}()

// typeWords are the words that name a kind of public body rather than the
// place itself; the core of a name is what remains without them.
var typeWords = map[string]bool{
	"city": true, "town": true, "village": true, "borough": true, "township": true,
	"county": true, "of": true, "school": true, "district": true, "department": true,
	"parish": true, "municipality": true,
}

// govForms are the general-purpose government forms written "X of Name"
// or inverted as "Name, X of" and "Name (X)".
var govForms = map[string]string{
	"city": "city", "town": "town", "village": "village", "borough": "borough",
	"township": "township", "county": "county", "parish": "parish",
	"twp": "township", "co": "county",
}

// Normalize returns the canonical form of a public body's name: lower
// case ASCII words separated by single spaces, inverted forms put back
// in order, abbreviations expanded and noise words dropped.
func Normalize(name string) string {
	return strings.Join(normalizeTokens(name), " ")
}

// normalizeTokens is Normalize as a token list.
func normalizeTokens(name string) []string {
	toks := tokenize(name)
	toks = uninvert(name, toks)
	toks = fixTypos(toks)
	toks = expand(toks)
	toks = canonicalForms(toks)
	return toks
}

// tokenize folds accents and case and splits on anything that is not a
// letter or a digit. "&" becomes "and"; an apostrophe joins ("Sheriff's"
// is "sheriffs").
func tokenize(s string) []string {
	var b strings.Builder
	b.Grow(len(s))
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFD.String(s)
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '\'' || r == '’' || r == '`':
		case r == '&':
			b.WriteString(" and ")
		case r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			b.WriteRune(r)
		case r < 128 && r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return joinInitials(strings.Fields(b.String()))
}

// joinInitials joins runs of single letters ("S.D.", "D. C.") into one
// token ("sd", "dc").
func joinInitials(toks []string) []string {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		if len(toks[i]) == 1 && i+1 < len(toks) && len(toks[i+1]) == 1 {
			j := i
			var b strings.Builder
			for j < len(toks) && len(toks[j]) == 1 {
				b.WriteString(toks[j])
				j++
			}
			out = append(out, b.String())
			i = j - 1
			continue
		}
		out = append(out, toks[i])
	}
	return out
}

// uninvert undoes "Springfield, City of" and "Springfield (City)": the
// form word moves to the front as "city of springfield", except township,
// county and parish, which people write after the name ("Union Township").
// "County of Cook" and "Township of Union" become "cook county" and
// "union township".
func uninvert(raw string, toks []string) []string {
	n := len(toks)
	if n < 2 {
		return toks
	}
	// "Name, City of"
	if n >= 3 && toks[n-1] == "of" {
		if f, ok := govForms[toks[n-2]]; ok && strings.Contains(raw, ",") {
			return placeForm(f, toks[:n-2])
		}
	}
	// "Name (City)"
	if f, ok := govForms[toks[n-1]]; ok && strings.HasSuffix(strings.TrimSpace(raw), ")") && strings.Contains(raw, "(") {
		return placeForm(f, toks[:n-1])
	}
	// "County of Name", "Township of Name"
	if n >= 3 && toks[1] == "of" {
		if f, ok := govForms[toks[0]]; ok && (f == "county" || f == "township" || f == "parish") {
			return placeForm(f, toks[2:])
		}
	}
	return toks
}

// placeForm writes a name with its government form the canonical way.
func placeForm(form string, name []string) []string {
	out := make([]string, 0, len(name)+2)
	switch form {
	case "township", "county", "parish":
		out = append(out, name...)
		return append(out, form)
	}
	out = append(out, form, "of")
	return append(out, name...)
}

// fixTypos replaces a token within one edit of a keyword by the keyword.
func fixTypos(toks []string) []string {
	for i, t := range toks {
		if len(t) < 5 || keywordSet[t] {
			continue
		}
		if _, ok := abbreviations[t]; ok || phraseWords[t] {
			continue
		}
		for _, k := range keywords {
			if d := len(k) - len(t); d > 1 || d < -1 {
				continue
			}
			// One edit leaves the first or the second letter in place
			// (or swaps them).
			if t[0] != k[0] && t[1] != k[1] && t[0] != k[1] {
				continue
			}
			if withinOne(t, k) {
				toks[i] = k
				break
			}
		}
	}
	return toks
}

// expand replaces abbreviations and phrases by their canonical spelling and
// drops "and" and "the".
func expand(toks []string) []string {
	out := make([]string, 0, len(toks)+2)
	for i, t := range toks {
		if rep, ok := abbreviations[t]; ok {
			// "co" is "county" only after a name ("Cook Co"), and "so",
			// "pl", "cc" only at the end; elsewhere they are words.
			if (t == "co" && i == 0) || ((t == "so" || t == "pl" || t == "cc" || t == "tp") && i != len(toks)-1) {
				out = append(out, t)
				continue
			}
			out = append(out, rep...)
			continue
		}
		out = append(out, t)
	}
	// Twice, so that a phrase another one made is seen too
	// ("independent public schools").
	for range 2 {
		for _, p := range phrases {
			out = replacePhrase(out, p.from, p.to)
		}
	}
	return out
}

// canonicalForms folds what remains: "city of x" written "x city" is kept
// (Union City is a real name), but "town of x" and "x town" are not merged
// either; only the government forms are normalized by uninvert.
func canonicalForms(toks []string) []string { return toks }

// replacePhrase replaces every occurrence of from in toks by to.
func replacePhrase(toks, from, to []string) []string {
	for i := 0; i+len(from) <= len(toks); i++ {
		match := true
		for j := range from {
			if toks[i+j] != from[j] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		rest := append([]string(nil), toks[i+len(from):]...)
		toks = append(append(toks[:i], to...), rest...)
		i += len(to) - 1
	}
	return toks
}

// core returns a canonical name without its type words, joined without
// spaces: "city of mount vernon" is "mtvernon". Fuzzy matching compares
// cores of names of the same kind.
func core(toks []string) (string, string) {
	var c, kind strings.Builder
	for _, t := range toks {
		if typeWords[t] {
			kind.WriteString(t)
			kind.WriteByte(' ')
			continue
		}
		c.WriteString(t)
	}
	return c.String(), strings.TrimSpace(kind.String())
}

// NormalizeDomain returns the host of a website or email domain: without
// scheme, user, "www.", port, path, query or trailing dot, in lower case.
// "HTTPS://WWW.Springfield.gov/about" and "springfield.gov" are both
// "springfield.gov". It returns "" for a value that is no host name.
func NormalizeDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	for strings.HasPrefix(s, "www.") || strings.HasPrefix(s, "www2.") {
		s = s[strings.IndexByte(s, '.')+1:]
	}
	if !strings.Contains(s, ".") || strings.ContainsAny(s, " \t,;") {
		return ""
	}
	return s
}

// NormalizeID returns a public id (NCES, GEOID, FIPS) as digits without
// leading zeros, as a spreadsheet would have left it: "0101000" and
// "101000" are the same id. It returns "" when s holds anything but
// digits, spaces and dashes, or no digit other than zeros.
func NormalizeID(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			if b.Len() == 0 && r == '0' {
				continue
			}
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return ""
		}
	}
	return b.String()
}
