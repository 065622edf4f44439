package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// placeInfo is what the later tables need to know about a place beyond its
// row.
type placeInfo struct {
	typ      string
	kind     int     // specialKinds index, agencies index, or -1
	weight   float64 // relative number of contacts
	contacts int     // exact number of contacts, after allocation
	firstID  int64   // its first contact_id
	state    *state
}

// buildPlaces makes every place row, state by state, type by type, and
// keeps them (and their infos) in gn.places and gn.info.
func (gn *generator) buildPlaces() {
	counts := typeCounts(gn.cfg.Places, len(gn.g.Counties))
	perState := map[string][]int{}
	for _, t := range pursuit.PlaceTypes {
		perState[t] = allocate(counts[t], stateWeights(gn.g, t))
	}
	gn.places = make([]pursuit.Place, 0, gn.cfg.Places)
	gn.info = make([]placeInfo, 0, gn.cfg.Places)
	for si, s := range gn.g.States {
		gn.buildCounties(s, perState[pursuit.PlaceTypeCounty][si])
		gn.buildMunicipalities(s, perState[pursuit.PlaceTypeMunicipality][si])
		gn.buildTownships(s, perState[pursuit.PlaceTypeTownship][si])
		gn.buildSchoolDistricts(s, perState[pursuit.PlaceTypeSchoolDistrict][si])
		gn.buildSpecialDistricts(s, perState[pursuit.PlaceTypeSpecialDistrict][si])
		gn.buildStateAgencies(s, perState[pursuit.PlaceTypeStateAgency][si])
		gn.buildColleges(s, perState[pursuit.PlaceTypePublicCollege][si])
		gn.buildLibraries(s, perState[pursuit.PlaceTypeLibrary][si])
		gn.buildTribes(s, perState[pursuit.PlaceTypeTribal][si])
	}
}

// add appends a place, giving it its id, a unique email domain from the
// candidates (in preference order), website, timestamps and owner.
func (gn *generator) add(p pursuit.Place, info placeInfo, domains ...string) {
	p.PlaceID = int64(len(gn.places) + 1)
	p.StateAbbr = info.state.Abbr
	p.PlaceType = info.typ
	p.EmailDomain = gn.uniqueDomain(domains)
	switch {
	case strings.HasPrefix(p.EmailDomain, "co.") || strings.HasPrefix(p.EmailDomain, "ci.") || strings.Count(p.EmailDomain, ".") >= 3:
		p.Website = "https://" + p.EmailDomain
	case gn.r.IntN(10) == 0:
		p.Website = "http://www." + p.EmailDomain
	default:
		p.Website = "https://www." + p.EmailDomain
	}
	p.CreatedAt = gn.timeBetween(6*365*24*time.Hour, 3*365*24*time.Hour)
	p.UpdatedAt = gn.timeBetween(time.Duration(gn.base.Sub(p.CreatedAt)), 0)
	if gn.r.IntN(8) == 0 {
		p.AccountOwner = salesReps[gn.r.IntN(len(salesReps))]
	}
	gn.places = append(gn.places, p)
	gn.info = append(gn.info, info)
}

// uniqueDomain returns the first candidate no place has taken yet, or the
// first with a number appended.
func (gn *generator) uniqueDomain(cands []string) string {
	for _, d := range cands {
		if d != "" && !gn.domains[d] {
			gn.domains[d] = true
			return d
		}
	}
	first := cands[0]
	dot := strings.IndexByte(first, '.')
	for n := 2; ; n++ {
		d := first[:dot] + strconv.Itoa(n) + first[dot:]
		if !gn.domains[d] {
			gn.domains[d] = true
			return d
		}
	}
}

// timeBetween returns a time between from and to before the base (from >
// to), to the microsecond: never after the base.
func (gn *generator) timeBetween(from, to time.Duration) time.Time {
	return between(gn.r, gn.base.Add(-from), gn.base.Add(-to))
}

// between returns a time drawn uniformly from [lo, hi], to the
// microsecond, lo and hi being on the microsecond. Callers derive both
// bounds from the base date so that lo <= hi holds by construction (the
// random bound is then at least 1); an empty range is a bug in the
// generator, not bad input, and panics saying so.
func between(r *rand.Rand, lo, hi time.Time) time.Time {
	span := hi.Sub(lo)
	if span < 0 {
		panic(fmt.Sprintf("gen: empty time range [%s, %s]", lo.Format(time.RFC3339Nano), hi.Format(time.RFC3339Nano)))
	}
	return lo.Add(time.Duration(r.Int64N(int64(span) + 1))).Truncate(time.Microsecond)
}

func (gn *generator) logUniform(lo, hi float64) int64 {
	if hi <= lo {
		return int64(lo)
	}
	return int64(math.Exp(math.Log(lo) + gn.r.Float64()*(math.Log(hi)-math.Log(lo))))
}

// shuffledStart rotates a candidate list by a random amount, so that places
// spread over the patterns yet keep the others as fallbacks.
func (gn *generator) rotate(c []string, weights ...int) []string {
	i := gn.pickWeighted(weights)
	return append(append([]string{}, c[i:]...), c[:i]...)
}

func (gn *generator) pickWeighted(w []int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	x := gn.r.IntN(sum)
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

func lower(s *state) string { return strings.ToLower(s.Abbr) }

func (gn *generator) buildCounties(s *state, n int) {
	st := lower(s)
	for _, i := range stride(len(s.Counties), n) {
		c := s.Counties[i]
		sl := slug(stem(c.Name))
		word := "county"
		if strings.HasSuffix(c.Name, "Parish") {
			word = "parish"
		} else if strings.HasSuffix(c.Name, "Borough") {
			word = "borough"
		}
		p := pursuit.Place{Name: c.Name, County: c.Name, GEOID: c.GEOID}
		p.Population = c.Population * int64(90+gn.r.IntN(21)) / 100
		if s.Abbr == "DC" {
			p.Name = "District of Columbia"
		}
		w := 3 + 1.3*math.Pow(float64(p.Population)/1000, 0.8)
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeCounty, kind: -1, weight: w, state: s}, gn.rotate([]string{
			sl + word + st + ".gov", sl + word + ".gov", "co." + sl + "." + st + ".us",
			sl + word + ".org", sl + "co.org", sl + word + st + ".org", sl + word + "-" + st + ".gov",
		}, 35, 15, 15, 15, 5, 10, 5)...)
	}
}

// muniForm is how a state calls its municipalities of a size.
func muniForm(s *state, pop int64) string {
	if pop >= 10000 {
		return "City"
	}
	switch s.Abbr {
	case "PA", "NJ":
		return "Borough"
	case "IL", "NY", "OH", "MI", "WI", "NE", "MD":
		return "Village"
	case "MA", "CT", "NC", "VA", "IN", "ME", "VT", "NH", "RI", "CO", "AZ", "FL", "AL", "DE":
		return "Town"
	}
	return "City"
}

func (gn *generator) buildMunicipalities(s *state, n int) {
	type muni struct {
		name   string
		pop    int64
		county *county
	}
	var ms []muni
	seen := map[string]bool{}
	for _, i := range stride(len(s.Cities), n) {
		c := s.Cities[i]
		if s.Abbr == "NY" && nycBoroughs[c.Name] {
			continue
		}
		ms = append(ms, muni{c.Name, c.Population, c.County})
		seen[c.Name] = true
	}
	for tries := 0; len(ms) < n; tries++ {
		name := gn.synthName()
		if seen[name] && tries < 50 {
			continue
		}
		if seen[name] {
			// The synthetic names of a huge dataset run out: number them.
			name = fmt.Sprintf("%s %d", name, len(ms))
		}
		tries = 0
		seen[name] = true
		ms = append(ms, muni{name, gn.logUniform(60, 999), s.Counties[gn.r.IntN(len(s.Counties))]})
	}
	codes := alphaCodes(len(ms), func(i int) string { return ms[i].name })
	st := lower(s)
	for i, m := range ms {
		form := muniForm(s, m.pop)
		name := form + " of " + strings.TrimSuffix(m.name, " City")
		if !strings.HasPrefix(m.name, "New York") {
			name = form + " of " + m.name
		}
		if s.Abbr == "DC" && i == 0 {
			name = "Government of the District of Columbia"
		}
		sl, f := slug(m.name), strings.ToLower(form)
		p := pursuit.Place{Name: name, County: m.county.Name, Population: m.pop, GEOID: s.FIPS + codes[i]}
		w := 1 + math.Pow(float64(m.pop)/1000, 0.9)
		cands := []string{f + "of" + sl + ".gov", sl + st + ".gov", "ci." + sl + "." + st + ".us", sl + ".org",
			f + "of" + sl + ".org", sl + "-" + st + ".gov", sl + ".gov", f + "of" + sl + ".com"}
		weights := []int{30, 25, 10, 10, 10, 5, 5, 5}
		if m.pop > 250000 {
			weights = []int{20, 30, 0, 0, 10, 0, 40, 0}
		}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeMunicipality, kind: -1, weight: w, state: s}, gn.rotate(cands, weights...)...)
	}
}

// nycBoroughs are listed by GeoNames as cities but are parts of New York
// City.
var nycBoroughs = map[string]bool{"Brooklyn": true, "Queens": true, "Manhattan": true, "The Bronx": true, "Bronx": true, "Staten Island": true}

// alphaCodes gives n names 5-digit codes that rise with the names'
// alphabetical order, the way Census place and county subdivision codes
// are assigned.
func alphaCodes(n int, name func(int) string) []string {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return name(idx[a]) < name(idx[b]) })
	out := make([]string, n)
	step := 98000 / max(n, 1)
	if step > 500 {
		step = 500
	}
	for rank, i := range idx {
		out[i] = fmt.Sprintf("%05d", 1000+rank*step)
	}
	return out
}

// townStates call their townships towns.
var townStates = map[string]bool{"NY": true, "WI": true, "MA": true, "CT": true, "RI": true, "VT": true, "NH": true, "ME": true}

func (gn *generator) buildTownships(s *state, n int) {
	type twp struct {
		name   string
		county *county
	}
	ts := make([]twp, n)
	for i := range ts {
		c := s.Counties[gn.r.IntN(len(s.Counties))]
		var name string
		switch k := gn.r.IntN(10); {
		case k < 5:
			name = townshipNames[gn.r.IntN(len(townshipNames))]
		case k < 8 && len(c.Cities) > 0:
			name = c.Cities[gn.r.IntN(len(c.Cities))].Name
		default:
			name = gn.synthName()
		}
		ts[i] = twp{name, c}
	}
	codes := alphaCodes(n, func(i int) string { return ts[i].name })
	st := lower(s)
	for i, t := range ts {
		name := t.name + " Township"
		if townStates[s.Abbr] {
			name = "Town of " + t.name
		} else if s.Abbr == "MI" && gn.r.IntN(6) == 0 {
			name = "Charter Township of " + t.name
		}
		pop := gn.logUniform(250, 12000)
		if gn.r.IntN(30) == 0 {
			pop = gn.logUniform(12000, 110000)
		}
		sl, cs := slug(t.name), slug(stem(t.county.Name))
		p := pursuit.Place{Name: name, County: t.county.Name, Population: pop, GEOID: t.county.GEOID + codes[i]}
		w := 1 + 0.6*math.Pow(float64(pop)/1000, 0.75)
		cands := []string{sl + "township.org", sl + "twp.org", sl + "twp" + st + ".gov", sl + "township" + st + ".gov",
			sl + "twp" + cs + ".org", sl + "township" + cs + ".org", sl + "twp-" + cs + "-" + st + ".gov"}
		if townStates[s.Abbr] {
			cands = []string{"townof" + sl + ".org", "townof" + sl + st + ".gov", sl + st + ".gov", "townof" + sl + "-" + cs + ".org", sl + "-" + cs + "-" + st + ".gov"}
		}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeTownship, kind: -1, weight: w, state: s}, gn.rotate(cands, make1s(len(cands))...)...)
	}
}

func make1s(n int) []int {
	w := make([]int, n)
	for i := range w {
		w[i] = 1
	}
	return w
}

// schoolSuffix is how districts are named in a state.
func schoolSuffix(s *state, r int) (string, string) {
	switch s.Abbr {
	case "TX":
		return "Independent School District", "isd"
	case "CA":
		if r%3 == 0 {
			return "Elementary School District", "esd"
		}
		return "Unified School District", "usd"
	case "KS", "AZ":
		return "Unified School District", "usd"
	case "IA", "IL":
		return "Community School District", "csd"
	case "PA", "WI":
		return "Area School District", "asd"
	case "NY":
		if r%2 == 0 {
			return "Union Free School District", "ufsd"
		}
		return "Central School District", "csd"
	case "OH":
		if r%2 == 0 {
			return "Local School District", "lsd"
		}
		return "City School District", "csd"
	case "MO":
		return "R-II School District", "r2"
	case "MI", "MN", "MA", "CT", "NJ", "MD", "VA", "NC":
		return "Public Schools", "ps"
	}
	if r%2 == 0 {
		return "School District", "sd"
	}
	return "Public Schools", "ps"
}

func (gn *generator) buildSchoolDistricts(s *state, n int) {
	type sd struct {
		name, locality, short string
		pop                   int64
		county                *county
	}
	var ds []sd
	seen := map[string]bool{}
	if countySchoolStates[s.Abbr] {
		for _, i := range stride(len(s.Counties), n) {
			c := s.Counties[i]
			name := c.Name + " Schools"
			if strings.HasSuffix(c.Name, "Parish") {
				name = c.Name + " School Board"
			} else if gn.r.IntN(2) == 0 {
				name = c.Name + " School District"
			}
			ds = append(ds, sd{name, stem(c.Name) + "county", "co", c.Population, c})
			seen[name] = true
		}
	}
	cities := stride(len(s.Cities), n-len(ds))
	for k := 0; len(ds) < n; k++ {
		var loc string
		var pop int64
		var c *county
		if k < len(cities) {
			ci := s.Cities[cities[k]]
			loc, pop, c = ci.Name, ci.Population, ci.County
		} else {
			loc, pop, c = gn.synthName(), gn.logUniform(400, 6000), s.Counties[gn.r.IntN(len(s.Counties))]
		}
		suf, short := schoolSuffix(s, gn.r.IntN(6))
		name := loc + " " + suf
		if loc == "New York City" {
			name = "New York City Department of Education"
		}
		if seen[name] && k < n+50*len(cities)+10000 {
			continue
		}
		if seen[name] {
			name = fmt.Sprintf("%s No. %d", name, len(ds))
		}
		seen[name] = true
		ds = append(ds, sd{name, loc, short, pop * int64(55+gn.r.IntN(50)) / 100, c})
	}
	codes := alphaCodes(len(ds), func(i int) string { return ds[i].name })
	st := lower(s)
	for i, d := range ds {
		sl := slug(d.locality)
		id := s.FIPS + codes[i]
		p := pursuit.Place{Name: d.name, County: d.county.Name, Population: d.pop, GEOID: id, NCESID: id}
		w := 2 + 0.9*math.Pow(float64(d.pop)/1000, 0.85)
		cands := []string{sl + ".k12." + st + ".us", sl + "schools.org", sl + d.short + ".org", acronym(d.name) + ".org",
			sl + "schools.net", sl + d.short + ".net", sl + "schools.us", acronym(d.name) + st + ".org"}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeSchoolDistrict, kind: -1, weight: w, state: s}, gn.rotate(cands, 25, 20, 20, 10, 10, 5, 5, 5)...)
	}
}

// locality picks a place name in the state to name a district after, with
// its population and county.
func (gn *generator) locality(s *state) (string, int64, *county) {
	if len(s.Cities) > 0 && gn.r.IntN(4) != 0 {
		c := s.Cities[gn.r.IntN(len(s.Cities))]
		return c.Name, c.Population, c.County
	}
	c := s.Counties[gn.r.IntN(len(s.Counties))]
	if gn.r.IntN(2) == 0 {
		return c.Name, c.Population, c
	}
	return gn.synthName(), gn.logUniform(200, 3000), c
}

func (gn *generator) buildSpecialDistricts(s *state, n int) {
	shares := make([]int, len(specialKinds))
	for i, k := range specialKinds {
		shares[i] = int(k.Share * 10)
	}
	seen := map[string]int{}
	st := lower(s)
	for range n {
		ki := gn.pickWeighted(shares)
		k := specialKinds[ki]
		loc, pop, c := gn.locality(s)
		name := fmt.Sprintf(k.Formats[gn.r.IntN(len(k.Formats))], loc)
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s No. %d", name, seen[name])
		}
		served := gn.logUniform(150, float64(max(pop, 2000)))
		sl := slug(loc)
		cands := make([]string, 0, 2*len(k.Domain)+1)
		for _, d := range k.Domain {
			cands = append(cands, sl+d+".org")
		}
		for _, d := range k.Domain {
			cands = append(cands, sl+d+st+".gov", sl+d+".com")
		}
		p := pursuit.Place{Name: name, County: c.Name, Population: served}
		w := 0.2 + 0.2*math.Pow(float64(served)/1000, 0.5)
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeSpecialDistrict, kind: ki, weight: w, state: s}, gn.rotate(cands, make1s(len(cands))...)...)
	}
}

func (gn *generator) buildStateAgencies(s *state, n int) {
	sd := stateDomain(s)
	capital := s.Counties[0]
	if len(s.Cities) > 0 {
		capital = s.Cities[0].County
	}
	var withUnits []int
	for i, a := range agencies {
		if a.Unit != "" {
			withUnits = append(withUnits, i)
		}
	}
	units := map[int]int{}
	for i := 0; i < n; i++ {
		ai := i % len(agencies)
		if i >= len(agencies) {
			// Regional offices of the agencies that have them.
			ai = withUnits[(i-len(agencies))%len(withUnits)]
		}
		a := agencies[ai]
		p := pursuit.Place{Name: fmt.Sprintf(a.Name, s.Name), County: capital.Name}
		w := a.Size * (0.5 + math.Sqrt(float64(s.Population))/3000)
		cands := []string{a.Sub + "." + sd, a.Sub + "." + st2(s) + ".us"}
		if i >= len(agencies) {
			units[ai]++
			num := units[ai]
			p.Name = fmt.Sprintf("%s %s %d", p.Name, a.Unit, num)
			p.County = s.Counties[gn.r.IntN(len(s.Counties))].Name
			w = 0.5 + a.Size/15
			cands = []string{fmt.Sprintf("%s%d.%s.%s", slug(a.Unit), num, a.Sub, sd)}
		}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeStateAgency, kind: ai, weight: w, state: s}, cands...)
	}
}

func st2(s *state) string { return "state." + lower(s) }

func (gn *generator) buildColleges(s *state, n int) {
	st := lower(s)
	regions := []string{"Northern", "Southern", "Eastern", "Western", "Central", "Northwest", "Southeast", "Southwest", "Northeast"}
	for i := 0; i < n; i++ {
		loc, pop, c := gn.locality(s)
		var name string
		var cands []string
		sl, ss := slug(loc), slug(s.Name)
		switch {
		case i == 0:
			name = "University of " + s.Name
			cands = []string{"u" + st + ".edu", ss + ".edu"}
		case i == 1:
			name = s.Name + " State University"
			cands = []string{st + "su.edu", ss + "state.edu"}
		case i < 2+len(regions) && gn.r.IntN(3) == 0:
			name = regions[i-2] + " " + s.Name + " University"
			cands = []string{acronym(regions[i-2]) + st + "u.edu", slug(regions[i-2]) + ss + ".edu"}
		default:
			switch gn.r.IntN(5) {
			case 0, 1:
				name = stem(loc) + " Community College"
				cands = []string{sl + "cc.edu", sl + "college.edu", acronym(name) + st + ".edu"}
			case 2:
				name = stem(loc) + " Technical College"
				cands = []string{sl + "tech.edu", sl + "tc.edu"}
			case 3:
				name = stem(loc) + " State College"
				cands = []string{sl + "state.edu", sl + "sc.edu"}
			default:
				name = s.Name + " State University – " + stem(loc)
				cands = []string{sl + "." + st + "su.edu", sl + "." + ss + "state.edu"}
			}
		}
		p := pursuit.Place{Name: name, County: c.Name}
		w := 8 + 6*math.Pow(float64(pop)/100000, 0.5)
		if i < 2 {
			w = 120 + math.Sqrt(float64(s.Population))/40
		}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypePublicCollege, kind: -1, weight: w, state: s}, cands...)
	}
}

func (gn *generator) buildLibraries(s *state, n int) {
	st := lower(s)
	seen := map[string]int{}
	for range n {
		loc, pop, c := gn.locality(s)
		var name string
		switch k := gn.r.IntN(10); {
		case k < 5:
			name = loc + " Public Library"
		case k < 6 && (s.Abbr == "PA" || s.Abbr == "NJ" || s.Abbr == "NY"):
			name = loc + " Free Library"
		case k < 7 && s.Abbr == "IL":
			name = loc + " Public Library District"
		case k < 7 && s.Abbr == "MI":
			name = loc + " District Library"
		case k < 8:
			name = loc + " Memorial Library"
		default:
			name = loc + " Library"
		}
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s – Branch %d", name, seen[name])
		}
		sl := slug(loc)
		p := pursuit.Place{Name: name, County: c.Name, Population: pop}
		w := 0.3 + 0.25*math.Pow(float64(pop)/1000, 0.55)
		cands := []string{sl + "library.org", sl + "publiclibrary.org", sl + "pl.org", sl + ".lib." + st + ".us", sl + "lib.org", acronym(name) + ".org", sl + "library" + st + ".org"}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeLibrary, kind: -1, weight: w, state: s}, gn.rotate(cands, 30, 15, 15, 10, 10, 10, 10)...)
	}
}

func (gn *generator) buildTribes(s *state, n int) {
	seen := map[string]bool{}
	for range n {
		loc, _, c := gn.locality(s)
		loc = stem(loc)
		var name string
		switch {
		case s.Abbr == "AK" && gn.r.IntN(4) != 0:
			name = "Native Village of " + loc
		case s.Abbr == "AK":
			name = loc + " Traditional Council"
		case s.Abbr == "CA" && gn.r.IntN(2) == 0:
			name = loc + " Rancheria"
		case s.Abbr == "NM" && gn.r.IntN(2) == 0:
			name = "Pueblo of " + loc
		default:
			name = loc + []string{" Indian Community", " Tribe", " Tribal Nation", " Band of Indians"}[gn.r.IntN(4)]
		}
		if seen[name] {
			name += " (" + stem(c.Name) + ")"
		}
		seen[name] = true
		sl := slug(loc)
		p := pursuit.Place{Name: name, County: c.Name, Population: gn.logUniform(60, 25000)}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeTribal, kind: -1, weight: 2 + float64(p.Population)/4000, state: s},
			gn.rotate([]string{sl + "-nsn.gov", sl + "tribe.org", sl + "-nation.org", sl + "tribe.gov"}, 4, 3, 2, 1)...)
	}
}
