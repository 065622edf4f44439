package pursuit

import (
	"context"
	"time"
)

// DefaultListLimit is the page size of List calls that give no Limit, and
// MaxListLimit the largest a caller may ask for.
const (
	DefaultListLimit = 100
	MaxListLimit     = 10000
)

// ListOptions pages through a table in primary-key order (keyset paging).
type ListOptions struct {
	// After returns only rows whose key is greater than After; pass the
	// last key of the previous page.
	After int64
	// Limit is the page size; 0 means DefaultListLimit.
	Limit int
}

// Store is the system of record: the seed's seven tables plus change_log,
// api_keys and contact_reveals. The sqlite and postgres packages implement
// it and both pass the conformance suite in storetest.
//
// Every write is one transaction that also appends its change_log rows
// (the database writes them, so cascades are logged too). Errors are
// *Error: ENOTFOUND for a missing row, ECONFLICT for a taken unique key,
// EFOREIGNKEY for a missing referenced row, EINVALID (with Field) for a row
// that fails validation.
type Store interface {
	UserStore
	SavedSearchStore
	ListStore
	CRMStore         // crmsync.go
	CustomerKeyStore // apikey.go
	// Migrate brings the schema up to this binary's version. It applies
	// nothing when the schema is current and fails with ESCHEMA when the
	// database was migrated by a newer binary. It returns the versions it
	// applied.
	Migrate(ctx context.Context) ([]int, error)
	// Kind is "sqlite" or "postgres".
	Kind() string
	Close() error

	CreateCustomer(ctx context.Context, c *Customer) error
	GetCustomer(ctx context.Context, id int64) (Customer, error)
	UpdateCustomer(ctx context.Context, c *Customer) error
	DeleteCustomer(ctx context.Context, id int64) error
	ListCustomers(ctx context.Context, opt ListOptions) ([]Customer, error)

	CreatePlace(ctx context.Context, p *Place) error
	GetPlace(ctx context.Context, id int64) (Place, error)
	UpdatePlace(ctx context.Context, p *Place) error
	// DeletePlace deletes a place and, by cascade, its contacts, tech
	// stack, grants and mappings.
	DeletePlace(ctx context.Context, id int64) error
	ListPlaces(ctx context.Context, opt ListOptions) ([]Place, error)

	CreateContact(ctx context.Context, c *Contact) error
	GetContact(ctx context.Context, id int64) (Contact, error)
	UpdateContact(ctx context.Context, c *Contact) error
	DeleteContact(ctx context.Context, id int64) error
	ListContacts(ctx context.Context, opt ListOptions) ([]Contact, error)
	ListContactsByPlace(ctx context.Context, placeID int64, opt ListOptions) ([]Contact, error)

	CreateTechStack(ctx context.Context, t *TechStack) error
	GetTechStack(ctx context.Context, id int64) (TechStack, error)
	UpdateTechStack(ctx context.Context, t *TechStack) error
	DeleteTechStack(ctx context.Context, id int64) error
	ListTechStack(ctx context.Context, opt ListOptions) ([]TechStack, error)
	ListTechStackByPlace(ctx context.Context, placeID int64) ([]TechStack, error)

	CreateCustomerMapping(ctx context.Context, m *CustomerMapping) error
	GetCustomerMapping(ctx context.Context, id int64) (CustomerMapping, error)
	UpdateCustomerMapping(ctx context.Context, m *CustomerMapping) error
	DeleteCustomerMapping(ctx context.Context, id int64) error
	ListCustomerMappings(ctx context.Context, customerID int64, opt ListOptions) ([]CustomerMapping, error)
	// FindCustomerMapping looks a mapping up by the seed's index
	// (customer_id, external_crm_id).
	FindCustomerMapping(ctx context.Context, customerID int64, externalCRMID string) (CustomerMapping, error)
	// UpsertCustomerMappingsByCRMID creates or updates a customer's
	// mappings by (customer_id, external_crm_id), their natural key, in one
	// transaction: every row is written or none is. A failing row's error
	// is a *RowError naming its index. Rows get the customer's id and,
	// when created, their new id. It returns how many rows it created and
	// updated.
	UpsertCustomerMappingsByCRMID(ctx context.Context, customerID int64, rows []CustomerMapping) (created, updated int, err error)
	// ListCustomerMappingsOfPlace returns a customer's mappings of a place
	// and of the place's contacts, by customer_mapping_id.
	ListCustomerMappingsOfPlace(ctx context.Context, customerID, placeID int64) ([]CustomerMapping, error)

	// PutPlaceGrant creates or replaces a customer_place_relation row.
	PutPlaceGrant(ctx context.Context, g *CustomerPlaceRelation) error
	GetPlaceGrant(ctx context.Context, customerID, placeID int64) (CustomerPlaceRelation, error)
	DeletePlaceGrant(ctx context.Context, customerID, placeID int64) error
	// ListPlaceGrants pages by place_id.
	ListPlaceGrants(ctx context.Context, customerID int64, opt ListOptions) ([]CustomerPlaceRelation, error)

	// PutContactGrant creates or replaces a customer_contact_relation row.
	PutContactGrant(ctx context.Context, g *CustomerContactRelation) error
	GetContactGrant(ctx context.Context, customerID, contactID int64) (CustomerContactRelation, error)
	DeleteContactGrant(ctx context.Context, customerID, contactID int64) error
	// ListContactGrants pages by contact_id.
	ListContactGrants(ctx context.Context, customerID int64, opt ListOptions) ([]CustomerContactRelation, error)

	// ContactAccess returns the customer's effective access_type to a
	// contact: the more permissive of its contact grant and its place's
	// grant. A contact that does not exist or is not granted is ENOTFOUND,
	// so existence does not leak.
	ContactAccess(ctx context.Context, customerID, contactID int64) (string, error)
	// PlaceAccess returns the customer's access_type to a place, or
	// ENOTFOUND.
	PlaceAccess(ctx context.Context, customerID, placeID int64) (string, error)

	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash returns the key whose hash is h, revoked or not.
	APIKeyByHash(ctx context.Context, h []byte) (APIKey, error)
	ListAPIKeys(ctx context.Context) ([]APIKey, error)
	RevokeAPIKey(ctx context.Context, id int64, at time.Time) error

	// RevealContact records that a customer revealed a contact. The first
	// reveal of a contact by a customer takes one of its RevealCredits
	// (EPAYMENT when none are left); later ones are free. charged reports
	// whether a credit was taken. The audit row is written either way.
	RevealContact(ctx context.Context, r *Reveal) (charged bool, err error)
	ListReveals(ctx context.Context, customerID int64, opt ListOptions) ([]Reveal, error)

	// Bulk runs fn in one transaction: everything fn wrote is applied, or
	// nothing is. It is the fast path imports and the generator use.
	Bulk(ctx context.Context, fn func(BulkWriter) error) error

	// Changes returns up to limit change_log rows with Seq > after, in Seq
	// order.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)
	// LastSeq returns the highest committed change_log Seq, 0 if none.
	LastSeq(ctx context.Context) (int64, error)

	// The Scan methods stream a whole table in primary-key order, for index
	// builds and exports. They stop at the first error fn returns.
	ScanCustomers(ctx context.Context, fn func(Customer) error) error
	ScanPlaces(ctx context.Context, fn func(Place) error) error
	ScanContacts(ctx context.Context, fn func(Contact) error) error
	// ScanContactsRange streams the contacts with lo <= contact_id < hi in
	// contact_id order, and ContactIDBounds returns the smallest and the
	// largest contact_id (0, 0 without contacts): together they split a
	// scan of the biggest table over several connections.
	ScanContactsRange(ctx context.Context, lo, hi int64, fn func(Contact) error) error
	ContactIDBounds(ctx context.Context) (lo, hi int64, err error)
	ScanTechStack(ctx context.Context, fn func(TechStack) error) error
	ScanPlaceGrants(ctx context.Context, fn func(CustomerPlaceRelation) error) error
	ScanContactGrants(ctx context.Context, fn func(CustomerContactRelation) error) error
	ScanCustomerMappings(ctx context.Context, fn func(CustomerMapping) error) error
	// ScanKeys streams the primary keys of one of DataTables (the first
	// key column for the relation tables), in order.
	ScanKeys(ctx context.Context, table string, fn func(int64) error) error
	// ScanDeletedKeys streams the keys of deleted rows, as change_log
	// records them, of the tables of DataTables with a one-column key, in
	// one pass over the log (in no particular order, possibly a key more
	// than once), whether or not a row holds the key again. Ids are never
	// reused: an import must not bring such a key back, since what hangs
	// on an id without a foreign key (contact_reveals, an audit trail)
	// would then belong to the new row.
	ScanDeletedKeys(ctx context.Context, fn func(table string, key int64) error) error
	// Count returns the number of rows of a table.
	Count(ctx context.Context, table string) (int64, error)

	// Secret returns the secret called name, size bytes long, creating it
	// from crypto/rand when the store has none yet. Every process over one
	// store gets the same bytes, even when several ask first at once (the
	// creation is an insert that does nothing when the name is taken).
	// Secrets are not data: they have no change_log rows and are not
	// exported. A stored secret of another size is EINTERNAL.
	Secret(ctx context.Context, name string, size int) ([]byte, error)

	// EventStore holds engagement events and ranking models (events.go).
	EventStore
	// TextSearchStore answers plain-word searches with the store's own
	// full-text indexes (textsearch.go).
	TextSearchStore
	// FeedStore holds the change feed's events, the dispatcher's position
	// and webhooks (feed.go, webhook.go).
	FeedStore
}

// Secret names and sizes.
const (
	// SecretCursor is the key search cursors are encrypted with: every
	// server over one store must share it, so that a cursor made by one is
	// read by another.
	SecretCursor = "search_cursor"
	// SecretFeedCursor seals change feed cursors.
	SecretFeedCursor = "feed_cursor"
	// SecretMinSize and SecretMaxSize bound a secret's size in bytes.
	SecretMinSize = 16
	SecretMaxSize = 1024
)

// ValidateSecret checks a Secret call's name and size.
func ValidateSecret(name string, size int) error {
	if name == "" || len(name) > 100 {
		return FieldErrorf(EINVALID, "name", "a secret's name must be 1 to 100 bytes, not %d", len(name))
	}
	if size < SecretMinSize || size > SecretMaxSize {
		return FieldErrorf(EINVALID, "size", "a secret must be %d to %d bytes, not %d", SecretMinSize, SecretMaxSize, size)
	}
	return nil
}

// BulkWriter writes batches of rows inside one Store.Bulk transaction.
// Every Upsert inserts new keys and replaces existing ones (created_at is
// kept as given, or set to now when zero), checks foreign keys, and writes
// change_log rows like any other write.
type BulkWriter interface {
	UpsertCustomers(ctx context.Context, rows []Customer) error
	UpsertPlaces(ctx context.Context, rows []Place) error
	UpsertContacts(ctx context.Context, rows []Contact) error
	UpsertTechStack(ctx context.Context, rows []TechStack) error
	UpsertPlaceGrants(ctx context.Context, rows []CustomerPlaceRelation) error
	UpsertContactGrants(ctx context.Context, rows []CustomerContactRelation) error
	UpsertCustomerMappings(ctx context.Context, rows []CustomerMapping) error
}
