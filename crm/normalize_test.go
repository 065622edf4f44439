package crm

import "testing"

// TestNormalize pins every naming rule of docs/crm.md: each group lists
// spellings that must normalise to the same form, and pairs that must
// stay apart.
func TestNormalize(t *testing.T) {
	same := []struct {
		rule  string
		forms []string
	}{
		{"city of X, inverted, parenthesised, upper case", []string{"City of Springfield", "Springfield, City of", "Springfield (City)", "CITY OF SPRINGFIELD", "city  of   springfield", "The City of Springfield"}},
		{"town, village, borough forms", []string{"Town of Union", "Union, Town of", "Union (Town)", "TOWN OF UNION"}},
		{"village", []string{"Village of Oak Park", "Oak Park, Village of", "Oak Park (Village)"}},
		{"borough", []string{"Borough of Media", "Media, Borough of", "Media (Borough)"}},
		{"township", []string{"Union Township", "Union Twp", "Union Twp.", "UNION TWP", "Township of Union", "Union (Township)", "Union, Township of", "Union Twsp"}},
		{"county", []string{"Cook County", "Cook Co", "Cook Co.", "Cook Cnty", "County of Cook", "Cook, County of", "Cook (County)", "COOK COUNTY"}},
		{"county agency", []string{"Cook County Sheriff's Office", "Cook Co. Sheriffs Office", "Cook County Sheriff Office", "Cook County SO"}},
		{"school district", []string{"Springfield School District", "Springfield SD", "Springfield ISD", "Springfield Schools", "Springfield Public Schools", "Springfield Sch Dist", "Springfield School Dist.", "Springfield Independent School District", "Springfield Unified School District", "Springfield Public School District", "SPRINGFIELD S.D."}},
		{"department", []string{"Department of Health", "Dept of Health", "Dept. of Health", "DEPT. OF HEALTH"}},
		{"& and and", []string{"Parks & Recreation District", "Parks and Recreation District", "Parks&Recreation District"}},
		{"punctuation and spacing", []string{"Winston-Salem Fire Department", "Winston Salem Fire Department", "  Winston   Salem Fire Dept "}},
		{"police and fire", []string{"Salem Police Department", "Salem PD", "Salem Police Dept."}},
		{"fire department", []string{"Salem Fire Department", "Salem FD"}},
		{"saint, mount, fort", []string{"Saint Paul Public Library", "St. Paul Public Library", "St Paul PL"}},
		{"mount", []string{"Mount Vernon School District", "Mt. Vernon SD", "Mt Vernon Schools"}},
		{"fort", []string{"Fort Bragg Fire Department", "Ft Bragg Fire Department", "Ft. Bragg FD"}},
		{"accents and apostrophes", []string{"Cañon City School District", "Canon City School District"}},
		{"typo in a type word", []string{"Union Township", "Union Townshp", "Union Towsnhip"}},
		{"typo in district", []string{"Lake Fire District", "Lake Fire Distrcit"}},
	}
	for _, g := range same {
		want := Normalize(g.forms[0])
		for _, f := range g.forms[1:] {
			if got := Normalize(f); got != want {
				t.Errorf("%s: Normalize(%q) = %q, want %q (as %q)", g.rule, f, got, want, g.forms[0])
			}
		}
	}
	apart := [][2]string{
		{"Union City", "City of Union"},
		{"Washington County", "Washington Township"},
		{"Springfield Fire District", "Springfield Fire Department"},
		{"Springfield Police Department", "Springfield Fire Department"},
		{"Town of Union", "City of Union"},
		{"Cook County", "City of Cook"},
		{"Lake County Schools", "Lake County"},
	}
	for _, p := range apart {
		if Normalize(p[0]) == Normalize(p[1]) {
			t.Errorf("Normalize(%q) = Normalize(%q) = %q; they are different bodies", p[0], p[1], Normalize(p[0]))
		}
	}
	exact := map[string]string{
		"Springfield, City of":   "city of springfield",
		"Union Twp.":             "union township",
		"County of Los Angeles":  "los angeles county",
		"Springfield ISD":        "springfield school district",
		"Co-op Water & Sewer Co": "co op water sewer county",
	}
	for in, want := range exact {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeDomain(t *testing.T) {
	cases := map[string]string{
		"https://www.springfield.gov":           "springfield.gov",
		"http://springfield.gov/":               "springfield.gov",
		"WWW.SPRINGFIELD.GOV":                   "springfield.gov",
		"springfield.gov/departments/police":    "springfield.gov",
		"https://www.springfield.gov:443/a?b=c": "springfield.gov",
		"info@springfield.gov":                  "springfield.gov",
		"springfield.gov.":                      "springfield.gov",
		"ci.springfield.il.us":                  "ci.springfield.il.us",
		"www2.springfield.gov":                  "springfield.gov",
		"":                                      "",
		"n/a":                                   "",
		"springfield":                           "",
		"not a website.com":                     "",
	}
	for in, want := range cases {
		if got := NormalizeDomain(in); got != want {
			t.Errorf("NormalizeDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeState(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"PA", "PA", true}, {"pa", "PA", true}, {"Pennsylvania", "PA", true}, {"PENNSYLVANIA", "PA", true},
		{" new  york ", "NY", true}, {"District of Columbia", "DC", true}, {"D.C.", "DC", true},
		{"", "", true}, {"USA", "", true}, {"Penn", "", false}, {"XX", "", false},
	}
	for _, c := range cases {
		got, ok := NormalizeState(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeState(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestNormalizeID(t *testing.T) {
	cases := map[string]string{
		"0101000": "101000", "101000": "101000", " 17-031 ": "17031", "0000": "", "": "", "12a": "", "N/A": "",
	}
	for in, want := range cases {
		if got := NormalizeID(in); got != want {
			t.Errorf("NormalizeID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		max  int
		want int
	}{
		{"township", "township", 1, 0}, {"township", "townshp", 1, 1}, {"township", "towsnhip", 1, 1},
		{"calverton", "silverton", 2, 2}, {"calverton", "silverton", 1, 2}, {"", "abc", 5, 3},
		{"abc", "", 1, 2}, {"ab", "ba", 1, 1}, {"kitten", "sitting", 3, 3},
	}
	for _, c := range cases {
		if got := distance(c.a, c.b, c.max); got != c.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}
