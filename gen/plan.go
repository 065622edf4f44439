package gen

import (
	"math"
	"sort"

	"github.com/pursuit-gov/pursuit"
)

// seedPlaces is the place count DefaultConfig targets, and seedTypeCounts
// how it splits over the place types: the five Census of Governments 2022
// counts exactly, then state agencies (departments, boards, commissions and
// their district offices), public library outlets, public college campuses
// and the 574 federally recognized tribes. Other sizes scale these.
const seedPlaces = 150_000

var seedTypeCounts = []struct {
	typ   string
	count int
}{
	{pursuit.PlaceTypeCounty, 3_143},
	{pursuit.PlaceTypeMunicipality, 19_495},
	{pursuit.PlaceTypeTownship, 16_504},
	{pursuit.PlaceTypeSchoolDistrict, 13_051},
	{pursuit.PlaceTypeSpecialDistrict, 38_542},
	{pursuit.PlaceTypeStateAgency, 38_000},
	{pursuit.PlaceTypePublicCollege, 3_191},
	{pursuit.PlaceTypeLibrary, 17_500},
	{pursuit.PlaceTypeTribal, 574},
}

// townshipWeights are the approximate numbers of township (town) governments
// of the 20 states that have them, from the Census of Governments 2022.
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

// typeCounts splits n places over the place types in seed proportions. The
// 3,143 real counties cap the county count; the excess goes to special
// districts.
func typeCounts(n, maxCounties int) map[string]int {
	w := make([]float64, len(seedTypeCounts))
	for i, t := range seedTypeCounts {
		w[i] = float64(t.count)
	}
	got := allocate(n, w)
	out := map[string]int{}
	for i, t := range seedTypeCounts {
		out[t.typ] = got[i]
	}
	if extra := out[pursuit.PlaceTypeCounty] - maxCounties; extra > 0 {
		out[pursuit.PlaceTypeCounty] = maxCounties
		out[pursuit.PlaceTypeSpecialDistrict] += extra
	}
	return out
}

// stateWeights returns each state's share of a place type.
func stateWeights(g *geo, typ string) []float64 {
	w := make([]float64, len(g.States))
	for i, s := range g.States {
		cities, counties := float64(len(s.Cities)), float64(len(s.Counties))
		switch typ {
		case pursuit.PlaceTypeCounty:
			w[i] = counties
		case pursuit.PlaceTypeMunicipality:
			w[i] = cities + 1
			if s.Abbr == "DC" {
				w[i] = 1
			}
		case pursuit.PlaceTypeTownship:
			w[i] = townshipWeights[s.Abbr]
		case pursuit.PlaceTypeSchoolDistrict:
			w[i] = cities + 2*counties
			if s.Abbr == "HI" || s.Abbr == "DC" {
				w[i] = 1.5
			}
		case pursuit.PlaceTypeSpecialDistrict, pursuit.PlaceTypeLibrary:
			w[i] = cities + 2*counties
		case pursuit.PlaceTypeStateAgency:
			w[i] = 1
		case pursuit.PlaceTypePublicCollege:
			w[i] = math.Sqrt(float64(s.Population))
		case pursuit.PlaceTypeTribal:
			w[i] = tribalWeights[s.Abbr]
		}
	}
	return w
}

// allocate splits n into integer parts proportional to w by the largest
// remainder method: the parts add up to n exactly and the result is
// deterministic (ties go to the lower index).
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
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].f > rems[b].f })
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
