package gen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/pursuit-gov/pursuit"
)

var (
	customerPrefixes = []string{
		"Beacon", "Granite", "Northstar", "Civic", "Summit", "Keystone", "Harbor", "Meridian", "Pioneer", "Liberty",
		"Cardinal", "Evergreen", "Bluestone", "Capitol", "Frontier", "Ironwood", "Lakeshore", "Redwood", "Sterling", "Atlas",
		"Bridgeway", "Clearpath", "Crestline", "Landmark", "Polaris", "Sentinel", "Silverline", "Tidewater", "Prairie", "Copperleaf",
	}
	customerSuffixes = []string{
		"Civic Software", "GovTech", "Public Systems", "Analytics", "Data Systems", "Solutions", "Technologies", "Networks",
		"EdTech", "Safety Systems", "Cloud", "Labs", "Learning", "Infrastructure", "Consulting Group",
	}
)

// profile kinds of customers' grants.
const (
	grantNationwide = iota // every place
	grantStates            // every place of a few states
	grantType              // every place of one type, nationwide
	grantRegionType        // places of some types in a region
	grantContacts          // single contacts only
)

// custPlan is what one customer licenses and maps.
type custPlan struct {
	id         int64
	kind       int
	states     map[string]bool // nil means all
	types      map[string]bool // nil means all
	access     string
	grantedAt  time.Time
	contactIDs []int64 // direct contact grants, sorted
	crm        string  // "salesforce", "hubspot", "dynamics" or ""
	owners     []string
	mapShare   float64 // share of granted places mapped in the CRM
	pod        string
}

// customers makes the customer rows from a random stream of their own, so
// that the places do not depend on the number of customers.
func (gn *generator) customers() []pursuit.Customer {
	r := gn.stream(100)
	out := make([]pursuit.Customer, gn.cfg.Customers)
	seen := map[string]int{}
	for i := range out {
		name := customerPrefixes[r.IntN(len(customerPrefixes))] + " " + customerSuffixes[r.IntN(len(customerSuffixes))]
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s %d", name, seen[name])
		}
		created := between(r, gn.base.Add(-4*365*24*time.Hour), gn.base)
		out[i] = pursuit.Customer{
			CustomerID:    int64(i + 1),
			Name:          name,
			Email:         "admin@" + slug(name) + ".com",
			RevealCredits: int64(100 * (1 + r.IntN(500))),
			CreatedAt:     created,
			UpdatedAt:     between(r, created, gn.base),
		}
	}
	return out
}

// stream returns a random stream for one part of the dataset.
func (gn *generator) stream(part uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(gn.cfg.Seed), part*0x9e3779b97f4a7c15+1))
}

// planGrants decides every customer's licence: a territory of states, a
// place type, both, the whole country, or single contacts.
func (gn *generator) planGrants(customers []pursuit.Customer) []*custPlan {
	r := gn.r
	kinds := []int{grantStates, grantType, grantStates, grantRegionType, grantContacts, grantType, grantStates, grantRegionType}
	focus := []string{pursuit.PlaceTypeSchoolDistrict, pursuit.PlaceTypeCounty, pursuit.PlaceTypeMunicipality,
		pursuit.PlaceTypeSpecialDistrict, pursuit.PlaceTypeLibrary, pursuit.PlaceTypePublicCollege, pursuit.PlaceTypeStateAgency}
	contacts := int64(gn.cfg.Contacts)
	var plans []*custPlan
	for i, c := range customers {
		p := &custPlan{id: c.CustomerID, kind: kinds[(i+r.IntN(2))%len(kinds)], access: pursuit.AccessMasked}
		if i%25 == 0 {
			p.kind = grantNationwide
		}
		if r.IntN(2) == 0 {
			p.access = pursuit.AccessFull
		}
		// Licensed within a month of signing up, and never after the
		// dataset's "now" (a customer may have signed up yesterday).
		p.grantedAt = between(r, c.CreatedAt, minTime(c.CreatedAt.Add(30*24*time.Hour), gn.base))
		pickStates := func(n int) map[string]bool {
			m := map[string]bool{}
			for len(m) < n {
				m[gn.g.States[r.IntN(len(gn.g.States))].Abbr] = true
			}
			return m
		}
		switch p.kind {
		case grantStates:
			p.states = pickStates(1 + r.IntN(4))
		case grantType:
			p.types = map[string]bool{focus[r.IntN(len(focus))]: true}
		case grantRegionType:
			p.states = pickStates(3 + r.IntN(8))
			p.types = map[string]bool{focus[r.IntN(len(focus))]: true, focus[r.IntN(len(focus))]: true}
		}
		// Single contacts: the whole licence of a contacts-only customer,
		// a few purchased ones for the others.
		n := min(200, contacts/2000)
		if p.kind == grantContacts {
			n = min(5000, max(20, contacts/900))
		}
		if contacts > 0 {
			set := map[int64]bool{}
			for int64(len(set)) < min(n, contacts) {
				set[1+r.Int64N(contacts)] = true
			}
			for id := range set {
				p.contactIDs = append(p.contactIDs, id)
			}
			slices.Sort(p.contactIDs)
		}
		switch x := r.IntN(10); {
		case x < 6:
			p.crm = "salesforce"
		case x < 8:
			p.crm = "hubspot"
		case x < 9:
			p.crm = "dynamics"
		}
		for range 3 + r.IntN(4) {
			p.owners = append(p.owners, gn.g.FirstNames.pick(r)+" "+gn.g.Surnames.pick(r))
		}
		p.mapShare = 0.05 + 0.25*r.Float64()
		p.pod = base62(uint64(r.IntN(62*62)), 2)
		plans = append(plans, p)
	}
	return plans
}

func (p *custPlan) grants(pl *pursuit.Place) bool {
	switch p.kind {
	case grantContacts:
		return false
	case grantNationwide:
		return true
	}
	return (p.states == nil || p.states[pl.StateAbbr]) && (p.types == nil || p.types[pl.PlaceType])
}

func (gn *generator) writePlaceGrants(ctx context.Context, w pursuit.BulkWriter, progress func(string, int64), plans []*custPlan) error {
	b := newBatcher(ctx, gn.cfg.batch(), pursuit.TableCustomerPlaceRelation, progress, w.UpsertPlaceGrants)
	for _, p := range plans {
		for i := range gn.places {
			pl := &gn.places[i]
			if !p.grants(pl) {
				continue
			}
			at := p.grantedAt
			if gn.r.IntN(10) == 0 {
				// Added to the licence later.
				at = between(gn.r, at, gn.base)
			}
			if err := b.add(pursuit.CustomerPlaceRelation{CustomerID: p.id, PlaceID: pl.PlaceID, AccessType: p.access, GrantedAt: at}); err != nil {
				return err
			}
		}
	}
	return b.flush()
}

func (gn *generator) writeContactGrants(ctx context.Context, w pursuit.BulkWriter, progress func(string, int64), plans []*custPlan) error {
	b := newBatcher(ctx, gn.cfg.batch(), pursuit.TableCustomerContactRelation, progress, w.UpsertContactGrants)
	for _, p := range plans {
		access := pursuit.AccessFull
		if p.kind == grantContacts && p.access == pursuit.AccessMasked {
			access = pursuit.AccessMasked
		}
		for _, id := range p.contactIDs {
			at := between(gn.r, p.grantedAt, gn.base)
			if err := b.add(pursuit.CustomerContactRelation{CustomerID: p.id, ContactID: id, AccessType: access, GrantedAt: at}); err != nil {
				return err
			}
		}
	}
	return b.flush()
}

// writeMappings maps a share of each CRM-using customer's granted places,
// and some of their leading contacts, to CRM record ids.
func (gn *generator) writeMappings(ctx context.Context, w pursuit.BulkWriter, progress func(string, int64), plans []*custPlan) error {
	b := newBatcher(ctx, gn.cfg.batch(), pursuit.TableCustomerMapping, progress, w.UpsertCustomerMappings)
	id := int64(0)
	r := gn.r
	for _, p := range plans {
		if p.crm == "" {
			continue
		}
		var seq uint64
		emit := func(placeID, contactID int64) error {
			seq++
			id++
			m := pursuit.CustomerMapping{CustomerMappingID: id, CustomerID: p.id, PlaceID: placeID, ContactID: contactID,
				ExternalCRMID: gn.crmID(p, seq, contactID != 0)}
			if r.IntN(10) != 0 {
				m.AccountOwner = p.owners[r.IntN(len(p.owners))]
			}
			if r.IntN(7) != 0 {
				m.LastSyncedTime = gn.timeBetween(14*24*time.Hour, 0)
			}
			return b.add(m)
		}
		mapped := 0
		for i := range gn.places {
			pl, info := &gn.places[i], &gn.info[i]
			if (!p.grants(pl) && p.kind != grantContacts) || r.Float64() >= p.mapShare || mapped >= 20000 {
				continue
			}
			mapped++
			if err := emit(pl.PlaceID, 0); err != nil {
				return err
			}
			if info.contacts > 0 && r.IntN(3) == 0 {
				for k := range min(info.contacts, 1+r.IntN(3)) {
					if err := emit(0, info.firstID+int64(k)); err != nil {
						return err
					}
				}
			}
		}
	}
	return b.flush()
}

// crmID returns a record id in the style of the customer's CRM: an 18-char
// Salesforce id (001… accounts, 003… contacts), a HubSpot number or a
// Dynamics GUID. The sequence number keeps them unique per customer.
func (gn *generator) crmID(p *custPlan, seq uint64, contact bool) string {
	r := gn.r
	switch p.crm {
	case "salesforce":
		prefix := "001"
		if contact {
			prefix = "003"
		}
		return prefix + p.pod + "0000" + base62(seq, 6) + base62(uint64(r.IntN(62*62*62)), 3)
	case "hubspot":
		if contact {
			return strconv.FormatUint(100_000_000+seq*50+uint64(r.IntN(50)), 10)
		}
		return strconv.FormatUint(9_000_000_000+seq*50+uint64(r.IntN(50)), 10)
	}
	// The sequence number fills the second and third groups (28 bits, far
	// more than a customer's mappings), so ids are unique by construction.
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), seq&0xffff, (seq>>16)&0xfff, 0x8000|r.IntN(0x4000), r.Uint64()&0xffffffffffff)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// base62 writes v in base 62, zero-padded to width.
func base62(v uint64, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = base62Digits[v%62]
		v /= 62
	}
	return string(b)
}
