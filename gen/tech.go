package gen

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// product is a vendor's product in the tech catalog. Only, when set, lists
// the place types (short codes, see typeCode) that buy it.
type product struct {
	Vendor, Product string
	W               int
	Only            string
}

// techCategory is a category of the catalog with the share of each place
// type (by short code) that runs a product of it.
type techCategory struct {
	Name     string
	Adopt    string // "co:.9 mu:.85 …"
	Products []product
}

// typeCode gives each place type a short code for the catalog tables.
var typeCode = map[string]string{
	pursuit.PlaceTypeCounty: "co", pursuit.PlaceTypeMunicipality: "mu", pursuit.PlaceTypeTownship: "tw",
	pursuit.PlaceTypeSchoolDistrict: "sd", pursuit.PlaceTypeSpecialDistrict: "sp", pursuit.PlaceTypeStateAgency: "sa",
	pursuit.PlaceTypePublicCollege: "pc", pursuit.PlaceTypeLibrary: "li", pursuit.PlaceTypeTribal: "tr",
}

var techCatalog = []techCategory{
	{"ERP", "co:.9 mu:.85 tw:.5 sd:.8 sp:.4 sa:.3 pc:.6 li:.3 tr:.5", []product{
		{"Tyler Technologies", "Munis", 25, ""}, {"Tyler Technologies", "Incode", 8, "mu tw sp"}, {"Oracle", "Oracle Cloud ERP", 6, ""},
		{"Oracle", "PeopleSoft Financials", 4, "sa pc co"}, {"SAP", "SAP S/4HANA", 4, "sa co mu pc"}, {"Workday", "Workday Financial Management", 6, ""},
		{"Infor", "Infor CloudSuite Public Sector", 5, ""}, {"Caselle", "Caselle Clarity", 6, "mu tw sp"}, {"CentralSquare Technologies", "Finance Enterprise", 6, ""},
		{"BS&A Software", "BS&A Online", 5, "mu tw co"}, {"Springbrook Software", "Springbrook", 5, "mu sp"}, {"Edmunds GovTech", "Edmunds", 3, "mu tw"},
		{"OpenGov", "OpenGov Financials", 4, ""}, {"Sage", "Sage Intacct", 4, "sp li tr"}, {"Intuit", "QuickBooks Online", 8, "tw sp li tr"},
		{"Skyward", "Skyward Finance", 10, "sd"}, {"Frontline Education", "Frontline ERP", 8, "sd"}, {"PowerSchool", "BusinessPlus", 8, "sd"},
	}},
	{"GIS", "co:.95 mu:.8 tw:.3 sd:.2 sp:.35 sa:.6 pc:.3 tr:.4 fd:.3 ec:.8 so:.2 pd:.15", []product{
		{"Esri", "ArcGIS Online", 40, ""}, {"Esri", "ArcGIS Enterprise", 25, ""}, {"Esri", "ArcGIS Pro", 15, ""},
		{"QGIS.org", "QGIS", 6, ""}, {"Hexagon", "GeoMedia", 3, ""}, {"Schneider Geospatial", "Beacon", 8, "co tw"},
	}},
	{"Permitting & Licensing", "co:.6 mu:.7 tw:.4 sa:.2 tr:.1", []product{
		{"Accela", "Accela Civic Platform", 25, ""}, {"Tyler Technologies", "EnerGov", 25, ""}, {"CentralSquare Technologies", "Community Development", 10, ""},
		{"OpenGov", "Permitting & Licensing", 15, ""}, {"Clariti", "Clariti Permitting", 5, ""}, {"iWorQ", "iWorQ Permits", 10, ""},
		{"Cloudpermit", "Cloudpermit", 5, ""}, {"Harris Computer", "CityView", 5, ""},
	}},
	{"CAD/RMS", "co:.8 mu:.6 tw:.2 sp:.1 sa:.2 pc:.3 tr:.3 pd:.95 so:.95 fd:.5 ec:.95", []product{
		{"Motorola Solutions", "PremierOne CAD", 12, ""}, {"Motorola Solutions", "Spillman Flex", 12, ""}, {"Hexagon", "HxGN OnCall Dispatch", 10, ""},
		{"CentralSquare Technologies", "CentralSquare Public Safety Suite", 15, ""}, {"Tyler Technologies", "New World Public Safety", 12, ""},
		{"Tyler Technologies", "Enterprise Public Safety", 10, ""}, {"Mark43", "Mark43 RMS", 8, ""}, {"Axon", "Axon Records", 6, ""},
	}},
	{"Body-Worn Cameras", "co:.4 mu:.5 pc:.2 tr:.2 pd:.7 so:.6", []product{
		{"Axon", "Axon Body 4", 70, ""}, {"Motorola Solutions", "WatchGuard V300", 25, ""}, {"Getac", "BC-04", 5, ""},
	}},
	{"Student Information System", "sd:1 pc:1", []product{
		{"PowerSchool", "PowerSchool SIS", 35, "sd"}, {"Infinite Campus", "Infinite Campus", 25, "sd"}, {"Skyward", "Skyward SMS", 15, "sd"},
		{"Tyler Technologies", "Tyler SIS", 5, "sd"}, {"Aeries Software", "Aeries SIS", 5, "sd"}, {"Edupoint", "Synergy", 7, "sd"},
		{"PowerSchool", "eSchoolPlus", 5, "sd"}, {"Ellucian", "Banner", 40, "pc"}, {"Ellucian", "Colleague", 25, "pc"},
		{"Oracle", "PeopleSoft Campus Solutions", 20, "pc"}, {"Workday", "Workday Student", 10, "pc"}, {"Jenzabar", "Jenzabar One", 5, "pc"},
	}},
	{"LMS", "sd:.9 pc:.95 sa:.1", []product{
		{"Instructure", "Canvas", 35, ""}, {"PowerSchool", "Schoology Learning", 20, "sd"}, {"Google", "Google Classroom", 30, "sd"},
		{"D2L", "Brightspace", 8, ""}, {"Anthology", "Blackboard Learn", 10, "pc sa"}, {"Moodle", "Moodle", 5, ""}, {"Seesaw", "Seesaw", 5, "sd"},
		{"Cornerstone", "Cornerstone Learning", 10, "sa"},
	}},
	{"Productivity", "co:.95 mu:.95 tw:.8 sd:.98 sp:.8 sa:.98 pc:.98 li:.9 tr:.9 pd:.95 so:.95 fd:.85 hd:.95 ec:.9 lb:.6", []product{
		{"Microsoft", "Microsoft 365", 60, ""}, {"Google", "Google Workspace", 40, ""},
	}},
	{"CRM", "co:.3 mu:.3 sa:.5 pc:.5 sd:.1 hd:.1", []product{
		{"Salesforce", "Salesforce Public Sector Solutions", 50, ""}, {"Microsoft", "Dynamics 365", 35, ""}, {"HubSpot", "HubSpot CRM", 15, ""},
	}},
	{"311/Citizen Requests", "co:.3 mu:.45 tw:.1", []product{
		{"CivicPlus", "SeeClickFix", 35, ""}, {"Qscend Technologies", "QAlert", 20, ""}, {"Salesforce", "Salesforce 311", 10, ""},
		{"Comcate", "Comcate CRM", 10, ""}, {"Granicus", "GovService", 10, ""}, {"CitySourced", "CitySourced", 10, ""},
	}},
	{"Website CMS", "co:.9 mu:.9 tw:.6 sd:.9 sp:.5 sa:.8 pc:.9 li:.9 tr:.6 pd:.35 so:.6 fd:.4 hd:.6", []product{
		{"CivicPlus", "CivicEngage", 30, "co mu tw sp tr"}, {"Granicus", "govAccess", 15, "co mu sa"}, {"Revize", "Revize CMS", 10, "co mu tw sp li"},
		{"Drupal", "Drupal", 10, ""}, {"WordPress", "WordPress", 15, ""}, {"Finalsite", "Finalsite", 15, "sd"},
		{"Blackboard", "Web Community Manager", 10, "sd"}, {"Edlio", "Edlio CMS", 8, "sd"}, {"Springshare", "LibGuides CMS", 10, "li pc"},
	}},
	{"Agenda Management", "co:.6 mu:.6 tw:.3 sd:.6 sp:.2", []product{
		{"Granicus", "Legistar", 25, "co mu"}, {"CivicPlus", "Agenda Center", 20, ""}, {"Diligent", "BoardDocs", 30, ""},
		{"iCompass", "Civic Clerk", 15, ""}, {"Municode", "Municode Meetings", 10, "co mu tw"}, {"eSCRIBE", "eSCRIBE", 5, ""},
	}},
	{"Utility Billing", "mu:.6 sp:.35 tw:.2", []product{
		{"Tyler Technologies", "Incode Utility Billing", 25, ""}, {"Harris Computer", "NorthStar", 10, ""}, {"CentralSquare Technologies", "Utility Billing", 15, ""},
		{"Springbrook Software", "Utility Billing", 15, ""}, {"Oracle", "Customer Care and Billing", 5, ""}, {"Continental Utility Solutions", "CUSI", 10, ""},
	}},
	{"Payments", "co:.4 mu:.5 tw:.2 sp:.3 sd:.3", []product{
		{"Paymentus", "Paymentus", 30, ""}, {"Invoice Cloud", "Invoice Cloud", 25, ""}, {"Tyler Technologies", "Tyler Payments", 25, ""}, {"Heartland", "Heartland Payments", 20, ""},
	}},
	{"HR/Payroll", "co:.6 mu:.5 sd:.6 sa:.6 pc:.6 sp:.2 tr:.3", []product{
		{"ADP", "ADP Workforce Now", 25, ""}, {"Workday", "Workday HCM", 15, ""}, {"UKG", "UKG Pro", 20, ""}, {"Tyler Technologies", "ExecuTime", 10, "co mu"},
		{"Paycom", "Paycom", 10, ""}, {"Oracle", "PeopleSoft HCM", 10, "sa pc"}, {"Frontline Education", "Frontline Absence Management", 15, "sd"},
	}},
	{"Asset Management", "co:.4 mu:.5 sp:.3 sa:.3 tw:.1 fd:.3", []product{
		{"Trimble", "Cityworks", 30, ""}, {"Brightly Software", "Asset Essentials", 20, ""}, {"OpenGov", "Cartegraph", 25, ""},
		{"CentralSquare Technologies", "Lucity", 15, ""}, {"IBM", "Maximo", 10, ""},
	}},
	{"Procurement", "co:.3 mu:.3 sa:.7 pc:.4 sd:.2", []product{
		{"Euna Solutions", "Bonfire", 25, ""}, {"OpenGov", "OpenGov Procurement", 25, ""}, {"Periscope Holdings", "S2G", 15, ""},
		{"BidNet", "BidNet Direct", 15, ""}, {"DemandStar", "DemandStar", 10, ""}, {"Jaggaer", "Jaggaer ONE", 10, "sa pc"},
	}},
	{"Court Case Management", "co:.7 sa:.2 mu:.15 tr:.2", []product{
		{"Tyler Technologies", "Odyssey", 45, ""}, {"Journal Technologies", "eCourt", 20, ""}, {"Thomson Reuters", "C-Track", 15, ""}, {"Equivant", "JustWare", 20, ""},
	}},
	{"Document Management", "co:.5 mu:.5 sd:.3 sa:.5 pc:.5 sp:.2 tw:.1 so:.3 hd:.3", []product{
		{"Laserfiche", "Laserfiche", 50, ""}, {"Hyland", "OnBase", 35, ""}, {"OpenText", "Content Server", 15, ""},
	}},
	{"Cybersecurity", "co:.5 mu:.5 sd:.5 sa:.8 pc:.7 sp:.2 li:.2 tr:.3 tw:.1 pd:.3 so:.4 ec:.5 hd:.3", []product{
		{"CrowdStrike", "Falcon", 25, ""}, {"Microsoft", "Defender for Endpoint", 30, ""}, {"SentinelOne", "Singularity", 15, ""},
		{"Palo Alto Networks", "Next-Generation Firewall", 15, ""}, {"Fortinet", "FortiGate", 20, ""}, {"Cisco", "Meraki", 15, ""},
	}},
	{"Cloud Infrastructure", "co:.5 mu:.4 sd:.4 sa:.8 pc:.8 sp:.1 ec:.3 hd:.2", []product{
		{"Amazon Web Services", "AWS GovCloud", 35, ""}, {"Microsoft", "Azure Government", 45, ""}, {"Google", "Google Cloud", 20, ""},
	}},
	{"Integrated Library System", "li:1 pc:.4", []product{
		{"SirsiDynix", "Symphony", 25, ""}, {"Innovative Interfaces", "Sierra", 20, ""}, {"Innovative Interfaces", "Polaris", 20, "li"},
		{"Evergreen", "Evergreen ILS", 15, "li"}, {"ByWater Solutions", "Koha", 10, ""}, {"Ex Libris", "Alma", 20, "pc"},
	}},
	{"E-books", "li:.8", []product{{"OverDrive", "Libby", 70, ""}, {"Hoopla Digital", "hoopla", 30, ""}}},
	{"School Communications", "sd:.7", []product{
		{"ParentSquare", "ParentSquare", 35, ""}, {"Finalsite", "Finalsite Mass Notification", 20, ""},
		{"Blackboard", "Blackboard Mass Notifications", 15, ""}, {"PowerSchool", "SchoolMessenger", 30, ""},
	}},
	{"Visitor Management", "sd:.4", []product{{"Raptor Technologies", "Raptor Visitor Management", 70, ""}, {"LobbyGuard", "LobbyGuard", 30, ""}}},
	{"Elections", "co:.8", []product{
		{"Election Systems & Software", "ExpressVote", 45, ""}, {"Dominion Voting Systems", "Democracy Suite", 35, ""}, {"Hart InterCivic", "Verity", 20, ""},
	}},
	{"Fire RMS & ePCR", "fd:.85", []product{
		{"ESO", "ESO Fire RMS", 30, ""}, {"ImageTrend", "ImageTrend Elite", 30, ""}, {"First Due", "First Due", 15, ""},
		{"Emergency Reporting", "Emergency Reporting", 15, ""}, {"ZOLL", "ZOLL emsCharts", 10, ""},
	}},
	{"Jail Management", "so:.85", []product{
		{"Tyler Technologies", "New World Corrections", 20, ""}, {"CentralSquare Technologies", "Jail Management", 20, ""},
		{"Motorola Solutions", "Spillman Flex Jail Management", 20, ""}, {"Southern Software", "Jail Management", 10, ""},
		{"Securus Technologies", "Securus Jail Management", 10, ""},
	}},
	{"Digital Evidence Management", "pd:.5 so:.5", []product{
		{"Axon", "Axon Evidence", 60, ""}, {"Motorola Solutions", "CommandCentral Evidence", 25, ""}, {"Genetec", "Clearance", 15, ""},
	}},
	{"911 Call Handling", "ec:.95 so:.25 pd:.1", []product{
		{"Motorola Solutions", "VESTA 911", 40, ""}, {"Intrado", "VIPER", 30, ""}, {"Comtech", "Solacom Guardian", 15, ""}, {"Carbyne", "Carbyne APEX", 15, ""},
	}},
	{"Public Health Records", "hd:.8", []product{
		{"Netsmart", "Netsmart Insight", 25, ""}, {"Patagonia Health", "Patagonia Health EHR", 25, ""}, {"CureMD", "CureMD", 15, ""},
		{"Epic", "Epic Community Connect", 15, ""}, {"Oracle Health", "Oracle Health EHR", 10, ""},
	}},
	{"Scheduling & Staffing", "fd:.5 pd:.4 so:.4 ec:.5", []product{
		{"Vector Solutions", "Vector Scheduling", 35, ""}, {"UKG", "UKG TeleStaff", 35, ""}, {"Aladtec", "Aladtec", 20, ""}, {"When I Work", "When I Work", 10, ""},
	}},
	{"Property Tax & Assessment", "co:.8 tw:.6 mu:.2", []product{
		{"Tyler Technologies", "iasWorld", 30, ""}, {"Vision Government Solutions", "VGSI", 20, ""}, {"Patriot Properties", "AssessPro", 15, ""},
		{"Harris Govern", "PACS", 15, ""}, {"BS&A Software", "Assessing", 20, ""},
	}},
}

// cTech is a compiled category: adoption by place type, and per type the
// products it may pick with cumulative weights.
type cTech struct {
	name  string
	adopt map[string]float64
	prods map[string][]product
	cum   map[string][]int
}

var techs = compileTech()

func compileTech() []cTech {
	out := make([]cTech, len(techCatalog))
	for i, c := range techCatalog {
		t := cTech{name: c.Name, adopt: map[string]float64{}, prods: map[string][]product{}, cum: map[string][]int{}}
		for _, f := range strings.Fields(c.Adopt) {
			k, v, _ := strings.Cut(f, ":")
			t.adopt[k], _ = strconv.ParseFloat(v, 64)
		}
		for code := range t.adopt {
			sum := 0
			for _, p := range c.Products {
				if p.Only == "" || strings.Contains(p.Only, code) {
					sum += p.W
					t.prods[code] = append(t.prods[code], p)
					t.cum[code] = append(t.cum[code], sum)
				}
			}
		}
		out[i] = t
	}
	return out
}

func (gn *generator) writeTechStack(ctx context.Context, w pursuit.BulkWriter, progress func(string, int64)) error {
	b := newBatcher(ctx, gn.cfg.batch(), pursuit.TableTechStack, progress, w.UpsertTechStack)
	id := int64(0)
	const year = 365 * 24 * time.Hour
	for pi := range gn.places {
		info := &gn.info[pi]
		code := typeCode[info.typ]
		// Bigger places run more systems.
		size := math.Min(1.3, 0.45+0.12*math.Log1p(float64(info.contacts)))
		for _, t := range techs {
			p, ok := t.adopt[code]
			if !ok || gn.r.Float64() >= math.Min(0.98, p*size) {
				continue
			}
			prods, cum := t.prods[code], t.cum[code]
			pick := func() product {
				x := gn.r.IntN(cum[len(cum)-1])
				for i, c := range cum {
					if x < c {
						return prods[i]
					}
				}
				return prods[len(prods)-1]
			}
			cur := pick()
			first := gn.timeBetween(9*year, year/2)
			if gn.r.IntN(12) == 0 && len(prods) > 1 {
				// A system the place replaced: seen until a while ago.
				old := pick()
				if old != cur {
					oldFirst := gn.timeBetween(12*year, 9*year)
					id++
					if err := b.add(pursuit.TechStack{TechStackID: id, PlaceID: int64(pi + 1), Vendor: old.Vendor, Product: old.Product,
						Category: t.name, FirstSeen: oldFirst, LastSeen: first}); err != nil {
						return err
					}
				}
			}
			last := gn.timeBetween(120*24*time.Hour, 0)
			id++
			if err := b.add(pursuit.TechStack{TechStackID: id, PlaceID: int64(pi + 1), Vendor: cur.Vendor, Product: cur.Product,
				Category: t.name, FirstSeen: first, LastSeen: last}); err != nil {
				return err
			}
		}
	}
	return b.flush()
}
