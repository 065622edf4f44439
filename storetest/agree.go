package storetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
)

// This file pins what the two stores once did differently: whether a
// failed write changes the caller's struct, when a bulk error surfaces,
// whether a row error keeps its cause, and what of the driver's text
// reaches a message a user reads.

// driverWords are pieces of SQLite and PostgreSQL error text; none may
// appear in a user-facing message.
var driverWords = []string{"sqlite", "SQLSTATE", "pgx", "pq:", "violates", "constraint failed", "ERROR:",
	"duplicate key value", "UNIQUE constraint", "FOREIGN KEY constraint", "CHECK constraint", "syntax error"}

// userSafe fails when the user-facing message of err carries driver text.
func userSafe(t *testing.T, what string, err error) {
	t.Helper()
	msg := pursuit.ErrorMessage(err)
	for _, w := range driverWords {
		if strings.Contains(strings.ToLower(msg), strings.ToLower(w)) {
			t.Errorf("%s: message %q carries driver text %q", what, msg, w)
		}
	}
}

// unchanged fails unless a failed write left the caller's struct as it
// was, and the error is user-safe with the wanted code.
func unchanged[T any](t *testing.T, what string, code string, before T, after *T, err error) {
	t.Helper()
	if pursuit.ErrorCode(err) != code {
		t.Fatalf("%s: error %v (code %s), want %s", what, err, pursuit.ErrorCode(err), code)
	}
	diff(t, what+" left the struct changed", before, *after)
	userSafe(t, what, err)
}

// testFailedWritesLeaveStructs checks every Create, Update and Put that
// fails, on every kind of failure the database or the store detects.
func testFailedWritesLeaveStructs(t *testing.T, s pursuit.Store) {
	cust := mustCustomer(t, s, "Acme")
	place := mustPlace(t, s, "Springfield")
	contact := mustContact(t, s, place.PlaceID, "Jane", "Doe")
	tech := mustTechStack(t, s, place.PlaceID, "Tyler")
	m := pursuit.CustomerMapping{CustomerID: cust.CustomerID, ExternalCRMID: "SF-1", PlaceID: place.PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &m), "CreateCustomerMapping")

	c := newCustomer("Again")
	c.CustomerID = cust.CustomerID
	before := c
	unchanged(t, "CreateCustomer of a taken id", pursuit.ECONFLICT, before, &c, s.CreateCustomer(ctx, &c))
	c.CustomerID = 999
	before = c
	unchanged(t, "UpdateCustomer of a missing id", pursuit.ENOTFOUND, before, &c, s.UpdateCustomer(ctx, &c))

	p := newPlace("Shelbyville")
	p.PlaceID = place.PlaceID
	bp := p
	unchanged(t, "CreatePlace of a taken id", pursuit.ECONFLICT, bp, &p, s.CreatePlace(ctx, &p))
	p.PlaceID = 999
	bp = p
	unchanged(t, "UpdatePlace of a missing id", pursuit.ENOTFOUND, bp, &p, s.UpdatePlace(ctx, &p))

	k := newContact(999, "No", "Place")
	k.EmailStatus = ""
	bk := k
	unchanged(t, "CreateContact of a missing place", pursuit.EFOREIGNKEY, bk, &k, s.CreateContact(ctx, &k))
	k.PlaceID, k.ContactID = place.PlaceID, contact.ContactID
	bk = k
	unchanged(t, "CreateContact of a taken id", pursuit.ECONFLICT, bk, &k, s.CreateContact(ctx, &k))
	k.PlaceID = 999
	bk = k
	unchanged(t, "UpdateContact to a missing place", pursuit.EFOREIGNKEY, bk, &k, s.UpdateContact(ctx, &k))

	ts := newTechStack(999, "Esri")
	bts := ts
	unchanged(t, "CreateTechStack of a missing place", pursuit.EFOREIGNKEY, bts, &ts, s.CreateTechStack(ctx, &ts))
	ts = tech
	ts.TechStackID = 999
	bts = ts
	unchanged(t, "UpdateTechStack of a missing id", pursuit.ENOTFOUND, bts, &ts, s.UpdateTechStack(ctx, &ts))

	m2 := pursuit.CustomerMapping{CustomerID: cust.CustomerID, ExternalCRMID: "SF-1", ContactID: contact.ContactID}
	bm := m2
	unchanged(t, "CreateCustomerMapping of a taken CRM id", pursuit.ECONFLICT, bm, &m2, s.CreateCustomerMapping(ctx, &m2))
	m2 = m
	m2.ContactID, m2.PlaceID = 999, 0
	bm = m2
	unchanged(t, "UpdateCustomerMapping to a missing contact", pursuit.EFOREIGNKEY, bm, &m2, s.UpdateCustomerMapping(ctx, &m2))

	pg := pursuit.CustomerPlaceRelation{CustomerID: 999, PlaceID: place.PlaceID, AccessType: pursuit.AccessFull}
	bpg := pg
	unchanged(t, "PutPlaceGrant of a missing customer", pursuit.EFOREIGNKEY, bpg, &pg, s.PutPlaceGrant(ctx, &pg))
	cg := pursuit.CustomerContactRelation{CustomerID: 999, ContactID: contact.ContactID, AccessType: pursuit.AccessFull}
	bcg := cg
	unchanged(t, "PutContactGrant of a missing customer", pursuit.EFOREIGNKEY, bcg, &cg, s.PutContactGrant(ctx, &cg))

	// A write of many rows: none of the rows changes when one fails, and
	// the error names the row and keeps the store's error as its cause.
	rows := []pursuit.CustomerMapping{
		{ExternalCRMID: "SF-2", PlaceID: place.PlaceID, LastSyncedTime: t0},
		{ExternalCRMID: "SF-3", ContactID: 999},
	}
	brows := append([]pursuit.CustomerMapping(nil), rows...)
	_, _, err := s.UpsertCustomerMappingsByCRMID(ctx, cust.CustomerID, rows)
	diff(t, "UpsertCustomerMappingsByCRMID left its rows changed", brows, rows)
	var re *pursuit.RowError
	var pe *pursuit.Error
	if !errors.As(err, &re) || re.Row != 1 || !errors.As(err, &pe) || pe.Code != pursuit.EFOREIGNKEY || pe.Field != "contact_id" {
		t.Fatalf("UpsertCustomerMappingsByCRMID error %v: want a RowError of row 1 wrapping EFOREIGNKEY on contact_id", err)
	}
	userSafe(t, "UpsertCustomerMappingsByCRMID", err)
}

// testBulkErrorsSurface pins when a bulk error surfaces. A row the store
// checks itself (Validate, a missing key or place) fails the Upsert call
// that gives it; a row the database refuses (a taken unique key, a
// missing contact) fails that call or a later one, or Bulk itself, since
// PostgreSQL writes collected rows later. Either way Bulk returns the
// error, even when fn ignored it and returned nil, and nothing is
// applied. Each error is user-safe and keeps its cause.
func testBulkErrorsSurface(t *testing.T, s pursuit.Store) {
	cust := mustCustomer(t, s, "Acme")
	place := mustPlace(t, s, "Springfield")
	startSeq := lastSeq(t, s)

	for _, tt := range []struct {
		name  string
		code  string
		field string
		write func(w pursuit.BulkWriter) error
	}{
		{"invalid row", pursuit.EINVALID, "email_status", func(w pursuit.BulkWriter) error {
			c := newContact(place.PlaceID, "Bad", "Status")
			c.ContactID, c.EmailStatus = 100, "maybe"
			return w.UpsertContacts(ctx, []pursuit.Contact{c})
		}},
		{"missing place", pursuit.EFOREIGNKEY, "place_id", func(w pursuit.BulkWriter) error {
			c := newContact(999, "No", "Place")
			c.ContactID = 100
			return w.UpsertContacts(ctx, []pursuit.Contact{c})
		}},
		{"missing contact", pursuit.EFOREIGNKEY, "contact_id", func(w pursuit.BulkWriter) error {
			return w.UpsertContactGrants(ctx, []pursuit.CustomerContactRelation{{CustomerID: cust.CustomerID, ContactID: 999, AccessType: pursuit.AccessFull}})
		}},
		{"taken unique key", pursuit.ECONFLICT, "", func(w pursuit.BulkWriter) error {
			return w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{
				{CustomerMappingID: 100, CustomerID: cust.CustomerID, ExternalCRMID: "dup", PlaceID: place.PlaceID},
				{CustomerMappingID: 101, CustomerID: cust.CustomerID, ExternalCRMID: "dup", PlaceID: place.PlaceID},
			})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// fn ignores the error and goes on writing a valid row.
			var first error
			err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
				first = tt.write(w)
				c := newCustomer("Written after the failure")
				c.CustomerID = 500
				w.UpsertCustomers(ctx, []pursuit.Customer{c})
				return nil
			})
			if err == nil {
				t.Fatalf("Bulk returned nil after a failed %s (the Upsert said %v)", tt.name, first)
			}
			if first != nil && pursuit.ErrorCode(first) != pursuit.ErrorCode(err) {
				t.Errorf("the Upsert failed with %v, Bulk with %v", first, err)
			}
			if pursuit.ErrorCode(err) != tt.code || tt.field != "" && pursuit.ErrorField(err) != tt.field {
				t.Fatalf("Bulk error %v (code %s, field %s), want %s on %q", err, pursuit.ErrorCode(err), pursuit.ErrorField(err), tt.code, tt.field)
			}
			if tt.code == pursuit.EINVALID || tt.name == "missing place" {
				if first == nil {
					t.Errorf("a row the store checks itself must fail its own Upsert call")
				}
			}
			userSafe(t, "Bulk "+tt.name, err)
			var pe *pursuit.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Bulk error %v is no *pursuit.Error", err)
			}
			if tt.code != pursuit.EINVALID && tt.name != "missing place" && tt.name != "missing contact" && pe.Err == nil && errors.Unwrap(err) == nil {
				t.Errorf("Bulk error %v lost the database's error as its cause", err)
			}
			if _, err := s.GetCustomer(ctx, 500); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
				t.Errorf("the row written after the failure was applied: %v", err)
			}
			if seq := lastSeq(t, s); seq != startSeq {
				t.Errorf("change_log moved from %d to %d: something was applied", startSeq, seq)
			}
		})
	}
	// An invalid row's error wraps Validate's error.
	err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		return w.UpsertPlaces(ctx, []pursuit.Place{{PlaceID: 7, Name: "X", PlaceType: "castle", StateAbbr: "IL"}})
	})
	var inner *pursuit.Error
	if !errors.As(errors.Unwrap(err), &inner) || inner.Field != "place_type" {
		t.Errorf("bulk validation error %v does not keep Validate's error as its cause", err)
	}
}
