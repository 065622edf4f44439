package lake

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/pursuit-gov/pursuit"
)

// sinks receive the rows of every table, converted for the lake and
// scoped, as the store's scans yield them: each table in key order, each
// sink from one goroutine at a time. No table is ever held whole.
type sinks struct {
	customer     func(CustomerRow) error
	place        func(PlaceRow) error
	contact      func(ContactRow) error
	techStack    func(TechStackRow) error
	placeGrant   func(PlaceGrantRow) error
	contactGrant func(ContactGrantRow) error
	mapping      func(MappingRow) error
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

// scan streams every table of the store into k. A per-customer export
// keeps the customer's granted contacts, its granted places plus the
// places of its granted contacts, their tech stack, and its own customer
// row, grants and mappings.
//
// What it keeps in memory is a place's state (contacts carry it) and, for
// a per-customer export, the customer's grants and the places of its
// visible contacts: never a table's rows.
func scan(ctx context.Context, s pursuit.Store, opt ExportOptions, k sinks) error {
	sc, err := newScope(ctx, s, opt.IncludePII, opt.CustomerID)
	if err != nil {
		return err
	}
	if err := s.ScanCustomers(ctx, func(c pursuit.Customer) error {
		if r, ok := sc.customer(c); ok {
			return k.customer(r)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan customers: %w", err)
	}
	n, _ := s.Count(ctx, pursuit.TablePlaces)
	state := make(map[int64]string, n)
	states := map[string]string{} // one copy of each state's string
	whole := sc.customerID == 0
	if err := s.ScanPlaces(ctx, func(p pursuit.Place) error {
		st, ok := states[p.StateAbbr]
		if !ok {
			st = p.StateAbbr
			states[st] = st
		}
		state[p.PlaceID] = st
		if whole {
			return k.place(placeRow(p))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan places: %w", err)
	}
	if whole {
		// The whole store: the other tables are read alongside the
		// contacts (the stores serve reads from a pool of connections).
		var wg sync.WaitGroup
		var otherErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			otherErr = scanRest(ctx, s, sc, k, func(int64) bool { return true })
		}()
		err := scanContactsSplit(ctx, s, opt.workers(), func(c pursuit.Contact) (ContactRow, bool) {
			return sc.contact(c, state[c.PlaceID])
		}, k.contact)
		wg.Wait()
		if err != nil {
			return fmt.Errorf("scan contacts: %w", err)
		}
		return otherErr
	}
	visible := map[int64]bool{}
	if err := s.ScanContacts(ctx, func(c pursuit.Contact) error {
		if r, ok := sc.contact(c, state[c.PlaceID]); ok {
			visible[c.PlaceID] = true
			return k.contact(r)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan contacts: %w", err)
	}
	keepPlace := func(id int64) bool { return sc.placeAccess[id] != "" || visible[id] }
	if err := s.ScanPlaces(ctx, func(p pursuit.Place) error {
		if keepPlace(p.PlaceID) {
			return k.place(placeRow(p))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan places: %w", err)
	}
	return scanRest(ctx, s, sc, k, keepPlace)
}

// scanContactsSplit streams every contact through conv into sink, reading
// the table over n connections at once, each a range of contact ids: the
// store's decoding of 4.5 million rows is most of an export's time and
// one core's worth. conv runs on the reading goroutines; sink is called
// from one goroutine at a time, in no particular order across ranges
// (a spilled table orders each partition itself before writing it).
func scanContactsSplit(ctx context.Context, s pursuit.Store, n int, conv func(pursuit.Contact) (ContactRow, bool), sink func(ContactRow) error) error {
	lo, hi, err := s.ContactIDBounds(ctx)
	if err != nil {
		return err
	}
	if n < 2 || hi-lo < int64(n)*64 {
		return s.ScanContacts(ctx, func(c pursuit.Contact) error {
			if r, ok := conv(c); ok {
				return sink(r)
			}
			return nil
		})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	errs := make([]error, n)
	var wg sync.WaitGroup
	step := (hi - lo + int64(n)) / int64(n)
	for i := range n {
		from, to := lo+int64(i)*step, lo+int64(i+1)*step
		if i == n-1 {
			to = hi + 1
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.ScanContactsRange(ctx, from, to, func(c pursuit.Contact) error {
				r, ok := conv(c)
				if !ok {
					return nil
				}
				mu.Lock()
				defer mu.Unlock()
				return sink(r)
			})
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// The first range's own error, not another range's "context canceled".
	for _, e := range errs {
		if e != nil && !errors.Is(e, context.Canceled) {
			return e
		}
	}
	return errors.Join(errs...)
}

// scanRest streams tech_stack (of the places keepPlace accepts), the
// grants and the mappings.
func scanRest(ctx context.Context, s pursuit.Store, sc *scope, k sinks, keepPlace func(int64) bool) error {
	if err := s.ScanTechStack(ctx, func(t pursuit.TechStack) error {
		if keepPlace(t.PlaceID) {
			return k.techStack(techStackRow(t))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan tech_stack: %w", err)
	}
	if err := s.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error {
		if sc.mine(g.CustomerID) {
			return k.placeGrant(placeGrantRow(g))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan customer_place_relation: %w", err)
	}
	if err := s.ScanContactGrants(ctx, func(g pursuit.CustomerContactRelation) error {
		if sc.mine(g.CustomerID) {
			return k.contactGrant(contactGrantRow(g))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan customer_contact_relation: %w", err)
	}
	if err := s.ScanCustomerMappings(ctx, func(m pursuit.CustomerMapping) error {
		if sc.mine(m.CustomerID) {
			return k.mapping(mappingRow(m))
		}
		return nil
	}); err != nil {
		return fmt.Errorf("scan customer_mapping: %w", err)
	}
	return nil
}
