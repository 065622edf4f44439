package gen

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// buildStateAgencies makes the state's agencies: as many catalog entries
// as the plan gives it, drawn by how common each is (every state has a
// department of transportation; fewer have a racing commission), listed
// in catalog order and seated in the capital's county.
func (gn *generator) buildStateAgencies(sb *stateBuild) {
	s, n := sb.s, sb.n(kStateAgency)
	if n == 0 {
		return
	}
	all := agenciesOf(s)
	// Weighted sampling without replacement (Efraimidis-Spirakis): the n
	// largest keys u^(1/w).
	type keyed struct {
		i   int
		key float64
	}
	keys := make([]keyed, len(all))
	for i, a := range all {
		keys[i] = keyed{i, math.Log(1-gn.r.Float64()) / a.W}
	}
	sort.SliceStable(keys, func(a, b int) bool { return keys[a].key > keys[b].key })
	chosen := make([]int, 0, n)
	for _, k := range keys[:n] {
		chosen = append(chosen, k.i)
	}
	sort.Ints(chosen)
	sd, capital := stateDomain(s), capitalCounty(s)
	for _, i := range chosen {
		a := all[i]
		name := fmt.Sprintf(a.Name, s.Name)
		if alt := agencyNames[a.Sub][s.Abbr]; alt != "" {
			name = alt
		}
		if gn.taken(name) {
			sb.overflow++
			continue
		}
		p := pursuit.Place{Name: name, County: capital.Name}
		w := a.Size * (0.5 + math.Sqrt(float64(s.Population))/3000)
		set := roles.byType[pursuit.PlaceTypeStateAgency]
		if a.Set != "" {
			set = roles.sets[a.Set]
		}
		gn.add(p, placeInfo{typ: pursuit.PlaceTypeStateAgency, set: set, prog: a.Prog, weight: w, state: s},
			a.Sub+"."+sd, a.Sub+".state."+lower(s)+".us")
	}
}

// universities names a state's flagship and second university where
// "University of X" and "X State University" would be wrong.
var universities = map[string][2]string{
	"OH": {"Ohio State University", "Ohio University"},
	"PA": {"Pennsylvania State University", "Temple University"},
	"IN": {"Indiana University", "Purdue University"},
	"NY": {"University at Buffalo", "Stony Brook University"},
	"NJ": {"Rutgers University", "Montclair State University"},
	"DC": {"University of the District of Columbia", "University of the District of Columbia Community College"},
	"VA": {"University of Virginia", "Virginia Tech"},
	"NC": {"University of North Carolina at Chapel Hill", "North Carolina State University"},
	"SC": {"University of South Carolina", "Clemson University"},
	"MA": {"University of Massachusetts Amherst", "University of Massachusetts Boston"},
	"CT": {"University of Connecticut", "Southern Connecticut State University"},
	"RI": {"University of Rhode Island", "Rhode Island College"},
	"MD": {"University of Maryland", "Morgan State University"},
	"AL": {"University of Alabama", "Auburn University"},
	"LA": {"Louisiana State University", "University of Louisiana at Lafayette"},
	"KY": {"University of Kentucky", "University of Louisville"},
	"WV": {"West Virginia University", "Marshall University"},
	"NH": {"University of New Hampshire", "Plymouth State University"},
	"ME": {"University of Maine", "University of Southern Maine"},
	"HI": {"University of Hawaii at Manoa", "University of Hawaii at Hilo"},
	"AK": {"University of Alaska Fairbanks", "University of Alaska Anchorage"},
	"NV": {"University of Nevada, Reno", "University of Nevada, Las Vegas"},
	"WY": {"University of Wyoming", "Casper College"},
	"NE": {"University of Nebraska–Lincoln", "University of Nebraska Omaha"},
	"WI": {"University of Wisconsin–Madison", "University of Wisconsin–Milwaukee"},
	"MN": {"University of Minnesota", "Minnesota State University, Mankato"},
	"TX": {"University of Texas at Austin", "Texas A&M University"},
	"CA": {"University of California, Berkeley", "California State University, Sacramento"},
	"MI": {"University of Michigan", "Michigan State University"},
	"TN": {"University of Tennessee", "Tennessee State University"},
}

// campusSystems name the university whose campuses carry a town's name
// ("University of Tennessee at Martin") where it is not "University of X".
var campusSystems = map[string]string{
	"OH": "Ohio State University", "PA": "Pennsylvania State University", "IN": "Indiana University",
	"NY": "State University of New York", "NJ": "Rutgers University", "CA": "California State University",
	"LA": "Louisiana State University", "WV": "West Virginia University", "DC": "",
}

var regions = []string{"Northern", "Southern", "Eastern", "Western", "Central", "Northwest", "Southeast", "Southwest", "Northeast"}

// buildColleges makes the state's public colleges: its flagship and second
// universities, regional universities and campuses, and community and
// technical colleges named after its towns and counties. A name that is
// taken is drawn again.
func (gn *generator) buildColleges(sb *stateBuild) {
	s := sb.s
	for i := 0; i < sb.n(kCollege); i++ {
		for tries := 0; ; tries++ {
			name, cands, pop, c := gn.college(s, i, tries)
			if name == "" || gn.taken(name) {
				continue
			}
			w := 8 + 6*math.Pow(float64(pop)/100000, 0.5)
			if i < 2 && tries == 0 {
				w = 120 + math.Sqrt(float64(s.Population))/40
			}
			gn.add(pursuit.Place{Name: name, County: c.Name}, placeInfo{typ: pursuit.PlaceTypePublicCollege, weight: w, state: s}, cands...)
			break
		}
	}
}

// college draws the i-th college of a state: its name, domain candidates,
// the population of its town and its county.
func (gn *generator) college(s *state, i, tries int) (string, []string, int64, *county) {
	st, ss := lower(s), slug(s.Name)
	flagship, second := "University of "+s.Name, s.Name+" State University"
	if u, ok := universities[s.Abbr]; ok {
		flagship, second = u[0], u[1]
	}
	// Colleges are in towns of some size; campuses in bigger ones.
	loc, pop, c := gn.town(s, 5000)
	if tries > 30 {
		loc = gn.synthName() // a state runs out of town names
	}
	town, sl := stem(loc), slug(stem(loc))
	isCounty := c != nil && loc == c.Name && tries <= 30
	switch {
	case i == 0 && tries == 0:
		return flagship, []string{"u" + st + ".edu", acronym(flagship) + ".edu", slug(flagship) + ".edu"}, 0, capitalCounty(s)
	case i == 1 && tries == 0:
		return second, []string{acronym(second) + ".edu", slug(second) + ".edu", st + "su.edu"}, 0, capitalCounty(s)
	case i < 2+len(regions) && gn.r.IntN(3) == 0:
		name := regions[gn.r.IntN(len(regions))] + " " + s.Name + " University"
		return name, []string{acronym(name) + ".edu", slug(name) + ".edu", acronym(name) + st + ".edu"}, pop, c
	}
	switch x := gn.r.IntN(20); {
	case x < 7:
		name := town + " Community College"
		if s.Abbr == "CA" && x < 2 {
			name = town + " City College"
		}
		return name, []string{sl + "cc.edu", sl + "college.edu", acronym(name) + st + ".edu"}, pop, c
	case x < 9 && strings.HasSuffix(loc, " County"):
		return loc + " Community College", []string{sl + "ccc.edu", sl + "county.edu", sl + "cc.edu"}, pop, c
	case x < 9:
		name := town + " Area Community College"
		return name, []string{sl + "acc.edu", sl + "cc.edu", acronym(name) + ".edu"}, pop, c
	case x < 11:
		name := town + " Technical College"
		if s.Abbr == "NC" || s.Abbr == "SC" {
			name = town + " Technical Community College"
		}
		return name, []string{sl + "tech.edu", sl + "tc.edu", sl + "technical.edu"}, pop, c
	case x < 13 && !isCounty && pop >= 20_000:
		return town + " State College", []string{sl + "state.edu", sl + "sc.edu"}, pop, c
	case x < 14 && (s.Abbr == "TX" || s.Abbr == "MS"):
		return town + " Junior College", []string{sl + "jc.edu", sl + "juniorcollege.edu"}, pop, c
	case x < 15:
		r := regions[gn.r.IntN(len(regions))]
		name := r + " " + s.Name + " Community College"
		return name, []string{acronym(name) + ".edu", slug(r) + ss + "cc.edu"}, pop, c
	case x < 17 && !isCounty && pop >= 30_000:
		return town + " State University", []string{sl + "state.edu", sl + "su.edu"}, pop, c
	case x < 17:
		name := loc + " Community College"
		return name, []string{sl + "ccc.edu", sl + "cc.edu", acronym(name) + ".edu"}, pop, c
	}
	system, ok := campusSystems[s.Abbr]
	if !ok {
		system = "University of " + s.Name
	}
	if system == "" {
		name := town + " Community College"
		return name, []string{sl + "cc.edu", sl + "college.edu"}, pop, c
	}
	// A campus, as "University of Tennessee at Martin", in a town of 15,000
	// people or more.
	if (pop < 15_000 || isCounty) && tries < 30 {
		return "", nil, 0, nil // draw again
	}
	return system + " at " + town, []string{sl + "." + acronym(system) + ".edu", acronym(system) + sl + ".edu"}, pop, c
}
