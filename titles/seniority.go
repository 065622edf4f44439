package titles

// jurisdictions are the words that make "manager", "administrator" or
// "clerk" the head of a whole government ("City Manager", "Town Clerk").
var jurisdictions = map[string]bool{
	"city": true, "county": true, "town": true, "village": true, "borough": true,
	"township": true, "parish": true, "state": true,
}

// technical words make an "administrator" a staff job ("Network
// Administrator", "Benefits Administrator").
var technical = map[string]bool{
	"network": true, "systems": true, "database": true, "web": true, "gis": true,
	"benefits": true, "contract": true, "payroll": true, "applications": true,
	"software": true, "computer": true, "data": true, "it": true, "records": true,
	"grants": true, "program": true, "project": true,
}

// cSuite are the acronyms of executive offices.
var cSuite = map[string]bool{
	"cio": true, "cto": true, "ciso": true, "cfo": true, "ceo": true, "coo": true,
	"cao": true, "cpo": true, "chro": true, "cdo": true,
}

// headOffices are the jobs that head a department when a jurisdiction
// precedes them ("City Attorney", "County Engineer").
var headOffices = map[string]bool{
	"clerk": true, "engineer": true, "attorney": true, "auditor": true, "librarian": true,
	"controller": true, "comptroller": true, "solicitor": true, "counsel": true,
}

// seniorityOf returns the seniority of a tokenised title, and a function
// that overrides the scored one (fOther for none). tscore is the title's
// own function scores, without the department's.
func seniorityOf(t *tokens, tscore *[numFunctions]int) (string, fn) {
	deputy := t.has("deputy") || t.has("assistant") || t.has("associate") || t.has("vice")
	// Aides of an office are staff, whatever office they serve.
	if t.has("aide") || t.has("liaison") || t.has("secretary") ||
		follows(t, "assistant", "to") || follows(t, "executive", "assistant") ||
		follows(t, "admin", "assistant") || follows(t, "admin", "secretary") {
		return SeniorityStaff, fOther
	}
	if follows3(t, "chief", "of", "staff") {
		if f, _ := strongest(tscore); f == fOther {
			return SeniorityExecutive, fExecutive
		}
		return SeniorityExecutive, fOther
	}

	// Elected offices.
	if t.has("mayor") {
		if t.has("deputy") || t.has("assistant") {
			return SeniorityExecutive, fExecutive
		}
		return SeniorityElected, fExecutive
	}
	if s, f, ok := governingBody(t, tscore, deputy); ok {
		return s, f
	}
	if s, ok := electedOffice(t, deputy); ok {
		return s, fOther
	}

	// Executives.
	for i := 0; i < t.n; i++ {
		if cSuite[t.t[i]] {
			return SeniorityExecutive, fOther
		}
	}
	if i := t.index("chief"); i >= 0 {
		switch next, prev := t.at(i+1), t.at(i-1); {
		case prev == "battalion" || prev == "division" || prev == "crew" || next == "deputy":
			return SeniorityManager, fOther
		case t.index("officer") > i:
			return SeniorityExecutive, fOther
		case tscore[fPublicSafety] > 0:
			return SeniorityExecutive, fOther
		default:
			return SeniorityDirector, fOther
		}
	}
	for i := 0; i+1 < t.n; i++ {
		if jurisdictions[t.t[i]] {
			switch t.t[i+1] {
			case "manager", "administrator", "executive":
				return SeniorityExecutive, fExecutive
			}
		}
	}
	if follows(t, "general", "manager") || t.has("undersheriff") || t.has("president") ||
		t.has("chancellor") || t.has("provost") {
		return SeniorityExecutive, fOther
	}
	if i := t.index("superintendent"); i >= 0 {
		// A superintendent of something other than schools runs a unit:
		// "Street Superintendent", "Superintendent of Water Operations".
		qualified := func(q string) bool {
			h, ok := words[q]
			return (ok && h.w > 0 && h.f != fEducation) || q == "operations" || q == "field"
		}
		for j := 0; j < i; j++ {
			if qualified(t.t[j]) {
				return SeniorityManager, fOther
			}
		}
		if t.at(i+1) == "of" && qualified(t.at(i+2)) {
			return SeniorityManager, fOther
		}
		return SeniorityExecutive, fOther
	}
	if follows(t, "executive", "director") {
		if _, s := strongest(tscore, fExecutive); s > 0 {
			return SeniorityDirector, fOther
		}
		return SeniorityExecutive, fExecutive
	}

	// Directors.
	if t.has("director") || t.has("dean") || t.has("warden") || t.has("controller") ||
		t.has("comptroller") || follows(t, "department", "head") || follows(t, "division", "head") ||
		follows(t, "building", "official") {
		return SeniorityDirector, fOther
	}
	if i := t.index("principal"); i >= 0 {
		next := t.at(i + 1)
		switch {
		case t.at(i-1) == "assistant" || t.at(i-1) == "vice" || t.at(i-1) == "associate":
			return SeniorityManager, fEducation
		case i == t.n-1 || next == "of" || next == "":
			return SeniorityDirector, fEducation
		}
	}
	for i := 1; i < t.n; i++ {
		if headOffices[t.t[i]] && jurisdictions[t.t[i-1]] {
			if deputy {
				return SeniorityStaff, fOther
			}
			return SeniorityDirector, fOther
		}
	}

	// Managers.
	if t.has("manager") || t.has("supervisor") || t.has("foreman") || t.has("lead") ||
		t.has("captain") || t.has("lieutenant") || t.has("sergeant") || t.has("marshal") ||
		t.has("head") {
		return SeniorityManager, fOther
	}
	if i := t.index("administrator"); i >= 0 && !technical[t.at(i-1)] {
		return SeniorityManager, fOther
	}
	return SeniorityStaff, fOther
}

// governingBody recognises members of elected boards and councils: "Board
// Member", "City Council President", "County Commissioner", "Township
// Supervisor", "Trustee".
func governingBody(t *tokens, tscore *[numFunctions]int, deputy bool) (string, fn, bool) {
	if t.has("councilmember") || t.has("alderman") || t.has("selectman") ||
		t.has("legislator") || t.has("freeholder") || t.has("trustee") {
		return SeniorityElected, fGovernance, true
	}
	staffish := t.has("clerk") || t.has("manager") || t.has("director") || t.has("analyst") ||
		t.has("coordinator") || t.has("administrator") || t.has("admin") || t.has("staff") ||
		t.has("specialist") || t.has("officer") || t.has("attorney") || t.has("counsel")
	if t.has("council") && !staffish {
		return SeniorityElected, fGovernance, true
	}
	if t.has("board") && !staffish && (t.has("member") || t.has("president") || t.has("chair") ||
		t.has("vice") || t.has("supervisor")) {
		return SeniorityElected, fGovernance, true
	}
	if t.has("commissioner") {
		if deputy {
			return SeniorityExecutive, fOther, true
		}
		if _, s := strongest(tscore, fGovernance); s >= 6 {
			return SeniorityExecutive, fOther, true
		}
		return SeniorityElected, fGovernance, true
	}
	if i := t.index("supervisor"); i > 0 {
		switch t.t[i-1] {
		case "township", "county", "town":
			if _, s := strongest(tscore, fGovernance); s == 0 {
				return SeniorityElected, fGovernance, true
			}
		}
	}
	return "", fOther, false
}

// electedOffice recognises the elected officers of a county or town:
// sheriff, treasurer, assessor, recorder, coroner, constable, tax collector,
// register of deeds, district attorney, county clerk, clerk of court, county
// or state auditor, judges. Their deputies are managers, except deputy
// sheriffs, who are sworn staff.
func electedOffice(t *tokens, deputy bool) (string, bool) {
	elected := t.has("sheriff") || t.has("treasurer") || t.has("assessor") || t.has("recorder") ||
		t.has("coroner") || t.has("constable") || t.has("deeds") || t.has("judge") ||
		t.has("magistrate") ||
		(t.has("collector") && t.has("tax")) ||
		follows(t, "district", "attorney") || follows(t, "county", "clerk") ||
		(t.has("clerk") && t.has("court")) ||
		follows(t, "county", "auditor") || follows(t, "state", "auditor")
	if !elected {
		return "", false
	}
	chief := t.has("chief")
	switch {
	case t.has("sheriff") && t.has("deputy") && !chief:
		return SeniorityStaff, true
	case deputy || chief:
		return SeniorityManager, true
	}
	return SeniorityElected, true
}

// follows reports whether b comes right after a.
func follows(t *tokens, a, b string) bool {
	for i := 0; i+1 < t.n; i++ {
		if t.t[i] == a && t.t[i+1] == b {
			return true
		}
	}
	return false
}

// follows3 reports whether a, b and c come in a row.
func follows3(t *tokens, a, b, c string) bool {
	for i := 0; i+2 < t.n; i++ {
		if t.t[i] == a && t.t[i+1] == b && t.t[i+2] == c {
			return true
		}
	}
	return false
}
