package gen

import "strings"

// agency is a kind of state agency: a department, office, board,
// commission, court or legislative body most states have under this name
// or one like it. Name holds "%s" for the state's name.
type agency struct {
	Name string
	// Sub is its domain label ("dot" in dot.ohio.gov), unique in the
	// catalog.
	Sub string
	// Size weighs its share of contacts.
	Size float64
	// Prog is the department its program staff work in.
	Prog string
	// W is how common it is: 10 every state has one, 4 most, 2 many, 1
	// some. A state with fewer agencies than the catalog draws them by
	// these weights.
	W float64
	// Set names its title set: "" (an executive agency), "board",
	// "court" or "legislature".
	Set string
	// States limits it to those states ("PA OH NJ"); Not excludes some.
	States, Not string
}

// agencyCatalog lists the state government bodies, the most common first.
// State figures: state government organization charts and The Book of the
// States (Council of State Governments) show from about 60 agencies,
// boards and commissions in a small state to a few hundred in a large one.
var agencyCatalog = []agency{
	// Executive offices and constitutional officers.
	{Name: "%s Governor's Office", Sub: "governor", Size: 6, Prog: "Constituent Services", W: 10},
	{Name: "%s Office of the Lieutenant Governor", Sub: "ltgov", Size: 1, Prog: "Constituent Services", W: 4, Not: "AZ OR WY ME NH DC"},
	{Name: "%s Secretary of State", Sub: "sos", Size: 8, Prog: "Elections Division", W: 10, Not: "DC"},
	{Name: "%s Office of the Attorney General", Sub: "ag", Size: 14, Prog: "Consumer Protection", W: 10},
	{Name: "%s State Treasurer", Sub: "treasurer", Size: 4, Prog: "Unclaimed Property", W: 10},
	{Name: "%s State Auditor", Sub: "auditor", Size: 5, Prog: "Audit Division", W: 10},
	{Name: "%s Office of Management and Budget", Sub: "omb", Size: 5, Prog: "Budget Office", W: 10},
	{Name: "%s Comptroller", Sub: "comptroller", Size: 5, Prog: "Accounting Services", W: 2},
	{Name: "%s Office of Inspector General", Sub: "oig", Size: 3, Prog: "Investigations", W: 4},
	// Departments.
	{Name: "%s Department of Transportation", Sub: "dot", Size: 60, Prog: "Highway Operations", W: 10},
	{Name: "%s Department of Health and Human Services", Sub: "dhhs", Size: 55, Prog: "Family Assistance", W: 10},
	{Name: "%s Department of Corrections", Sub: "doc", Size: 45, Prog: "Institutions", W: 10},
	{Name: "%s Department of Education", Sub: "education", Size: 35, Prog: "School Improvement", W: 10},
	{Name: "%s Department of Revenue", Sub: "revenue", Size: 30, Prog: "Tax Administration", W: 10},
	{Name: "%s State Police", Sub: "statepolice", Size: 30, Prog: "Patrol Division", W: 10, Not: "DC"},
	{Name: "%s Department of Natural Resources", Sub: "dnr", Size: 28, Prog: "Forestry Division", W: 10},
	{Name: "%s Department of Labor", Sub: "labor", Size: 22, Prog: "Unemployment Insurance", W: 10},
	{Name: "%s Office of Information Technology", Sub: "it", Size: 25, Prog: "Enterprise Technology Services", W: 10},
	{Name: "%s Department of Public Health", Sub: "health", Size: 30, Prog: "Disease Control", W: 10},
	{Name: "%s Department of Children and Family Services", Sub: "dcfs", Size: 25, Prog: "Child Protective Services", W: 10},
	{Name: "%s Department of Motor Vehicles", Sub: "dmv", Size: 18, Prog: "Driver Services", W: 10},
	{Name: "%s Department of Environmental Quality", Sub: "deq", Size: 18, Prog: "Air Quality Division", W: 10},
	{Name: "%s Department of Agriculture", Sub: "agriculture", Size: 12, Prog: "Food Safety", W: 10},
	{Name: "%s Department of Administration", Sub: "admin", Size: 18, Prog: "Facilities Management", W: 10},
	{Name: "%s Department of Veterans Affairs", Sub: "veterans", Size: 10, Prog: "Veterans Benefits", W: 10},
	{Name: "%s Emergency Management Agency", Sub: "ema", Size: 10, Prog: "Preparedness", W: 10},
	{Name: "%s Department of Commerce", Sub: "commerce", Size: 10, Prog: "Business Development", W: 10},
	{Name: "%s Department of Insurance", Sub: "insurance", Size: 8, Prog: "Consumer Services", W: 10},
	{Name: "%s Department of Financial Institutions", Sub: "dfi", Size: 6, Prog: "Bank Supervision", W: 10},
	{Name: "%s Department of Juvenile Justice", Sub: "djj", Size: 12, Prog: "Juvenile Services", W: 10},
	{Name: "%s Department of Mental Health", Sub: "mentalhealth", Size: 15, Prog: "Behavioral Health Services", W: 10},
	{Name: "%s Department of Aging", Sub: "aging", Size: 6, Prog: "Adult Protective Services", W: 10},
	{Name: "%s Department of Public Safety", Sub: "dps", Size: 20, Prog: "Homeland Security", W: 10},
	{Name: "%s Division of State Parks", Sub: "parks", Size: 10, Prog: "State Parks Division", W: 10, Not: "DC"},
	{Name: "%s Department of Fish and Wildlife", Sub: "wildlife", Size: 10, Prog: "Wildlife Management", W: 10},
	{Name: "%s Department of Workforce Development", Sub: "workforce", Size: 12, Prog: "Employment Services", W: 10},
	{Name: "%s Department of Medicaid Services", Sub: "medicaid", Size: 10, Prog: "Medicaid Services", W: 10},
	{Name: "%s Department of General Services", Sub: "dgs", Size: 10, Prog: "Procurement Services", W: 10},
	{Name: "%s Department of Housing and Community Development", Sub: "housing", Size: 6, Prog: "Community Development Programs", W: 10},
	{Name: "%s Department of Human Resources", Sub: "hr", Size: 6, Prog: "Classification and Compensation", W: 10},
	{Name: "%s Military Department", Sub: "military", Size: 5, Prog: "National Guard Operations", W: 10},
	{Name: "%s Department of Developmental Services", Sub: "dds", Size: 10, Prog: "Developmental Services", W: 4},
	{Name: "%s Department of Economic Development", Sub: "econdev", Size: 8, Prog: "Business Development", W: 4},
	{Name: "%s Department of Licensing and Regulation", Sub: "licensing", Size: 6, Prog: "Licensing", W: 4},
	{Name: "%s Department of Banking and Securities", Sub: "banking", Size: 4, Prog: "Bank Supervision", W: 2},
	{Name: "%s Department of Homeland Security", Sub: "homeland", Size: 4, Prog: "Homeland Security", W: 2},
	{Name: "%s Department of Early Learning", Sub: "earlylearning", Size: 4, Prog: "Child Care Licensing", W: 2},
	{Name: "%s Department of Conservation", Sub: "conservation", Size: 6, Prog: "Conservation Programs", W: 2},
	{Name: "%s Department of Energy", Sub: "energy", Size: 4, Prog: "Energy Programs", W: 4},
	// Offices and divisions.
	{Name: "%s Office of Cybersecurity", Sub: "cyber", Size: 4, Prog: "Security Operations", W: 4},
	{Name: "%s Division of Vocational Rehabilitation", Sub: "rehab", Size: 6, Prog: "Vocational Rehabilitation", W: 10},
	{Name: "%s Office of Child Support Enforcement", Sub: "childsupport", Size: 6, Prog: "Child Support Enforcement", W: 10},
	{Name: "%s Broadband Office", Sub: "broadband", Size: 2, Prog: "Broadband Grants", W: 4},
	{Name: "%s Office of Tourism", Sub: "tourism", Size: 2, Prog: "Tourism Marketing", W: 10},
	{Name: "%s State Library", Sub: "library", Size: 3, Prog: "Library Development", W: 10},
	{Name: "%s State Archives", Sub: "archives", Size: 2, Prog: "Records Management", W: 4},
	{Name: "%s State Museum", Sub: "museum", Size: 2, Prog: "Collections", W: 2},
	{Name: "%s State Historic Preservation Office", Sub: "shpo", Size: 2, Prog: "Historic Preservation", W: 10},
	{Name: "%s State Fire Marshal", Sub: "firemarshal", Size: 3, Prog: "Fire Prevention", W: 10},
	{Name: "%s Bureau of Investigation", Sub: "sbi", Size: 8, Prog: "Investigations", W: 10, Not: "DC"},
	{Name: "%s Office of the Public Defender", Sub: "publicdefender", Size: 8, Prog: "Legal Services", W: 4},
	{Name: "%s Office of the Chief Medical Examiner", Sub: "ocme", Size: 3, Prog: "Forensic Pathology", W: 4},
	{Name: "%s Office of Administrative Hearings", Sub: "oah", Size: 2, Prog: "Hearings", W: 4},
	{Name: "%s Office of Emergency Medical Services", Sub: "ems", Size: 2, Prog: "EMS Licensing", W: 4},
	{Name: "%s Office of Rural Health", Sub: "ruralhealth", Size: 1, Prog: "Rural Health Programs", W: 2},
	{Name: "%s Office for Victims of Crime", Sub: "victims", Size: 2, Prog: "Victim Compensation", W: 2},
	{Name: "%s State Procurement Office", Sub: "procurement", Size: 3, Prog: "Procurement Services", W: 4},
	{Name: "%s Office of State Planning", Sub: "planning", Size: 2, Prog: "Planning", W: 2},
	{Name: "%s Office of the Ombudsman", Sub: "ombudsman", Size: 1, Prog: "Constituent Services", W: 2},
	{Name: "%s Office of Consumer Counsel", Sub: "consumercounsel", Size: 1, Prog: "Consumer Advocacy", W: 2},
	{Name: "%s Highway Safety Office", Sub: "highwaysafety", Size: 1, Prog: "Traffic Safety Programs", W: 4},
	{Name: "%s Film Office", Sub: "film", Size: 1, Prog: "Film Incentives", W: 2},
	{Name: "%s Correctional Industries", Sub: "ci", Size: 2, Prog: "Manufacturing Operations", W: 2},
	{Name: "%s Capitol Police", Sub: "capitolpolice", Size: 2, Prog: "Patrol Division", W: 2, Not: "DC"},
	{Name: "%s Occupational Safety and Health Administration", Sub: "osha", Size: 3, Prog: "Compliance", W: 1,
		States: "AK AZ CA HI IN IA KY MD MI MN NV NM NC OR SC TN UT VT VA WA WY"},
	{Name: "%s Geological Survey", Sub: "geology", Size: 2, Prog: "Geologic Mapping", W: 4},
	{Name: "%s Forestry Commission", Sub: "forestry", Size: 4, Prog: "Forest Management", W: 2, Not: "DC"},
	{Name: "%s State Fair", Sub: "statefair", Size: 2, Prog: "Fair Operations", W: 2, Not: "DC"},
	{Name: "%s Veterans Home", Sub: "vethome", Size: 6, Prog: "Resident Care", W: 4},
	{Name: "%s State Hospital", Sub: "statehospital", Size: 8, Prog: "Patient Care", W: 4, Not: "DC"},
	{Name: "%s School for the Deaf", Sub: "deafschool", Size: 4, Prog: "Instruction", W: 4, Not: "DC"},
	{Name: "%s School for the Blind", Sub: "blindschool", Size: 3, Prog: "Instruction", W: 2, Not: "DC"},
	{Name: "%s Public Broadcasting Authority", Sub: "pbs", Size: 3, Prog: "Broadcast Operations", W: 2},
	{Name: "%s Health Benefit Exchange", Sub: "exchange", Size: 3, Prog: "Eligibility and Enrollment", W: 2},
	{Name: "%s State Employees' Health Plan", Sub: "healthplan", Size: 2, Prog: "Benefits Administration", W: 2},
	{Name: "%s Deferred Compensation Program", Sub: "defcomp", Size: 1, Prog: "Retirement Services", W: 1},
	{Name: "%s Infrastructure Bank", Sub: "ib", Size: 1, Prog: "Project Finance", W: 1},
	{Name: "%s Water Development Authority", Sub: "waterdev", Size: 2, Prog: "Water Infrastructure Finance", W: 2},
	{Name: "%s Workforce Development Board", Sub: "wdb", Size: 2, Prog: "Workforce Programs", W: 4},
	{Name: "%s Community College System Office", Sub: "ccs", Size: 4, Prog: "Academic Affairs", W: 4},
	{Name: "%s Student Aid Commission", Sub: "studentaid", Size: 3, Prog: "Grant Programs", W: 4},
	{Name: "%s Commission on Higher Education", Sub: "highered", Size: 3, Prog: "Academic Affairs", W: 10},
	// Authorities and finance agencies.
	{Name: "%s Housing Finance Agency", Sub: "hfa", Size: 3, Prog: "Housing Finance", W: 10},
	{Name: "%s Public Employees Retirement System", Sub: "pers", Size: 5, Prog: "Retirement Services", W: 10},
	{Name: "%s Teachers' Retirement System", Sub: "trs", Size: 4, Prog: "Retirement Services", W: 4},
	{Name: "%s Lottery", Sub: "lottery", Size: 3, Prog: "Lottery Operations", W: 10, Not: "AL AK HI NV UT"},
	{Name: "%s Turnpike Authority", Sub: "turnpike", Size: 5, Prog: "Toll Operations", W: 10,
		States: "PA OH NJ MA KS OK FL IN ME NH WV NY IL"},
	{Name: "%s Port Authority", Sub: "port", Size: 4, Prog: "Maritime Operations", W: 2,
		States: "AL CA CT DE FL GA HI LA MA MD ME MS NC NH NJ NY OR RI SC TX VA WA AK"},
	{Name: "%s Economic Development Corporation", Sub: "edc", Size: 3, Prog: "Business Recruitment", W: 2},
	// Commissions.
	{Name: "%s Public Utilities Commission", Sub: "puc", Size: 4, Prog: "Utility Regulation", W: 10},
	{Name: "%s Gaming Commission", Sub: "gaming", Size: 3, Prog: "Gaming Enforcement", W: 10,
		States: "NV NJ PA MS LA IN MO IA IL MI OH CO MD NY KS ME MA WV DE RI AR VA SD"},
	{Name: "%s Alcoholic Beverage Control Commission", Sub: "abc", Size: 3, Prog: "Licensing and Enforcement", W: 10},
	{Name: "%s Cannabis Control Commission", Sub: "cannabis", Size: 2, Prog: "Licensing and Enforcement", W: 10,
		States: "CA CO WA OR NV AZ NM MI IL MA ME VT NY NJ CT RI MD MO MN DE OH MT AK VA"},
	{Name: "%s Ethics Commission", Sub: "ethics", Size: 1, Prog: "Compliance", W: 10},
	{Name: "%s Workers' Compensation Board", Sub: "workcomp", Size: 4, Prog: "Claims Administration", W: 10},
	{Name: "%s Civil Rights Commission", Sub: "civilrights", Size: 2, Prog: "Investigations", W: 4},
	{Name: "%s Commission on Indian Affairs", Sub: "indianaffairs", Size: 1, Prog: "Tribal Relations", W: 2,
		States: "AK AZ CA MN MT NM NV OK OR SD WA WI ND NE ID UT WY MI NY"},
	{Name: "%s Commission for the Blind", Sub: "blind", Size: 3, Prog: "Vocational Rehabilitation", W: 2},
	{Name: "%s Commission for the Deaf and Hard of Hearing", Sub: "deaf", Size: 1, Prog: "Interpreter Services", W: 2},
	{Name: "%s Developmental Disabilities Council", Sub: "ddc", Size: 1, Prog: "Grants Programs", W: 4},
	{Name: "%s Peace Officer Standards and Training Commission", Sub: "post", Size: 2, Prog: "Training", W: 10},
	{Name: "%s Parole Board", Sub: "parole", Size: 3, Prog: "Parole Hearings", W: 10},
	{Name: "%s Sentencing Commission", Sub: "sentencing", Size: 1, Prog: "Research", W: 2},
	{Name: "%s Arts Commission", Sub: "arts", Size: 1, Prog: "Grants Programs", W: 10},
	{Name: "%s Commission on the Status of Women", Sub: "women", Size: 1, Prog: "Policy", W: 1},
	{Name: "%s Commission on Hispanic Affairs", Sub: "hispanic", Size: 1, Prog: "Policy", W: 1},
	{Name: "%s Commission on National and Community Service", Sub: "volunteer", Size: 1, Prog: "AmeriCorps Programs", W: 2},
	{Name: "%s Aeronautics Commission", Sub: "aero", Size: 2, Prog: "Aviation Programs", W: 2},
	{Name: "%s Oil and Gas Conservation Commission", Sub: "oilgas", Size: 2, Prog: "Well Permitting", W: 4,
		States: "TX OK ND CO WY NM LA AK MT KS OH PA WV UT CA MI"},
	{Name: "%s Coastal Management Program", Sub: "coastal", Size: 2, Prog: "Coastal Permitting", W: 2,
		States: "AL CA CT DE FL GA HI LA MA MD ME MS NC NH NJ NY OR RI SC TX VA WA AK MI MN OH PA WI IL IN"},
	{Name: "%s Board of Animal Health", Sub: "animalhealth", Size: 1, Prog: "Animal Disease Control", W: 2},
	{Name: "%s Racing Commission", Sub: "racing", Size: 1, Prog: "Licensing", W: 1},
	{Name: "%s Athletic Commission", Sub: "athletic", Size: 1, Prog: "Licensing", W: 1},
	{Name: "%s State Board of Equalization", Sub: "equalization", Size: 2, Prog: "Property Tax", W: 1},
	{Name: "%s Board of Tax Appeals", Sub: "taxappeals", Size: 1, Prog: "Hearings", W: 2},
	{Name: "%s State Board of Elections", Sub: "elections", Size: 4, Prog: "Elections Administration", W: 4},
	{Name: "%s State Board of Education", Sub: "sbe", Size: 2, Prog: "Policy", W: 10, Set: "board"},
	{Name: "%s Board of Regents", Sub: "regents", Size: 3, Prog: "Academic Affairs", W: 4, Set: "board"},
	// Licensing boards.
	{Name: "%s Board of Nursing", Sub: "nursing", Size: 2, Prog: "Licensing", W: 10, Set: "board"},
	{Name: "%s Board of Pharmacy", Sub: "pharmacy", Size: 2, Prog: "Licensing", W: 10, Set: "board"},
	{Name: "%s Medical Board", Sub: "medicalboard", Size: 2, Prog: "Licensing", W: 10, Set: "board"},
	{Name: "%s Real Estate Commission", Sub: "realestate", Size: 2, Prog: "Licensing", W: 10, Set: "board"},
	{Name: "%s Board of Accountancy", Sub: "accountancy", Size: 1, Prog: "Licensing", W: 10, Set: "board"},
	{Name: "%s Board of Dentistry", Sub: "dentistry", Size: 1, Prog: "Licensing", W: 10, Set: "board"},
	{Name: "%s Board of Professional Engineers and Land Surveyors", Sub: "engineers", Size: 1, Prog: "Licensing", W: 10, Set: "board"},
	{Name: "%s Board of Chiropractic Examiners", Sub: "chiropractic", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Optometry", Sub: "optometry", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Veterinary Medicine", Sub: "vetmed", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Physical Therapy", Sub: "pt", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Psychology", Sub: "psychology", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Social Work Examiners", Sub: "socialwork", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Licensed Professional Counselors", Sub: "counseling", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Cosmetology", Sub: "cosmetology", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Architecture", Sub: "architecture", Size: 1, Prog: "Licensing", W: 4, Set: "board"},
	{Name: "%s Board of Barber Examiners", Sub: "barber", Size: 1, Prog: "Licensing", W: 2, Set: "board"},
	{Name: "%s Board of Funeral Service", Sub: "funeral", Size: 1, Prog: "Licensing", W: 2, Set: "board"},
	{Name: "%s Board of Occupational Therapy", Sub: "ot", Size: 1, Prog: "Licensing", W: 2, Set: "board"},
	{Name: "%s Board of Respiratory Care", Sub: "respiratory", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Massage Therapy", Sub: "massage", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Examiners of Nursing Home Administrators", Sub: "nha", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Speech-Language Pathology and Audiology", Sub: "speech", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Dietetics", Sub: "dietetics", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Podiatric Medicine", Sub: "podiatry", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Landscape Architects", Sub: "landscape", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Private Investigators and Security Guards", Sub: "pisg", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s State Plumbing Board", Sub: "plumbing", Size: 1, Prog: "Licensing", W: 2, Set: "board"},
	{Name: "%s Electrical Licensing Board", Sub: "electrical", Size: 1, Prog: "Licensing", W: 2, Set: "board"},
	{Name: "%s Contractors Licensing Board", Sub: "contractors", Size: 2, Prog: "Licensing", W: 2, Set: "board"},
	{Name: "%s Board of Geologists", Sub: "geologists", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Emergency Response Commission", Sub: "serc", Size: 1, Prog: "Hazardous Materials Planning", W: 2},
	{Name: "%s Emergency Communications Board", Sub: "ecb", Size: 1, Prog: "911 Programs", W: 2},
	{Name: "%s Criminal Justice Coordinating Council", Sub: "cjcc", Size: 2, Prog: "Grants Programs", W: 2},
	{Name: "%s Soil and Water Conservation Commission", Sub: "swcc", Size: 1, Prog: "Conservation Programs", W: 4},
	{Name: "%s Finance Authority", Sub: "financeauthority", Size: 2, Prog: "Project Finance", W: 2},
	{Name: "%s Educational Facilities Authority", Sub: "efa", Size: 1, Prog: "Bond Programs", W: 1},
	{Name: "%s Law Revision Commission", Sub: "lawrevision", Size: 1, Prog: "Research", W: 1},
	{Name: "%s Commission on Uniform State Laws", Sub: "uniformlaws", Size: 1, Prog: "Research", W: 1},
	{Name: "%s Apprenticeship Council", Sub: "apprenticeship", Size: 1, Prog: "Apprenticeship Programs", W: 1},
	{Name: "%s Rural Development Council", Sub: "ruraldevelopment", Size: 1, Prog: "Rural Programs", W: 1},
	{Name: "%s Invasive Species Council", Sub: "invasives", Size: 1, Prog: "Conservation Programs", W: 1},
	{Name: "%s Office of Refugee Services", Sub: "refugees", Size: 1, Prog: "Resettlement Programs", W: 1},
	{Name: "%s Wheat Commission", Sub: "wheat", Size: 1, Prog: "Market Development", W: 2,
		States: "KS WA OR ID MT ND NE OK CO SD TX MN"},
	{Name: "%s Board of Pilot Commissioners", Sub: "pilots", Size: 1, Prog: "Licensing", W: 1, Set: "board",
		States: "CA OR WA TX LA FL GA SC NC VA MD DE NJ NY MA ME AK HI AL MS"},
	{Name: "%s Board of Auctioneers", Sub: "auctioneers", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Hearing Aid Dealers", Sub: "hearingaid", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Acupuncture", Sub: "acupuncture", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Board of Registration for Foresters", Sub: "foresters", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	{Name: "%s Manufactured Housing Board", Sub: "manufacturedhousing", Size: 1, Prog: "Licensing", W: 1, Set: "board"},
	// Courts.
	{Name: "%s Supreme Court", Sub: "supremecourt", Size: 4, Prog: "Clerk's Office", W: 10, Set: "court", Not: "DC"},
	{Name: "%s Court of Appeals", Sub: "appeals", Size: 3, Prog: "Clerk's Office", W: 4, Set: "court"},
	{Name: "%s Administrative Office of the Courts", Sub: "courts", Size: 12, Prog: "Court Services", W: 10, Set: "court"},
	{Name: "%s Court of Claims", Sub: "claims", Size: 1, Prog: "Clerk's Office", W: 1, Set: "court"},
	{Name: "%s Judicial Conduct Commission", Sub: "judicialconduct", Size: 1, Prog: "Investigations", W: 1, Set: "court"},
	// Legislatures.
	{Name: "%s Senate", Sub: "senate", Size: 4, Prog: "Legislative Services", W: 10, Set: "legislature", Not: "NE DC"},
	{Name: "%s House of Representatives", Sub: "house", Size: 5, Prog: "Legislative Services", W: 10, Set: "legislature", Not: "NE"},
	{Name: "%s Legislative Services Agency", Sub: "legislative", Size: 4, Prog: "Fiscal Analysis", W: 10, Set: "legislature"},
	{Name: "%s Legislative Audit Division", Sub: "legaudit", Size: 2, Prog: "Audit Division", W: 2, Set: "legislature"},
}

// agencyNames are the names some states give an agency of the catalog, by
// state and Sub; "%s" is the state's name.
var agencyNames = map[string]map[string]string{
	"statepolice": {
		"CA": "California Highway Patrol", "FL": "Florida Highway Patrol", "NC": "North Carolina State Highway Patrol",
		"SC": "South Carolina Highway Patrol", "MO": "Missouri State Highway Patrol", "OH": "Ohio State Highway Patrol",
		"KS": "Kansas Highway Patrol", "MS": "Mississippi Highway Patrol", "ND": "North Dakota Highway Patrol",
		"NV": "Nevada Highway Patrol", "OK": "Oklahoma Highway Patrol", "UT": "Utah Highway Patrol",
		"TN": "Tennessee Highway Patrol", "WY": "Wyoming Highway Patrol", "MT": "Montana Highway Patrol",
		"WA": "Washington State Patrol", "GA": "Georgia State Patrol", "MN": "Minnesota State Patrol",
		"NE": "Nebraska State Patrol", "WI": "Wisconsin State Patrol", "CO": "Colorado State Patrol", "IA": "Iowa State Patrol",
	},
	"dmv": {"OH": "Ohio Bureau of Motor Vehicles", "IN": "Indiana Bureau of Motor Vehicles", "AZ": "Arizona Motor Vehicle Division",
		"NM": "New Mexico Motor Vehicle Division", "NC": "North Carolina Division of Motor Vehicles", "PA": "Pennsylvania Driver and Vehicle Services"},
	"house": {"CA": "California State Assembly", "NY": "New York State Assembly", "NV": "Nevada Assembly", "WI": "Wisconsin State Assembly",
		"NJ": "New Jersey General Assembly", "MD": "Maryland House of Delegates", "VA": "Virginia House of Delegates",
		"WV": "West Virginia House of Delegates", "DC": "Council of the District of Columbia"},
	"turnpike":  {"NY": "New York State Thruway Authority", "IL": "Illinois State Toll Highway Authority"},
	"oilgas":    {"TX": "Railroad Commission of Texas", "OK": "Oklahoma Corporation Commission"},
	"governor":  {"DC": "Executive Office of the Mayor"},
	"treasurer": {"DC": "Office of the Chief Financial Officer"},
	"ag":        {"DC": "Office of the Attorney General for the District of Columbia"},
}

// agenciesOf returns the catalog entries that apply to a state.
func agenciesOf(s *state) []agency { return agenciesByState[s.Abbr] }

// agenciesByState holds the catalog entries of every state (filled at
// start-up, read-only afterwards).
var agenciesByState = func() map[string][]agency {
	m := map[string][]agency{}
	for _, abbr := range stateAbbrs {
		for _, a := range agencyCatalog {
			if (a.States == "" || strings.Contains(" "+a.States+" ", " "+abbr+" ")) && !strings.Contains(" "+a.Not+" ", " "+abbr+" ") {
				m[abbr] = append(m[abbr], a)
			}
		}
	}
	return m
}()

// stateCapitals are the capitals, where the agencies have their seat.
var stateCapitals = map[string]string{
	"AL": "Montgomery", "AK": "Juneau", "AZ": "Phoenix", "AR": "Little Rock", "CA": "Sacramento", "CO": "Denver",
	"CT": "Hartford", "DE": "Dover", "DC": "Washington", "FL": "Tallahassee", "GA": "Atlanta", "HI": "Honolulu",
	"ID": "Boise", "IL": "Springfield", "IN": "Indianapolis", "IA": "Des Moines", "KS": "Topeka", "KY": "Frankfort",
	"LA": "Baton Rouge", "ME": "Augusta", "MD": "Annapolis", "MA": "Boston", "MI": "Lansing", "MN": "Saint Paul",
	"MS": "Jackson", "MO": "Jefferson City", "MT": "Helena", "NE": "Lincoln", "NV": "Carson City", "NH": "Concord",
	"NJ": "Trenton", "NM": "Santa Fe", "NY": "Albany", "NC": "Raleigh", "ND": "Bismarck", "OH": "Columbus",
	"OK": "Oklahoma City", "OR": "Salem", "PA": "Harrisburg", "RI": "Providence", "SC": "Columbia", "SD": "Pierre",
	"TN": "Nashville", "TX": "Austin", "UT": "Salt Lake City", "VT": "Montpelier", "VA": "Richmond", "WA": "Olympia",
	"WV": "Charleston", "WI": "Madison", "WY": "Cheyenne",
}

// capitalCounty returns the county of the state's capital (of its largest
// city if the embedded list lacks the capital).
func capitalCounty(s *state) *county {
	for _, c := range s.Cities {
		if c.Name == stateCapitals[s.Abbr] {
			return c.County
		}
	}
	if len(s.Cities) > 0 {
		return s.Cities[0].County
	}
	return s.Counties[0]
}
