package lake

import (
	"context"
	"fmt"
	"sync"

	"github.com/pursuit-gov/pursuit"
)

// source holds the rows of every table, converted for the lake.
type source struct {
	customers     []CustomerRow
	places        []PlaceRow
	contacts      []ContactRow
	techStack     []TechStackRow
	placeGrants   []PlaceGrantRow
	contactGrants []ContactGrantRow
	mappings      []MappingRow
}

// scope decides which rows an export holds and how PII shows.
type scope struct {
	includePII bool
	customerID int64
	// placeAccess and contactAccess are the customer's grants, for a
	// per-customer export.
	placeAccess   map[int64]string
	contactAccess map[int64]string
}

// contactAccess returns the access a per-customer export gives a contact:
// the more permissive of its contact grant and its place's grant, "" when
// neither exists (the same rule as pursuit.Store.ContactAccess).
func (sc *scope) access(c *pursuit.Contact) string {
	return pursuit.MorePermissive(sc.contactAccess[c.ContactID], sc.placeAccess[c.PlaceID])
}

// contact returns the lake row of c, masked as the scope says, and false
// when the scope excludes c.
func (sc *scope) contact(c pursuit.Contact, state string) (ContactRow, bool) {
	if sc.customerID != 0 {
		acc := sc.access(&c)
		if acc == "" {
			return ContactRow{}, false
		}
		return contactRow(c.Masked(acc), state), true
	}
	if !sc.includePII {
		c = c.Masked(pursuit.AccessMasked)
	}
	return contactRow(c, state), true
}

func (sc *scope) customer(c pursuit.Customer) (CustomerRow, bool) {
	if sc.customerID != 0 && c.CustomerID != sc.customerID {
		return CustomerRow{}, false
	}
	if !sc.includePII && sc.customerID == 0 {
		c.Email = pursuit.MaskEmail(c.Email)
	}
	return customerRow(c), true
}

func (sc *scope) mine(customerID int64) bool {
	return sc.customerID == 0 || customerID == sc.customerID
}

func newScope(ctx context.Context, s pursuit.Store, includePII bool, customerID int64) (*scope, error) {
	sc := &scope{includePII: includePII, customerID: customerID}
	if customerID == 0 {
		return sc, nil
	}
	if _, err := s.GetCustomer(ctx, customerID); err != nil {
		return nil, fmt.Errorf("customer %d: %w", customerID, err)
	}
	sc.placeAccess, sc.contactAccess = map[int64]string{}, map[int64]string{}
	if err := s.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error {
		if g.CustomerID == customerID {
			sc.placeAccess[g.PlaceID] = pursuit.MorePermissive(sc.placeAccess[g.PlaceID], g.AccessType)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("scan place grants: %w", err)
	}
	if err := s.ScanContactGrants(ctx, func(g pursuit.CustomerContactRelation) error {
		if g.CustomerID == customerID {
			sc.contactAccess[g.ContactID] = pursuit.MorePermissive(sc.contactAccess[g.ContactID], g.AccessType)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("scan contact grants: %w", err)
	}
	return sc, nil
}

// load reads every table of the store. A per-customer export keeps the
// customer's granted contacts, its granted places plus the places of its
// granted contacts, their tech stack, and its own customer row, grants and
// mappings.
func load(ctx context.Context, s pursuit.Store, opt ExportOptions) (*source, error) {
	sc, err := newScope(ctx, s, opt.IncludePII, opt.CustomerID)
	if err != nil {
		return nil, err
	}
	src := &source{}
	if err := s.ScanCustomers(ctx, func(c pursuit.Customer) error {
		if r, ok := sc.customer(c); ok {
			src.customers = append(src.customers, r)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("scan customers: %w", err)
	}
	n, _ := s.Count(ctx, pursuit.TablePlaces)
	state := make(map[int64]string, n)
	all := make([]PlaceRow, 0, n)
	if err := s.ScanPlaces(ctx, func(p pursuit.Place) error {
		state[p.PlaceID] = p.StateAbbr
		all = append(all, placeRow(p))
		return nil
	}); err != nil {
		return nil, fmt.Errorf("scan places: %w", err)
	}
	visible := map[int64]bool{}
	if sc.customerID == 0 {
		// The whole store: the other tables are read alongside the
		// contacts (the stores serve reads from a pool of connections).
		var wg sync.WaitGroup
		var otherErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			otherErr = loadRest(ctx, s, sc, src, func(int64) bool { return true })
		}()
		n, _ = s.Count(ctx, pursuit.TableContacts)
		src.contacts = make([]ContactRow, 0, n)
		err = s.ScanContacts(ctx, func(c pursuit.Contact) error {
			r, _ := sc.contact(c, state[c.PlaceID])
			src.contacts = append(src.contacts, r)
			return nil
		})
		wg.Wait()
		if err != nil {
			return nil, fmt.Errorf("scan contacts: %w", err)
		}
		if otherErr != nil {
			return nil, otherErr
		}
		src.places = all
		return src, nil
	}
	n = int64(len(sc.contactAccess))
	src.contacts = make([]ContactRow, 0, n)
	if err := s.ScanContacts(ctx, func(c pursuit.Contact) error {
		if r, ok := sc.contact(c, state[c.PlaceID]); ok {
			src.contacts = append(src.contacts, r)
			visible[c.PlaceID] = true
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("scan contacts: %w", err)
	}
	for _, p := range all {
		if sc.placeAccess[p.PlaceID] != "" || visible[p.PlaceID] {
			src.places = append(src.places, p)
		}
	}
	keepPlace := func(id int64) bool { return sc.placeAccess[id] != "" || visible[id] }
	if err := loadRest(ctx, s, sc, src, keepPlace); err != nil {
		return nil, err
	}
	return src, nil
}

// loadRest reads tech_stack (of the places keepPlace accepts), the grants
// and the mappings.
func loadRest(ctx context.Context, s pursuit.Store, sc *scope, src *source, keepPlace func(int64) bool) error {
	if err := s.ScanTechStack(ctx, func(t pursuit.TechStack) error {
		if keepPlace(t.PlaceID) {
			src.techStack = append(src.techStack, techStackRow(t))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan tech_stack: %w", err)
	}
	if err := s.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error {
		if sc.mine(g.CustomerID) {
			src.placeGrants = append(src.placeGrants, placeGrantRow(g))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan customer_place_relation: %w", err)
	}
	if err := s.ScanContactGrants(ctx, func(g pursuit.CustomerContactRelation) error {
		if sc.mine(g.CustomerID) {
			src.contactGrants = append(src.contactGrants, contactGrantRow(g))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan customer_contact_relation: %w", err)
	}
	if err := s.ScanCustomerMappings(ctx, func(m pursuit.CustomerMapping) error {
		if sc.mine(m.CustomerID) {
			src.mappings = append(src.mappings, mappingRow(m))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan customer_mapping: %w", err)
	}
	return nil
}
