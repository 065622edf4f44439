package crm

import (
	"context"
	"sort"

	"github.com/pursuit-gov/pursuit"
)

// Coverage is what a customer's CRM accounts cover of its grants: how many
// accounts are mapped, per state, and its whitespace, the granted places
// no account covers.
type Coverage struct {
	CustomerID int64 `json:"customer_id"`
	// MappedAccounts counts the customer's place mappings (CRM accounts
	// matched to a place), MappedPlaces the distinct places they name.
	MappedAccounts int `json:"mapped_accounts"`
	MappedPlaces   int `json:"mapped_places"`
	// GrantedPlaces counts the places the customer is granted; Covered
	// those of them some account maps; Whitespace the rest.
	GrantedPlaces int `json:"granted_places"`
	Covered       int `json:"covered"`
	Whitespace    int `json:"whitespace"`
	// ByState breaks the counts down by the places' state.
	ByState []CoverageState `json:"by_state"`
	// WhitespacePlaces lists the first uncovered granted places by
	// population, largest first (at most the limit asked for).
	WhitespacePlaces []pursuit.Place `json:"whitespace_places"`
}

// CoverageState is one state's line of a Coverage.
type CoverageState struct {
	State          string `json:"state"`
	MappedAccounts int    `json:"mapped_accounts"`
	GrantedPlaces  int    `json:"granted_places"`
	Covered        int    `json:"covered"`
	Whitespace     int    `json:"whitespace"`
}

// CoverageStore is what CoverageOf reads.
type CoverageStore interface {
	GetCustomer(ctx context.Context, id int64) (pursuit.Customer, error)
	ListCustomerMappings(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerMapping, error)
	ListPlaceGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerPlaceRelation, error)
	ScanPlaces(ctx context.Context, fn func(pursuit.Place) error) error
}

// CoverageOf reports a customer's coverage from its stored mappings and
// place grants, listing up to limit whitespace places. A customer that
// does not exist is ENOTFOUND. It reads only the customer's own rows and
// the places table (public catalog data); no contact is read.
func CoverageOf(ctx context.Context, s CoverageStore, customerID int64, limit int) (Coverage, error) {
	c := Coverage{CustomerID: customerID, ByState: []CoverageState{}, WhitespacePlaces: []pursuit.Place{}}
	if _, err := s.GetCustomer(ctx, customerID); err != nil {
		return c, err
	}
	mapped := map[int64]int{} // place -> accounts
	for opt := (pursuit.ListOptions{Limit: pursuit.MaxListLimit}); ; {
		ms, err := s.ListCustomerMappings(ctx, customerID, opt)
		if err != nil {
			return c, err
		}
		for _, m := range ms {
			if m.PlaceID != 0 {
				mapped[m.PlaceID]++
				c.MappedAccounts++
			}
		}
		if len(ms) < opt.Limit {
			break
		}
		opt.After = ms[len(ms)-1].CustomerMappingID
	}
	granted := map[int64]bool{}
	for opt := (pursuit.ListOptions{Limit: pursuit.MaxListLimit}); ; {
		gs, err := s.ListPlaceGrants(ctx, customerID, opt)
		if err != nil {
			return c, err
		}
		for _, g := range gs {
			granted[g.PlaceID] = true
		}
		if len(gs) < opt.Limit {
			break
		}
		opt.After = gs[len(gs)-1].PlaceID
	}
	c.MappedPlaces = len(mapped)
	c.GrantedPlaces = len(granted)
	states := map[string]*CoverageState{}
	st := func(s string) *CoverageState {
		x := states[s]
		if x == nil {
			x = &CoverageState{State: s}
			states[s] = x
		}
		return x
	}
	var white []pursuit.Place
	err := s.ScanPlaces(ctx, func(p pursuit.Place) error {
		n, isMapped := mapped[p.PlaceID]
		g := granted[p.PlaceID]
		if !isMapped && !g {
			return nil
		}
		x := st(p.StateAbbr)
		x.MappedAccounts += n
		if g {
			x.GrantedPlaces++
			if isMapped {
				x.Covered++
				c.Covered++
			} else {
				x.Whitespace++
				c.Whitespace++
				white = append(white, p)
			}
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	for _, x := range states {
		c.ByState = append(c.ByState, *x)
	}
	sort.Slice(c.ByState, func(i, j int) bool { return c.ByState[i].State < c.ByState[j].State })
	sort.SliceStable(white, func(i, j int) bool {
		if white[i].Population != white[j].Population {
			return white[i].Population > white[j].Population
		}
		return white[i].PlaceID < white[j].PlaceID
	})
	if limit < len(white) {
		white = white[:max(limit, 0)]
	}
	c.WhitespacePlaces = append(c.WhitespacePlaces, white...)
	return c, nil
}
