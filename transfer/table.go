package transfer

import (
	"context"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// kind is how a column's value is written and parsed.
type kind uint8

const (
	kindInt    kind = iota // a decimal int64; empty is 0
	kindString             // UTF-8 text
	kindTime               // RFC 3339 UTC with microseconds; empty is the zero time
)

// column is one column of a table file: its name (the domain type's JSON
// field name) and accessors to the field of a row. Exactly one accessor is
// set, the one matching kind.
type column[T any] struct {
	name string
	kind kind
	// required columns must be in a CSV file's header: keys, foreign keys
	// and fields validation requires.
	required bool
	// omitZero leaves the field out of JSONL and empty in CSV when 0
	// (customer_mapping's place_id and contact_id).
	omitZero bool
	i64      func(*T) *int64
	str      func(*T) *string
	tm       func(*T) *time.Time
}

func intCol[T any](name string, required bool, f func(*T) *int64) column[T] {
	return column[T]{name: name, kind: kindInt, required: required, i64: f}
}

func strCol[T any](name string, required bool, f func(*T) *string) column[T] {
	return column[T]{name: name, kind: kindString, required: required, str: f}
}

func timeCol[T any](name string, f func(*T) *time.Time) column[T] {
	return column[T]{name: name, kind: kindTime, tm: f}
}

// ref is a foreign key of a table: column holds a key of target, one of
// customers, places or contacts. A zero value means "none" when optional.
type ref[T any] struct {
	column   string
	target   string
	optional bool
	get      func(*T) int64
}

// spec describes one of pursuit.DataTables for import and export.
type spec[T any] struct {
	table   string
	columns []column[T]
	// keyCols names the primary key columns: one, or two for the relation
	// tables (customer_id and contact_id or place_id).
	keyCols []string
	key     func(*T) (int64, int64)
	refs    []ref[T]
	// natural returns the row's second unique key, for a table that has
	// one besides its primary key: customer_mapping's (customer_id,
	// external_crm_id). nil for the other tables. naturalCols names its
	// columns.
	natural     func(*T) naturalKey
	naturalCols [2]string
	// validate is the domain's Validate method.
	validate func(*T) error
	upsert   func(ctx context.Context, w pursuit.BulkWriter, rows []T) error
	scan     func(ctx context.Context, s pursuit.Store, fn func(T) error) error
}

// naturalKey is a second unique key made of an id and a text.
type naturalKey struct {
	id   int64
	text string
}

// index returns the position of the column named name, or -1.
func (s *spec[T]) index(name string) int {
	for i := range s.columns {
		if s.columns[i].name == name {
			return i
		}
	}
	return -1
}

var customerSpec = &spec[pursuit.Customer]{
	table: pursuit.TableCustomers,
	columns: []column[pursuit.Customer]{
		intCol("customer_id", true, func(r *pursuit.Customer) *int64 { return &r.CustomerID }),
		strCol("name", true, func(r *pursuit.Customer) *string { return &r.Name }),
		strCol("email", false, func(r *pursuit.Customer) *string { return &r.Email }),
		intCol("reveal_credits", false, func(r *pursuit.Customer) *int64 { return &r.RevealCredits }),
		timeCol("created_at", func(r *pursuit.Customer) *time.Time { return &r.CreatedAt }),
		timeCol("updated_at", func(r *pursuit.Customer) *time.Time { return &r.UpdatedAt }),
	},
	keyCols:  []string{"customer_id"},
	key:      func(r *pursuit.Customer) (int64, int64) { return r.CustomerID, 0 },
	validate: (*pursuit.Customer).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.Customer) error {
		return w.UpsertCustomers(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.Customer) error) error {
		return s.ScanCustomers(ctx, fn)
	},
}

var placeSpec = &spec[pursuit.Place]{
	table: pursuit.TablePlaces,
	columns: []column[pursuit.Place]{
		intCol("place_id", true, func(r *pursuit.Place) *int64 { return &r.PlaceID }),
		strCol("name", true, func(r *pursuit.Place) *string { return &r.Name }),
		strCol("place_type", true, func(r *pursuit.Place) *string { return &r.PlaceType }),
		strCol("state_abbr", true, func(r *pursuit.Place) *string { return &r.StateAbbr }),
		strCol("county", false, func(r *pursuit.Place) *string { return &r.County }),
		intCol("population", false, func(r *pursuit.Place) *int64 { return &r.Population }),
		strCol("website", false, func(r *pursuit.Place) *string { return &r.Website }),
		strCol("email_domain", false, func(r *pursuit.Place) *string { return &r.EmailDomain }),
		strCol("geoid", false, func(r *pursuit.Place) *string { return &r.GEOID }),
		strCol("nces_id", false, func(r *pursuit.Place) *string { return &r.NCESID }),
		strCol("account_owner", false, func(r *pursuit.Place) *string { return &r.AccountOwner }),
		timeCol("created_at", func(r *pursuit.Place) *time.Time { return &r.CreatedAt }),
		timeCol("updated_at", func(r *pursuit.Place) *time.Time { return &r.UpdatedAt }),
	},
	keyCols:  []string{"place_id"},
	key:      func(r *pursuit.Place) (int64, int64) { return r.PlaceID, 0 },
	validate: (*pursuit.Place).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.Place) error {
		return w.UpsertPlaces(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.Place) error) error {
		return s.ScanPlaces(ctx, fn)
	},
}

var contactSpec = &spec[pursuit.Contact]{
	table: pursuit.TableContacts,
	columns: []column[pursuit.Contact]{
		intCol("contact_id", true, func(r *pursuit.Contact) *int64 { return &r.ContactID }),
		intCol("place_id", true, func(r *pursuit.Contact) *int64 { return &r.PlaceID }),
		strCol("name", true, func(r *pursuit.Contact) *string { return &r.Name }),
		strCol("first_name", false, func(r *pursuit.Contact) *string { return &r.FirstName }),
		strCol("last_name", false, func(r *pursuit.Contact) *string { return &r.LastName }),
		strCol("email", false, func(r *pursuit.Contact) *string { return &r.Email }),
		strCol("phone", false, func(r *pursuit.Contact) *string { return &r.Phone }),
		strCol("title", false, func(r *pursuit.Contact) *string { return &r.Title }),
		strCol("department", false, func(r *pursuit.Contact) *string { return &r.Department }),
		strCol("account_owner", false, func(r *pursuit.Contact) *string { return &r.AccountOwner }),
		timeCol("verified_at", func(r *pursuit.Contact) *time.Time { return &r.VerifiedAt }),
		timeCol("created_at", func(r *pursuit.Contact) *time.Time { return &r.CreatedAt }),
		timeCol("updated_at", func(r *pursuit.Contact) *time.Time { return &r.UpdatedAt }),
	},
	keyCols: []string{"contact_id"},
	key:     func(r *pursuit.Contact) (int64, int64) { return r.ContactID, 0 },
	refs: []ref[pursuit.Contact]{
		{column: "place_id", target: pursuit.TablePlaces, get: func(r *pursuit.Contact) int64 { return r.PlaceID }},
	},
	validate: (*pursuit.Contact).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.Contact) error {
		return w.UpsertContacts(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.Contact) error) error {
		return s.ScanContacts(ctx, fn)
	},
}

var techStackSpec = &spec[pursuit.TechStack]{
	table: pursuit.TableTechStack,
	columns: []column[pursuit.TechStack]{
		intCol("tech_stack_id", true, func(r *pursuit.TechStack) *int64 { return &r.TechStackID }),
		intCol("place_id", true, func(r *pursuit.TechStack) *int64 { return &r.PlaceID }),
		strCol("vendor", true, func(r *pursuit.TechStack) *string { return &r.Vendor }),
		strCol("product", false, func(r *pursuit.TechStack) *string { return &r.Product }),
		strCol("category", true, func(r *pursuit.TechStack) *string { return &r.Category }),
		timeCol("first_seen", func(r *pursuit.TechStack) *time.Time { return &r.FirstSeen }),
		timeCol("last_seen", func(r *pursuit.TechStack) *time.Time { return &r.LastSeen }),
	},
	keyCols: []string{"tech_stack_id"},
	key:     func(r *pursuit.TechStack) (int64, int64) { return r.TechStackID, 0 },
	refs: []ref[pursuit.TechStack]{
		{column: "place_id", target: pursuit.TablePlaces, get: func(r *pursuit.TechStack) int64 { return r.PlaceID }},
	},
	validate: (*pursuit.TechStack).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.TechStack) error {
		return w.UpsertTechStack(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.TechStack) error) error {
		return s.ScanTechStack(ctx, fn)
	},
}

var placeGrantSpec = &spec[pursuit.CustomerPlaceRelation]{
	table: pursuit.TableCustomerPlaceRelation,
	columns: []column[pursuit.CustomerPlaceRelation]{
		intCol("customer_id", true, func(r *pursuit.CustomerPlaceRelation) *int64 { return &r.CustomerID }),
		intCol("place_id", true, func(r *pursuit.CustomerPlaceRelation) *int64 { return &r.PlaceID }),
		strCol("access_type", true, func(r *pursuit.CustomerPlaceRelation) *string { return &r.AccessType }),
		timeCol("granted_at", func(r *pursuit.CustomerPlaceRelation) *time.Time { return &r.GrantedAt }),
	},
	keyCols: []string{"customer_id", "place_id"},
	key:     func(r *pursuit.CustomerPlaceRelation) (int64, int64) { return r.CustomerID, r.PlaceID },
	refs: []ref[pursuit.CustomerPlaceRelation]{
		{column: "customer_id", target: pursuit.TableCustomers, get: func(r *pursuit.CustomerPlaceRelation) int64 { return r.CustomerID }},
		{column: "place_id", target: pursuit.TablePlaces, get: func(r *pursuit.CustomerPlaceRelation) int64 { return r.PlaceID }},
	},
	validate: (*pursuit.CustomerPlaceRelation).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.CustomerPlaceRelation) error {
		return w.UpsertPlaceGrants(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.CustomerPlaceRelation) error) error {
		return s.ScanPlaceGrants(ctx, fn)
	},
}

var contactGrantSpec = &spec[pursuit.CustomerContactRelation]{
	table: pursuit.TableCustomerContactRelation,
	columns: []column[pursuit.CustomerContactRelation]{
		intCol("customer_id", true, func(r *pursuit.CustomerContactRelation) *int64 { return &r.CustomerID }),
		intCol("contact_id", true, func(r *pursuit.CustomerContactRelation) *int64 { return &r.ContactID }),
		strCol("access_type", true, func(r *pursuit.CustomerContactRelation) *string { return &r.AccessType }),
		timeCol("granted_at", func(r *pursuit.CustomerContactRelation) *time.Time { return &r.GrantedAt }),
	},
	keyCols: []string{"customer_id", "contact_id"},
	key:     func(r *pursuit.CustomerContactRelation) (int64, int64) { return r.CustomerID, r.ContactID },
	refs: []ref[pursuit.CustomerContactRelation]{
		{column: "customer_id", target: pursuit.TableCustomers, get: func(r *pursuit.CustomerContactRelation) int64 { return r.CustomerID }},
		{column: "contact_id", target: pursuit.TableContacts, get: func(r *pursuit.CustomerContactRelation) int64 { return r.ContactID }},
	},
	validate: (*pursuit.CustomerContactRelation).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.CustomerContactRelation) error {
		return w.UpsertContactGrants(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.CustomerContactRelation) error) error {
		return s.ScanContactGrants(ctx, fn)
	},
}

var mappingSpec = &spec[pursuit.CustomerMapping]{
	table: pursuit.TableCustomerMapping,
	columns: []column[pursuit.CustomerMapping]{
		intCol("customer_mapping_id", true, func(r *pursuit.CustomerMapping) *int64 { return &r.CustomerMappingID }),
		intCol("customer_id", true, func(r *pursuit.CustomerMapping) *int64 { return &r.CustomerID }),
		strCol("external_crm_id", true, func(r *pursuit.CustomerMapping) *string { return &r.ExternalCRMID }),
		{name: "place_id", kind: kindInt, omitZero: true, i64: func(r *pursuit.CustomerMapping) *int64 { return &r.PlaceID }},
		{name: "contact_id", kind: kindInt, omitZero: true, i64: func(r *pursuit.CustomerMapping) *int64 { return &r.ContactID }},
		strCol("account_owner", false, func(r *pursuit.CustomerMapping) *string { return &r.AccountOwner }),
		timeCol("last_synced_time", func(r *pursuit.CustomerMapping) *time.Time { return &r.LastSyncedTime }),
	},
	keyCols: []string{"customer_mapping_id"},
	key:     func(r *pursuit.CustomerMapping) (int64, int64) { return r.CustomerMappingID, 0 },
	refs: []ref[pursuit.CustomerMapping]{
		{column: "customer_id", target: pursuit.TableCustomers, get: func(r *pursuit.CustomerMapping) int64 { return r.CustomerID }},
		{column: "place_id", target: pursuit.TablePlaces, optional: true, get: func(r *pursuit.CustomerMapping) int64 { return r.PlaceID }},
		{column: "contact_id", target: pursuit.TableContacts, optional: true, get: func(r *pursuit.CustomerMapping) int64 { return r.ContactID }},
	},
	natural: func(r *pursuit.CustomerMapping) naturalKey {
		return naturalKey{r.CustomerID, r.ExternalCRMID}
	},
	naturalCols: [2]string{"customer_id", "external_crm_id"},
	validate:    (*pursuit.CustomerMapping).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.CustomerMapping) error {
		return w.UpsertCustomerMappings(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.CustomerMapping) error) error {
		return s.ScanCustomerMappings(ctx, fn)
	},
}

// Columns returns the column names of one of pursuit.DataTables in file
// order, or nil for any other table.
func Columns(table string) []string {
	var names []string
	add := func(n string) { names = append(names, n) }
	switch table {
	case pursuit.TableCustomers:
		for _, c := range customerSpec.columns {
			add(c.name)
		}
	case pursuit.TablePlaces:
		for _, c := range placeSpec.columns {
			add(c.name)
		}
	case pursuit.TableContacts:
		for _, c := range contactSpec.columns {
			add(c.name)
		}
	case pursuit.TableTechStack:
		for _, c := range techStackSpec.columns {
			add(c.name)
		}
	case pursuit.TableCustomerPlaceRelation:
		for _, c := range placeGrantSpec.columns {
			add(c.name)
		}
	case pursuit.TableCustomerContactRelation:
		for _, c := range contactGrantSpec.columns {
			add(c.name)
		}
	case pursuit.TableCustomerMapping:
		for _, c := range mappingSpec.columns {
			add(c.name)
		}
	}
	return names
}
