package httpapi_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestConcurrentReveals reveals ten masked contacts at once with three
// credits: exactly three are charged, the others answer 402, and the
// balance never goes negative.
func TestConcurrentReveals(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		p := pursuit.Place{Name: "Town of Reveal", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "ME"}
		must(t, s.CreatePlace(ctx, &p))
		c := pursuit.Customer{Name: "Buyer", RevealCredits: 3}
		must(t, s.CreateCustomer(ctx, &c))
		must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: c.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}))
		var ids []int64
		for i := 0; i < 10; i++ {
			k := pursuit.Contact{PlaceID: p.PlaceID, Name: fmt.Sprintf("Person %d", i), Email: fmt.Sprintf("p%d@reveal.me.us", i), Phone: fmt.Sprintf("207-555-01%02d", i)}
			must(t, s.CreateContact(ctx, &k))
			ids = append(ids, k.ContactID)
		}
		ts := newTestServer(t, s)
		key := ts.createKey(pursuit.RoleCustomer, c.CustomerID)
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for _, id := range ids {
			wg.Add(1)
			go func(id int64) {
				defer wg.Done()
				r := ts.do("POST", fmt.Sprintf("/v1/contacts/%d/reveal", id), key, nil)
				if r.status == 200 {
					var v httpapi.RevealView
					r.decode(t, &v)
					if !v.Charged || v.Contact.Email != fmt.Sprintf("p%d@reveal.me.us", id-ids[0]) {
						t.Errorf("reveal of %d = %+v", id, v)
					}
				}
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			}(id)
		}
		wg.Wait()
		if statuses[200] != 3 || statuses[402] != 7 {
			t.Errorf("statuses = %v, want 3 × 200 and 7 × 402", statuses)
		}
		got, err := s.GetCustomer(ctx, c.CustomerID)
		must(t, err)
		if got.RevealCredits != 0 {
			t.Errorf("credits left = %d, want 0", got.RevealCredits)
		}
		reveals, err := s.ListReveals(ctx, c.CustomerID, pursuit.ListOptions{})
		must(t, err)
		if len(reveals) != 3 {
			t.Errorf("%d audit rows, want 3", len(reveals))
		}
	})
}
