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
	set      *cSet   // the titles its contacts hold
	tech     string  // its code in the tech catalog (see typeCode)
	prog     string  // state agencies: the department of their program staff
	weight   float64 // relative number of contacts
	contacts int     // exact number of contacts, after allocation
	firstID  int64   // its first contact_id
	state    *state
}

// local is a place other places are named after: a county, municipality or
// township with the name it lends ("Springfield", "Cook County"), its
// population and county, and the departments planned for it.
type local struct {
	loc    string
	pop    int64
	county *county
	depts  map[int]bool // dependent kinds it has
}

// stateBuild is what the builders of one state share.
type stateBuild struct {
	s  *state
	si int
	p  *plan
	// counties, munis and towns are the state's built counties,
	// municipalities and townships, most populous first.
	counties, munis, towns []*local
	// overflow counts places a builder could not make (a department
	// without a parent of a free name); they become special districts.
	overflow int
}

// n returns how many places of kind k the plan gives the state.
func (sb *stateBuild) n(k int) int { return sb.p[k][sb.si] }

// buildPlaces makes every place row, state by state, kind by kind, and
// keeps them (and their infos) in gn.places and gn.info.
func (gn *generator) buildPlaces() {
	p := makePlan(gn.cfg.Places, gn.g)
	gn.places = make([]pursuit.Place, 0, gn.cfg.Places)
	gn.info = make([]placeInfo, 0, gn.cfg.Places)
	for si, s := range gn.g.States {
		sb := &stateBuild{s: s, si: si, p: &p}
		clear(gn.names)
		gn.buildCounties(sb)
		gn.buildCountyDepartments(sb)
		gn.buildMunicipalities(sb)
		gn.buildCityDepartments(sb)
		gn.buildTownships(sb)
		gn.buildTownshipDepartments(sb)
		gn.buildSchoolDistricts(sb)
		gn.buildStateAgencies(sb)
		gn.buildColleges(sb)
		gn.buildLibraries(sb)
		gn.buildTribes(sb)
		gn.buildSpecialDistricts(sb)
	}
}

// byPopulation sorts locals most populous first (by name on ties), and
// gives the first n[k] of them the dependent kind k, for each k.
func byPopulation(ls []*local, n map[int]int) {
	sort.SliceStable(ls, func(i, j int) bool {
		if ls[i].pop != ls[j].pop {
			return ls[i].pop > ls[j].pop
		}
		return ls[i].loc < ls[j].loc
	})
	for k, c := range n {
		for _, l := range ls[:min(c, len(ls))] {
			if l.depts == nil {
				l.depts = map[int]bool{}
			}
			l.depts[k] = true
		}
	}
}

// taken reports whether the state already has a place of that name.
func (gn *generator) taken(name string) bool { return gn.names[name] }

// add appends a place, giving it its id, a unique email domain from the
// candidates (in preference order), website, timestamps and owner. A place
// that comes with its EmailDomain and Website set (a library branch on its
// system's) keeps them.
func (gn *generator) add(p pursuit.Place, info placeInfo, domains ...string) {
	p.PlaceID = int64(len(gn.places) + 1)
	p.StateAbbr = info.state.Abbr
	p.PlaceType = info.typ
	gn.names[p.Name] = true
	if p.EmailDomain == "" {
		p.EmailDomain = gn.uniqueDomain(domains)
	}
	switch {
	case p.Website != "":
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
	if info.tech == "" {
		info.tech = typeCode[info.typ]
	}
	if info.set == nil {
		info.set = roles.byType[info.typ]
	}
	p.FiscalYearStart = gn.fiscalYearStart(&p)
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

// timeBetween returns a time in (base-from, base-to], to the microsecond:
// never after the base. Callers pass constants or derive from and to from
// the base so that from > to by construction (the random bound is then
// positive); anything else is a bug in the generator and panics saying so.
func (gn *generator) timeBetween(from, to time.Duration) time.Time {
	if from <= to {
		panic(fmt.Sprintf("gen: empty time range: %s to %s before the base", from, to))
	}
	d := to + time.Duration(gn.r.Int64N(int64(from-to)))
	return gn.base.Add(-d).Truncate(time.Microsecond)
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
