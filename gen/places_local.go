package gen

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

func lower(s *state) string { return strings.ToLower(s.Abbr) }

// buildCounties makes the state's county governments, spread evenly over
// its list when the plan has fewer, and plans their departments (the most
// populous counties have them), whose staff then leave the county's own
// titles.
func (gn *generator) buildCounties(sb *stateBuild) {
	s, st := sb.s, lower(sb.s)
	pick := stride(len(s.CountyGovs), sb.n(kCounty))
	for _, i := range pick {
		c := s.CountyGovs[i]
		sb.counties = append(sb.counties, &local{loc: c.Name, pop: c.Population * int64(90+gn.r.IntN(21)) / 100, county: c})
	}
	byGEOID := slicesClone(sb.counties)
	byPopulation(sb.counties, map[int]int{kSheriff: sb.n(kSheriff), kCountyHealth: sb.n(kCountyHealth),
		kCountyFire: sb.n(kCountyFire), kEmergencyComms: sb.n(kEmergencyComms)})
	for _, l := range byGEOID {
		c := l.county
		sl := slug(stem(c.Name))
		word := "county"
		if strings.HasSuffix(c.Name, "Parish") {
			word = "parish"
		} else if strings.HasSuffix(c.Name, "Borough") {
			word = "borough"
		}
		p := pursuit.Place{Name: c.Name, County: c.Name, GEOID: c.GEOID, Population: l.pop}
		w := 3 + 1.3*math.Pow(float64(p.Population)/1000, 0.8)
		set := roles.variant(pursuit.PlaceTypeCounty, l.depts[kSheriff], l.depts[kCountyHealth], l.depts[kEmergencyComms])
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeCounty, set: set, weight: w, state: s}, gn.rotate([]string{
			sl + word + st + ".gov", sl + word + ".gov", "co." + sl + "." + st + ".us",
			sl + word + ".org", sl + "co.org", sl + word + st + ".org", sl + word + "-" + st + ".gov",
		}, 35, 15, 15, 15, 5, 10, 5)...)
	}
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

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

// buildMunicipalities makes the state's municipal governments: its cities
// spread evenly over the list, then synthetic small places. The most
// populous have police, fire and health departments of their own (built
// next), and their own titles leave those out.
func (gn *generator) buildMunicipalities(sb *stateBuild) {
	s, n := sb.s, sb.n(kMunicipality)
	var ms []*local
	seen := map[string]bool{}
	for _, i := range stride(len(s.Cities), n) {
		c := s.Cities[i]
		if s.Abbr == "NY" && nycBoroughs[c.Name] {
			continue
		}
		ms = append(ms, &local{loc: c.Name, pop: c.Population, county: c.County})
		seen[c.Name] = true
	}
	for tries := 0; len(ms) < n; tries++ {
		name := gn.synthName()
		if seen[name] && tries < 50 {
			continue
		}
		if seen[name] {
			// Only a dataset far beyond the seed's size runs out of
			// synthetic names: join two.
			name = name + "-" + gn.synthName()
			if seen[name] {
				continue
			}
		}
		tries = 0
		seen[name] = true
		ms = append(ms, &local{loc: name, pop: gn.logUniform(60, 999), county: s.Counties[gn.r.IntN(len(s.Counties))]})
	}
	inOrder := slicesClone(ms)
	sb.munis = ms
	byPopulation(sb.munis, map[int]int{kPolice: sb.n(kPolice), kCityFire: sb.n(kCityFire), kCityHealth: sb.n(kCityHealth)})
	codes := alphaCodes(len(inOrder), func(i int) string { return inOrder[i].loc })
	st := lower(s)
	for i, m := range inOrder {
		form := muniForm(s, m.pop)
		name := form + " of " + m.loc
		if strings.HasPrefix(m.loc, "New York") {
			name = form + " of " + strings.TrimSuffix(m.loc, " City")
		}
		if s.Abbr == "DC" && m.loc == "Washington" {
			name = "Government of the District of Columbia"
		}
		sl, f := slug(m.loc), strings.ToLower(form)
		p := pursuit.Place{Name: name, County: m.county.Name, Population: m.pop, GEOID: s.FIPS + codes[i]}
		w := 1 + math.Pow(float64(m.pop)/1000, 0.9)
		cands := []string{f + "of" + sl + ".gov", sl + st + ".gov", "ci." + sl + "." + st + ".us", sl + ".org",
			f + "of" + sl + ".org", sl + "-" + st + ".gov", sl + ".gov", f + "of" + sl + ".com"}
		weights := []int{30, 25, 10, 10, 10, 5, 5, 5}
		if m.pop > 250000 {
			weights = []int{20, 30, 0, 0, 10, 0, 40, 0}
		}
		set := roles.variant(pursuit.PlaceTypeMunicipality, m.depts[kPolice], m.depts[kCityFire])
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeMunicipality, set: set, weight: w, state: s}, gn.rotate(cands, weights...)...)
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

// buildTownships makes the state's township (town) governments, named
// after the names townships share most, the county's towns or synthetic
// places; like Ohio's 43 Washington Townships, names repeat across
// counties. The most populous get police and fire departments where
// townships have them, if the department's name is free.
func (gn *generator) buildTownships(sb *stateBuild) {
	s, n := sb.s, sb.n(kTownship)
	ts := make([]*local, n)
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
		for townStates[s.Abbr] && gn.taken("Town of "+name) {
			// A New England or New York town that is a municipality
			// already.
			name = gn.synthName()
		}
		pop := gn.logUniform(250, 12000)
		if gn.r.IntN(30) == 0 {
			pop = gn.logUniform(12000, 110000)
		}
		ts[i] = &local{loc: name, pop: pop, county: c}
	}
	codes := alphaCodes(n, func(i int) string { return ts[i].loc })
	sb.towns = slicesClone(ts)
	byPopulation(sb.towns, nil)
	gn.planTownshipDepartments(sb)
	st := lower(s)
	for i, t := range ts {
		name := t.loc + " Township"
		if townStates[s.Abbr] {
			name = "Town of " + t.loc
		} else if s.Abbr == "MI" && gn.r.IntN(6) == 0 {
			name = "Charter Township of " + t.loc
		}
		sl, cs := slug(t.loc), slug(stem(t.county.Name))
		p := pursuit.Place{Name: name, County: t.county.Name, Population: t.pop, GEOID: t.county.GEOID + codes[i]}
		w := 1 + 0.6*math.Pow(float64(t.pop)/1000, 0.75)
		cands := []string{sl + "township.org", sl + "twp.org", sl + "twp" + st + ".gov", sl + "township" + st + ".gov",
			sl + "twp" + cs + ".org", sl + "township" + cs + ".org", sl + "twp-" + cs + "-" + st + ".gov"}
		if townStates[s.Abbr] {
			cands = []string{"townof" + sl + ".org", "townof" + sl + st + ".gov", sl + st + ".gov", "townof" + sl + "-" + cs + ".org", sl + "-" + cs + "-" + st + ".gov"}
		}
		set := roles.variant(pursuit.PlaceTypeTownship, t.depts[kTownshipPolice], t.depts[kTownshipFire])
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeTownship, set: set, weight: w, state: s}, gn.rotate(cands, make1s(len(cands))...)...)
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

// buildSchoolDistricts makes the state's school districts: county systems
// where schools are run county-wide, then districts named after its
// cities (spread over the list) and synthetic places. A name that is taken
// is drawn again; only a dataset far beyond the seed's size joins two
// place names ("Cedar Creek-Milton Unified School District").
func (gn *generator) buildSchoolDistricts(sb *stateBuild) {
	type sd struct {
		name, locality, short string
		pop                   int64
		county                *county
	}
	s, n := sb.s, sb.n(kSchool)
	var ds []sd
	seen := map[string]bool{}
	if countySchoolStates[s.Abbr] {
		for _, i := range stride(len(s.Counties), n) {
			c := s.Counties[i]
			name := c.Name + " Schools"
			switch {
			case strings.HasSuffix(c.Name, " city"):
				// Independent cities run city school divisions.
				name = stem(c.Name) + " City Public Schools"
			case strings.HasSuffix(c.Name, "Parish"):
				name = c.Name + " School Board"
			case gn.r.IntN(2) == 0:
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
			loc = loc + "-" + gn.synthName()
			if name = loc + " " + suf; seen[name] {
				continue
			}
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
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeSchoolDistrict, weight: w, state: s}, gn.rotate(cands, 25, 20, 20, 10, 10, 5, 5, 5)...)
	}
}
