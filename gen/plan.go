package gen

import (
	"cmp"
	"math"
	"slices"

	"github.com/pursuit-gov/pursuit"
)

// Kinds of places. Each is one kind of public body that exists, with its
// place type; a place type holds several kinds (a city's police department
// is a municipality's department, so place_type municipality). Departments
// and library branches depend on a parent kind: they are named after a
// parent place of their state, so a state has at most one of each per
// parent (library branches: any number per system).
const (
	kCounty = iota
	kSheriff
	kCountyHealth
	kCountyFire
	kEmergencyComms
	kMunicipality
	kPolice
	kCityFire
	kCityHealth
	kTownship
	kTownshipPolice
	kTownshipFire
	kSchool
	kStateAgency
	kCollege
	kLibrarySystem
	kLibraryBranch
	kTribal
	kSpecial // last: it takes what the other kinds cannot place
	numKinds
)

// seedPlaces is the place count DefaultConfig targets.
const seedPlaces = 150_000

// kindSpec describes a kind: its place type, its count at seedPlaces
// (other sizes scale these), and for dependent kinds the parent kind and
// the states where such departments are the custom (nil: every state).
// docs/dataset.md gives the source of every count.
type kindSpec struct {
	name   string
	typ    string
	seed   int
	parent int // -1: none
	states map[string]bool
	// perParent is how many of the kind one parent may have; 0 means any
	// number.
	perParent int
}

var kinds = [numKinds]kindSpec{
	kCounty:         {"county government", pursuit.PlaceTypeCounty, 3_057, -1, nil, 0},
	kSheriff:        {"sheriff's office", pursuit.PlaceTypeCounty, 3_035, kCounty, allBut("AK", "HI"), 1},
	kCountyHealth:   {"county health department", pursuit.PlaceTypeCounty, 1_900, kCounty, nil, 1},
	kCountyFire:     {"county fire department", pursuit.PlaceTypeCounty, 500, kCounty, setOf(countyFireStates...), 1},
	kEmergencyComms: {"emergency communications center", pursuit.PlaceTypeCounty, 1_500, kCounty, nil, 1},
	kMunicipality:   {"municipal government", pursuit.PlaceTypeMunicipality, 19_491, -1, nil, 0},
	kPolice:         {"municipal police department", pursuit.PlaceTypeMunicipality, 10_000, kMunicipality, nil, 1},
	kCityFire:       {"municipal fire department", pursuit.PlaceTypeMunicipality, 12_590, kMunicipality, nil, 1},
	kCityHealth:     {"city health department", pursuit.PlaceTypeMunicipality, 500, kMunicipality, nil, 1},
	kTownship:       {"township government", pursuit.PlaceTypeTownship, 16_214, -1, nil, 0},
	kTownshipPolice: {"township police department", pursuit.PlaceTypeTownship, 1_788, kTownship, setOf(townshipPoliceStates...), 1},
	kTownshipFire:   {"township fire department", pursuit.PlaceTypeTownship, 2_500, kTownship, setOf(townshipFireStates...), 1},
	kSchool:         {"school district", pursuit.PlaceTypeSchoolDistrict, 12_546, -1, nil, 0},
	kStateAgency:    {"state agency", pursuit.PlaceTypeStateAgency, 5_600, -1, nil, 0},
	kCollege:        {"public college", pursuit.PlaceTypePublicCollege, 1_650, -1, nil, 0},
	kLibrarySystem:  {"public library system", pursuit.PlaceTypeLibrary, 9_200, -1, nil, 0},
	kLibraryBranch:  {"library branch", pursuit.PlaceTypeLibrary, 7_800, kLibrarySystem, nil, 0},
	kTribal:         {"tribal government", pursuit.PlaceTypeTribal, 574, -1, nil, 0},
	kSpecial:        {"special district", pursuit.PlaceTypeSpecialDistrict, 39_555, -1, nil, 0},
}

var (
	// countyFireStates run fire services county-wide in much of the state.
	countyFireStates = []string{"CA", "FL", "MD", "VA", "NC", "SC", "GA", "NV", "HI", "AL", "TN", "KY"}
	// townshipPoliceStates have township (or New England and New York
	// town) police departments.
	townshipPoliceStates = []string{"PA", "NJ", "MI", "OH", "NY", "CT", "MA", "RI", "VT", "NH", "ME"}
	// townshipFireStates have township or town fire departments.
	townshipFireStates = []string{"OH", "MI", "PA", "NJ", "IN", "WI", "MN", "CT", "MA", "RI", "VT", "NH", "ME"}
)

func setOf(abbrs ...string) map[string]bool {
	m := make(map[string]bool, len(abbrs))
	for _, a := range abbrs {
		m[a] = true
	}
	return m
}

// allBut returns a set that holds every state but the given ones.
func allBut(abbrs ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range stateAbbrs {
		m[s] = true
	}
	for _, a := range abbrs {
		delete(m, a)
	}
	return m
}

var stateAbbrs = []string{
	"AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY",
	"LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH",
	"OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
}

// townshipWeights are the approximate numbers of township (town) governments
// of the 20 states that have them, from the Census of Governments.
var townshipWeights = map[string]float64{
	"PA": 1546, "OH": 1308, "MI": 1240, "IL": 1426, "MN": 1779, "IN": 1002,
	"KS": 1268, "ND": 1310, "SD": 904, "WI": 1251, "MO": 284, "NE": 417,
	"NY": 929, "NJ": 242, "ME": 466, "MA": 298, "NH": 221, "VT": 237,
	"CT": 149, "RI": 31,
}

// tribalWeights are the approximate numbers of federally recognized tribes
// by state (Alaska's native villages are almost half).
var tribalWeights = map[string]float64{
	"AK": 229, "CA": 109, "OK": 38, "WA": 29, "AZ": 22, "NM": 23, "NV": 20,
	"MN": 11, "WI": 11, "MI": 12, "SD": 9, "NY": 8, "MT": 8, "ND": 5,
	"OR": 9, "ID": 5, "NE": 6, "UT": 8, "WY": 2, "KS": 4, "CO": 2, "NC": 1,
	"SC": 1, "FL": 2, "LA": 4, "MS": 1, "AL": 1, "TX": 3, "IA": 1, "ME": 5,
	"MA": 2, "CT": 2, "RI": 1, "VA": 7,
}

// countySchoolStates run their schools mostly as county-wide systems
// ("Jefferson County Schools").
var countySchoolStates = map[string]bool{
	"AL": true, "FL": true, "GA": true, "KY": true, "LA": true, "MD": true,
	"NC": true, "SC": true, "TN": true, "VA": true, "WV": true, "NV": true,
	"UT": true,
}

// countyLibraryStates serve most people through county or regional
// library systems whose branches carry the names of the county's towns.
var countyLibraryStates = setOf("MD", "VA", "NC", "SC", "GA", "FL", "TN", "KY", "AL", "MS", "LA", "WV", "AR", "NV", "WY", "UT")

// kindCounts splits n places over the kinds in seed proportions by largest
// remainder, so that they add up to n exactly.
func kindCounts(n int) [numKinds]int {
	w := make([]float64, numKinds)
	for k := range kinds {
		w[k] = float64(kinds[k].seed)
	}
	var out [numKinds]int
	copy(out[:], allocate(n, w))
	return out
}

// plan is how many places of each kind each state gets (by g.States
// index).
type plan [numKinds][]int

// makePlan splits n places over kinds and states. A kind that cannot place
// all of its share (more counties than the real ones, more departments
// than parents, more agencies than the catalog has for a state) passes the
// rest to the special districts, so the plan always adds up to n.
func makePlan(n int, g *geo) plan {
	counts := kindCounts(n)
	var p plan
	overflow := 0
	for k := range kinds {
		spec := &kinds[k]
		if k == kSpecial {
			p[k] = allocate(counts[k]+overflow, stateWeights(g, k))
			continue
		}
		var w []float64
		capacity := math.MaxInt
		if spec.parent >= 0 {
			// A dependent kind goes where its parents are, in proportion.
			w = make([]float64, len(g.States))
			total := 0
			for si, s := range g.States {
				if spec.states == nil || spec.states[s.Abbr] {
					w[si] = float64(p[spec.parent][si])
					total += p[spec.parent][si]
					if k == kLibraryBranch && w[si] > 0 {
						w[si] = float64(s.Population) // branches are where people are
					}
				}
			}
			if spec.perParent > 0 {
				capacity = total * spec.perParent
			} else if total > 0 {
				capacity = math.MaxInt
			} else {
				capacity = 0
			}
		} else {
			w = stateWeights(g, k)
			if k == kCounty {
				capacity = len(g.countyGovs())
			}
		}
		if counts[k] > capacity {
			overflow += counts[k] - capacity
			counts[k] = capacity
		}
		p[k] = allocate(counts[k], w)
		if k == kStateAgency {
			for si, s := range g.States {
				if c := len(agenciesOf(s)); p[k][si] > c {
					overflow += p[k][si] - c
					p[k][si] = c
				}
			}
		}
	}
	return p
}

// countyGovs returns every county with a county government.
func (g *geo) countyGovs() []*county {
	var out []*county
	for _, s := range g.States {
		out = append(out, s.CountyGovs...)
	}
	return out
}

// stateWeights returns each state's share of an independent kind.
func stateWeights(g *geo, k int) []float64 {
	w := make([]float64, len(g.States))
	var maxPop float64
	for _, s := range g.States {
		maxPop = math.Max(maxPop, float64(s.Population))
	}
	for i, s := range g.States {
		cities, counties := float64(len(s.Cities)), float64(len(s.Counties))
		switch k {
		case kCounty:
			w[i] = float64(len(s.CountyGovs))
		case kMunicipality:
			w[i] = cities + 1
			if s.Abbr == "DC" {
				w[i] = 1
			}
		case kTownship:
			w[i] = townshipWeights[s.Abbr]
		case kSchool:
			w[i] = cities + 2*counties
			if s.Abbr == "HI" || s.Abbr == "DC" {
				w[i] = 1.5
			}
		case kSpecial:
			w[i] = cities + 2*counties
		case kLibrarySystem:
			// County-library states have few systems with many branches.
			w[i] = cities + counties/2
			if countyLibraryStates[s.Abbr] {
				w[i] = 1.2 * float64(len(s.CountyGovs))
			}
		case kStateAgency:
			// Tens of agencies in a small state, low hundreds in a big one.
			w[i] = 55 + 80*math.Sqrt(float64(s.Population)/maxPop)
		case kCollege:
			w[i] = math.Sqrt(float64(s.Population))
			if s.Abbr == "DC" {
				w[i] /= 8 // one public university
			}
		case kTribal:
			w[i] = tribalWeights[s.Abbr]
		}
	}
	return w
}

// allocate splits n into integer parts proportional to w by the largest
// remainder method: the parts add up to n exactly when some weight is
// positive, no part with a zero weight gets anything, no part exceeds its
// exact share rounded up, and the result is deterministic (ties go to the
// lower index).
func allocate(n int, w []float64) []int {
	out := make([]int, len(w))
	var sum float64
	for _, x := range w {
		sum += x
	}
	if n <= 0 || sum <= 0 {
		return out
	}
	type rem struct {
		i int
		f float64
	}
	rems := make([]rem, 0, len(w))
	left := n
	for i, x := range w {
		exact := float64(n) * x / sum
		out[i] = int(exact)
		left -= out[i]
		rems = append(rems, rem{i, exact - float64(out[i])})
	}
	slices.SortStableFunc(rems, func(a, b rem) int { return cmp.Compare(b.f, a.f) })
	for k := 0; left > 0; k = (k + 1) % len(rems) {
		if w[rems[k].i] > 0 {
			out[rems[k].i]++
			left--
		}
	}
	return out
}

// stride picks k of n items spread evenly over the list (which is sorted by
// size), so that a scaled-down dataset keeps big and small places alike.
func stride(n, k int) []int {
	if k > n {
		k = n
	}
	out := make([]int, k)
	for i := range out {
		out[i] = int(float64(i) * float64(n) / float64(k))
	}
	return out
}
