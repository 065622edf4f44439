package titles

// hit is the function a word or phrase points at and how strongly: 3 for a
// word that names the function on its own ("police", "payroll"), 2 for a
// likely one ("maintenance", "inspector"), 1 for a weak hint ("clerk",
// "building") that only decides when nothing stronger is present.
type hit struct {
	f fn
	w uint8
}

// aliases maps abbreviations and spelling variants to a canonical word.
// "-" marks a stop word, dropped by tokenize.
var aliases = map[string]string{
	"the": "-", "s": "-", "and": "-", "for": "-", "in": "-", "a": "-", "an": "-", "at": "-",
	"dir": "director", "dirs": "director", "directora": "director",
	"asst": "assistant", "ast": "assistant", "assist": "assistant", "assoc": "associate",
	"sr": "senior", "snr": "senior", "jr": "junior",
	"mgr": "manager", "mngr": "manager", "mgmt": "management",
	"supt": "superintendent", "sup": "superintendent", "supv": "supervisor", "supvr": "supervisor", "spvr": "supervisor",
	"coord": "coordinator", "coordinater": "coordinator", "cordinator": "coordinator",
	"dept": "department", "dpt": "department", "div": "division",
	"dep": "deputy", "dpty": "deputy",
	"exec": "executive", "pres": "president", "vp": "vice",
	"info": "information", "tech": "technician", "techn": "technician", "technology": "technology",
	"sys": "systems", "system": "systems", "svcs": "services", "svc": "services", "service": "services",
	"eng": "engineer", "engr": "engineer", "engineering": "engineering",
	"spec": "specialist", "ops": "operations", "operation": "operations",
	"govt": "government", "pub": "public", "wks": "works",
	"util": "utility", "utils": "utilities", "rec": "recreation",
	"lt": "lieutenant", "sgt": "sergeant", "capt": "captain", "cpl": "corporal",
	"acct": "accounting", "accts": "accounts", "acctg": "accounting",
	"admin": "admin", "adm": "admin", "administrative": "admin", "administration": "admin",
	"hr": "hr", "it": "it", "ict": "it", "mis": "it",
	"councilmember": "councilmember", "councilman": "councilmember", "councilwoman": "councilmember",
	"councilperson": "councilmember", "councillor": "councilmember", "councilor": "councilmember",
	"alderman": "alderman", "alderwoman": "alderman", "alderperson": "alderman", "aldermember": "alderman",
	"selectman": "selectman", "selectwoman": "selectman", "selectperson": "selectman", "selectboard": "selectman",
	"trustees": "trustee", "commissioners": "commissioner", "comm": "commissioner", "commr": "commissioner",
	"supervisors": "supervisor", "schools": "school", "parks": "park", "streets": "street", "roads": "road",
	"libraries": "library", "utilities": "utility", "courts": "court", "facility": "facilities",
	"buildings": "building", "contracts": "contract", "permits": "permit", "permitting": "permit",
	"inspections": "inspection", "elections": "election", "records": "records", "accountant": "accountant",
	"firefighter": "firefighter", "ff": "firefighter", "paramedic": "paramedic", "emt": "paramedic",
	"ems": "ems", "e911": "911", "psap": "911",
	"treas": "treasurer", "twp": "township", "co": "county", "cnty": "county",
	"gis": "gis", "cyber": "cybersecurity", "cybersecurity": "cybersecurity",
	"foreperson": "foreman", "forewoman": "foreman", "leader": "lead",
	"chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
	"k12": "school", "pio": "pio", "humanresources": "hr",
	"purchaser": "purchasing", "buyer": "purchasing", "procurement": "procurement",
	"wastewater": "wastewater", "sewer": "wastewater", "sewage": "wastewater",
	"stormwater": "stormwater", "planner": "planning", "planners": "planning",
	"recruiter": "recruitment", "recruiting": "recruitment",
	"educational": "education", "instructional": "instruction",
	"librarian": "librarian", "teachers": "teacher", "nurses": "nurse", "nursing": "nurse",
	"vice-principal": "principal",
}

// words maps canonical words to the function they point at. A word with
// weight 0 is still canonical (seniority rules use it) but names no
// function.
var words = map[string]hit{
	// it
	"it": {fIT, 3}, "information": {fIT, 3}, "technology": {fIT, 3}, "computer": {fIT, 3},
	"network": {fIT, 3}, "systems": {fIT, 2}, "software": {fIT, 3}, "gis": {fIT, 3},
	"cio": {fIT, 3}, "cto": {fIT, 3}, "ciso": {fIT, 3}, "cybersecurity": {fIT, 3},
	"database": {fIT, 3}, "helpdesk": {fIT, 3}, "programmer": {fIT, 3}, "developer": {fIT, 2},
	"web": {fIT, 2}, "telecommunications": {fIT, 3}, "applications": {fIT, 2}, "digital": {fIT, 2},
	"data": {fIT, 2}, "infrastructure": {fIT, 1}, "webmaster": {fIT, 3}, "cdo": {fIT, 3},
	// finance
	"finance": {fFinance, 3}, "financial": {fFinance, 3}, "cfo": {fFinance, 3}, "budget": {fFinance, 3},
	"accounting": {fFinance, 3}, "accountant": {fFinance, 3}, "accounts": {fFinance, 3},
	"payable": {fFinance, 3}, "receivable": {fFinance, 3}, "payroll": {fFinance, 3},
	"treasurer": {fFinance, 3}, "treasury": {fFinance, 3}, "tax": {fFinance, 3}, "revenue": {fFinance, 3},
	"controller": {fFinance, 3}, "comptroller": {fFinance, 3}, "auditor": {fFinance, 3}, "audit": {fFinance, 3},
	"fiscal": {fFinance, 3}, "assessor": {fFinance, 3}, "appraiser": {fFinance, 3}, "collector": {fFinance, 2},
	"bookkeeper": {fFinance, 3}, "investment": {fFinance, 3}, "grants": {fFinance, 2}, "billing": {fFinance, 3},
	"cashier": {fFinance, 3}, "risk": {fFinance, 2}, "debt": {fFinance, 3},
	// procurement
	"procurement": {fProcurement, 3}, "purchasing": {fProcurement, 3}, "contract": {fProcurement, 2},
	"acquisition": {fProcurement, 2}, "cpo": {fProcurement, 3}, "sourcing": {fProcurement, 3},
	"supply": {fProcurement, 2}, "warehouse": {fProcurement, 2}, "bids": {fProcurement, 3},
	// public works
	"dpw": {fPublicWorks, 3}, "works": {fPublicWorks, 2}, "street": {fPublicWorks, 3}, "road": {fPublicWorks, 3},
	"highway": {fPublicWorks, 3}, "fleet": {fPublicWorks, 3}, "maintenance": {fPublicWorks, 1},
	"facilities": {fPublicWorks, 2}, "engineer": {fPublicWorks, 2}, "engineering": {fPublicWorks, 2},
	"sanitation": {fPublicWorks, 3}, "refuse": {fPublicWorks, 3}, "recycling": {fPublicWorks, 3},
	"custodian": {fPublicWorks, 3}, "custodial": {fPublicWorks, 3}, "mechanic": {fPublicWorks, 3},
	"surveyor": {fPublicWorks, 3}, "construction": {fPublicWorks, 2}, "electrician": {fPublicWorks, 3},
	"janitor": {fPublicWorks, 3}, "equipment": {fPublicWorks, 2}, "trades": {fPublicWorks, 2},
	"carpenter": {fPublicWorks, 3}, "plumber": {fPublicWorks, 3}, "hvac": {fPublicWorks, 3},
	// public safety
	"police": {fPublicSafety, 3}, "sheriff": {fPublicSafety, 3}, "fire": {fPublicSafety, 3},
	"firefighter": {fPublicSafety, 3}, "ems": {fPublicSafety, 3}, "paramedic": {fPublicSafety, 3},
	"emergency": {fPublicSafety, 3}, "dispatch": {fPublicSafety, 3}, "dispatcher": {fPublicSafety, 3},
	"911": {fPublicSafety, 3}, "corrections": {fPublicSafety, 3}, "correctional": {fPublicSafety, 3},
	"jail": {fPublicSafety, 3}, "detention": {fPublicSafety, 3}, "patrol": {fPublicSafety, 3},
	"marshal": {fPublicSafety, 3}, "constable": {fPublicSafety, 3}, "probation": {fPublicSafety, 3},
	"detective": {fPublicSafety, 3}, "sergeant": {fPublicSafety, 3}, "lieutenant": {fPublicSafety, 3},
	"captain": {fPublicSafety, 2}, "trooper": {fPublicSafety, 3}, "rescue": {fPublicSafety, 3},
	"hazmat": {fPublicSafety, 3}, "undersheriff": {fPublicSafety, 3}, "corporal": {fPublicSafety, 3},
	"safety": {fPublicSafety, 2}, "warden": {fPublicSafety, 3}, "security": {fPublicSafety, 1},
	"battalion": {fPublicSafety, 3}, "homeland": {fPublicSafety, 3},
	// education
	"school": {fEducation, 3}, "superintendent": {fEducation, 2}, "teacher": {fEducation, 3},
	"principal": {fEducation, 1}, "curriculum": {fEducation, 3}, "instruction": {fEducation, 2},
	"education": {fEducation, 3}, "student": {fEducation, 3}, "students": {fEducation, 3},
	"academic": {fEducation, 3}, "academics": {fEducation, 3}, "dean": {fEducation, 3},
	"provost": {fEducation, 3}, "faculty": {fEducation, 3}, "professor": {fEducation, 3},
	"enrollment": {fEducation, 3}, "elementary": {fEducation, 3}, "secondary": {fEducation, 2},
	"learning": {fEducation, 2}, "counselor": {fEducation, 2}, "athletic": {fEducation, 2},
	"athletics": {fEducation, 2}, "paraprofessional": {fEducation, 3}, "chancellor": {fEducation, 2},
	"pupil": {fEducation, 2}, "college": {fEducation, 2}, "title": {fEducation, 1},
	// executive
	"mayor": {fExecutive, 3}, "ceo": {fExecutive, 3}, "coo": {fExecutive, 3}, "cao": {fExecutive, 3},
	"executive": {fExecutive, 1}, "president": {fExecutive, 1},
	// governance
	"council": {fGovernance, 2}, "councilmember": {fGovernance, 3}, "alderman": {fGovernance, 3},
	"selectman": {fGovernance, 3}, "board": {fGovernance, 2}, "trustee": {fGovernance, 3},
	"commissioner": {fGovernance, 1}, "commission": {fGovernance, 1}, "legislator": {fGovernance, 3},
	"legislative": {fGovernance, 2}, "freeholder": {fGovernance, 3},
	// legal
	"attorney": {fLegal, 3}, "lawyer": {fLegal, 3}, "counsel": {fLegal, 3}, "legal": {fLegal, 3},
	"law": {fLegal, 2}, "paralegal": {fLegal, 3}, "prosecutor": {fLegal, 3}, "solicitor": {fLegal, 3},
	"judge": {fLegal, 3}, "magistrate": {fLegal, 3}, "court": {fLegal, 2}, "litigation": {fLegal, 3},
	"compliance": {fLegal, 2}, "ethics": {fLegal, 2}, "judicial": {fLegal, 3},
	// hr
	"hr": {fHR, 3}, "human": {fHR, 3}, "personnel": {fHR, 3}, "recruitment": {fHR, 3},
	"benefits": {fHR, 3}, "talent": {fHR, 3}, "chro": {fHR, 3}, "compensation": {fHR, 3},
	"labor": {fHR, 2}, "employee": {fHR, 2}, "workforce": {fHR, 1},
	// parks
	"park": {fParks, 3}, "recreation": {fParks, 3}, "aquatics": {fParks, 3}, "aquatic": {fParks, 3},
	"pool": {fParks, 3}, "lifeguard": {fParks, 3}, "golf": {fParks, 3}, "trails": {fParks, 3},
	"forestry": {fParks, 3}, "arborist": {fParks, 3}, "cemetery": {fParks, 3}, "zoo": {fParks, 3},
	"grounds": {fParks, 2}, "groundskeeper": {fParks, 3}, "naturalist": {fParks, 3},
	// utilities
	"utility": {fUtilities, 3}, "water": {fUtilities, 3}, "wastewater": {fUtilities, 3},
	"stormwater": {fUtilities, 3}, "electric": {fUtilities, 3}, "power": {fUtilities, 2},
	"gas": {fUtilities, 2}, "treatment": {fUtilities, 1}, "plant": {fUtilities, 1},
	"meter": {fUtilities, 3}, "lineman": {fUtilities, 3}, "lineworker": {fUtilities, 3},
	"distribution": {fUtilities, 1}, "reclamation": {fUtilities, 2},
	// health and human services
	"health": {fHealth, 3}, "nurse": {fHealth, 3}, "medical": {fHealth, 3},
	"epidemiologist": {fHealth, 3}, "epidemiology": {fHealth, 3}, "clinic": {fHealth, 3},
	"clinical": {fHealth, 3}, "hospital": {fHealth, 3}, "mental": {fHealth, 3}, "behavioral": {fHealth, 3},
	"social": {fHealth, 3}, "welfare": {fHealth, 3}, "aging": {fHealth, 3}, "wic": {fHealth, 3},
	"veterans": {fHealth, 2}, "coroner": {fHealth, 3}, "pharmacist": {fHealth, 3}, "dental": {fHealth, 3},
	"physician": {fHealth, 3}, "sanitarian": {fHealth, 3}, "caseworker": {fHealth, 3},
	// planning and development
	"planning": {fPlanning, 3}, "zoning": {fPlanning, 3}, "permit": {fPlanning, 3},
	"inspector": {fPlanning, 2}, "inspection": {fPlanning, 2}, "building": {fPlanning, 1},
	"housing": {fPlanning, 2}, "redevelopment": {fPlanning, 3}, "development": {fPlanning, 2},
	// communications
	"communications": {fCommunications, 2}, "communication": {fCommunications, 2}, "pio": {fCommunications, 3},
	"media": {fCommunications, 2}, "marketing": {fCommunications, 3}, "spokesperson": {fCommunications, 3},
	"outreach": {fCommunications, 2}, "engagement": {fCommunications, 1}, "graphic": {fCommunications, 2},
	// clerk and records
	"clerk": {fClerk, 1}, "records": {fClerk, 2}, "recorder": {fClerk, 3}, "deeds": {fClerk, 3},
	"election": {fClerk, 3}, "registrar": {fClerk, 2}, "vital": {fClerk, 1},
	// transportation
	"transportation": {fTransportation, 3}, "transit": {fTransportation, 3}, "traffic": {fTransportation, 3},
	"airport": {fTransportation, 3}, "aviation": {fTransportation, 3}, "port": {fTransportation, 2},
	"harbor": {fTransportation, 3}, "parking": {fTransportation, 3}, "bus": {fTransportation, 3},
	"mobility": {fTransportation, 2}, "rail": {fTransportation, 3},
	// library
	"library": {fLibrary, 3}, "librarian": {fLibrary, 3}, "archivist": {fLibrary, 3},
	"circulation": {fLibrary, 3}, "cataloger": {fLibrary, 3},
	// school nutrition and student services count as education
	"nutrition": {fEducation, 2}, "cafeteria": {fEducation, 2}, "food": {fEducation, 1},
	"accountability": {fEducation, 3}, "investigator": {fPublicSafety, 2}, "investigations": {fPublicSafety, 2},

	// Words seniority rules use that name no function.
	"director": {}, "deputy": {}, "assistant": {}, "associate": {}, "senior": {}, "junior": {},
	"manager": {}, "management": {}, "supervisor": {}, "coordinator": {}, "department": {},
	"division": {}, "vice": {}, "technician": {}, "services": {}, "specialist": {}, "operations": {},
	"government": {}, "public": {}, "admin": {}, "administrator": {}, "chief": {}, "officer": {},
	"official": {}, "head": {}, "lead": {}, "foreman": {}, "chair": {}, "member": {}, "of": {},
	"to": {}, "city": {}, "county": {}, "town": {}, "village": {}, "borough": {}, "township": {},
	"parish": {}, "state": {}, "general": {}, "aide": {}, "liaison": {}, "secretary": {},
	"staff": {}, "analyst": {}, "interim": {}, "acting": {}, "pro": {}, "tem": {}, "district": {},
	"agent": {}, "operator": {}, "worker": {}, "program": {}, "project": {}, "economic": {},
	"community": {}, "code": {}, "enforcement": {}, "deed": {}, "register": {}, "i": {}, "t": {},
	"e": {}, "animal": {}, "control": {}, "resources": {}, "relations": {}, "affairs": {},
	"defender": {}, "examiner": {}, "solid": {}, "waste": {}, "land": {}, "use": {}, "help": {},
	"desk": {}, "special": {}, "adult": {}, "children": {}, "youth": {}, "technical": {}, "assessment": {}, "elect": {}, "collections": {}, "crew": {}, "team": {},
	"representative": {}, "typist": {}, "receptionist": {},
	"charge": {}, "master": {}, "plans": {},
	"area": {}, "regional": {}, "sworn": {},
}

// bigrams are two-word phrases whose function differs from, or is
// stronger than, their words'.
var bigrams = map[[2]string]hit{
	{"public", "works"}:           {fPublicWorks, 4},
	{"public", "safety"}:          {fPublicSafety, 4},
	{"public", "health"}:          {fHealth, 4},
	{"public", "information"}:     {fCommunications, 4},
	{"public", "affairs"}:         {fCommunications, 4},
	{"public", "relations"}:       {fCommunications, 4},
	{"public", "defender"}:        {fLegal, 4},
	{"human", "services"}:         {fHealth, 4},
	{"social", "services"}:        {fHealth, 4},
	{"human", "resources"}:        {fHR, 4},
	{"information", "security"}:   {fIT, 4},
	{"help", "desk"}:              {fIT, 4},
	{"i", "t"}:                    {fIT, 3},
	{"e", "911"}:                  {fPublicSafety, 3},
	{"code", "enforcement"}:       {fPlanning, 4},
	{"community", "development"}:  {fPlanning, 4},
	{"economic", "development"}:   {fPlanning, 4},
	{"land", "use"}:               {fPlanning, 4},
	{"building", "official"}:      {fPlanning, 4},
	{"building", "inspector"}:     {fPlanning, 4},
	{"plans", "examiner"}:         {fPlanning, 4},
	{"medical", "examiner"}:       {fHealth, 4},
	{"animal", "control"}:         {fPublicSafety, 4},
	{"solid", "waste"}:            {fPublicWorks, 4},
	{"city", "clerk"}:             {fClerk, 4},
	{"town", "clerk"}:             {fClerk, 4},
	{"village", "clerk"}:          {fClerk, 4},
	{"county", "clerk"}:           {fClerk, 4},
	{"township", "clerk"}:         {fClerk, 4},
	{"borough", "clerk"}:          {fClerk, 4},
	{"deputy", "clerk"}:           {fClerk, 4},
	{"district", "clerk"}:         {fClerk, 4},
	{"district", "attorney"}:      {fLegal, 4},
	{"city", "manager"}:           {fExecutive, 4},
	{"county", "manager"}:         {fExecutive, 4},
	{"town", "manager"}:           {fExecutive, 4},
	{"village", "manager"}:        {fExecutive, 4},
	{"borough", "manager"}:        {fExecutive, 4},
	{"township", "manager"}:       {fExecutive, 4},
	{"city", "administrator"}:     {fExecutive, 4},
	{"county", "administrator"}:   {fExecutive, 4},
	{"town", "administrator"}:     {fExecutive, 4},
	{"village", "administrator"}:  {fExecutive, 4},
	{"township", "administrator"}: {fExecutive, 4},
	{"borough", "administrator"}:  {fExecutive, 4},
	{"county", "executive"}:       {fExecutive, 4},
	{"general", "manager"}:        {fExecutive, 3},
	{"chief", "executive"}:        {fExecutive, 4},
	{"chief", "admin"}:            {fExecutive, 4},
	{"chief", "operating"}:        {fExecutive, 4},
	{"special", "education"}:      {fEducation, 4},
	{"adult", "services"}:         {fLibrary, 3},
	{"children", "services"}:      {fLibrary, 3},
	{"youth", "services"}:         {fLibrary, 3},
	{"technical", "services"}:     {fLibrary, 2},
	{"media", "specialist"}:       {fLibrary, 2},
	{"solid", "wastes"}:           {fPublicWorks, 4},
}

// canon maps every word tokenize may meet to its canonical form: the
// aliases plus every word of the tables above mapped to itself.
var canon = func() map[string]string {
	m := make(map[string]string, len(aliases)+len(words))
	for w := range words {
		m[w] = w
	}
	m["operating"] = "operating"
	for a, w := range aliases {
		m[a] = w
	}
	return m
}()
