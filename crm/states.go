package crm

import "strings"

// states maps every way an export writes a US state (its USPS code or its
// name, in any case) to the USPS code places carry in state_abbr.
var states = func() map[string]string {
	names := [][2]string{
		{"AL", "Alabama"}, {"AK", "Alaska"}, {"AZ", "Arizona"}, {"AR", "Arkansas"},
		{"CA", "California"}, {"CO", "Colorado"}, {"CT", "Connecticut"}, {"DE", "Delaware"},
		{"DC", "District of Columbia"}, {"FL", "Florida"}, {"GA", "Georgia"}, {"HI", "Hawaii"},
		{"ID", "Idaho"}, {"IL", "Illinois"}, {"IN", "Indiana"}, {"IA", "Iowa"},
		{"KS", "Kansas"}, {"KY", "Kentucky"}, {"LA", "Louisiana"}, {"ME", "Maine"},
		{"MD", "Maryland"}, {"MA", "Massachusetts"}, {"MI", "Michigan"}, {"MN", "Minnesota"},
		{"MS", "Mississippi"}, {"MO", "Missouri"}, {"MT", "Montana"}, {"NE", "Nebraska"},
		{"NV", "Nevada"}, {"NH", "New Hampshire"}, {"NJ", "New Jersey"}, {"NM", "New Mexico"},
		{"NY", "New York"}, {"NC", "North Carolina"}, {"ND", "North Dakota"}, {"OH", "Ohio"},
		{"OK", "Oklahoma"}, {"OR", "Oregon"}, {"PA", "Pennsylvania"}, {"RI", "Rhode Island"},
		{"SC", "South Carolina"}, {"SD", "South Dakota"}, {"TN", "Tennessee"}, {"TX", "Texas"},
		{"UT", "Utah"}, {"VT", "Vermont"}, {"VA", "Virginia"}, {"WA", "Washington"},
		{"WV", "West Virginia"}, {"WI", "Wisconsin"}, {"WY", "Wyoming"},
		{"PR", "Puerto Rico"}, {"GU", "Guam"}, {"VI", "Virgin Islands"},
		{"AS", "American Samoa"}, {"MP", "Northern Mariana Islands"},
	}
	m := make(map[string]string, 3*len(names))
	for _, n := range names {
		m[strings.ToLower(n[0])] = n[0]
		m[strings.Join(tokenize(n[1]), " ")] = n[0]
	}
	m["d c"] = "DC"
	m["washington dc"] = "DC"
	m["washington d c"] = "DC"
	return m
}()

// stateNames maps a USPS code to the state's name.
var stateNames = func() map[string]string {
	m := map[string]string{}
	for k, v := range states {
		if len(k) > 2 && k != "d c" && !strings.HasPrefix(k, "washington d") {
			m[v] = k
		}
	}
	return m
}()

// NormalizeState returns the USPS code of a state written as its code or
// its name ("il", "Illinois", "ILLINOIS", "Ill" is not one), "" for an
// empty value, and ok false for a value that is no state.
func NormalizeState(s string) (code string, ok bool) {
	t := strings.Join(tokenize(s), " ")
	if t == "" {
		return "", true
	}
	if t == "us" || t == "usa" || t == "united states" {
		return "", true
	}
	code, ok = states[t]
	return code, ok
}
