package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

func testAccess(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	p := mustPlace(t, s, "Springfield")
	c := mustContact(t, s, p.PlaceID, "Jane", "Doe")

	for _, tt := range []struct {
		name    string
		contact string // "" means no contact grant
		place   string // "" means no place grant
		want    string // "" means ENOTFOUND
	}{
		{"nothing", "", "", ""},
		{"contact masked", pursuit.AccessMasked, "", pursuit.AccessMasked},
		{"contact full", pursuit.AccessFull, "", pursuit.AccessFull},
		{"place masked", "", pursuit.AccessMasked, pursuit.AccessMasked},
		{"place full", "", pursuit.AccessFull, pursuit.AccessFull},
		{"contact full wins over place masked", pursuit.AccessFull, pursuit.AccessMasked, pursuit.AccessFull},
		{"place full wins over contact masked", pursuit.AccessMasked, pursuit.AccessFull, pursuit.AccessFull},
		{"both masked", pursuit.AccessMasked, pursuit.AccessMasked, pursuit.AccessMasked},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Reset both grants to the case's state.
			if _, err := s.GetContactGrant(ctx, cu.CustomerID, c.ContactID); err == nil {
				ok(t, s.DeleteContactGrant(ctx, cu.CustomerID, c.ContactID), "DeleteContactGrant")
			}
			if _, err := s.GetPlaceGrant(ctx, cu.CustomerID, p.PlaceID); err == nil {
				ok(t, s.DeletePlaceGrant(ctx, cu.CustomerID, p.PlaceID), "DeletePlaceGrant")
			}
			if tt.contact != "" {
				ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c.ContactID, AccessType: tt.contact}), "PutContactGrant")
			}
			if tt.place != "" {
				ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p.PlaceID, AccessType: tt.place}), "PutPlaceGrant")
			}
			got, err := s.ContactAccess(ctx, cu.CustomerID, c.ContactID)
			if tt.want == "" {
				wantCode(t, err, pursuit.ENOTFOUND, "")
			} else {
				ok(t, err, "ContactAccess")
				if got != tt.want {
					t.Fatalf("ContactAccess = %q, want %q", got, tt.want)
				}
			}
			got, err = s.PlaceAccess(ctx, cu.CustomerID, p.PlaceID)
			if tt.place == "" {
				wantCode(t, err, pursuit.ENOTFOUND, "")
			} else {
				ok(t, err, "PlaceAccess")
				if got != tt.place {
					t.Fatalf("PlaceAccess = %q, want %q", got, tt.place)
				}
			}
		})
	}

	// Missing rows and other customers do not leak existence.
	other := mustCustomer(t, s, "globex")
	_, err := s.ContactAccess(ctx, other.CustomerID, c.ContactID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.ContactAccess(ctx, cu.CustomerID, 999999)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.PlaceAccess(ctx, cu.CustomerID, 999999)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.ContactAccess(ctx, 999999, c.ContactID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
}

func testAPIKeys(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	admin := pursuit.APIKey{Role: pursuit.RoleAdmin, Name: "ops", Prefix: "pk_adm", Hash: []byte("hash-of-admin-key-0123456789abcdef")}
	ok(t, s.CreateAPIKey(ctx, &admin), "CreateAPIKey admin")
	if admin.APIKeyID <= 0 || admin.CreatedAt.IsZero() {
		t.Fatalf("CreateAPIKey: id %d, created_at %v", admin.APIKeyID, admin.CreatedAt)
	}
	cust := pursuit.APIKey{Role: pursuit.RoleCustomer, CustomerID: cu.CustomerID, Name: "crm sync", Prefix: "pk_cus", Hash: []byte("hash-of-customer-key-0123456789ab"), CreatedAt: t0}
	ok(t, s.CreateAPIKey(ctx, &cust), "CreateAPIKey customer")

	got, err := s.APIKeyByHash(ctx, cust.Hash)
	ok(t, err, "APIKeyByHash")
	diff(t, "APIKeyByHash", cust, got)
	utc(t, "APIKeyByHash", got.CreatedAt)
	_, err = s.APIKeyByHash(ctx, []byte("no such hash"))
	wantCode(t, err, pursuit.ENOTFOUND, "")

	dup := pursuit.APIKey{Role: pursuit.RoleAdmin, Name: "dup", Prefix: "pk_dup", Hash: admin.Hash}
	wantCode(t, s.CreateAPIKey(ctx, &dup), pursuit.ECONFLICT, "")
	for _, tt := range []struct {
		name  string
		k     pursuit.APIKey
		code  string
		field string
	}{
		{"bad role", pursuit.APIKey{Role: "root", Hash: []byte("h1")}, pursuit.EINVALID, "role"},
		{"no hash", pursuit.APIKey{Role: pursuit.RoleAdmin}, pursuit.EINVALID, "hash"},
		{"customer key without customer", pursuit.APIKey{Role: pursuit.RoleCustomer, Hash: []byte("h2")}, pursuit.EINVALID, "customer_id"},
		{"missing customer", pursuit.APIKey{Role: pursuit.RoleCustomer, CustomerID: 999999, Hash: []byte("h3")}, pursuit.EFOREIGNKEY, "customer_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.k
			wantCode(t, s.CreateAPIKey(ctx, &k), tt.code, tt.field)
		})
	}

	at := t0.Add(time.Hour)
	ok(t, s.RevokeAPIKey(ctx, admin.APIKeyID, at), "RevokeAPIKey")
	got, err = s.APIKeyByHash(ctx, admin.Hash)
	ok(t, err, "APIKeyByHash revoked")
	if !got.RevokedAt.Equal(at) {
		t.Fatalf("revoked_at = %v, want %v", got.RevokedAt, at)
	}
	admin.RevokedAt = at
	wantCode(t, s.RevokeAPIKey(ctx, 999999, at), pursuit.ENOTFOUND, "")

	list, err := s.ListAPIKeys(ctx)
	ok(t, err, "ListAPIKeys")
	diff(t, "ListAPIKeys", []pursuit.APIKey{admin, cust}, list)

	// One customer's keys: never another customer's or an admin key, and
	// revoking any key not the customer's is the ENOTFOUND of a missing one.
	other := mustCustomer(t, s, "other")
	theirs := pursuit.APIKey{Role: pursuit.RoleCustomer, CustomerID: other.CustomerID, Name: "theirs", Prefix: "pk_oth", Hash: []byte("hash-of-other-key-0123456789abcdef"), CreatedAt: t0}
	ok(t, s.CreateAPIKey(ctx, &theirs), "CreateAPIKey other")
	mine, err := s.ListCustomerAPIKeys(ctx, cu.CustomerID)
	ok(t, err, "ListCustomerAPIKeys")
	diff(t, "ListCustomerAPIKeys", []pursuit.APIKey{cust}, mine)
	none, err := s.ListCustomerAPIKeys(ctx, 999999)
	ok(t, err, "ListCustomerAPIKeys of no customer")
	if len(none) != 0 {
		t.Fatalf("ListCustomerAPIKeys of no customer = %+v", none)
	}
	_, missing := s.RevokeCustomerAPIKey(ctx, cu.CustomerID, 999999, at)
	wantCode(t, missing, pursuit.ENOTFOUND, "")
	for _, id := range []int64{theirs.APIKeyID, admin.APIKeyID} {
		_, err := s.RevokeCustomerAPIKey(ctx, cu.CustomerID, id, at)
		wantCode(t, err, pursuit.ENOTFOUND, "")
		if msg, want := err.Error(), strings.Replace(missing.Error(), "999999", fmt.Sprint(id), 1); msg != want {
			t.Fatalf("revoking another's key %d says %q, a missing one %q", id, msg, want)
		}
	}
	got, err = s.APIKeyByHash(ctx, theirs.Hash)
	ok(t, err, "APIKeyByHash other")
	if !got.RevokedAt.IsZero() {
		t.Fatalf("another customer's key was revoked")
	}
	rk, err := s.RevokeCustomerAPIKey(ctx, cu.CustomerID, cust.APIKeyID, at)
	ok(t, err, "RevokeCustomerAPIKey")
	if rk.APIKeyID != cust.APIKeyID || rk.Prefix != cust.Prefix || !rk.RevokedAt.Equal(at) {
		t.Fatalf("RevokeCustomerAPIKey = %+v", rk)
	}
	rk, err = s.RevokeCustomerAPIKey(ctx, cu.CustomerID, cust.APIKeyID, at.Add(time.Hour))
	ok(t, err, "RevokeCustomerAPIKey again")
	if !rk.RevokedAt.Equal(at) {
		t.Fatalf("revoking again moved revoked_at to %v", rk.RevokedAt)
	}
}

func testReveals(t *testing.T, s pursuit.Store) {
	cu := newCustomer("acme")
	cu.RevealCredits = 1
	ok(t, s.CreateCustomer(ctx, &cu), "CreateCustomer")
	p := mustPlace(t, s, "Springfield")
	c1 := mustContact(t, s, p.PlaceID, "Jane", "Doe")
	c2 := mustContact(t, s, p.PlaceID, "John", "Roe")

	r1 := pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: c1.ContactID, RevealedAt: t0}
	charged, err := s.RevealContact(ctx, &r1)
	ok(t, err, "RevealContact first")
	if !charged {
		t.Fatalf("first reveal was not charged")
	}
	if r1.RevealID <= 0 {
		t.Fatalf("RevealContact assigned ID %d", r1.RevealID)
	}
	got, err := s.GetCustomer(ctx, cu.CustomerID)
	ok(t, err, "GetCustomer")
	if got.RevealCredits != 0 {
		t.Fatalf("reveal_credits = %d after one reveal, want 0", got.RevealCredits)
	}

	r2 := pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: c1.ContactID}
	charged, err = s.RevealContact(ctx, &r2)
	ok(t, err, "RevealContact again")
	if charged {
		t.Fatalf("second reveal of the same contact was charged")
	}
	if r2.RevealedAt.IsZero() {
		t.Fatalf("RevealContact left revealed_at zero")
	}

	r3 := pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: c2.ContactID}
	_, err = s.RevealContact(ctx, &r3)
	wantCode(t, err, pursuit.EPAYMENT, "")
	r4 := pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: 999999}
	_, err = s.RevealContact(ctx, &r4)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	r5 := pursuit.Reveal{CustomerID: 999999, ContactID: c1.ContactID}
	_, err = s.RevealContact(ctx, &r5)
	wantCode(t, err, pursuit.ENOTFOUND, "")

	list, err := s.ListReveals(ctx, cu.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListReveals")
	diff(t, "ListReveals", []pursuit.Reveal{r1, r2}, list)
	got, err = s.GetCustomer(ctx, cu.CustomerID)
	ok(t, err, "GetCustomer")
	if got.RevealCredits != 0 {
		t.Fatalf("reveal_credits = %d after a refused reveal, want 0", got.RevealCredits)
	}

	// New credits let the refused reveal through.
	got.RevealCredits = 5
	ok(t, s.UpdateCustomer(ctx, &got), "UpdateCustomer")
	charged, err = s.RevealContact(ctx, &r3)
	ok(t, err, "RevealContact with credits")
	if !charged {
		t.Fatalf("first reveal of contact 2 was not charged")
	}
	got, err = s.GetCustomer(ctx, cu.CustomerID)
	ok(t, err, "GetCustomer")
	if got.RevealCredits != 4 {
		t.Fatalf("reveal_credits = %d, want 4", got.RevealCredits)
	}
}
