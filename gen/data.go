package gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The data files are written by gen/internal/convert from public npm
// packages; see docs/dataset.md and data/ATTRIBUTION.
//
//go:embed data/*.tsv.gz
var dataFS embed.FS

// state is one of the 50 states or DC.
type state struct {
	Abbr, Name, FIPS string
	AreaCodes        []string
	Counties         []*county // in GEOID order
	Cities           []*city   // by population, largest first
	Population       int64     // sum of its counties' estimated population
	// CountyGovs are the counties with a county government of their own
	// (see noCountyGovernment), in GEOID order.
	CountyGovs []*county
}

// county is a county or county equivalent (parish, borough, census area,
// independent city).
type county struct {
	GEOID, Name string
	State       *state
	Cities      []*city
	Population  int64
}

// city is a populated place of GeoNames with at least 1,000 inhabitants.
type city struct {
	Name       string
	Population int64
	County     *county
}

// weighted is a list of names with cumulative weights, sampled by binary
// search.
type weighted struct {
	names []string
	cum   []int64
}

func (w *weighted) add(name string, weight int64) {
	var last int64
	if n := len(w.cum); n > 0 {
		last = w.cum[n-1]
	}
	w.names = append(w.names, name)
	w.cum = append(w.cum, last+weight)
}

func (w *weighted) pick(r int64N) string {
	x := r.Int64N(w.cum[len(w.cum)-1])
	i := sort.Search(len(w.cum), func(i int) bool { return w.cum[i] > x })
	return w.names[i]
}

// int64N is the part of *rand.Rand the samplers need.
type int64N interface{ Int64N(int64) int64 }

// geo is the parsed embedded data.
type geo struct {
	States               []*state // by abbreviation
	ByAbbr               map[string]*state
	Counties             []*county
	FirstNames, Surnames weighted
}

var (
	geoOnce sync.Once
	geoData *geo
	geoErr  error
)

// loadGeo parses the embedded data once per process.
func loadGeo() (*geo, error) {
	geoOnce.Do(func() { geoData, geoErr = parseGeo() })
	return geoData, geoErr
}

func parseGeo() (*geo, error) {
	g := &geo{ByAbbr: map[string]*state{}}
	err := readTSV("states.tsv.gz", 4, func(f []string) error {
		s := &state{Abbr: f[0], Name: f[1], FIPS: f[2], AreaCodes: strings.Split(f[3], ",")}
		g.States = append(g.States, s)
		g.ByAbbr[s.Abbr] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	byGEOID := map[string]*county{}
	err = readTSV("counties.tsv.gz", 3, func(f []string) error {
		s := g.ByAbbr[f[1]]
		if s == nil {
			return fmt.Errorf("unknown state %q", f[1])
		}
		c := &county{GEOID: f[0], Name: f[2], State: s}
		s.Counties = append(s.Counties, c)
		g.Counties = append(g.Counties, c)
		byGEOID[c.GEOID] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("cities.tsv.gz", 4, func(f []string) error {
		s := g.ByAbbr[f[0]]
		c := byGEOID[f[3]]
		if s == nil || c == nil {
			return fmt.Errorf("unknown state %q or county %q", f[0], f[3])
		}
		pop, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return fmt.Errorf("population: %w", err)
		}
		name := f[1]
		if militaryBase.MatchString(name) {
			return nil // an installation, not a community with a government
		}
		if r, size := utf8.DecodeRuneInString(name); unicode.IsLower(r) {
			name = string(unicode.ToUpper(r)) + name[size:] // GeoNames' "the Branch"
		}
		ci := &city{Name: name, Population: pop, County: c}
		s.Cities = append(s.Cities, ci)
		c.Cities = append(c.Cities, ci)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range g.States {
		for _, c := range s.Counties {
			if !noCountyGovernment(c) {
				s.CountyGovs = append(s.CountyGovs, c)
			}
		}
		sort.SliceStable(s.Cities, func(i, j int) bool { return s.Cities[i].Population > s.Cities[j].Population })
		for _, c := range s.Counties {
			// GeoNames lists places of 1,000 people or more; the rest of a
			// county lives in smaller places and unincorporated land.
			var sum int64
			for _, ci := range c.Cities {
				sum += ci.Population
			}
			c.Population = sum*5/4 + 4000
			s.Population += c.Population
		}
	}
	err = readTSV("first.tsv.gz", 3, func(f []string) error {
		n, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return err
		}
		g.FirstNames.add(f[0], n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readTSV("last.tsv.gz", 2, func(f []string) error {
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return err
		}
		g.Surnames.add(f[0], n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(g.States) != 51 || len(g.Counties) == 0 || len(g.FirstNames.names) == 0 || len(g.Surnames.names) == 0 {
		return nil, fmt.Errorf("embedded data is incomplete")
	}
	return g, nil
}

func readTSV(name string, fields int, fn func([]string) error) error {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	sc := bufio.NewScanner(zr)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) != fields {
			return fmt.Errorf("%s:%d: %d fields, want %d", name, line, len(f), fields)
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// militaryBase matches GeoNames' populated places that are military
// installations ("Eglin Air Force Base", "Camp Pendleton South"): the
// generator names no government after them.
var militaryBase = regexp.MustCompile(`Air Force|Naval|Marine Corps|Joint Base|Coast Guard|Hickam|Camp Pendleton| Base( Housing)?$`)

// consolidated are county equivalents whose government is a city's (New
// York City's five boroughs, San Francisco, Denver, Broomfield,
// Philadelphia), one that no longer exists (eight of Massachusetts' 14
// counties were abolished, Nantucket is run by its town), and Kalawao,
// which Hawaii's health department runs.
var consolidated = map[string]bool{
	"36005": true, "36047": true, "36061": true, "36081": true, "36085": true,
	"06075": true, "08031": true, "08014": true, "42101": true,
	"25003": true, "25009": true, "25011": true, "25013": true, "25015": true,
	"25017": true, "25019": true, "25025": true, "25027": true,
	"15005": true,
}

// noCountyGovernment reports whether a county equivalent has no county
// government of its own: DC, Connecticut's and Rhode Island's counties
// (abolished), Alaska's census areas (the unorganized borough), the
// independent cities of Virginia, Baltimore, St. Louis and Carson City
// (municipalities), and the consolidated ones. The other 3,057 match the
// Census of Governments' 3,031 county governments closely (it also counts
// some consolidated city-counties as municipalities).
func noCountyGovernment(c *county) bool {
	switch c.State.Abbr {
	case "DC", "CT", "RI":
		return true
	}
	return consolidated[c.GEOID] || strings.HasSuffix(c.Name, " Census Area") ||
		strings.HasSuffix(c.Name, " city") || c.Name == "Carson City"
}
