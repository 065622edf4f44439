package gen

import (
	"strings"
	"unicode"
)

// fold maps the non-ASCII letters of US place names to ASCII.
var fold = map[rune]string{
	'á': "a", 'à': "a", 'â': "a", 'ä': "a", 'ā': "a", 'ã': "a", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ē': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i", 'ī': "i", 'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'ō': "o", 'õ': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ñ': "n", 'ç': "c", 'Á': "a", 'É': "e", 'Í': "i", 'Ó': "o",
	'Ú': "u", 'Ñ': "n", 'Ā': "a", 'Ē': "e", 'Ī': "i", 'Ō': "o", 'Ū': "u",
}

// slug lower-cases a name to the letters and digits that go into a domain
// or an email local part: "St. Mary's" becomes "stmarys".
func slug(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r > 127:
			b.WriteString(fold[r])
		}
	}
	return b.String()
}

// acronym returns the upper-case initials of a name's significant words in
// lower case: "Springfield Public Schools" becomes "sps".
func acronym(s string) string {
	var b strings.Builder
	for _, w := range strings.Fields(s) {
		switch strings.ToLower(w) {
		case "of", "the", "and", "&", "for", "at", "-", "–":
			continue
		}
		r := []rune(w)[0]
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteString(slug(string(r)))
		}
	}
	return b.String()
}

// stem strips a county name's legal suffix: "Cook County" becomes "Cook".
func stem(county string) string {
	for _, suf := range []string{" County", " Parish", " Borough", " City and Borough", " Census Area", " Municipality", " city"} {
		if strings.HasSuffix(county, suf) {
			return strings.TrimSuffix(county, suf)
		}
	}
	return county
}

// stateDomains are the states' own domains where they are not simply the
// state's name followed by .gov.
var stateDomains = map[string]string{
	"CA": "ca.gov", "NY": "ny.gov", "NJ": "nj.gov", "MA": "mass.gov", "PA": "pa.gov",
	"WA": "wa.gov", "IN": "in.gov", "MN": "mn.gov", "MO": "mo.gov", "NC": "nc.gov",
	"SC": "sc.gov", "CT": "ct.gov", "DC": "dc.gov", "KY": "ky.gov", "NV": "nv.gov",
	"NM": "nm.gov", "ND": "nd.gov", "SD": "sd.gov", "AZ": "az.gov", "AR": "arkansas.gov",
	"DE": "delaware.gov", "NH": "nh.gov", "VT": "vermont.gov", "RI": "ri.gov",
	"WI": "wi.gov", "MT": "mt.gov", "WY": "wyo.gov", "OK": "ok.gov", "LA": "la.gov",
	"MS": "ms.gov", "AL": "alabama.gov", "TN": "tn.gov", "WV": "wv.gov", "ME": "maine.gov",
}

func stateDomain(s *state) string {
	if d, ok := stateDomains[s.Abbr]; ok {
		return d
	}
	return slug(s.Name) + ".gov"
}

// Synthetic locality names, for the small municipalities, townships and
// districts that GeoNames' list of places over 1,000 people lacks.
var (
	synthPrefixes = []string{
		"Oak", "Cedar", "Pine", "Maple", "Elm", "Willow", "Spring", "Fair", "Green", "Clear",
		"Rock", "Stone", "River", "Lake", "Brook", "Mill", "Ash", "Birch", "Bridge", "Center",
		"Chester", "Clay", "Deer", "Eagle", "Glen", "Grand", "Hazel", "High", "Iron", "Long",
		"Marsh", "Mount", "North", "South", "East", "West", "New", "Old", "Pleasant", "Plain",
		"Red", "Rich", "Rose", "Salem", "Sand", "Shady", "Silver", "Sun", "White", "Wood",
		"Bell", "Fox", "Hunt", "King", "Mid", "Milton", "Union", "Liberty", "Prairie", "Cotton",
	}
	synthSuffixes = []string{
		"ville", "field", "dale", "wood", "ton", "burg", "port", "ford", "view", "land",
		"mont", "side", "haven", "crest", "brook", " Grove", " Hill", " Creek", " Springs", " Valley",
		" Falls", " Park", " Ridge", " Point", " Heights", " Junction", " Center", " Mills", " Corner",
		" City", " Bluff", " Prairie", " Lake", " Harbor", " Station",
	}
	surnameSuffixes = []string{"ville", "burg", "ton", " Crossing", " Landing", " Corners", " Mill"}
)

// synthName makes up a plausible locality name.
func (gn *generator) synthName() string {
	if gn.r.IntN(3) == 0 {
		sur := gn.g.Surnames.names[gn.r.IntN(3000)]
		return sur + surnameSuffixes[gn.r.IntN(len(surnameSuffixes))]
	}
	p := synthPrefixes[gn.r.IntN(len(synthPrefixes))]
	s := synthSuffixes[gn.r.IntN(len(synthSuffixes))]
	return p + s
}

// townshipNames are the names townships most often share (Ohio alone has 43
// Washington Townships).
var townshipNames = []string{
	"Washington", "Franklin", "Jackson", "Union", "Lincoln", "Center", "Jefferson", "Clay",
	"Harrison", "Liberty", "Madison", "Monroe", "Marion", "Perry", "Pleasant", "Salem", "Wayne",
	"Green", "Penn", "Richland", "Springfield", "Adams", "Fairview", "Grant", "Hamilton", "Harmony",
	"Lake", "Mount Pleasant", "Ohio", "Pike", "Sugar Creek", "Washington", "Jackson", "Union",
	"Spring", "Brown", "Butler", "Clinton", "Concord", "Elk", "Fayette", "Garfield", "Greene",
	"Hanover", "Jefferson", "Lafayette", "Logan", "Milford", "Oxford", "Pleasant Valley", "Ridge",
	"Scott", "Sherman", "Sheridan", "Troy", "Van Buren", "Warren", "Wheatland", "York",
}

// salesReps are the names of Pursuit's own account owners, set on some
// places and contacts (the seed's account_owner = 'Bob').
var salesReps = []string{
	"Bob Keller", "Alicia Moreno", "Dan Whitfield", "Priya Natarajan", "Grace Okafor",
	"Tom Brennan", "Megan Liu", "Carlos Vega", "Hannah Stein", "Marcus Reed",
}
