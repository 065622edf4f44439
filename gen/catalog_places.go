package gen

// specialKind is a kind of special district, with its share (percent) of
// the Census of Governments 2022's 39,555 special districts by function
// (approximate).
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
	{"emergency", 2, []string{"%s Emergency Services District", "%s Ambulance District", "%s Emergency Communications District"}, []string{"esd", "ems", "911"}},
	{"library", 0.5, []string{"%s Library District"}, []string{"librarydistrict"}},
	{"solidwaste", 1, []string{"%s Solid Waste Authority", "%s Regional Landfill Authority"}, []string{"solidwaste", "recycle"}},
}

// unitSets are the title sets of the kinds of places that are not a place
// type's government itself: departments of counties, cities and
// townships, library branches, and the boards, courts and legislatures
// among state agencies.
var unitSets = map[string]roleSet{
	"police": {Leaders: []role{
		{"Police Chief", "Police Department", 0}, {"Deputy Police Chief", "Police Department", 0}, {"Police Captain", "Patrol Division", 0},
		{"Records Supervisor", "Records", 0}, {"Police Lieutenant", "Investigations", 0}, {"Administrative Services Manager", "Administration", 0},
		{"IT Manager", "Information Technology", 0}, {"Crime Analyst", "Crime Analysis", 0}, {"Training Coordinator", "Training", 0},
		{"Public Information Officer", "Communications", 0}, {"Professional Standards Lieutenant", "Internal Affairs", 0},
	}, Staff: []role{
		{"Police Officer", "Patrol Division", 14}, {"Police Sergeant", "Patrol Division", 6}, {"Detective", "Investigations", 5},
		{"Police Records Clerk", "Records", 3}, {"Dispatcher", "Communications Center", 3}, {"Evidence Technician", "Property and Evidence", 2},
		{"School Resource Officer", "Community Policing", 2}, {"Community Service Officer", "Community Policing", 2},
		{"Crime Analyst", "Crime Analysis", 1}, {"Systems Administrator", "Information Technology", 1}, {"Administrative Assistant", "Administration", 2},
		{"Body-Worn Camera Coordinator", "Technology Unit", 1}, {"Accreditation Manager", "Professional Standards", 1},
	}},
	"sheriff": {Leaders: []role{
		{"Sheriff", "Sheriff's Office", 0}, {"Undersheriff", "Sheriff's Office", 0}, {"Chief Deputy", "Sheriff's Office", 0},
		{"Jail Administrator", "Jail", 0}, {"Patrol Captain", "Patrol Division", 0}, {"Civil Process Supervisor", "Civil Process", 0},
		{"IT Manager", "Information Technology", 0}, {"Communications Director", "Emergency Communications", 0},
		{"Finance Manager", "Administration", 0}, {"Training Director", "Training", 0},
	}, Staff: []role{
		{"Deputy Sheriff", "Patrol Division", 14}, {"Detention Officer", "Jail", 10}, {"Sheriff's Sergeant", "Patrol Division", 4},
		{"Investigator", "Criminal Investigations", 3}, {"Civil Process Server", "Civil Process", 2}, {"Records Clerk", "Records", 3},
		{"Dispatcher", "Emergency Communications", 3}, {"Bailiff", "Court Security", 2}, {"Jail Nurse", "Jail", 1},
		{"Systems Administrator", "Information Technology", 1}, {"Administrative Assistant", "Administration", 2},
	}},
	"fire": {Leaders: []role{
		{"Fire Chief", "Fire Department", 0}, {"Deputy Fire Chief", "Fire Department", 0}, {"Fire Marshal", "Fire Prevention", 0},
		{"Battalion Chief", "Operations", 0}, {"EMS Chief", "Emergency Medical Services", 0}, {"Training Officer", "Training", 0},
		{"Administrative Services Manager", "Administration", 0}, {"Emergency Management Coordinator", "Emergency Management", 0},
	}, Staff: []role{
		{"Firefighter", "Operations", 12}, {"Firefighter/Paramedic", "Emergency Medical Services", 8}, {"Fire Captain", "Operations", 5},
		{"Fire Lieutenant", "Operations", 4}, {"Driver Engineer", "Operations", 4}, {"Fire Inspector", "Fire Prevention", 3},
		{"EMS Billing Specialist", "Administration", 1}, {"Administrative Assistant", "Administration", 2}, {"Public Educator", "Fire Prevention", 1},
	}},
	"health": {Leaders: []role{
		{"Health Director", "Administration", 0}, {"Medical Director", "Clinical Services", 0}, {"Director of Nursing", "Nursing", 0},
		{"Environmental Health Director", "Environmental Health", 0}, {"Emergency Preparedness Coordinator", "Emergency Preparedness", 0},
		{"WIC Director", "WIC", 0}, {"Epidemiologist", "Epidemiology", 0}, {"Finance Manager", "Finance", 0}, {"IT Manager", "Information Technology", 0},
	}, Staff: []role{
		{"Public Health Nurse", "Nursing", 8}, {"Environmental Health Specialist", "Environmental Health", 5}, {"Epidemiologist", "Epidemiology", 2},
		{"Health Educator", "Health Promotion", 3}, {"WIC Nutritionist", "WIC", 3}, {"Community Health Worker", "Community Health", 3},
		{"Disease Intervention Specialist", "Disease Control", 2}, {"Vital Records Clerk", "Vital Records", 2},
		{"Administrative Assistant", "Administration", 3}, {"Accountant", "Finance", 1},
	}},
	"ecc": {Leaders: []role{
		{"911 Director", "Administration", 0}, {"Deputy Director", "Administration", 0}, {"Operations Manager", "Operations", 0},
		{"CAD Administrator", "Technology", 0}, {"Training Coordinator", "Training", 0}, {"Quality Assurance Coordinator", "Quality Assurance", 0},
		{"Addressing Coordinator", "GIS", 0},
	}, Staff: []role{
		{"Telecommunicator", "Operations", 14}, {"Communications Shift Supervisor", "Operations", 3}, {"Communications Training Officer", "Training", 3},
		{"911 Dispatcher", "Operations", 6}, {"Systems Administrator", "Technology", 1}, {"GIS Analyst", "GIS", 1}, {"Administrative Assistant", "Administration", 1},
	}},
	"branch": {Leaders: []role{
		{"Branch Manager", "Branch Services", 0}, {"Assistant Branch Manager", "Branch Services", 0}, {"Children's Librarian", "Youth Services", 0},
		{"Adult Services Librarian", "Adult Services", 0},
	}, Staff: []role{
		{"Library Assistant", "Circulation", 5}, {"Reference Librarian", "Adult Services", 3}, {"Circulation Supervisor", "Circulation", 2},
		{"Teen Services Librarian", "Youth Services", 1}, {"Library Page", "Circulation", 2},
	}},
	"board": {Leaders: []role{
		{"Executive Director", "Executive Office", 0}, {"Board Chair", "Board", 0}, {"Licensing Manager", "Programs", 0},
		{"Compliance Director", "Investigations", 0}, {"IT Manager", "Information Technology", 0}, {"Finance Manager", "Finance", 0},
	}, Staff: []role{
		{"Licensing Specialist", "Programs", 6}, {"Investigator", "Investigations", 3}, {"Administrative Assistant", "Administration", 3},
		{"Board Member", "Board", 2}, {"Systems Analyst", "Information Technology", 1},
	}},
	"court": {Leaders: []role{
		{"State Court Administrator", "Executive Office", 0}, {"Clerk of Court", "Programs", 0}, {"Chief Information Officer", "Information Technology", 0},
		{"Chief Financial Officer", "Finance", 0}, {"General Counsel", "Legal", 0}, {"Human Resources Director", "Human Resources", 0},
		{"Court Security Director", "Court Security", 0},
	}, Staff: []role{
		{"Deputy Clerk", "Programs", 6}, {"Staff Attorney", "Legal", 3}, {"Court Analyst", "Programs", 3}, {"Systems Analyst", "Information Technology", 2},
		{"Judicial Assistant", "Programs", 3}, {"Court Interpreter", "Programs", 1}, {"Administrative Assistant", "Administration", 2},
	}},
	"legislature": {Leaders: []role{
		{"Chief Clerk", "Executive Office", 0}, {"Legislative Director", "Programs", 0}, {"Chief Information Officer", "Information Technology", 0},
		{"Fiscal Director", "Policy", 0}, {"Sergeant at Arms", "Security", 0}, {"Communications Director", "Communications", 0},
	}, Staff: []role{
		{"Legislative Analyst", "Policy", 6}, {"Committee Clerk", "Programs", 4}, {"Fiscal Analyst", "Policy", 3},
		{"Legislative Aide", "Programs", 6}, {"Systems Analyst", "Information Technology", 1}, {"Administrative Assistant", "Administration", 2},
	}},
}
