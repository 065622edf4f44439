package gen

import (
	"math"
	"sort"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// libAnchor is what a library system is named after and serves: a county,
// a city or a small town.
type libAnchor struct {
	loc      string
	pop      int64
	county   *county
	isCounty bool
}

// mixedLibraryStates have big-city systems and county systems side by side.
var mixedLibraryStates = setOf("CA", "WA", "OR", "AZ", "TX", "MT", "ID", "CO", "NM")

// libraryTiers lists the state's library anchors, tier by tier, most
// populous first within a tier: county systems first where counties run
// the libraries, big cities first where both do, else cities, then the
// rest.
func libraryTiers(s *state) [][]libAnchor {
	var counties, big, cities []libAnchor
	for _, c := range s.CountyGovs {
		counties = append(counties, libAnchor{c.Name, c.Population, c, true})
	}
	sort.SliceStable(counties, func(i, j int) bool { return counties[i].pop > counties[j].pop })
	for _, c := range s.Cities {
		a := libAnchor{c.Name, c.Population, c.County, false}
		if mixedLibraryStates[s.Abbr] && c.Population >= 100_000 {
			big = append(big, a)
		} else {
			cities = append(cities, a)
		}
	}
	switch {
	case countyLibraryStates[s.Abbr]:
		return [][]libAnchor{counties, append(big, cities...)}
	case mixedLibraryStates[s.Abbr]:
		return [][]libAnchor{big, counties, cities}
	}
	return [][]libAnchor{cities, counties}
}

// buildLibraries makes the state's public library systems, each followed
// by its branches: a county system's branches carry the names of the
// county's towns, a city system's those of neighbourhoods and suburbs, or
// of people. Branches share their system's email domain and website.
func (gn *generator) buildLibraries(sb *stateBuild) {
	s := sb.s
	nSys, nBr := sb.n(kLibrarySystem), sb.n(kLibraryBranch)
	if nSys == 0 {
		sb.overflow += nBr
		return
	}
	var systems []libAnchor
	for _, tier := range libraryTiers(s) {
		left := nSys - len(systems)
		if left <= 0 {
			break
		}
		for _, i := range stride(len(tier), left) {
			systems = append(systems, tier[i])
		}
	}
	branches := branchCounts(systems, nBr)
	// Branches the systems cannot hold become small-town libraries.
	extra := nBr
	for _, b := range branches {
		extra -= b
	}
	for len(systems) < nSys+extra {
		systems = append(systems, libAnchor{gn.synthName(), gn.logUniform(800, 6000), s.Counties[gn.r.IntN(len(s.Counties))], false})
		branches = append(branches, 0)
	}
	for i, a := range systems {
		sys := gn.addLibrarySystem(s, a)
		if sys == nil {
			sb.overflow += 1 + branches[i]
			continue
		}
		gn.addBranches(s, a, sys, branches[i])
	}
}

// branchCounts splits n branches over the systems in proportion to
// population^0.75 (big systems have more branches, yet mid-sized ones have
// some), at most one branch per 10,000 people and 100 branches each (the
// New York Public Library has 92 outlets, Chicago's 81).
func branchCounts(systems []libAnchor, n int) []int {
	room := func(a libAnchor) int { return min(int(a.pop/10_000), 100) }
	out := make([]int, len(systems))
	for left := n; left > 0; {
		w := make([]float64, len(systems))
		for i, a := range systems {
			if room(a) > out[i] {
				w[i] = math.Pow(float64(a.pop), 0.75)
			}
		}
		add := allocate(left, w)
		moved := 0
		for i, k := range add {
			k = min(k, room(systems[i])-out[i])
			out[i] += k
			moved += k
		}
		if moved == 0 {
			break
		}
		left -= moved
	}
	return out
}

// addLibrarySystem adds a system's place and returns it, or nil when every
// name it could have is taken.
func (gn *generator) addLibrarySystem(s *state, a libAnchor) *pursuit.Place {
	st := lower(s)
	var forms []string
	switch {
	case a.isCounty && strings.HasSuffix(a.loc, "Parish"):
		forms = []string{" Library", " Library", " Public Library"}
	case a.isCounty:
		forms = []string{" Public Library", " Public Library", " Library", " Library System", " Public Library System"}
	case s.Abbr == "PA" || s.Abbr == "NJ" || s.Abbr == "NY":
		forms = []string{" Public Library", " Free Library", " Public Library", " Memorial Library", " Library"}
	case s.Abbr == "IL":
		forms = []string{" Public Library District", " Public Library", " Public Library", " Library"}
	case s.Abbr == "MI":
		forms = []string{" District Library", " Public Library", " Public Library", " Library"}
	default:
		forms = []string{" Public Library", " Public Library", " Public Library", " Memorial Library", " Library", " City Library"}
	}
	if !a.isCounty && a.pop >= 100_000 {
		forms = []string{" Public Library"} // big cities: "Denver Public Library"
	}
	loc := a.loc
	if loc == "New York City" {
		loc = "New York"
	}
	start := gn.r.IntN(len(forms))
	name := ""
	for k := range forms {
		if n := loc + forms[(start+k)%len(forms)]; !gn.taken(n) {
			name = n
			break
		}
	}
	if a.isCounty && gn.r.IntN(8) == 0 && !gn.taken(stem(a.loc)+" Regional Library") {
		name = stem(a.loc) + " Regional Library"
	}
	if name == "" {
		return nil
	}
	sl := slug(stem(a.loc))
	cands := []string{sl + "library.org", sl + "publiclibrary.org", sl + "pl.org", sl + ".lib." + st + ".us", sl + "lib.org", acronym(name) + ".org", sl + "library" + st + ".org"}
	if a.isCounty {
		cands = []string{sl + "countylibrary.org", sl + "library.org", sl + "cpl.org", sl + "countypl.org", acronym(name) + ".org", sl + "library" + st + ".org"}
	}
	p := pursuit.Place{Name: name, County: a.county.Name, Population: a.pop}
	w := 0.5 + 0.3*math.Pow(float64(a.pop)/1000, 0.55)
	gn.add(p, placeInfo{typ: pursuit.PlaceTypeLibrary, weight: w, state: s}, gn.rotate(cands, make1s(len(cands))...)...)
	return &gn.places[len(gn.places)-1]
}

// addBranches adds n branches of a system.
func (gn *generator) addBranches(s *state, a libAnchor, sys *pursuit.Place, n int) {
	if n == 0 {
		return
	}
	type branchName struct {
		loc  string
		pop  int64
		kind int // 0 a town, 1 a neighbourhood, 2 a person
	}
	var cands []branchName
	var towns []*city
	if a.isCounty {
		towns = a.county.Cities
	} else {
		// Suburbs: the smaller towns of the city's county.
		for _, c := range a.county.Cities {
			if c.Population < a.pop {
				towns = append(towns, c)
			}
		}
	}
	towns = slicesClone(towns)
	sort.SliceStable(towns, func(i, j int) bool { return towns[i].Population > towns[j].Population })
	var townNames, hoods []branchName
	for i, t := range towns {
		if a.isCounty && i == 0 {
			continue // the county seat has the central library
		}
		townNames = append(townNames, branchName{t.Name, t.Population, 0})
	}
	for _, i := range gn.r.Perm(len(neighbourhoods)) {
		hoods = append(hoods, branchName{neighbourhoods[i], a.pop / int64(n+1), 1})
	}
	if a.isCounty {
		cands = append(townNames, hoods...)
	} else {
		cands = append(hoods, townNames...)
	}
	made := 0
	for _, b := range cands {
		if made == n {
			break
		}
		if gn.addBranch(s, a, sys, b.loc, b.pop, b.kind) {
			made++
		}
	}
	for made < n {
		person := gn.g.FirstNames.pick(gn.r) + " " + gn.g.Surnames.pick(gn.r)
		if gn.addBranch(s, a, sys, person, a.pop/int64(n+1), 2) {
			made++
		}
	}
}

// addBranch adds a branch named after loc, unless the state has every name
// it could take.
func (gn *generator) addBranch(s *state, a libAnchor, sys *pursuit.Place, loc string, pop int64, kind int) bool {
	var forms []string
	switch kind {
	case 0:
		forms = []string{"%s Branch Library", "%s Branch Library", "%s Library", "%s Community Library"}
		if pop >= 30_000 {
			forms = append(forms, "%s Regional Library")
		}
	case 1:
		forms = []string{"%s Branch Library", "%s Branch Library", "%s Library"}
	default:
		forms = []string{"%s Branch Library", "%s Memorial Library"}
	}
	name := strings.Replace(forms[gn.r.IntN(len(forms))], "%s", loc, 1)
	if gn.r.IntN(5) == 0 || gn.taken(name) {
		// Named with its system, as many catalogs list branches.
		name = sys.Name + " – " + loc + " Branch"
	}
	if gn.taken(name) {
		return false
	}
	p := pursuit.Place{Name: name, County: a.county.Name, Population: pop, EmailDomain: sys.EmailDomain,
		Website: strings.TrimSuffix(sys.Website, "/") + "/locations/" + slug(loc)}
	w := 0.5 + 0.1*math.Pow(float64(pop)/1000, 0.5)
	gn.add(p, placeInfo{typ: pursuit.PlaceTypeLibrary, set: roles.sets["branch"], tech: "lb", weight: w, state: s})
	return true
}

// neighbourhoods are names city neighbourhoods share across the country,
// for the branches of city library systems.
var neighbourhoods = []string{
	"Northside", "Southside", "Eastside", "Westside", "Midtown", "Uptown", "Riverside", "Lakeview", "Hillcrest",
	"Highland Park", "Oak Park", "Fairview", "Brookside", "Westwood", "Eastwood", "Northwood", "Parkside", "Glenwood",
	"Edgewood", "Ridgewood", "Kenwood", "Crestview", "Sunnyside", "Belmont", "Kensington", "Georgetown", "Old Town",
	"North End", "South End", "West End", "East End", "Brentwood", "Greenwood", "Rosedale", "Maple Heights",
	"University Heights", "College Park", "Capitol Hill", "Harbor View", "Bayview", "Lincoln Park", "Washington Park",
	"Jefferson Park", "Garfield Park", "Union Park", "Mount Pleasant", "Pleasant Hill", "Forest Hills", "Forest Park",
	"Woodlawn", "Elmwood", "Linwood", "Oakwood", "Pinewood", "Sherwood", "Wildwood", "Meadowbrook", "Fox Chase",
	"Deer Park", "Spring Garden", "Irving Park", "Rogers Park", "Ravenswood", "Chinatown", "Little Italy", "Five Points",
	"Park Hill", "Cherry Creek", "Southgate", "Northgate", "Eastgate", "Westgate", "Lakeside", "Bay Ridge", "Fairmount",
	"Beverly", "Morningside", "Clifton", "Avondale", "Walnut Hills", "Mount Vernon", "Bellevue", "Roxbury", "Dorchester",
	"Jamaica Plain", "Brighton", "Hyde Park", "Mission Hills", "Pacific Heights", "Sunset", "Richmond", "Crown Heights",
	"Hamilton Heights", "Inwood", "Tremont", "Germantown", "Frankford", "Kingsessing", "Oak Lane", "Overbrook",
	"Roosevelt", "Harrison", "Grant Park", "Piedmont", "Buckhead", "Cascade", "Kirkwood", "Virginia-Highland", "Ballard",
	"Fremont", "Greenlake", "Magnolia", "Montlake", "Queen Anne", "Wallingford", "Columbia City", "Delridge",
}
