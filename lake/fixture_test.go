package lake_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

var base = time.Date(2025, 6, 1, 12, 0, 0, 123456000, time.UTC)

var states = []string{"NY", "CA", "TX", "VT"}

// fill writes a small deterministic dataset: places spread over four
// states (ids interleaved across states, as real ids are), contacts per
// place, tech stack, two customers with place and contact grants, and
// mappings.
func fill(t testing.TB, s pursuit.Store, places, perPlace int) {
	t.Helper()
	ctx := context.Background()
	err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertCustomers(ctx, []pursuit.Customer{
			{CustomerID: 1, Name: "Acme GovTech", Email: "sales@acme.example", RevealCredits: 10, CreatedAt: base, UpdatedAt: base},
			{CustomerID: 2, Name: "Civic Soft", Email: "hello@civic.example", RevealCredits: 5, CreatedAt: base, UpdatedAt: base},
		}); err != nil {
			return err
		}
		var ps []pursuit.Place
		var cs []pursuit.Contact
		var ts []pursuit.TechStack
		cid := int64(0)
		for i := 1; i <= places; i++ {
			st := states[i%len(states)]
			ps = append(ps, pursuit.Place{PlaceID: int64(i), Name: fmt.Sprintf("Town %d", i), PlaceType: pursuit.PlaceTypeMunicipality,
				StateAbbr: st, County: "Some County", Population: int64(1000 * i), Website: fmt.Sprintf("town%d.gov", i),
				EmailDomain: fmt.Sprintf("town%d.gov", i), GEOID: fmt.Sprintf("%07d", i), AccountOwner: "ann",
				CreatedAt: base, UpdatedAt: base.Add(time.Duration(i) * time.Second)})
			for j := 0; j < perPlace; j++ {
				cid++
				c := pursuit.Contact{ContactID: cid, PlaceID: int64(i), Name: fmt.Sprintf("Person %d", cid),
					FirstName: "Person", LastName: fmt.Sprint(cid), Email: fmt.Sprintf("p%d@town%d.gov", cid, i),
					Phone: fmt.Sprintf("(217) 555-%04d", cid%10000), Title: []string{"IT Director", "City Clerk", "Finance Director", "Police Chief"}[j%4],
					Department: []string{"IT", "Clerk", "Finance", "Police"}[j%4], CreatedAt: base, UpdatedAt: base}
				if j%3 == 0 {
					c.VerifiedAt = base.Add(-time.Duration(cid) * time.Hour)
				}
				cs = append(cs, c)
			}
			ts = append(ts, pursuit.TechStack{TechStackID: int64(i), PlaceID: int64(i), Vendor: []string{"Tyler", "Microsoft", "Esri"}[i%3],
				Product: "Suite", Category: []string{"erp", "email", "gis"}[i%3], FirstSeen: base.Add(-48 * time.Hour), LastSeen: base})
		}
		if err := w.UpsertPlaces(ctx, ps); err != nil {
			return err
		}
		if err := w.UpsertContacts(ctx, cs); err != nil {
			return err
		}
		if err := w.UpsertTechStack(ctx, ts); err != nil {
			return err
		}
		// Customer 1: places 1..5 masked, place 2 full; contacts of place 7
		// full by contact grant.
		var pg []pursuit.CustomerPlaceRelation
		for i := int64(1); i <= 5; i++ {
			acc := pursuit.AccessMasked
			if i == 2 {
				acc = pursuit.AccessFull
			}
			pg = append(pg, pursuit.CustomerPlaceRelation{CustomerID: 1, PlaceID: i, AccessType: acc, GrantedAt: base})
		}
		pg = append(pg, pursuit.CustomerPlaceRelation{CustomerID: 2, PlaceID: 9, AccessType: pursuit.AccessFull, GrantedAt: base})
		if err := w.UpsertPlaceGrants(ctx, pg); err != nil {
			return err
		}
		var cg []pursuit.CustomerContactRelation
		for j := 0; j < perPlace; j++ {
			cg = append(cg, pursuit.CustomerContactRelation{CustomerID: 1, ContactID: int64(6*perPlace + j + 1), AccessType: pursuit.AccessFull, GrantedAt: base})
		}
		// A full contact grant inside a masked place grant: full wins.
		cg = append(cg, pursuit.CustomerContactRelation{CustomerID: 1, ContactID: 1, AccessType: pursuit.AccessFull, GrantedAt: base})
		if err := w.UpsertContactGrants(ctx, cg); err != nil {
			return err
		}
		return w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{
			{CustomerMappingID: 1, CustomerID: 1, ExternalCRMID: "SF-1", PlaceID: 1, AccountOwner: "bob", LastSyncedTime: base},
			{CustomerMappingID: 2, CustomerID: 1, ExternalCRMID: "SF-2", ContactID: 3, AccountOwner: "bob"},
			{CustomerMappingID: 3, CustomerID: 2, ExternalCRMID: "HS-9", PlaceID: 9, AccountOwner: "eve", LastSyncedTime: base},
		})
	})
	if err != nil {
		t.Fatalf("fill store: %v", err)
	}
}

func newStore(t testing.TB, places, perPlace int) pursuit.Store {
	s := testdb.SQLite(t)
	fill(t, s, places, perPlace)
	return s
}
