// Package pursuit holds the domain of the Pursuit public-sector data system:
// the seed design's seven tables as plain Go types (customers, contacts,
// places, tech_stack, customer_contact_relation, customer_place_relation,
// customer_mapping), the change log every write produces, API keys, the
// error type shared by every layer, and the Store interface that the sqlite
// and postgres packages implement.
//
// The package imports no database, HTTP or file-format code: those live in
// packages named after the dependency they wrap (sqlite, postgres, httpapi,
// lake, …) and are wired together only in cmd/pursuit.
//
// Conventions used across the project:
//
//   - Identifiers are int64 and start at 1; 0 means "none" (a NULL in SQL).
//   - Optional times (Contact.VerifiedAt, CustomerMapping.LastSyncedTime,
//     APIKey.RevokedAt, …) use the zero time.Time for NULL.
//   - All times are UTC with microsecond precision, the precision both
//     stores and Delta Lake keep, so values round-trip exactly.
package pursuit

import "time"

// Place types. The first five are the Census of Governments categories; the
// rest cover the other public buyers Pursuit tracks.
const (
	PlaceTypeCounty          = "county"
	PlaceTypeMunicipality    = "municipality"
	PlaceTypeTownship        = "township"
	PlaceTypeSchoolDistrict  = "school_district"
	PlaceTypeSpecialDistrict = "special_district"
	PlaceTypeStateAgency     = "state_agency"
	PlaceTypePublicCollege   = "public_college"
	PlaceTypeLibrary         = "library"
	PlaceTypeTribal          = "tribal_government"
)

// PlaceTypes lists every valid place_type in a stable order.
var PlaceTypes = []string{
	PlaceTypeCounty, PlaceTypeMunicipality, PlaceTypeTownship,
	PlaceTypeSchoolDistrict, PlaceTypeSpecialDistrict, PlaceTypeStateAgency,
	PlaceTypePublicCollege, PlaceTypeLibrary, PlaceTypeTribal,
}

// Access types of customer_contact_relation and customer_place_relation.
// AccessFull shows a contact's email and phone; AccessMasked shows them
// masked until the customer reveals the contact.
const (
	AccessFull   = "full"
	AccessMasked = "masked"
)

// MorePermissive returns the more permissive of two access types ("" counts
// as no access). It is how a contact granted both directly and through its
// place gets its effective access.
func MorePermissive(a, b string) string {
	if a == AccessFull || b == AccessFull {
		return AccessFull
	}
	if a == AccessMasked || b == AccessMasked {
		return AccessMasked
	}
	return ""
}

// Customer is a company that sells to government and licenses a part of
// Pursuit's data (table customers).
type Customer struct {
	CustomerID int64  `json:"customer_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	// RevealCredits is how many more masked contacts the customer may
	// reveal.
	RevealCredits int64     `json:"reveal_credits"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Place is a public-sector entity: a county, city, township, school
// district, special district, state agency, … (table places).
type Place struct {
	PlaceID   int64  `json:"place_id"`
	Name      string `json:"name"`
	PlaceType string `json:"place_type"`
	StateAbbr string `json:"state_abbr"`
	// County is the name of the county the place lies in ("Cook County").
	County     string `json:"county"`
	Population int64  `json:"population"`
	Website    string `json:"website"`
	// EmailDomain is the domain of the place's staff email addresses
	// ("springfield.k12.il.us").
	EmailDomain string `json:"email_domain"`
	// GEOID is the Census identifier: the 5-digit state+county FIPS code for
	// a county, the 7-digit state+place code for a municipality, and so on.
	GEOID string `json:"geoid"`
	// NCESID is the NCES district id of a school district, empty otherwise.
	NCESID       string    `json:"nces_id"`
	AccountOwner string    `json:"account_owner"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// FiscalYearStart is the month (1-12) the place's fiscal year starts,
	// when its budget calendar turns; 0 if unknown.
	FiscalYearStart int64 `json:"fiscal_year_start,omitzero"`
}

// Email statuses of contacts.email_status.
const (
	EmailVerified   = "verified"
	EmailUnverified = "unverified"
	EmailBounced    = "bounced"
)

// EmailStatuses lists every valid email_status in a stable order.
var EmailStatuses = []string{EmailVerified, EmailUnverified, EmailBounced}

// Contact is a person working at a place (table contacts).
type Contact struct {
	ContactID    int64  `json:"contact_id"`
	PlaceID      int64  `json:"place_id"`
	Name         string `json:"name"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	Email        string `json:"email"`
	Phone        string `json:"phone"`
	Title        string `json:"title"`
	Department   string `json:"department"`
	AccountOwner string `json:"account_owner"`
	// VerifiedAt is when the person was last confirmed in the job; zero if
	// never.
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// EmailStatus is what is known of the email address: verified (a
	// mail server accepted it), unverified, or bounced. Empty is written
	// as unverified.
	EmailStatus string `json:"email_status"`
}

// TechStack is one technology a place uses (table tech_stack).
type TechStack struct {
	TechStackID int64     `json:"tech_stack_id"`
	PlaceID     int64     `json:"place_id"`
	Vendor      string    `json:"vendor"`
	Product     string    `json:"product"`
	Category    string    `json:"category"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
}

// CustomerContactRelation grants a customer one contact
// (table customer_contact_relation).
type CustomerContactRelation struct {
	CustomerID int64     `json:"customer_id"`
	ContactID  int64     `json:"contact_id"`
	AccessType string    `json:"access_type"`
	GrantedAt  time.Time `json:"granted_at"`
}

// CustomerPlaceRelation grants a customer a place and, through it, every
// contact of the place (table customer_place_relation).
type CustomerPlaceRelation struct {
	CustomerID int64     `json:"customer_id"`
	PlaceID    int64     `json:"place_id"`
	AccessType string    `json:"access_type"`
	GrantedAt  time.Time `json:"granted_at"`
}

// CustomerMapping maps a place or a contact to a record in one customer's
// CRM (table customer_mapping). Exactly one of PlaceID and ContactID is set.
// AccountOwner is the customer's own owner of the account, so ownership is
// per customer rather than global.
type CustomerMapping struct {
	CustomerMappingID int64     `json:"customer_mapping_id"`
	CustomerID        int64     `json:"customer_id"`
	ExternalCRMID     string    `json:"external_crm_id"`
	PlaceID           int64     `json:"place_id,omitempty"`
	ContactID         int64     `json:"contact_id,omitempty"`
	AccountOwner      string    `json:"account_owner"`
	LastSyncedTime    time.Time `json:"last_synced_time,omitzero"`
}

// Roles of API keys.
const (
	RoleAdmin    = "admin"
	RoleCustomer = "customer"
)

// APIKey is a credential for the HTTP API. Only a hash of the key is
// stored; Prefix is its first characters, kept to tell keys apart in
// listings.
type APIKey struct {
	APIKeyID   int64     `json:"api_key_id"`
	Role       string    `json:"role"`
	CustomerID int64     `json:"customer_id,omitempty"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"`
	Hash       []byte    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// Reveal is the audit row of a customer revealing a masked contact.
type Reveal struct {
	RevealID   int64     `json:"reveal_id"`
	APIKeyID   int64     `json:"api_key_id"`
	CustomerID int64     `json:"customer_id"`
	ContactID  int64     `json:"contact_id"`
	RevealedAt time.Time `json:"revealed_at"`
}

// Table names, as in the seed design and the SQL schema.
const (
	TableCustomers               = "customers"
	TablePlaces                  = "places"
	TableContacts                = "contacts"
	TableTechStack               = "tech_stack"
	TableCustomerContactRelation = "customer_contact_relation"
	TableCustomerPlaceRelation   = "customer_place_relation"
	TableCustomerMapping         = "customer_mapping"
	TableAPIKeys                 = "api_keys"
	TableReveals                 = "contact_reveals"
)

// DataTables lists the seed's seven tables in dependency order: a table's
// foreign keys point only at tables before it. Imports load in this order
// and exports write it.
var DataTables = []string{
	TableCustomers, TablePlaces, TableContacts, TableTechStack,
	TableCustomerPlaceRelation, TableCustomerContactRelation, TableCustomerMapping,
}

// Change operations recorded in the change log.
const (
	OpInsert = "insert"
	OpUpdate = "update"
	OpDelete = "delete"
)

// Change is one row of change_log: an insert, update or delete of one row
// of any table, written by the database in the same transaction as the
// change itself. Seq is strictly increasing in commit order, so a reader
// that has applied every change up to Seq N never later sees a change with
// a smaller Seq.
//
// Key identifies the changed row: its primary key, or for the relation
// tables (customer_id, contact_id) and (customer_id, place_id) as Key and
// Key2. Readers fetch the row's current state by key; a missing row means
// it was deleted.
type Change struct {
	Seq       int64     `json:"seq"`
	Table     string    `json:"table_name"`
	Op        string    `json:"op"`
	Key       int64     `json:"key"`
	Key2      int64     `json:"key2,omitempty"`
	ChangedAt time.Time `json:"changed_at"`
}
