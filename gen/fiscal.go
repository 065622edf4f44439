package gen

import (
	"time"

	"github.com/pursuit-gov/pursuit"
)

// This file fills the two columns added after the rest of the generator:
// places.fiscal_year_start and contacts.email_status. Both are drawn from
// a hash of the seed and the row's id rather than from the generator's
// random stream, so that adding them left every other value of a seed's
// dataset as it was. docs/dataset.md gives the sources of the rules.

// side returns a deterministic pseudo-random number in [0, n) for a row:
// splitmix64 of the seed, the row's id and a salt per column.
func (gn *generator) side(id int64, salt uint64, n int) int {
	x := uint64(gn.cfg.Seed) ^ uint64(id)*0x9e3779b97f4a7c15 ^ salt*0xd1b54a32d192ed03
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return int(x % uint64(n))
}

// Fiscal years of the states (NASBO, "Budget Processes in the States":
// 46 states start July 1; New York April 1, Texas September 1, Alabama
// and Michigan October 1). DC and the territories follow the federal
// October 1, except Puerto Rico (July 1).
var stateFiscalStart = map[string]int64{
	"NY": 4, "TX": 9, "AL": 10, "MI": 10, "DC": 10, "GU": 10, "VI": 10, "AS": 10, "MP": 10, "PR": 7,
}

// Local fiscal years that differ from July 1 by state law or common
// practice: counties and municipalities of Florida (Fla. Stat. 129.01,
// 166.241), Alabama and most of Texas and Georgia start October 1;
// counties and cities of New York, New Jersey, Ohio, Indiana, Illinois
// (counties; cities mostly May 1), Wisconsin, Minnesota, Missouri,
// Kansas, Nebraska (cities October 1), Pennsylvania, Iowa (cities July
// 1), Washington, Utah (counties), Louisiana, Kentucky (cities July 1),
// Colorado, New Mexico (July 1), Oklahoma (July 1), South Dakota, North
// Dakota, Montana (July 1), Idaho (October 1) and Michigan (townships
// April 1, counties October or January) run on the calendar year or as
// listed. The map holds each state's usual start of counties and
// municipalities; a share of places deviates (localDeviation).
var countyFiscalStart = map[string]int64{
	"FL": 10, "AL": 10, "TX": 10, "GA": 7, "NY": 1, "NJ": 1, "OH": 1, "IN": 1, "IL": 12, "WI": 1, "MN": 1,
	"MO": 1, "KS": 1, "NE": 7, "PA": 1, "WA": 1, "UT": 1, "LA": 1, "CO": 1, "SD": 1, "ND": 1, "MI": 10,
	"ID": 10, "AR": 1, "MS": 10, "WV": 7, "NC": 7, "VA": 7, "MD": 7, "CA": 7, "AZ": 7, "NV": 7, "OR": 7,
}

var cityFiscalStart = map[string]int64{
	"FL": 10, "AL": 10, "TX": 10, "GA": 1, "NY": 1, "NJ": 1, "OH": 1, "IN": 1, "IL": 5, "WI": 1, "MN": 1,
	"MO": 7, "KS": 1, "NE": 10, "PA": 1, "WA": 1, "LA": 1, "CO": 1, "SD": 1, "ND": 1, "MI": 7, "ID": 10,
	"AR": 1, "MS": 10, "CT": 7, "MA": 7, "ME": 7, "VT": 7, "NH": 1, "RI": 7,
}

// School districts: July 1 nearly everywhere; September 1 in Texas (most
// districts; the rest July 1), Washington and Nebraska; October 1 in
// Alabama.
var schoolFiscalStart = map[string]int64{"WA": 9, "NE": 9, "AL": 10}

// fiscalYearStart returns the month a place's fiscal year starts, or 0
// (unknown) for the few places whose budget calendar the dataset does not
// know (2 in 100).
func (gn *generator) fiscalYearStart(p *pursuit.Place) int64 {
	const salt = 1
	x := gn.side(p.PlaceID, salt, 1000)
	if x < 20 {
		return 0
	}
	state := p.StateAbbr
	stateFY := int64(7)
	if m, ok := stateFiscalStart[state]; ok {
		stateFY = m
	}
	local := func(m map[string]int64) int64 {
		v, ok := m[state]
		if !ok {
			v = 7
		}
		// localDeviation: one place in eight keeps another calendar
		// than its state's usual one (charter cities, consolidated
		// governments, districts that follow their county).
		if x%8 == 0 {
			return []int64{1, 7, 10}[x/8%3]
		}
		return v
	}
	switch p.PlaceType {
	case pursuit.PlaceTypeStateAgency:
		return stateFY
	case pursuit.PlaceTypePublicCollege:
		if state == "TX" || state == "AL" {
			return stateFY
		}
		return 7
	case pursuit.PlaceTypeSchoolDistrict:
		if state == "TX" {
			if x%10 < 6 {
				return 9
			}
			return 7
		}
		if m, ok := schoolFiscalStart[state]; ok {
			return m
		}
		return 7
	case pursuit.PlaceTypeCounty:
		return local(countyFiscalStart)
	case pursuit.PlaceTypeMunicipality, pursuit.PlaceTypeLibrary:
		return local(cityFiscalStart)
	case pursuit.PlaceTypeTownship:
		if state == "MI" {
			return 4
		}
		return 1
	case pursuit.PlaceTypeSpecialDistrict:
		// Water, fire and transit districts: mostly July, a share on the
		// calendar year.
		if x%10 < 3 {
			return 1
		}
		return 7
	case pursuit.PlaceTypeTribal:
		// Most tribes budget on the federal year their grants follow.
		if x%4 == 0 {
			return 1
		}
		return 10
	}
	return 7
}

// emailStatus returns a contact's email_status: unverified when it has no
// email; otherwise by how recently the person was confirmed in the job.
// Public-sector staff turn over some 15–20% a year, and an address of a
// person who left bounces: confirmed within a year, 88% verified and 3%
// bounced; within three, 70% and 10%; never confirmed, 25% verified (the
// mail server accepted it) and 12% bounced.
func (gn *generator) emailStatus(c *pursuit.Contact) string {
	if c.Email == "" {
		return pursuit.EmailUnverified
	}
	x := gn.side(c.ContactID, 2, 100)
	verified, bounced := 25, 12
	switch age := gn.base.Sub(c.VerifiedAt); {
	case c.VerifiedAt.IsZero():
	case age <= 365*24*time.Hour:
		verified, bounced = 88, 3
	default:
		verified, bounced = 70, 10
	}
	switch {
	case x < verified:
		return pursuit.EmailVerified
	case x < verified+bounced:
		return pursuit.EmailBounced
	}
	return pursuit.EmailUnverified
}
