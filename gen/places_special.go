package gen

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// locality picks a place name in the state to name a district after, with
// its population and county: one of its cities, a county with a county
// government, or a synthetic small place.
func (gn *generator) locality(s *state) (string, int64, *county) {
	if len(s.Cities) > 0 && gn.r.IntN(4) != 0 {
		c := s.Cities[gn.r.IntN(len(s.Cities))]
		return c.Name, c.Population, c.County
	}
	if len(s.CountyGovs) > 0 && gn.r.IntN(2) == 0 {
		c := s.CountyGovs[gn.r.IntN(len(s.CountyGovs))]
		return c.Name, c.Population, c
	}
	return gn.synthName(), gn.logUniform(200, 3000), s.Counties[gn.r.IntN(len(s.Counties))]
}

// town picks a city of the state with at least minPop people, one of its
// counties (one time in five) or, in a state without such cities, any
// locality.
func (gn *generator) town(s *state, minPop int64) (string, int64, *county) {
	n := sort.Search(len(s.Cities), func(i int) bool { return s.Cities[i].Population < minPop })
	if len(s.CountyGovs) > 0 && (n == 0 || gn.r.IntN(5) == 0) {
		c := s.CountyGovs[gn.r.IntN(len(s.CountyGovs))]
		return c.Name, c.Population, c
	}
	if n == 0 {
		return gn.locality(s)
	}
	c := s.Cities[gn.r.IntN(n)]
	return c.Name, c.Population, c.County
}

// qualifiers set a district apart from another of its kind and town
// ("North Springfield Fire Protection District").
var qualifiers = []string{"North", "South", "East", "West", "Upper", "Lower", "Central", "Northeast", "Southwest"}

// buildSpecialDistricts makes the state's special districts, the plan's
// count plus what other builders of the state could not place. Each is of
// a kind weighted by the Census's function shares and named after a
// locality; a name that is taken is drawn again, then set apart with a
// qualifier ("Upper …", "East …"), then by joining two places' names.
func (gn *generator) buildSpecialDistricts(sb *stateBuild) {
	s, st := sb.s, lower(sb.s)
	shares := make([]int, len(specialKinds))
	for i, k := range specialKinds {
		shares[i] = int(k.Share * 10)
	}
	for range sb.n(kSpecial) + sb.overflow {
		ki := gn.pickWeighted(shares)
		k := specialKinds[ki]
		var name, loc string
		var pop int64
		var c *county
		for tries := 0; ; tries++ {
			loc, pop, c = gn.locality(s)
			switch {
			case tries >= 40:
				loc = stem(loc) + "-" + gn.synthName()
			case tries >= 20:
				loc = qualifiers[gn.r.IntN(len(qualifiers))] + " " + stem(loc)
			}
			format := k.Formats[gn.r.IntN(len(k.Formats))]
			for i := 0; isCountyName(loc) && !countyFormat(format); i++ {
				// "Cook County Housing Authority", not "Housing Authority
				// of the City of Cook County".
				format = k.Formats[i]
			}
			name = fmt.Sprintf(format, loc)
			if !gn.taken(name) {
				break
			}
		}
		served := gn.logUniform(150, float64(max(pop, 2000)))
		sl := slug(loc)
		cands := make([]string, 0, 3*len(k.Domain))
		for _, d := range k.Domain {
			cands = append(cands, sl+d+".org")
		}
		for _, d := range k.Domain {
			cands = append(cands, sl+d+st+".gov", sl+d+".com")
		}
		p := pursuit.Place{Name: name, County: c.Name, Population: served}
		w := 0.2 + 0.2*math.Pow(float64(served)/1000, 0.5)
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeSpecialDistrict, set: roles.bySpecial[k.Key], weight: w, state: s},
			gn.rotate(cands, make1s(len(cands))...)...)
	}
}

// buildTribes makes the state's tribal governments, named the ways the
// federally recognized tribes are: after a people of the region and the
// place of their reservation or rancheria ("Big Valley Band of Pomo
// Indians", "Burns Paiute Tribe", "Confederated Tribes of the Umatilla
// Reservation"), Alaska's native villages after the village, New Mexico's
// pueblos by their names.
func (gn *generator) buildTribes(sb *stateBuild) {
	s := sb.s
	peoples := tribalPeoples[s.Abbr]
	if len(peoples) == 0 {
		peoples = []string{"Indian"}
	}
	for range sb.n(kTribal) {
		var name, loc string
		var c *county
		for tries := 0; ; tries++ {
			loc, c = gn.tribalLocality(s)
			people := peoples[gn.r.IntN(len(peoples))]
			switch x := gn.r.IntN(10); {
			case s.Abbr == "AK":
				name = []string{"Native Village of %s", "Native Village of %s", "%s Traditional Council", "%s Tribal Council", "%s IRA Council"}[gn.r.IntN(5)]
				name = strings.Replace(name, "%s", loc, 1)
			case s.Abbr == "NM" && tries < len(pueblos) && x < 8:
				name = "Pueblo of " + pueblos[gn.r.IntN(len(pueblos))]
			case s.Abbr == "CA" && x < 4:
				name = loc + " Rancheria"
			case x < 2 && tries < 3:
				name = people + " Nation"
			case x < 4:
				name = loc + " Band of " + people + " Indians"
			case x < 7:
				name = loc + " " + people + " Tribe"
			case x < 8:
				name = "Confederated Tribes of the " + loc + " Reservation"
			default:
				name = people + " Tribe of the " + loc + " Reservation"
			}
			if tries >= 20 {
				name += " of " + stem(c.Name)
			}
			if !gn.taken(name) {
				break
			}
		}
		sl := slug(loc)
		p := pursuit.Place{Name: name, County: c.Name, Population: gn.logUniform(60, 25000)}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeTribal, weight: 2 + float64(p.Population)/4000, state: s},
			gn.rotate([]string{sl + "-nsn.gov", sl + "tribe.org", sl + "-nation.org", sl + "tribe.gov"}, 4, 3, 2, 1)...)
	}
}

// tribalPeoples are peoples with federally recognized tribes in a state.
var tribalPeoples = map[string][]string{
	"AK": {"Athabascan", "Yupik", "Inupiat", "Tlingit", "Aleut"},
	"AZ": {"Apache", "Hopi", "Pima-Maricopa", "Tohono O'odham", "Yavapai", "Hualapai", "Havasupai", "Paiute"},
	"CA": {"Pomo", "Miwok", "Maidu", "Paiute", "Yokut", "Chumash", "Cahuilla", "Luiseno", "Kumeyaay", "Wintun", "Washoe", "Mission"},
	"CO": {"Ute"}, "CT": {"Pequot", "Mohegan"}, "FL": {"Seminole", "Miccosukee"}, "IA": {"Meskwaki"},
	"ID": {"Shoshone-Bannock", "Nez Perce", "Coeur d'Alene", "Kootenai"}, "KS": {"Potawatomi", "Kickapoo", "Sac and Fox", "Iowa"},
	"LA": {"Chitimacha", "Coushatta", "Tunica-Biloxi", "Choctaw"}, "MA": {"Wampanoag"}, "ME": {"Penobscot", "Passamaquoddy", "Maliseet", "Micmac"},
	"MI": {"Ojibwe", "Potawatomi", "Ottawa", "Chippewa"}, "MN": {"Ojibwe", "Chippewa", "Dakota"}, "MS": {"Choctaw"},
	"MT": {"Blackfeet", "Crow", "Assiniboine", "Salish and Kootenai", "Chippewa Cree", "Cheyenne"}, "NC": {"Cherokee"},
	"ND": {"Mandan, Hidatsa and Arikara", "Chippewa", "Sioux"}, "NE": {"Omaha", "Ponca", "Winnebago", "Santee Sioux"},
	"NM": {"Apache", "Navajo"}, "NV": {"Paiute", "Shoshone", "Washoe"}, "NY": {"Seneca", "Oneida", "Onondaga", "Mohawk", "Cayuga", "Tuscarora", "Shinnecock"},
	"OK": {"Cherokee", "Choctaw", "Chickasaw", "Muscogee", "Seminole", "Kiowa", "Comanche", "Osage", "Ponca", "Delaware", "Shawnee", "Caddo",
		"Wichita", "Cheyenne and Arapaho", "Pawnee", "Otoe-Missouria", "Quapaw", "Wyandotte", "Modoc", "Peoria", "Miami", "Kaw", "Tonkawa", "Kickapoo"},
	"OR": {"Klamath", "Siletz", "Umatilla", "Coquille", "Paiute", "Warm Springs"}, "RI": {"Narragansett"}, "SC": {"Catawba"},
	"SD": {"Sioux", "Lakota", "Dakota"}, "TX": {"Alabama-Coushatta", "Kickapoo", "Tigua"}, "UT": {"Ute", "Paiute", "Goshute", "Shoshone"},
	"VA": {"Pamunkey", "Chickahominy", "Monacan", "Rappahannock", "Nansemond"},
	"WA": {"Salish", "Nisqually", "Puyallup", "Squaxin Island", "Skokomish", "Suquamish", "Tulalip", "Lummi", "Makah", "Quinault", "Yakama", "Colville", "Spokane", "Chehalis"},
	"WI": {"Ojibwe", "Chippewa", "Potawatomi", "Menominee", "Oneida", "Ho-Chunk", "Stockbridge-Munsee"}, "WY": {"Shoshone", "Arapaho"},
	"AL": {"Creek"},
}

// pueblos are New Mexico's 19 pueblos.
var pueblos = []string{"Acoma", "Cochiti", "Isleta", "Jemez", "Laguna", "Nambe", "Ohkay Owingeh", "Picuris", "Pojoaque",
	"San Felipe", "San Ildefonso", "Sandia", "Santa Ana", "Santa Clara", "Santo Domingo", "Taos", "Tesuque", "Zia", "Zuni"}

// tribalLocality picks what a tribe is named after: a small town of the
// state (tribes are rural) or a synthetic place, never a military base.
func (gn *generator) tribalLocality(s *state) (string, *county) {
	for range 20 {
		if len(s.Cities) == 0 || gn.r.IntN(3) == 0 {
			break
		}
		c := s.Cities[gn.r.IntN(len(s.Cities))]
		if c.Population < 15_000 && !strings.Contains(c.Name, "Base") && !strings.Contains(c.Name, "Air Force") {
			return c.Name, c.County
		}
	}
	// A landscape name ("Pine Ridge", "Red Lake"), not a surname town.
	return synthPrefixes[gn.r.IntN(len(synthPrefixes))] + synthSuffixes[gn.r.IntN(len(synthSuffixes))], s.Counties[gn.r.IntN(len(s.Counties))]
}

// countyFormat reports whether a district's name format suits a county.
func countyFormat(format string) bool {
	return !strings.Contains(format, "City of") && !strings.HasPrefix(format, "Greater ")
}

// isCountyName reports whether a locality is a county's name ("Cook
// County", "Orleans Parish").
func isCountyName(loc string) bool {
	return strings.HasSuffix(loc, " County") || strings.HasSuffix(loc, " Parish") || strings.HasSuffix(loc, " Borough")
}
