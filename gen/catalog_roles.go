package gen

import "github.com/pursuit-gov/pursuit"

// role is a job in the title catalog: a canonical title and its
// department. Staff roles carry a weight; leader roles are filled in order,
// so a place with three contacts has its three most senior people.
type role struct {
	Title, Dept string
	W           int
}

// roleSet is the catalog of one place type.
type roleSet struct {
	Leaders []role
	Staff   []role
}

// Common staff every kind of government employs.
var commonStaff = []role{
	{"Administrative Assistant", "Administration", 8}, {"Office Manager", "Administration", 3},
	{"Systems Administrator", "Information Technology", 4}, {"Network Administrator", "Information Technology", 3},
	{"Help Desk Technician", "Information Technology", 3}, {"IT Project Manager", "Information Technology", 2},
	{"Cybersecurity Analyst", "Information Technology", 2}, {"Database Administrator", "Information Technology", 1},
	{"Business Analyst", "Information Technology", 2}, {"Software Developer", "Information Technology", 1},
	{"Accountant", "Finance", 4}, {"Payroll Specialist", "Finance", 2}, {"Budget Analyst", "Finance", 2},
	{"Accounts Payable Specialist", "Finance", 2}, {"Buyer", "Purchasing", 2}, {"Contract Specialist", "Purchasing", 2},
	{"HR Generalist", "Human Resources", 2}, {"Recruiter", "Human Resources", 1}, {"Benefits Coordinator", "Human Resources", 1},
	{"Records Manager", "Administration", 1}, {"Public Information Officer", "Communications", 1},
	{"Grants Coordinator", "Finance", 1}, {"Management Analyst", "Administration", 2}, {"GIS Analyst", "Information Technology", 2},
	{"Customer Service Representative", "Administration", 3}, {"Risk Manager", "Human Resources", 1},
}

var cityStaff = append([]role{
	{"Police Sergeant", "Police Department", 6}, {"Police Lieutenant", "Police Department", 3}, {"Police Officer", "Police Department", 8},
	{"Deputy Police Chief", "Police Department", 1}, {"Crime Analyst", "Police Department", 1},
	{"Fire Captain", "Fire Department", 4}, {"Battalion Chief", "Fire Department", 2}, {"Assistant Fire Chief", "Fire Department", 1}, {"Fire Marshal", "Fire Department", 1},
	{"911 Communications Supervisor", "Emergency Communications", 2}, {"Dispatcher", "Emergency Communications", 2},
	{"Civil Engineer", "Engineering", 3}, {"Traffic Engineer", "Engineering", 1}, {"Project Manager", "Public Works", 2},
	{"Street Superintendent", "Public Works", 1}, {"Fleet Manager", "Public Works", 1}, {"Facilities Manager", "Public Works", 1},
	{"Water Plant Operator", "Utilities", 2}, {"Utility Billing Supervisor", "Utilities", 1},
	{"Planner", "Planning & Zoning", 3}, {"Senior Planner", "Planning & Zoning", 2}, {"Code Enforcement Officer", "Code Enforcement", 2},
	{"Building Inspector", "Building & Inspections", 2}, {"Permit Technician", "Building & Inspections", 2},
	{"Deputy City Clerk", "City Clerk's Office", 1}, {"Recreation Coordinator", "Parks & Recreation", 2},
	{"Sustainability Coordinator", "City Manager's Office", 1}, {"GIS Coordinator", "Information Technology", 1},
}, commonStaff...)

var countyStaff = append([]role{
	{"Deputy Sheriff", "Sheriff's Office", 8}, {"Sheriff's Lieutenant", "Sheriff's Office", 2}, {"Detention Sergeant", "Jail", 2},
	{"Appraiser", "Assessor's Office", 3}, {"Deputy Clerk", "County Clerk", 3}, {"Elections Coordinator", "Elections", 1},
	{"Public Health Nurse Supervisor", "Public Health", 2}, {"Epidemiologist", "Public Health", 1},
	{"Environmental Health Specialist", "Public Health", 2}, {"Caseworker Supervisor", "Social Services", 3},
	{"Veterans Service Officer", "Veterans Services", 1}, {"Extension Agent", "Extension Office", 1},
	{"Road Supervisor", "Road Department", 2}, {"Civil Engineer", "Engineering", 2}, {"Planner", "Planning & Zoning", 2},
	{"Probation Officer", "Court Services", 3}, {"Assistant County Attorney", "County Attorney", 2},
	{"911 Communications Supervisor", "Emergency Communications", 1}, {"Building Inspector", "Building & Inspections", 1},
}, commonStaff...)

var schoolStaff = []role{
	{"Principal", "Schools", 10}, {"Assistant Principal", "Schools", 6}, {"Teacher", "Schools", 14},
	{"Math Teacher", "Schools", 3}, {"Science Teacher", "Schools", 3}, {"Special Education Teacher", "Special Education", 3},
	{"School Counselor", "Student Services", 3}, {"Library Media Specialist", "Schools", 2}, {"School Nurse", "Health Services", 2},
	{"Instructional Coach", "Curriculum & Instruction", 3}, {"Instructional Technology Coordinator", "Technology", 2},
	{"Data Coordinator", "Assessment & Accountability", 1}, {"Network Administrator", "Technology", 2},
	{"Systems Administrator", "Technology", 1}, {"Technology Technician", "Technology", 2}, {"Payroll Specialist", "Business Office", 1},
	{"Accountant", "Business Office", 1}, {"Transportation Supervisor", "Transportation", 1}, {"Maintenance Supervisor", "Facilities", 1},
	{"Cafeteria Manager", "Nutrition Services", 1}, {"Administrative Assistant", "Office of the Superintendent", 3},
	{"Athletic Trainer", "Athletics", 1}, {"School Psychologist", "Special Education", 1}, {"ELL Coordinator", "Curriculum & Instruction", 1},
}

var roleSets = map[string]roleSet{
	pursuit.PlaceTypeMunicipality: {Leaders: []role{
		{"City Manager", "City Manager's Office", 0}, {"Mayor", "Office of the Mayor", 0}, {"City Clerk", "City Clerk's Office", 0},
		{"Finance Director", "Finance", 0}, {"Chief Information Officer", "Information Technology", 0}, {"Police Chief", "Police Department", 0},
		{"Director of Public Works", "Public Works", 0}, {"Fire Chief", "Fire Department", 0}, {"Human Resources Director", "Human Resources", 0},
		{"Procurement Officer", "Purchasing", 0}, {"City Attorney", "Legal", 0}, {"Planning Director", "Planning & Zoning", 0},
		{"Parks and Recreation Director", "Parks & Recreation", 0}, {"Building Official", "Building & Inspections", 0},
		{"Utilities Director", "Utilities", 0}, {"Communications Director", "Communications", 0}, {"Assistant City Manager", "City Manager's Office", 0},
		{"Economic Development Director", "Economic Development", 0}, {"City Engineer", "Engineering", 0}, {"Emergency Management Coordinator", "Emergency Management", 0},
		{"IT Manager", "Information Technology", 0}, {"Budget Manager", "Finance", 0}, {"Treasurer", "Finance", 0}, {"Court Administrator", "Municipal Court", 0},
		{"Chief Information Security Officer", "Information Technology", 0}, {"GIS Manager", "Information Technology", 0},
	}, Staff: cityStaff},
	pursuit.PlaceTypeCounty: {Leaders: []role{
		{"County Administrator", "County Administration", 0}, {"County Commissioner", "Board of Commissioners", 0}, {"County Clerk", "County Clerk", 0},
		{"Sheriff", "Sheriff's Office", 0}, {"County Treasurer", "Treasurer's Office", 0}, {"Chief Information Officer", "Information Technology", 0},
		{"Finance Director", "Finance", 0}, {"County Assessor", "Assessor's Office", 0}, {"County Engineer", "Road Department", 0},
		{"Purchasing Director", "Purchasing", 0}, {"Emergency Management Director", "Emergency Management", 0}, {"County Attorney", "County Attorney", 0},
		{"Human Resources Director", "Human Resources", 0}, {"Public Health Director", "Public Health", 0}, {"Director of Social Services", "Social Services", 0},
		{"Elections Administrator", "Elections", 0}, {"Register of Deeds", "Register of Deeds", 0}, {"Planning Director", "Planning & Zoning", 0},
		{"County Auditor", "Auditor's Office", 0}, {"Jail Administrator", "Jail", 0}, {"Court Administrator", "Courts", 0},
		{"GIS Manager", "Information Technology", 0}, {"911 Director", "Emergency Communications", 0}, {"Director of Public Works", "Public Works", 0},
		{"Coroner", "Coroner's Office", 0}, {"Parks Director", "Parks & Recreation", 0}, {"Chief Information Security Officer", "Information Technology", 0},
	}, Staff: countyStaff},
	pursuit.PlaceTypeTownship: {Leaders: []role{
		{"Township Supervisor", "Board of Supervisors", 0}, {"Township Clerk", "Clerk's Office", 0}, {"Township Treasurer", "Treasurer's Office", 0},
		{"Township Manager", "Administration", 0}, {"Trustee", "Board of Trustees", 0}, {"Road Commissioner", "Road Department", 0},
		{"Zoning Administrator", "Planning & Zoning", 0}, {"Assessor", "Assessing", 0}, {"Fire Chief", "Fire Department", 0},
		{"Police Chief", "Police Department", 0}, {"Director of Public Works", "Public Works", 0}, {"Finance Director", "Finance", 0},
		{"IT Coordinator", "Information Technology", 0},
	}, Staff: append([]role{
		{"Deputy Clerk", "Clerk's Office", 4}, {"Road Crew Supervisor", "Road Department", 2}, {"Code Enforcement Officer", "Planning & Zoning", 2},
		{"Building Inspector", "Building & Inspections", 2}, {"Police Officer", "Police Department", 3}, {"Firefighter/EMT", "Fire Department", 2},
	}, commonStaff...)},
	pursuit.PlaceTypeSchoolDistrict: {Leaders: []role{
		{"Superintendent", "Office of the Superintendent", 0}, {"Assistant Superintendent", "Curriculum & Instruction", 0},
		{"Chief Financial Officer", "Business Office", 0}, {"Director of Technology", "Technology", 0}, {"Board President", "Board of Education", 0},
		{"Director of Human Resources", "Human Resources", 0}, {"Director of Special Education", "Special Education", 0},
		{"Director of Curriculum and Instruction", "Curriculum & Instruction", 0}, {"Director of Transportation", "Transportation", 0},
		{"Director of Facilities", "Facilities", 0}, {"Food Service Director", "Nutrition Services", 0}, {"Purchasing Coordinator", "Business Office", 0},
		{"Director of Student Services", "Student Services", 0}, {"Communications Director", "Communications", 0},
		{"Chief Technology Officer", "Technology", 0}, {"Director of Assessment", "Assessment & Accountability", 0},
		{"Chief Academic Officer", "Curriculum & Instruction", 0}, {"Athletic Director", "Athletics", 0},
		{"Director of Safety and Security", "Safety & Security", 0}, {"Director of Federal Programs", "Federal Programs", 0},
		{"Technology Coordinator", "Technology", 0}, {"Network Administrator", "Technology", 0},
	}, Staff: schoolStaff},
	pursuit.PlaceTypeSpecialDistrict: {Leaders: []role{
		{"General Manager", "Administration", 0}, {"Board President", "Board of Directors", 0}, {"District Clerk", "Administration", 0},
		{"Treasurer", "Finance", 0}, {"Operations Manager", "Operations", 0}, {"Office Manager", "Administration", 0},
		{"Finance Director", "Finance", 0}, {"IT Manager", "Information Technology", 0}, {"Procurement Officer", "Purchasing", 0},
	}, Staff: append([]role{
		{"Field Supervisor", "Operations", 4}, {"Maintenance Technician", "Operations", 3}, {"Engineer", "Engineering", 2},
		{"Board Member", "Board of Directors", 3},
	}, commonStaff...)},
	pursuit.PlaceTypeStateAgency: {Leaders: []role{
		{"Director", "Executive Office", 0}, {"Deputy Director", "Executive Office", 0}, {"Chief Information Officer", "Information Technology", 0},
		{"Chief Financial Officer", "Finance", 0}, {"General Counsel", "Legal", 0}, {"Chief Procurement Officer", "Procurement", 0},
		{"Human Resources Director", "Human Resources", 0}, {"Communications Director", "Communications", 0}, {"Chief of Staff", "Executive Office", 0},
		{"Chief Information Security Officer", "Information Technology", 0}, {"Chief Data Officer", "Information Technology", 0},
		{"Legislative Liaison", "Executive Office", 0}, {"Enterprise Architect", "Information Technology", 0}, {"Grants Manager", "Finance", 0},
	}, Staff: append([]role{
		{"Program Manager", "Programs", 8}, {"Program Specialist", "Programs", 8}, {"Policy Analyst", "Policy", 3},
		{"Systems Analyst", "Information Technology", 4}, {"Data Analyst", "Information Technology", 3}, {"Auditor", "Internal Audit", 2},
		{"Investigator", "Investigations", 2}, {"Regional Director", "Field Operations", 2}, {"Engineer", "Engineering", 3},
	}, commonStaff...)},
	pursuit.PlaceTypePublicCollege: {Leaders: []role{
		{"President", "Office of the President", 0}, {"Provost", "Academic Affairs", 0}, {"Chief Information Officer", "Information Technology", 0},
		{"Vice President for Finance and Administration", "Finance & Administration", 0}, {"Dean of Students", "Student Affairs", 0},
		{"Registrar", "Registrar's Office", 0}, {"Director of Admissions", "Admissions", 0}, {"Director of Financial Aid", "Financial Aid", 0},
		{"Director of Procurement", "Procurement", 0}, {"Director of Institutional Research", "Institutional Research", 0},
		{"Director of Facilities", "Facilities", 0}, {"Chief of Police", "Campus Police", 0}, {"Director of Human Resources", "Human Resources", 0},
		{"Dean of Libraries", "Libraries", 0}, {"Director of Online Learning", "Distance Education", 0}, {"Athletic Director", "Athletics", 0},
		{"Chief Information Security Officer", "Information Technology", 0},
	}, Staff: append([]role{
		{"Professor", "Academic Affairs", 8}, {"Associate Professor", "Academic Affairs", 6}, {"Department Chair", "Academic Affairs", 3},
		{"Dean", "Academic Affairs", 2}, {"Instructional Designer", "Distance Education", 2}, {"Academic Advisor", "Student Affairs", 3},
		{"Financial Aid Counselor", "Financial Aid", 2}, {"Admissions Counselor", "Admissions", 2}, {"Network Engineer", "Information Technology", 2},
		{"LMS Administrator", "Information Technology", 1},
	}, commonStaff...)},
	pursuit.PlaceTypeLibrary: {Leaders: []role{
		{"Library Director", "Administration", 0}, {"Assistant Director", "Administration", 0}, {"Board President", "Board of Trustees", 0},
		{"Head of Technical Services", "Technical Services", 0}, {"Systems Librarian", "Information Technology", 0},
		{"Head of Children's Services", "Youth Services", 0}, {"Head of Adult Services", "Adult Services", 0}, {"Business Manager", "Finance", 0},
		{"Branch Manager", "Branches", 0},
	}, Staff: []role{
		{"Reference Librarian", "Adult Services", 5}, {"Circulation Supervisor", "Circulation", 3}, {"Teen Services Librarian", "Youth Services", 2},
		{"Outreach Coordinator", "Outreach", 1}, {"Marketing Coordinator", "Communications", 1}, {"Library Assistant", "Circulation", 5},
		{"Children's Librarian", "Youth Services", 3}, {"IT Specialist", "Information Technology", 1},
	}},
	pursuit.PlaceTypeTribal: {Leaders: []role{
		{"Tribal Chairman", "Tribal Council", 0}, {"Vice Chairman", "Tribal Council", 0}, {"Tribal Administrator", "Administration", 0},
		{"Tribal Secretary", "Tribal Council", 0}, {"Chief Financial Officer", "Finance", 0}, {"Director of IT", "Information Technology", 0},
		{"Housing Director", "Housing", 0}, {"Health Director", "Health Services", 0}, {"Education Director", "Education", 0},
		{"Environmental Director", "Environmental Protection", 0}, {"Enrollment Officer", "Enrollment", 0}, {"Police Chief", "Tribal Police", 0},
		{"Court Administrator", "Tribal Court", 0}, {"Natural Resources Director", "Natural Resources", 0}, {"Procurement Officer", "Procurement", 0},
	}, Staff: commonStaff},
}

// specialLeaders replaces the first leaders of a special district by kind.
var specialLeaders = map[string][]role{
	"fire":         {{"Fire Chief", "Fire Department", 0}, {"Deputy Fire Chief", "Fire Department", 0}, {"Fire Marshal", "Fire Prevention", 0}, {"Battalion Chief", "Operations", 0}},
	"water":        {{"General Manager", "Administration", 0}, {"Water Superintendent", "Operations", 0}, {"Chief Plant Operator", "Water Treatment", 0}},
	"watersewer":   {{"General Manager", "Administration", 0}, {"Utility Director", "Operations", 0}, {"Chief Plant Operator", "Wastewater Treatment", 0}},
	"sewer":        {{"Executive Director", "Administration", 0}, {"Plant Superintendent", "Wastewater Treatment", 0}},
	"housing":      {{"Executive Director", "Administration", 0}, {"Housing Director", "Housing Programs", 0}, {"Section 8 Coordinator", "Housing Choice Voucher Program", 0}},
	"parks":        {{"Executive Director", "Administration", 0}, {"Superintendent of Recreation", "Recreation", 0}, {"Superintendent of Parks", "Parks", 0}},
	"transit":      {{"Chief Executive Officer", "Executive Office", 0}, {"Director of Operations", "Operations", 0}, {"Planning Manager", "Planning", 0}, {"Procurement Manager", "Procurement", 0}},
	"airport":      {{"Airport Director", "Administration", 0}, {"Operations Manager", "Airport Operations", 0}},
	"hospital":     {{"Chief Executive Officer", "Administration", 0}, {"Chief Financial Officer", "Finance", 0}, {"Chief Nursing Officer", "Nursing", 0}, {"Chief Information Officer", "Information Technology", 0}},
	"conservation": {{"District Manager", "Administration", 0}, {"District Conservationist", "Conservation Programs", 0}},
	"cemetery":     {{"Sexton", "Cemetery Operations", 0}},
	"drainage":     {{"Drainage Commissioner", "Board of Commissioners", 0}},
	"port":         {{"Executive Director", "Administration", 0}, {"Director of Maritime Operations", "Maritime", 0}},
	"emergency":    {{"Chief", "Emergency Services", 0}, {"EMS Director", "Emergency Medical Services", 0}},
	"electric":     {{"General Manager", "Administration", 0}, {"Director of Power Supply", "Power Supply", 0}},
	"library":      {{"Library Director", "Administration", 0}},
}

// titleVariants are the spellings real records use for a title besides its
// canonical one; more come from the abbreviation rules in roles.go.
var titleVariants = map[string][]string{
	"Chief Information Officer":          {"CIO", "Chief Information Officer (CIO)", "IT Director", "Director of IT", "Dir. of IT", "Director of Information Technology", "Information Technology Director", "Chief Info. Officer"},
	"Director of Technology":             {"Technology Director", "Dir. of Technology", "Director of Instructional Technology", "Tech Director", "Director of Technology Services"},
	"Chief Technology Officer":           {"CTO", "Chief Technology Officer (CTO)"},
	"Chief Information Security Officer": {"CISO", "Information Security Officer", "Chief Information Security Officer (CISO)", "IT Security Manager"},
	"City Manager":                       {"City Administrator", "City Mgr."},
	"Superintendent":                     {"Supt.", "Superintendent of Schools", "District Superintendent"},
	"Assistant Superintendent":           {"Asst. Superintendent", "Asst. Supt.", "Assistant Supt.", "Deputy Superintendent", "Assistant Superintendent for Curriculum"},
	"Police Chief":                       {"Chief of Police", "Chief"},
	"Fire Chief":                         {"Chief, Fire Department", "Fire Chief/EMS Director"},
	"Director of Public Works":           {"Public Works Director", "Dir. of Public Works", "PW Director", "Director of Public Works & Utilities"},
	"Procurement Officer":                {"Purchasing Agent", "Procurement Manager", "Purchasing Manager", "Chief Procurement Officer", "Purchasing Officer"},
	"Finance Director":                   {"Director of Finance", "Finance Dir.", "Chief Financial Officer", "CFO", "Finance Officer"},
	"Chief Financial Officer":            {"CFO", "Chief Financial Officer (CFO)", "Business Manager", "Finance Director"},
	"Human Resources Director":           {"HR Director", "Director of Human Resources", "Dir. of HR", "Human Resources Manager"},
	"GIS Analyst":                        {"GIS Analyst II", "GIS Specialist", "Geographic Information Systems Analyst", "GIS Tech"},
	"Sheriff":                            {"County Sheriff", "High Sheriff"},
	"County Administrator":               {"County Manager", "County Administrative Officer", "County Executive"},
	"County Commissioner":                {"Commissioner", "Chair, Board of Commissioners", "County Judge", "Supervisor"},
	"Elections Administrator":            {"Supervisor of Elections", "Registrar of Voters", "Elections Director"},
	"Register of Deeds":                  {"County Recorder", "Recorder of Deeds"},
	"Mayor":                              {"Mayor Pro Tem", "Hon. Mayor"},
	"Director":                           {"Commissioner", "Secretary", "Executive Director", "Agency Director"},
	"Tribal Chairman":                    {"Tribal Chairperson", "Chief", "President", "Tribal Chair"},
	"IT Manager":                         {"Information Technology Manager", "IT Mgr.", "Manager of IT"},
	"Library Director":                   {"Director of Libraries", "Library Dir.", "Head Librarian"},
	"President":                          {"College President", "Chancellor"},
	"Provost":                            {"Vice President for Academic Affairs", "VP Academic Affairs", "Provost and VP of Academic Affairs"},
	"Teacher":                            {"Classroom Teacher", "Teacher - Grade 3", "Teacher - Grade 5", "English Teacher", "Social Studies Teacher"},
}

// deptVariants are the names places give the same department; a place uses
// one of them consistently.
var deptVariants = map[string][]string{
	"Information Technology":   {"IT", "Information Technology Services", "Innovation & Technology", "IT Department", "Information Services", "Technology Services", "Department of Information Technology"},
	"Public Works":             {"Public Works Department", "Dept. of Public Works", "Public Works & Utilities", "DPW"},
	"Finance":                  {"Finance Department", "Finance & Administration", "Department of Finance", "Financial Services"},
	"Human Resources":          {"HR", "Human Resources Department", "Personnel", "People & Culture"},
	"Police Department":        {"Police", "Police Dept.", "Department of Police"},
	"Fire Department":          {"Fire", "Fire Rescue", "Fire & EMS", "Fire Dept."},
	"Purchasing":               {"Procurement", "Purchasing Division", "Procurement Services", "Purchasing & Contracts"},
	"Planning & Zoning":        {"Planning", "Community Development", "Planning and Development", "Development Services"},
	"Parks & Recreation":       {"Parks and Recreation", "Parks", "Recreation", "Parks, Recreation & Culture"},
	"Technology":               {"Technology Services", "Instructional Technology", "IT", "Technology Department"},
	"Business Office":          {"Business Services", "Business & Finance", "Finance"},
	"Curriculum & Instruction": {"Curriculum and Instruction", "Teaching & Learning", "Academics"},
	"Sheriff's Office":         {"Sheriff", "Office of the Sheriff", "Sheriff's Department"},
	"Administration":           {"Admin", "Administrative Services"},
}
