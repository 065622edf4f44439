package crm

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// NoisyConfig sets the size and noise of a generated account export.
type NoisyConfig struct {
	// Seed selects the export: the same places and config give the same
	// accounts.
	Seed uint64
	// Accounts is the number of accounts.
	Accounts int
	// NonPlaceShare is the share of accounts that are no place of ours
	// (companies, and public-sounding names that exist nowhere); 0.15 when
	// zero.
	NonPlaceShare float64
	// DuplicateShare is the share of place accounts that are a second
	// account of a place already in the export; 0.03 when zero.
	DuplicateShare float64
}

// NoisyExport generates a CRM account export over places with the noise
// real account lists have, and its ground truth: truth[i] is the place of
// accounts[i], 0 for an account that is no place. Names come in the ways
// reps write them (inverted "Springfield, City of", "(City)", upper case,
// Twp/Co./SD/ISD/Dept abbreviations, "&" for "and", bare city names),
// with a typo in one word in 8 % of accounts; states as codes, full names
// or missing; counties sometimes; websites with and without scheme, www
// or a path, or missing; NCES ids and GEOIDs only sometimes and sometimes
// without leading zeros (as a spreadsheet leaves them); a few places with
// two accounts; and NonPlaceShare accounts that are companies or names of
// places that do not exist in their state.
func NoisyExport(places []pursuit.Place, cfg NoisyConfig) (accounts []Account, truth []int64) {
	if cfg.NonPlaceShare == 0 {
		cfg.NonPlaceShare = 0.15
	}
	if cfg.DuplicateShare == 0 {
		cfg.DuplicateShare = 0.03
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x6372_6d6e_6f69_7379))
	exists := make(map[string]bool, len(places))
	for i := range places {
		exists[places[i].StateAbbr+"|"+Normalize(places[i].Name)] = true
	}
	perm := r.Perm(len(places))
	next := 0
	var used []int
	owners := []string{"Alice Johnson", "Bob Smith", "Carla Diaz", "Dev Patel", "Erin O'Neil", "Farid Haddad"}
	for n := 0; n < cfg.Accounts; n++ {
		a := Account{ExternalCRMID: fmt.Sprintf("001%012d", 1_000_000+n*7+int(r.IntN(7))), Owner: owners[r.IntN(len(owners))]}
		if r.Float64() < cfg.NonPlaceShare || len(places) == 0 {
			nonPlace(r, places, exists, &a)
			accounts = append(accounts, a)
			truth = append(truth, 0)
			continue
		}
		var pi int
		if len(used) > 0 && r.Float64() < cfg.DuplicateShare || next >= len(perm) {
			pi = used[r.IntN(len(used))]
		} else {
			pi = perm[next]
			next++
			used = append(used, pi)
		}
		p := &places[pi]
		a.Name = nameVariant(r, p)
		a.State = stateVariant(r, p.StateAbbr)
		if r.Float64() < 0.35 && p.County != "" {
			a.County = countyVariant(r, p.County)
		}
		if p.PlaceType == pursuit.PlaceTypeMunicipality && r.Float64() < 0.3 {
			_, c := splitForm(p.Name)
			a.City = c
		}
		switch x := r.Float64(); {
		case x < 0.45:
			a.Website = websiteVariant(r, p.Website)
		case x < 0.55:
			a.Website = p.EmailDomain
		}
		if p.NCESID != "" && r.Float64() < 0.3 {
			a.NCESID = idVariant(r, p.NCESID)
		} else if p.GEOID != "" && r.Float64() < 0.2 {
			a.GEOID = idVariant(r, p.GEOID)
		}
		accounts = append(accounts, a)
		truth = append(truth, p.PlaceID)
	}
	return accounts, truth
}

// govPrefixes are the "X of" forms the generator's municipalities use.
var govPrefixes = []string{"City of ", "Town of ", "Village of ", "Borough of "}

// splitForm splits "City of Springfield" into "City" and "Springfield";
// form is "" for other names.
func splitForm(name string) (form, rest string) {
	for _, p := range govPrefixes {
		if strings.HasPrefix(name, p) {
			return strings.TrimSuffix(p, " of "), name[len(p):]
		}
	}
	return "", name
}

// nameVariant writes a place's name the way one rep might.
func nameVariant(r *rand.Rand, p *pursuit.Place) string {
	name := p.Name
	if form, rest := splitForm(name); form != "" {
		switch x := r.Float64(); {
		case x < 0.2:
			name = rest + ", " + form + " of"
		case x < 0.35:
			name = rest + " (" + form + ")"
		case x < 0.45:
			name = strings.ToUpper(name)
		case x < 0.5:
			name = rest // the bare name
		}
	}
	type sub struct{ from, to string }
	pick := func(s string, subs ...sub) string {
		var ok []sub
		for _, x := range subs {
			if strings.Contains(s, x.from) {
				ok = append(ok, x)
			}
		}
		if len(ok) == 0 || r.Float64() < 0.4 {
			return s
		}
		x := ok[r.IntN(len(ok))]
		return strings.Replace(s, x.from, x.to, 1)
	}
	name = pick(name,
		sub{" Township", " Twp"}, sub{" Township", " Twp."}, sub{" Township", " TWP"},
		sub{" County", " Co."}, sub{" County", " Co"}, sub{" County", " Cnty"},
		sub{" School District", " SD"}, sub{" School District", " ISD"}, sub{" School District", " Schools"},
		sub{" School District", " Sch Dist"}, sub{" School District", " Public Schools"},
		sub{" Public Schools", " School District"}, sub{" Public Schools", " SD"}, sub{" Public Schools", " Schools"},
		sub{"Department", "Dept"}, sub{"Department", "Dept."},
		sub{" and ", " & "}, sub{" & ", " and "}, sub{"Sheriff's", "Sheriffs"}, sub{"Saint ", "St. "}, sub{"Mount ", "Mt. "},
		sub{"Fort ", "Ft "},
	)
	if strings.HasSuffix(name, " Township") && r.Float64() < 0.1 {
		name = "Township of " + strings.TrimSuffix(name, " Township")
	}
	if r.Float64() < 0.08 {
		name = typo(r, name)
	}
	switch x := r.Float64(); {
	case x < 0.05:
		name = strings.ToLower(name)
	case x < 0.1:
		name = "  " + strings.ReplaceAll(name, " ", "  ") + " "
	}
	return name
}

// typo makes one edit in the longest word of s.
func typo(r *rand.Rand, s string) string {
	words := strings.Fields(s)
	best := -1
	for i, w := range words {
		if best < 0 || len(w) > len(words[best]) {
			best = i
		}
	}
	w := []byte(words[best])
	if len(w) < 5 {
		return s
	}
	i := 1 + r.IntN(len(w)-2)
	switch r.IntN(4) {
	case 0: // swap
		w[i], w[i+1] = w[i+1], w[i]
	case 1: // delete
		w = append(w[:i], w[i+1:]...)
	case 2: // insert
		w = append(w[:i], append([]byte{w[i]}, w[i:]...)...)
	default: // substitute
		c := byte('a' + r.IntN(26))
		if c == w[i] {
			c = 'e'
		}
		w[i] = c
	}
	words[best] = string(w)
	return strings.Join(words, " ")
}

func stateVariant(r *rand.Rand, code string) string {
	switch x := r.Float64(); {
	case x < 0.65:
		return code
	case x < 0.8:
		if n, ok := stateNames[code]; ok {
			return titleCase(n)
		}
		return code
	case x < 0.85:
		return strings.ToLower(code)
	case x < 0.9:
		return strings.ToUpper(stateNames[code])
	}
	return ""
}

func countyVariant(r *rand.Rand, county string) string {
	base := strings.TrimSuffix(county, " County")
	switch r.IntN(4) {
	case 0:
		return base
	case 1:
		if base != county {
			return base + " Co."
		}
	}
	return county
}

func websiteVariant(r *rand.Rand, site string) string {
	host := NormalizeDomain(site)
	if host == "" {
		return site
	}
	switch r.IntN(6) {
	case 0:
		return host
	case 1:
		return "www." + host
	case 2:
		return "http://" + host + "/"
	case 3:
		return "https://www." + host + "/about-us"
	case 4:
		return strings.ToUpper("WWW." + host)
	}
	return site
}

func idVariant(r *rand.Rand, id string) string {
	if r.Float64() < 0.3 {
		return strings.TrimLeft(id, "0")
	}
	return id
}

// companyWords make the names of private companies.
var (
	companyHeads = []string{"Acme", "Summit", "Blue Ridge", "Pinnacle", "Granite", "Harbor", "Keystone", "Northstar", "Evergreen", "Liberty", "Cascade", "Ironwood"}
	companyTails = []string{"Technologies Inc", "Consulting LLC", "Solutions", "Software Corp", "Partners LLP", "Holdings Inc.", "Systems, Inc.", "Group", "Associates", "Labs"}
)

// nonPlace makes an account that is no place of ours: a company, or a
// real place's name in a state that has no place of that name.
func nonPlace(r *rand.Rand, places []pursuit.Place, exists map[string]bool, a *Account) {
	codes := make([]string, 0, len(stateNames))
	for c := range stateNames {
		codes = append(codes, c)
	}
	if r.Float64() < 0.5 || len(places) == 0 {
		head := companyHeads[r.IntN(len(companyHeads))]
		a.Name = head + " " + companyTails[r.IntN(len(companyTails))]
		a.State = minState(codes, r)
		a.Website = "https://www." + strings.ToLower(strings.ReplaceAll(head, " ", "")) + fmt.Sprint(r.IntN(1000)) + ".com"
		return
	}
	for {
		p := &places[r.IntN(len(places))]
		st := minState(codes, r)
		if !exists[st+"|"+Normalize(p.Name)] {
			a.Name = p.Name
			a.State = st
			return
		}
	}
}

// minState picks a state code deterministically from an unordered set.
func minState(codes []string, r *rand.Rand) string {
	// sort once per call: the set is small.
	s := append([]string(nil), codes...)
	sortStrings(s)
	return s[r.IntN(len(s))]
}

// titleCase capitalises each word of an ASCII lower-case string.
func titleCase(s string) string {
	b := []byte(s)
	for i := range b {
		if (i == 0 || b[i-1] == ' ') && b[i] >= 'a' && b[i] <= 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}
