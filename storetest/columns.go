package storetest

import (
	"testing"

	"github.com/pursuit-gov/pursuit"
)

// testNewColumns pins contacts.email_status and places.fiscal_year_start
// on every write path: an empty email_status is written (and returned) as
// unverified, a value outside the enum or a month outside 1-12 is
// EINVALID naming the column, and a fiscal_year_start of 0 (unknown)
// round-trips as 0.
func testNewColumns(t *testing.T, s pursuit.Store) {
	p := newPlace("Springfield")
	p.FiscalYearStart = 7
	ok(t, s.CreatePlace(ctx, &p), "CreatePlace")
	got, err := s.GetPlace(ctx, p.PlaceID)
	ok(t, err, "GetPlace")
	diff(t, "GetPlace", p, got)
	p.FiscalYearStart = 0
	ok(t, s.UpdatePlace(ctx, &p), "UpdatePlace to unknown")
	got, err = s.GetPlace(ctx, p.PlaceID)
	ok(t, err, "GetPlace")
	if got.FiscalYearStart != 0 {
		t.Fatalf("fiscal_year_start = %d after setting it unknown", got.FiscalYearStart)
	}
	for _, m := range []int64{-1, 13} {
		bad := p
		bad.FiscalYearStart = m
		wantCode(t, s.UpdatePlace(ctx, &bad), pursuit.EINVALID, "fiscal_year_start")
	}

	c := newContact(p.PlaceID, "Jane", "Doe")
	c.EmailStatus = ""
	ok(t, s.CreateContact(ctx, &c), "CreateContact")
	if c.EmailStatus != pursuit.EmailUnverified {
		t.Fatalf("CreateContact left email_status %q, want unverified", c.EmailStatus)
	}
	gotC, err := s.GetContact(ctx, c.ContactID)
	ok(t, err, "GetContact")
	diff(t, "GetContact", c, gotC)
	for _, st := range pursuit.EmailStatuses {
		c.EmailStatus = st
		ok(t, s.UpdateContact(ctx, &c), "UpdateContact "+st)
		gotC, err = s.GetContact(ctx, c.ContactID)
		ok(t, err, "GetContact")
		diff(t, "GetContact after update to "+st, c, gotC)
	}
	bad := c
	bad.EmailStatus = "Verified"
	wantCode(t, s.UpdateContact(ctx, &bad), pursuit.EINVALID, "email_status")
	wantCode(t, s.CreateContact(ctx, &bad), pursuit.EINVALID, "email_status")

	// The bulk path: empty is unverified, an unknown value is refused.
	bc := newContact(p.PlaceID, "Bulk", "Row")
	bc.ContactID, bc.EmailStatus = 1000, ""
	bp := newPlace("Shelbyville")
	bp.PlaceID, bp.FiscalYearStart = 1000, 10
	ok(t, s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, []pursuit.Place{bp}); err != nil {
			return err
		}
		return w.UpsertContacts(ctx, []pursuit.Contact{bc})
	}), "Bulk")
	gotC, err = s.GetContact(ctx, 1000)
	ok(t, err, "GetContact 1000")
	if gotC.EmailStatus != pursuit.EmailUnverified {
		t.Fatalf("bulk email_status %q, want unverified", gotC.EmailStatus)
	}
	got, err = s.GetPlace(ctx, 1000)
	ok(t, err, "GetPlace 1000")
	if got.FiscalYearStart != 10 {
		t.Fatalf("bulk fiscal_year_start %d, want 10", got.FiscalYearStart)
	}
	bc.EmailStatus = "catch-all"
	err = s.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertContacts(ctx, []pursuit.Contact{bc}) })
	wantCode(t, err, pursuit.EINVALID, "email_status")
}
