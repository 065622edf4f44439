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
	// Prog is the department its program staff work in.
	Prog string
}

// agencies lists the departments, offices, boards and commissions a state
// government typically has, biggest first.
var agencies = []agency{
	{"%s Department of Transportation", "dot", 60, "District", "Highway Operations"},
	{"%s Department of Health and Human Services", "dhhs", 55, "Region", "Family Assistance"},
	{"%s Department of Corrections", "doc", 45, "Facility", "Institutions"},
	{"%s Department of Education", "education", 35, "Region", "School Improvement"},
	{"%s Department of Revenue", "revenue", 30, "Office", "Tax Administration"},
	{"%s State Police", "statepolice", 30, "Troop", "Patrol Division"},
	{"%s Department of Natural Resources", "dnr", 28, "District", "Forestry Division"},
	{"%s Department of Labor", "labor", 22, "Office", "Unemployment Insurance"},
	{"%s Department of Information Technology", "it", 25, "", "Enterprise Technology Services"},
	{"%s Department of Public Health", "health", 30, "Region", "Disease Control"},
	{"%s Department of Children and Family Services", "dcfs", 25, "Region", "Child Protective Services"},
	{"%s Department of Motor Vehicles", "dmv", 18, "Office", "Driver Services"},
	{"%s Department of Environmental Quality", "deq", 18, "Region", "Air Quality Division"},
	{"%s Department of Agriculture", "agriculture", 12, "District", "Food Safety"},
	{"%s Department of Administration", "admin", 18, "", "Facilities Management"},
	{"%s Department of Veterans Affairs", "veterans", 10, "Home", "Veterans Benefits"},
	{"%s Emergency Management Agency", "ema", 10, "Region", "Preparedness"},
	{"%s Department of Commerce", "commerce", 10, "", "Business Development"},
	{"%s Department of Insurance", "insurance", 8, "", "Consumer Services"},
	{"%s Department of Financial Institutions", "dfi", 6, "", "Bank Supervision"},
	{"%s Department of Juvenile Justice", "djj", 12, "Facility", "Juvenile Services"},
	{"%s Department of Mental Health", "mentalhealth", 15, "Hospital", "Behavioral Health Services"},
	{"%s Department of Aging", "aging", 6, "Area Agency", "Adult Protective Services"},
	{"%s Department of Public Safety", "dps", 20, "Region", "Homeland Security"},
	{"%s Department of Parks and Recreation", "parks", 10, "State Park", "State Parks Division"},
	{"%s Department of Fish and Wildlife", "wildlife", 10, "District", "Wildlife Management"},
	{"%s Department of Housing and Community Development", "housing", 6, "", "Community Development Programs"},
	{"%s Department of Workforce Development", "workforce", 12, "Career Center", "Employment Services"},
	{"%s Office of the Secretary of State", "sos", 8, "", "Elections Division"},
	{"%s Office of the Attorney General", "ag", 12, "Regional Office", "Consumer Protection"},
	{"%s Office of the State Treasurer", "treasurer", 4, "", "Unclaimed Property"},
	{"%s Office of the State Auditor", "auditor", 5, "", "Audit Division"},
	{"%s Office of Management and Budget", "omb", 5, "", "Budget Office"},
	{"%s Office of the Governor", "governor", 6, "", "Constituent Services"},
	{"%s Administrative Office of the Courts", "courts", 12, "Judicial Circuit", "Court Services"},
	{"%s Public Utilities Commission", "puc", 4, "", "Utility Regulation"},
	{"%s Lottery Commission", "lottery", 3, "", "Lottery Operations"},
	{"%s Gaming Commission", "gaming", 3, "", "Gaming Enforcement"},
	{"%s Board of Nursing", "nursing", 2, "", "Licensing"},
	{"%s Board of Pharmacy", "pharmacy", 2, "", "Licensing"},
	{"%s Medical Board", "medicalboard", 2, "", "Licensing"},
	{"%s Board of Elections", "elections", 4, "", "Elections Administration"},
	{"%s Housing Finance Agency", "hfa", 3, "", "Housing Finance"},
	{"%s Public Employees Retirement System", "pers", 5, "", "Retirement Services"},
	{"%s Turnpike Authority", "turnpike", 5, "", "Toll Operations"},
	{"%s Historical Society", "history", 2, "", "Historic Preservation"},
	{"%s Arts Council", "arts", 1, "", "Grants Programs"},
	{"%s Tourism Office", "tourism", 2, "", "Tourism Marketing"},
	{"%s Department of Medicaid", "medicaid", 10, "", "Medicaid Services"},
	{"%s Department of General Services", "dgs", 10, "", "Procurement Services"},
	{"%s Office of Cybersecurity", "cyber", 4, "", "Security Operations"},
	{"%s Department of Energy", "energy", 4, "", "Energy Programs"},
	{"%s Department of Rehabilitation Services", "rehab", 6, "Office", "Vocational Rehabilitation"},
	{"%s Department of Child Support Services", "childsupport", 6, "Office", "Child Support Enforcement"},
	{"%s Office of Broadband", "broadband", 2, "", "Broadband Grants"},
	{"%s Water Resources Board", "water", 4, "", "Water Resources Planning"},
	{"%s Department of Military Affairs", "military", 5, "Armory", "National Guard Operations"},
	{"%s Alcohol Beverage Control Commission", "abc", 3, "", "Licensing and Enforcement"},
	{"%s Department of Transportation Aeronautics Division", "aero", 2, "", "Aviation Programs"},
	{"%s Commission on Higher Education", "highered", 3, "", "Academic Affairs"},
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
