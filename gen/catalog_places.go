package gen

// agency is a kind of state agency. Name holds "%s" for the state's name.
type agency struct {
	Name string
	// Sub is a domain label ("dot" in dot.ohio.gov).
	Sub string
	// Size weighs its share of contacts.
	Size float64
	// Unit names its regional offices ("District", "Region"), which fill
	// the state_agency count at large scales; empty for agencies without.
	Unit string
}

// agencies lists the departments, offices, boards and commissions a state
// government typically has, biggest first.
var agencies = []agency{
	{"%s Department of Transportation", "dot", 60, "District"},
	{"%s Department of Health and Human Services", "dhhs", 55, "Region"},
	{"%s Department of Corrections", "doc", 45, "Facility"},
	{"%s Department of Education", "education", 35, "Region"},
	{"%s Department of Revenue", "revenue", 30, "Office"},
	{"%s State Police", "statepolice", 30, "Troop"},
	{"%s Department of Natural Resources", "dnr", 28, "District"},
	{"%s Department of Labor", "labor", 22, "Office"},
	{"%s Department of Information Technology", "it", 25, ""},
	{"%s Department of Public Health", "health", 30, "Region"},
	{"%s Department of Children and Family Services", "dcfs", 25, "Region"},
	{"%s Department of Motor Vehicles", "dmv", 18, "Office"},
	{"%s Department of Environmental Quality", "deq", 18, "Region"},
	{"%s Department of Agriculture", "agriculture", 12, "District"},
	{"%s Department of Administration", "admin", 18, ""},
	{"%s Department of Veterans Affairs", "veterans", 10, "Home"},
	{"%s Emergency Management Agency", "ema", 10, "Region"},
	{"%s Department of Commerce", "commerce", 10, ""},
	{"%s Department of Insurance", "insurance", 8, ""},
	{"%s Department of Financial Institutions", "dfi", 6, ""},
	{"%s Department of Juvenile Justice", "djj", 12, "Facility"},
	{"%s Department of Mental Health", "mentalhealth", 15, "Hospital"},
	{"%s Department of Aging", "aging", 6, "Area Agency"},
	{"%s Department of Public Safety", "dps", 20, "Region"},
	{"%s Department of Parks and Recreation", "parks", 10, "State Park"},
	{"%s Department of Fish and Wildlife", "wildlife", 10, "District"},
	{"%s Department of Housing and Community Development", "housing", 6, ""},
	{"%s Department of Workforce Development", "workforce", 12, "Career Center"},
	{"%s Office of the Secretary of State", "sos", 8, ""},
	{"%s Office of the Attorney General", "ag", 12, "Regional Office"},
	{"%s Office of the State Treasurer", "treasurer", 4, ""},
	{"%s Office of the State Auditor", "auditor", 5, ""},
	{"%s Office of Management and Budget", "omb", 5, ""},
	{"%s Office of the Governor", "governor", 6, ""},
	{"%s Administrative Office of the Courts", "courts", 12, "Judicial Circuit"},
	{"%s Public Utilities Commission", "puc", 4, ""},
	{"%s Lottery Commission", "lottery", 3, ""},
	{"%s Gaming Commission", "gaming", 3, ""},
	{"%s Board of Nursing", "nursing", 2, ""},
	{"%s Board of Pharmacy", "pharmacy", 2, ""},
	{"%s Medical Board", "medicalboard", 2, ""},
	{"%s Board of Elections", "elections", 4, ""},
	{"%s Housing Finance Agency", "hfa", 3, ""},
	{"%s Public Employees Retirement System", "pers", 5, ""},
	{"%s Turnpike Authority", "turnpike", 5, ""},
	{"%s Historical Society", "history", 2, ""},
	{"%s Arts Council", "arts", 1, ""},
	{"%s Tourism Office", "tourism", 2, ""},
	{"%s Department of Medicaid", "medicaid", 10, ""},
	{"%s Department of General Services", "dgs", 10, ""},
	{"%s Office of Cybersecurity", "cyber", 4, ""},
	{"%s Department of Energy", "energy", 4, ""},
	{"%s Department of Rehabilitation Services", "rehab", 6, "Office"},
	{"%s Department of Child Support Services", "childsupport", 6, "Office"},
	{"%s Office of Broadband", "broadband", 2, ""},
	{"%s Water Resources Board", "water", 4, ""},
	{"%s Department of Military Affairs", "military", 5, "Armory"},
	{"%s Alcohol Beverage Control Commission", "abc", 3, ""},
	{"%s Department of Transportation Aeronautics Division", "aero", 2, ""},
	{"%s Commission on Higher Education", "highered", 3, ""},
}

// specialKind is a kind of special district, with its share of the
// Census's 38,542 special districts (2022 function codes, approximate).
type specialKind struct {
	Key     string
	Share   float64
	Formats []string // "%s" takes the locality
	Domain  []string // domain stems after the locality slug
}

var specialKinds = []specialKind{
	{"fire", 14.5, []string{"%s Fire Protection District", "%s Fire District", "%s Volunteer Fire Department", "%s Rural Fire District"}, []string{"fire", "fpd", "firedistrict"}},
	{"water", 9.5, []string{"Greater %s Water District", "%s Water District", "%s Water Supply Corporation", "%s Public Water District", "%s Rural Water District"}, []string{"water", "wd", "waterdistrict"}},
	{"housing", 8.5, []string{"%s Housing Authority", "Housing Authority of the City of %s"}, []string{"housing", "ha", "hauthority"}},
	{"drainage", 7.5, []string{"%s Drainage District", "%s Levee District", "%s Flood Control District"}, []string{"drainage", "dd", "flood"}},
	{"conservation", 6.5, []string{"%s Soil and Water Conservation District", "%s Conservation District"}, []string{"swcd", "conservation"}},
	{"sewer", 5, []string{"%s Sanitary District", "%s Sewer District", "%s Wastewater Authority"}, []string{"sanitary", "sewer", "sd"}},
	{"watersewer", 4, []string{"%s Water and Sewer Authority", "%s Utility District", "%s Municipal Utility District"}, []string{"wsa", "ud", "mud"}},
	{"cemetery", 4, []string{"%s Cemetery District", "%s Cemetery Association"}, []string{"cemetery"}},
	{"parks", 3.5, []string{"%s Park District", "%s Parks and Recreation District", "%s Recreation District"}, []string{"parks", "parkdistrict", "rec"}},
	{"highway", 2, []string{"%s Road District", "%s Highway District"}, []string{"roads", "hwy"}},
	{"hospital", 2, []string{"%s Hospital District", "%s Health Care District", "%s Regional Medical Center"}, []string{"hospital", "health", "medical"}},
	{"airport", 1.3, []string{"%s Airport Authority", "%s Regional Airport Authority"}, []string{"airport", "flyairport"}},
	{"transit", 1, []string{"%s Transit Authority", "%s Area Transit District", "%s Regional Transportation Authority"}, []string{"transit", "rides", "rta"}},
	{"port", 0.5, []string{"Port of %s", "%s Port Authority"}, []string{"port", "portauthority"}},
	{"mosquito", 0.7, []string{"%s Mosquito Abatement District", "%s Mosquito Control District"}, []string{"mosquito"}},
	{"development", 3, []string{"%s Community Development District", "%s Economic Development Authority", "%s Redevelopment Agency"}, []string{"cdd", "eda", "develop"}},
	{"electric", 1.5, []string{"%s Public Utility District", "%s Electric Cooperative Authority", "%s Public Power District"}, []string{"pud", "power", "electric"}},
	{"irrigation", 1.5, []string{"%s Irrigation District"}, []string{"irrigation", "id"}},
	{"emergency", 2, []string{"%s Emergency Services District", "%s Ambulance District", "%s 911 Emergency Communications District"}, []string{"esd", "ems", "911"}},
	{"library", 0.5, []string{"%s Library District"}, []string{"librarydistrict"}},
	{"solidwaste", 1, []string{"%s Solid Waste Authority", "%s Regional Landfill Authority"}, []string{"solidwaste", "recycle"}},
}
