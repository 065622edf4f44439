package postgres_test

import (
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
)

// TestErrorMessages checks that the user-facing messages of conflicts and
// missing parents name the row and column a user can act on, never a
// partition or a store-internal column. (Codes and fields are the
// contract; this checks the messages stay useful.)
func TestErrorMessages(t *testing.T) {
	db := openDB(t)
	p := place(5, "Albany County", "NY")
	must(t, db.CreatePlace(ctx, &p), "CreatePlace")
	c := contact(100, 5, "Jane Doe")
	must(t, db.CreateContact(ctx, &c), "CreateContact")
	cu := pursuit.Customer{Name: "acme"}
	must(t, db.CreateCustomer(ctx, &cu), "CreateCustomer")
	m := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "acct-1", PlaceID: 5}
	must(t, db.CreateCustomerMapping(ctx, &m), "CreateCustomerMapping")

	dupContact := contact(100, 5, "John Roe")
	dupMapping := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "acct-1", ContactID: 100}
	orphan := contact(0, 42, "No Place")
	for _, tt := range []struct {
		name     string
		err      error
		code     string
		field    string
		mentions []string // what the user-facing message must name
	}{
		{"contact id taken", db.CreateContact(ctx, &dupContact), pursuit.ECONFLICT, "contact_id", []string{"contact 100"}},
		{"place id taken", db.CreatePlace(ctx, &p), pursuit.ECONFLICT, "place_id", []string{"place 5"}},
		{"crm id taken", db.CreateCustomerMapping(ctx, &dupMapping), pursuit.ECONFLICT, "external_crm_id", []string{"customer 1", "acct-1"}},
		{"missing place", db.CreateContact(ctx, &orphan), pursuit.EFOREIGNKEY, "place_id", []string{"place 42", "contacts.place_id"}},
		{"missing place in bulk", db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			return w.UpsertContacts(ctx, []pursuit.Contact{contact(7, 5, "A"), contact(8, 42, "B")})
		}), pursuit.EFOREIGNKEY, "place_id", []string{"place 42", "contacts.place_id", "row 2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, tt.err, tt.code, tt.field)
			msg := pursuit.ErrorMessage(tt.err)
			for _, want := range tt.mentions {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not name %q", msg, want)
				}
			}
			for _, internal := range []string{"contacts_p", "places_", "state_abbr", "contact_place_id"} {
				if strings.Contains(msg, internal) {
					t.Errorf("message %q shows the store-internal %q", msg, internal)
				}
			}
		})
	}
}
