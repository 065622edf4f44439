package gen

import (
	"regexp"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// cRole is a compiled role: its canonical title, the other spellings of it
// and its department's index in catalog.depts.
type cRole struct {
	canon    string
	variants []string
	dept     int
}

// cSet is a compiled roleSet with cumulative staff weights.
type cSet struct {
	leaders  []cRole
	staff    []cRole
	staffCum []int
}

// catalog is the compiled title catalog.
type catalog struct {
	byType    map[string]*cSet
	bySpecial map[string]*cSet   // special district kind -> set
	sets      map[string]*cSet   // unitSets, by name
	variants  map[string][]*cSet // place type -> set without deptGroups, by bit mask
	depts     [][]string         // canonical name first, then variants
	program   map[int]bool       // depts that state agencies replace by their own
}

// deptGroups are the departments that leave a place type's own titles
// when they are places of their own (a city with a police department
// row has no police staff of its own), in the order of variant's flags.
var deptGroups = map[string][][]string{
	pursuit.PlaceTypeMunicipality: {{"Police Department"}, {"Fire Department"}},
	pursuit.PlaceTypeCounty:       {{"Sheriff's Office", "Jail"}, {"Public Health"}, {"Emergency Communications"}},
	pursuit.PlaceTypeTownship:     {{"Police Department"}, {"Fire Department"}},
}

// variant returns the title set of a place type without the department
// groups whose flag is true (see deptGroups).
func (c *catalog) variant(typ string, without ...bool) *cSet {
	mask := 0
	for i, w := range without {
		if w {
			mask |= 1 << i
		}
	}
	return c.variants[typ][mask]
}

// roles is compiled once from the tables of catalog_roles.go.
var roles = compileRoles()

func compileRoles() *catalog {
	c := &catalog{byType: map[string]*cSet{}, bySpecial: map[string]*cSet{}, sets: map[string]*cSet{}, variants: map[string][]*cSet{}}
	deptIdx := map[string]int{}
	dept := func(name string) int {
		if i, ok := deptIdx[name]; ok {
			return i
		}
		deptIdx[name] = len(c.depts)
		c.depts = append(c.depts, append([]string{name}, deptVariants[name]...))
		return deptIdx[name]
	}
	compile := func(rs []role, leader bool) []cRole {
		out := make([]cRole, len(rs))
		for i, r := range rs {
			out[i] = cRole{canon: r.Title, variants: titleVariantsOf(r.Title, leader), dept: dept(r.Dept)}
		}
		return out
	}
	set := func(rs roleSet) *cSet {
		s := &cSet{leaders: compile(rs.Leaders, true), staff: compile(rs.Staff, false)}
		sum := 0
		for _, r := range rs.Staff {
			sum += max(r.W, 1)
			s.staffCum = append(s.staffCum, sum)
		}
		return s
	}
	for _, t := range pursuit.PlaceTypes {
		c.byType[t] = set(roleSets[t])
	}
	for name, rs := range unitSets {
		c.sets[name] = set(rs)
	}
	for typ, groups := range deptGroups {
		for mask := 0; mask < 1<<len(groups); mask++ {
			drop := map[string]bool{}
			for i, g := range groups {
				if mask&(1<<i) != 0 {
					for _, d := range g {
						drop[d] = true
					}
				}
			}
			keep := func(rs []role) []role {
				var out []role
				for _, r := range rs {
					if !drop[r.Dept] {
						out = append(out, r)
					}
				}
				return out
			}
			base := roleSets[typ]
			c.variants[typ] = append(c.variants[typ], set(roleSet{Leaders: keep(base.Leaders), Staff: keep(base.Staff)}))
		}
	}
	c.program = map[int]bool{dept("Programs"): true, dept("Field Operations"): true, dept("Investigations"): true, dept("Policy"): true}
	base := roleSets[pursuit.PlaceTypeSpecialDistrict]
	for _, k := range specialKinds {
		rs := roleSet{Staff: base.Staff}
		seen := map[string]bool{}
		for _, r := range append(append([]role{}, specialLeaders[k.Key]...), base.Leaders...) {
			if !seen[r.Title] {
				seen[r.Title] = true
				rs.Leaders = append(rs.Leaders, r)
			}
		}
		c.bySpecial[k.Key] = set(rs)
	}
	return c
}

// abbreviations are the shortenings people apply to titles.
var abbreviations = [][2]string{
	{"Director of ", "Dir. of "}, {"Assistant ", "Asst. "}, {"Manager", "Mgr."}, {"Senior ", "Sr. "},
	{"Coordinator", "Coord."}, {"Department", "Dept."}, {"Information Technology", "IT"},
	{"Administrator", "Admin."}, {"Human Resources", "HR"}, {"Deputy ", "Dep. "}, {" and ", " & "},
	{"Superintendent", "Supt."}, {"Specialist", "Spec."}, {"Technician", "Tech."},
}

// senior matches titles that take no grade ("Fire Chief II").
var senior = regexp.MustCompile(`Chief|Director|Dean|Principal|Professor|Teacher|Superintendent|Manager|Officer|Chair|Senior`)

// adjective matches the words before "Director" that do not name a field
// ("Regional Director" is no "Director of Regional").
var adjective = regexp.MustCompile(`(al|ic|ive)$|^(Assistant|Deputy)$`)

// titleVariantsOf lists the spellings of a title besides the canonical one:
// the explicit ones of titleVariants, abbreviations, reordered forms
// ("Director of Finance" / "Finance Director" / "Director, Finance"), and
// for leaders interim and acting holders, for staff grades.
func titleVariantsOf(t string, leader bool) []string {
	seen := map[string]bool{t: true}
	var out []string
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, v := range titleVariants[t] {
		add(v)
	}
	for _, a := range abbreviations {
		if strings.Contains(t, a[0]) {
			add(strings.Replace(t, a[0], a[1], 1))
		}
	}
	if x, ok := strings.CutPrefix(t, "Director of "); ok {
		add(x + " Director")
		add("Director, " + x)
	}
	if x, ok := strings.CutSuffix(t, " Director"); ok && !strings.Contains(x, " of ") && !adjective.MatchString(x) {
		add("Director of " + x)
		add("Dir. of " + x)
	}
	if x, ok := strings.CutSuffix(t, " Manager"); ok {
		add("Manager, " + x)
	}
	if leader {
		add("Interim " + t)
		add("Acting " + t)
	} else if !strings.ContainsAny(t, "/") && !senior.MatchString(t) {
		add(t + " II")
		add("Senior " + t)
		add(t + " I")
	}
	return out
}
