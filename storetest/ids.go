package storetest

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pursuit-gov/pursuit"
)

// idTable is one table whose ids the store hands out, seen through the
// Store: create a row (id 0 lets the store choose) and delete one.
type idTable struct {
	name   string
	create func(t *testing.T, id int64) int64
	delete func(t *testing.T, id int64)
}

// idTables returns the seven tables whose ids the store hands out, each
// with its parents created once. api_keys rows are deleted by deleting the
// customer they belong to (the store has no key delete, only revoke), and
// contact_reveals rows, an audit trail the store never deletes, by raw SQL:
// an operator pruning it must not make an id come back either.
func idTables(t *testing.T, s pursuit.Store) []idTable {
	cu := newCustomer("parent")
	cu.RevealCredits = 1000
	ok(t, s.CreateCustomer(ctx, &cu), "CreateCustomer parent")
	p := mustPlace(t, s, "Parent Place")
	c := mustContact(t, s, p.PlaceID, "Parent", "Contact")
	n := 0
	uniq := func() string { n++; return fmt.Sprintf("%d", n) }
	return []idTable{
		{pursuit.TableCustomers, func(t *testing.T, id int64) int64 {
			x := newCustomer("c" + uniq())
			x.CustomerID = id
			ok(t, s.CreateCustomer(ctx, &x), "CreateCustomer")
			return x.CustomerID
		}, func(t *testing.T, id int64) { ok(t, s.DeleteCustomer(ctx, id), "DeleteCustomer") }},
		{pursuit.TablePlaces, func(t *testing.T, id int64) int64 {
			x := newPlace("p" + uniq())
			x.PlaceID = id
			ok(t, s.CreatePlace(ctx, &x), "CreatePlace")
			return x.PlaceID
		}, func(t *testing.T, id int64) { ok(t, s.DeletePlace(ctx, id), "DeletePlace") }},
		{pursuit.TableContacts, func(t *testing.T, id int64) int64 {
			x := newContact(p.PlaceID, "F"+uniq(), "L")
			x.ContactID = id
			ok(t, s.CreateContact(ctx, &x), "CreateContact")
			return x.ContactID
		}, func(t *testing.T, id int64) { ok(t, s.DeleteContact(ctx, id), "DeleteContact") }},
		{pursuit.TableTechStack, func(t *testing.T, id int64) int64 {
			x := newTechStack(p.PlaceID, "v"+uniq())
			x.TechStackID = id
			ok(t, s.CreateTechStack(ctx, &x), "CreateTechStack")
			return x.TechStackID
		}, func(t *testing.T, id int64) { ok(t, s.DeleteTechStack(ctx, id), "DeleteTechStack") }},
		{pursuit.TableCustomerMapping, func(t *testing.T, id int64) int64 {
			x := pursuit.CustomerMapping{CustomerMappingID: id, CustomerID: cu.CustomerID, ExternalCRMID: "crm-" + uniq(), PlaceID: p.PlaceID}
			ok(t, s.CreateCustomerMapping(ctx, &x), "CreateCustomerMapping")
			return x.CustomerMappingID
		}, func(t *testing.T, id int64) { ok(t, s.DeleteCustomerMapping(ctx, id), "DeleteCustomerMapping") }},
		{pursuit.TableAPIKeys, func(t *testing.T, id int64) int64 {
			// Each key belongs to a customer of its own, so that
			// deleting the customer deletes just this key.
			owner := mustCustomer(t, s, "keyowner"+uniq())
			x := pursuit.APIKey{APIKeyID: id, Role: pursuit.RoleCustomer, CustomerID: owner.CustomerID, Prefix: "pk_x", Hash: []byte("key hash " + uniq())}
			ok(t, s.CreateAPIKey(ctx, &x), "CreateAPIKey")
			return x.APIKeyID
		}, func(t *testing.T, id int64) {
			keys, err := s.ListAPIKeys(ctx)
			ok(t, err, "ListAPIKeys")
			for _, k := range keys {
				if k.APIKeyID == id {
					ok(t, s.DeleteCustomer(ctx, k.CustomerID), "DeleteCustomer of a key")
					return
				}
			}
			t.Fatalf("API key %d not found", id)
		}},
		{pursuit.TableReveals, func(t *testing.T, id int64) int64 {
			if id != 0 {
				// RevealContact always lets the store choose.
				return 0
			}
			x := pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: c.ContactID}
			_, err := s.RevealContact(ctx, &x)
			ok(t, err, "RevealContact")
			return x.RevealID
		}, func(t *testing.T, id int64) {
			execRaw(t, s, fmt.Sprintf("DELETE FROM contact_reveals WHERE reveal_id = %d", id))
		}},
	}
}

// execRaw runs one statement of raw SQL on the store.
func execRaw(t *testing.T, s pursuit.Store, query string) {
	t.Helper()
	var err error
	switch db := s.(type) {
	case interface{ SQL() *sql.DB }:
		_, err = db.SQL().ExecContext(ctx, query)
	case interface{ Pool() *pgxpool.Pool }:
		_, err = db.Pool().Exec(ctx, query)
	default:
		t.Fatalf("store %T offers no raw SQL", s)
	}
	ok(t, err, query)
}

// testIDsNeverReused creates and deletes rows of every table whose ids the
// store hands out, in random orders: every id the store chooses must be
// greater than every id the table ever held, so that no id, in particular
// that of the deleted newest row, is handed out twice. A row given an
// explicit id above the others moves the next chosen id past it.
func testIDsNeverReused(t *testing.T, s pursuit.Store) {
	for _, tb := range idTables(t, s) {
		t.Run(tb.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(len(tb.name)), 7))
			var live []int64
			high := int64(0) // the highest id the table ever held
			for step := range 40 {
				switch op := r.IntN(6); {
				case op < 3 || len(live) == 0: // create, the store choosing
					id := tb.create(t, 0)
					if id <= high {
						t.Fatalf("step %d: the store chose id %d, but the table already held id %d: an id is reused", step, id, high)
					}
					high = id
					live = append(live, id)
				case op == 3: // delete the newest row: the id a rowid table hands out again
					i := len(live) - 1
					tb.delete(t, live[i])
					live = live[:i]
				case op == 4: // delete any row
					i := r.IntN(len(live))
					tb.delete(t, live[i])
					live = append(live[:i], live[i+1:]...)
				case op == 5: // an explicit id above the others, then deleted
					id := high + 1 + r.Int64N(5)
					if got := tb.create(t, id); got == 0 {
						continue // the table takes no explicit id
					} else if got != id {
						t.Fatalf("step %d: created with id %d, got %d", step, id, got)
					}
					high = id
					tb.delete(t, id)
				}
			}
			// The last word: delete the newest row and create again.
			if len(live) > 0 {
				tb.delete(t, live[len(live)-1])
			}
			if id := tb.create(t, 0); id <= high {
				t.Fatalf("after deleting the newest row the store chose id %d, not above %d", id, high)
			}
		})
	}
}

// testBulkIDsAdvance loads rows with explicit ids through Bulk (what
// import and generate do), then creates rows letting the store choose:
// the chosen ids must come after the loaded ones, also once the newest
// loaded row is deleted.
func testBulkIDsAdvance(t *testing.T, s pursuit.Store) {
	d := newDataset(6, 3)
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error { return d.write(w, 4) }), "Bulk")
	maxOf := func(ids ...int64) int64 {
		m := int64(0)
		for _, id := range ids {
			m = max(m, id)
		}
		return m
	}
	var cust, places, contacts, techs, maps []int64
	for _, x := range d.customers {
		cust = append(cust, x.CustomerID)
	}
	for _, x := range d.places {
		places = append(places, x.PlaceID)
	}
	for _, x := range d.contacts {
		contacts = append(contacts, x.ContactID)
	}
	for _, x := range d.tech {
		techs = append(techs, x.TechStackID)
	}
	for _, x := range d.mappings {
		maps = append(maps, x.CustomerMappingID)
	}
	top := map[string]int64{
		pursuit.TableCustomers: maxOf(cust...), pursuit.TablePlaces: maxOf(places...),
		pursuit.TableContacts: maxOf(contacts...), pursuit.TableTechStack: maxOf(techs...),
		pursuit.TableCustomerMapping: maxOf(maps...),
	}
	// Delete the newest loaded contact, tech stack row and mapping, and the
	// newest customer: their ids must not come back.
	ok(t, s.DeleteContact(ctx, top[pursuit.TableContacts]), "DeleteContact")
	ok(t, s.DeleteTechStack(ctx, top[pursuit.TableTechStack]), "DeleteTechStack")
	ok(t, s.DeleteCustomerMapping(ctx, top[pursuit.TableCustomerMapping]), "DeleteCustomerMapping")
	ok(t, s.DeleteCustomer(ctx, top[pursuit.TableCustomers]), "DeleteCustomer")

	cu := mustCustomer(t, s, "afterload")
	p := mustPlace(t, s, "after the load")
	c := mustContact(t, s, p.PlaceID, "After", "Load")
	ts := mustTechStack(t, s, p.PlaceID, "After")
	m := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "after", PlaceID: p.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &m), "CreateCustomerMapping")
	for table, got := range map[string]int64{
		pursuit.TableCustomers: cu.CustomerID, pursuit.TablePlaces: p.PlaceID, pursuit.TableContacts: c.ContactID,
		pursuit.TableTechStack: ts.TechStackID, pursuit.TableCustomerMapping: m.CustomerMappingID,
	} {
		if got <= top[table] {
			t.Errorf("%s: after a Bulk load up to id %d the store chose id %d", table, top[table], got)
		}
	}
}

// testSecret checks that a secret is created once and then read back the
// same, by every caller, also when several ask first at once, and that it
// stays out of the change log.
func testSecret(t *testing.T, s pursuit.Store) {
	seq := lastSeq(t, s)
	const n = 8
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = s.Secret(ctx, "test_secret", 32) })
	}
	wg.Wait()
	for i := range n {
		ok(t, errs[i], "Secret")
		if len(got[i]) != 32 {
			t.Fatalf("Secret returned %d bytes, want 32", len(got[i]))
		}
		if !bytes.Equal(got[i], got[0]) {
			t.Fatalf("concurrent first calls of Secret disagree: %x and %x", got[0], got[i])
		}
	}
	if bytes.Equal(got[0], make([]byte, 32)) {
		t.Fatalf("Secret is all zero bytes")
	}
	again, err := s.Secret(ctx, "test_secret", 32)
	ok(t, err, "Secret again")
	if !bytes.Equal(again, got[0]) {
		t.Fatalf("Secret changed between calls")
	}
	other, err := s.Secret(ctx, "other_secret", 32)
	ok(t, err, "Secret other")
	if bytes.Equal(other, got[0]) {
		t.Fatalf("two secrets have the same bytes")
	}
	_, err = s.Secret(ctx, "test_secret", 16)
	wantCode(t, err, pursuit.EINTERNAL, "")
	_, err = s.Secret(ctx, "", 32)
	wantCode(t, err, pursuit.EINVALID, "name")
	_, err = s.Secret(ctx, "tiny", 4)
	wantCode(t, err, pursuit.EINVALID, "size")
	if after := lastSeq(t, s); after != seq {
		t.Fatalf("Secret wrote change_log rows: LastSeq %d → %d", seq, after)
	}
}
