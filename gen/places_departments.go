package gen

import (
	"math"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// A department is a place of its own for the departments that buy on their
// own: sheriff's offices, police and fire departments, health departments
// and emergency communications (9-1-1) centers. Each is named after its
// parent county, municipality or township, which the plan guarantees the
// state has, carries the parent's place type, and has titles and systems
// of its own kind.

// deptSet, deptTech and deptWeight give a dependent kind its title set,
// tech catalog code and contact weight (at a population).
var deptSet = map[int]string{
	kSheriff: "sheriff", kCountyHealth: "health", kCountyFire: "fire", kEmergencyComms: "ecc",
	kPolice: "police", kCityFire: "fire", kCityHealth: "health", kTownshipPolice: "police", kTownshipFire: "fire",
}

var deptTech = map[int]string{
	kSheriff: "so", kCountyHealth: "hd", kCountyFire: "fd", kEmergencyComms: "ec",
	kPolice: "pd", kCityFire: "fd", kCityHealth: "hd", kTownshipPolice: "pd", kTownshipFire: "fd",
}

func deptWeight(k int, pop int64) float64 {
	x := math.Pow(float64(pop)/1000, 0.8)
	switch k {
	case kSheriff:
		return 2 + 0.25*x
	case kCountyHealth, kCityHealth:
		return 1.5 + 0.12*x
	case kEmergencyComms:
		return 1 + 0.05*x
	case kPolice, kTownshipPolice:
		return 1 + 0.3*x
	}
	return 1 + 0.15*x // fire
}

// addDept adds the department of kind k of local l.
func (gn *generator) addDept(sb *stateBuild, k int, l *local, name string, cands []string) {
	p := pursuit.Place{Name: name, County: l.county.Name, Population: l.pop}
	gn.add(p, placeInfo{typ: kinds[k].typ, set: roles.sets[deptSet[k]], tech: deptTech[k], weight: deptWeight(k, l.pop), state: sb.s}, cands...)
}

// buildCountyDepartments makes the sheriff's offices, health and fire
// departments and emergency communications centers planned for the
// state's counties.
func (gn *generator) buildCountyDepartments(sb *stateBuild) {
	s, st := sb.s, lower(sb.s)
	for _, k := range []int{kSheriff, kCountyHealth, kCountyFire, kEmergencyComms} {
		made := 0
		for _, l := range sb.counties {
			if !l.depts[k] {
				continue
			}
			c := l.loc
			cs := slug(stem(c))
			word := "county"
			if strings.HasSuffix(c, "Parish") {
				word = "parish"
			} else if strings.HasSuffix(c, "Borough") {
				word = "borough"
			}
			var name string
			var cands []string
			switch k {
			case kSheriff:
				name = c + []string{" Sheriff's Office", " Sheriff's Office", " Sheriff's Department"}[gn.r.IntN(3)]
				cands = gn.rotate([]string{cs + "sheriff.org", cs + word + "sheriff.org", cs + "so.org", cs + "sheriff" + st + ".gov",
					cs + word + "so.org", cs + "sheriff.com", cs + word + "sheriff" + st + ".gov"}, 30, 20, 15, 15, 10, 5, 5)
			case kCountyHealth:
				form := []string{" Health Department", " Health Department", " Public Health", " Department of Public Health", " Department of Health"}[gn.r.IntN(5)]
				name = c + form
				cands = []string{cs + word + "health.org", cs + "health.org", cs + word + "health" + st + ".gov", cs + "hd.org", "health" + cs + word + ".org"}
				if strings.Contains(form, "Public Health") {
					cands = append([]string{cs + "publichealth.org", cs + word + "publichealth.org"}, cands...)
				}
			case kCountyFire:
				switch {
				case s.Abbr == "FL":
					name = c + " Fire Rescue"
				case s.Abbr == "VA" || s.Abbr == "MD":
					name = c + " Fire and Rescue Department"
				default:
					name = c + []string{" Fire Department", " Fire Department", " Fire Rescue"}[gn.r.IntN(3)]
				}
				cands = gn.rotate([]string{cs + word + "fire.org", cs + "fire.org", cs + word + "fire" + st + ".gov", cs + "fd.org"}, 35, 30, 25, 10)
				if strings.Contains(name, "Rescue") {
					cands = append([]string{cs + word + "firerescue.org", cs + "firerescue.org"}, cands...)
				}
			default:
				forms := []string{" Emergency Communications", " Emergency Communications Center", " Consolidated Dispatch",
					" Regional Communications Center", " Emergency Communications Center"}
				if s.Abbr == "TN" || s.Abbr == "AL" || s.Abbr == "MS" || s.Abbr == "LA" {
					forms[0] = " Emergency Communications District"
				}
				name = c + forms[gn.r.IntN(len(forms))]
				cands = gn.rotate([]string{cs + "ecc.org", cs + word + "911.org", cs + "911.org", cs + "ecd.org", cs + "dispatch.org", cs + "ecomm" + st + ".gov"}, 25, 20, 20, 15, 10, 10)
			}
			if gn.taken(name) {
				continue
			}
			gn.addDept(sb, k, l, name, cands)
			made++
		}
		sb.overflow += sb.n(k) - made
	}
}

// buildCityDepartments makes the police, fire and health departments
// planned for the state's municipalities.
func (gn *generator) buildCityDepartments(sb *stateBuild) {
	s, st := sb.s, lower(sb.s)
	for _, k := range []int{kPolice, kCityFire, kCityHealth} {
		made := 0
		for _, l := range sb.munis {
			if !l.depts[k] {
				continue
			}
			loc, sl := l.loc, slug(l.loc)
			dc := s.Abbr == "DC" && loc == "Washington"
			var name string
			var cands []string
			switch k {
			case kPolice:
				switch {
				case dc:
					name = "Metropolitan Police Department"
				case s.Abbr == "OH" && l.pop >= 50000 && gn.r.IntN(3) == 0:
					name = loc + " Division of Police"
				default:
					name = loc + " Police Department"
				}
				cands = gn.rotate([]string{sl + "pd.org", sl + "police.org", sl + "pd" + st + ".gov", sl + "police" + st + ".gov",
					sl + "pd.com", sl + "policedept.org", "police" + sl + ".org"}, 30, 25, 10, 10, 10, 10, 5)
			case kCityFire:
				volunteer := l.pop < 5000 && gn.r.IntN(5) < 2
				switch {
				case dc:
					name = "DC Fire and EMS Department"
				case volunteer:
					name = loc + " Volunteer Fire Department"
				case s.Abbr == "FL" && gn.r.IntN(10) < 7:
					name = loc + " Fire Rescue"
				case (s.Abbr == "VA" || s.Abbr == "MD") && gn.r.IntN(5) == 0:
					name = loc + " Fire and Rescue"
				default:
					name = loc + " Fire Department"
				}
				cands = gn.rotate([]string{sl + "fire.org", sl + "fd.org", sl + "fire" + st + ".gov", sl + "firedept.org"}, 35, 30, 20, 15)
				switch {
				case volunteer:
					cands = append([]string{sl + "vfd.org", sl + "vfd.com"}, cands...)
				case strings.Contains(name, "Rescue"):
					cands = append([]string{sl + "firerescue.org", sl + "firerescue.gov"}, cands...)
				}
			default:
				switch {
				case dc:
					name = "DC Health"
				default:
					name = loc + []string{" Health Department", " Health Department", " Department of Public Health", " Public Health", " Board of Health"}[gn.r.IntN(5)]
				}
				cands = gn.rotate([]string{sl + "health.org", sl + "health" + st + ".gov", sl + "hd.org"}, 50, 35, 15)
				if strings.Contains(name, "Public Health") {
					cands = append([]string{sl + "publichealth.org"}, cands...)
				}
			}
			if gn.taken(name) {
				continue
			}
			gn.addDept(sb, k, l, name, cands)
			made++
		}
		sb.overflow += sb.n(k) - made
	}
}

// townshipDeptName names a township's police or fire department: "Cranberry
// Township Police Department", or in the town states "Greenwich Fire
// Department".
func townshipDeptName(s *state, loc string, k int) string {
	what := " Police Department"
	if k == kTownshipFire {
		what = " Fire Department"
	}
	if townStates[s.Abbr] {
		return loc + what
	}
	return loc + " Township" + what
}

// planTownshipDepartments gives the most populous townships the police and
// fire departments the plan has for the state, skipping a township whose
// department's name another place of the state has (Ohio's many
// Washington Townships share one name; a city's department may have it).
func (gn *generator) planTownshipDepartments(sb *stateBuild) {
	for _, k := range []int{kTownshipPolice, kTownshipFire} {
		seen := map[string]bool{}
		left := sb.n(k)
		for _, t := range sb.towns {
			if left == 0 {
				break
			}
			name := townshipDeptName(sb.s, t.loc, k)
			if seen[name] || gn.taken(name) {
				continue
			}
			seen[name] = true
			if t.depts == nil {
				t.depts = map[int]bool{}
			}
			t.depts[k] = true
			left--
		}
		sb.overflow += left
	}
}

// buildTownshipDepartments makes the departments planTownshipDepartments
// planned.
func (gn *generator) buildTownshipDepartments(sb *stateBuild) {
	st := lower(sb.s)
	for _, k := range []int{kTownshipPolice, kTownshipFire} {
		for _, t := range sb.towns {
			if !t.depts[k] {
				continue
			}
			sl, cs := slug(t.loc), slug(stem(t.county.Name))
			var cands []string
			if k == kTownshipPolice {
				cands = []string{sl + "twppd.org", sl + "townshippolice.org", sl + "police.org", sl + "pd.org", sl + "twppd" + st + ".gov", sl + cs + "pd.org"}
			} else {
				cands = []string{sl + "twpfire.org", sl + "townshipfire.org", sl + "fire.org", sl + "fd.org", sl + "twpfire" + st + ".gov", sl + cs + "fire.org"}
			}
			if townStates[sb.s.Abbr] {
				cands = cands[2:]
			}
			gn.addDept(sb, k, t, townshipDeptName(sb.s, t.loc, k), gn.rotate(cands, make1s(len(cands))...))
		}
	}
}
