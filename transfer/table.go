package transfer

import (
	"context"

	"github.com/pursuit-gov/pursuit"
)

// column is one column of a table file: pursuit's description of it
// (its name is the domain type's JSON field name) and the accessor of its
// field. A Nullable int column (customer_mapping's place_id and
// contact_id) is left out of JSONL and empty in CSV when 0.
type column[T any] = pursuit.Column[T]

// ref is a foreign key of a table: column holds a key of target, one of
// customers, places or contacts. A zero value means "none" when optional.
type ref[T any] struct {
	column   string
	target   string
	optional bool
	get      func(*T) int64
}

// spec describes one of pursuit.DataTables for import and export: the
// columns, keys and foreign keys come from pursuit's description of the
// table (newSpec), the rest is what only import and export need.
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
		if s.columns[i].Name == name {
			return i
		}
	}
	return -1
}

var customerSpec = newSpec(pursuit.Customers, spec[pursuit.Customer]{
	validate: (*pursuit.Customer).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.Customer) error {
		return w.UpsertCustomers(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.Customer) error) error {
		return s.ScanCustomers(ctx, fn)
	},
})

var placeSpec = newSpec(pursuit.Places, spec[pursuit.Place]{
	validate: (*pursuit.Place).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.Place) error {
		return w.UpsertPlaces(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.Place) error) error {
		return s.ScanPlaces(ctx, fn)
	},
})

var contactSpec = newSpec(pursuit.Contacts, spec[pursuit.Contact]{
	validate: (*pursuit.Contact).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.Contact) error {
		return w.UpsertContacts(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.Contact) error) error {
		return s.ScanContacts(ctx, fn)
	},
})

var techStackSpec = newSpec(pursuit.TechStacks, spec[pursuit.TechStack]{
	validate: (*pursuit.TechStack).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.TechStack) error {
		return w.UpsertTechStack(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.TechStack) error) error {
		return s.ScanTechStack(ctx, fn)
	},
})

var placeGrantSpec = newSpec(pursuit.PlaceGrants, spec[pursuit.CustomerPlaceRelation]{
	validate: (*pursuit.CustomerPlaceRelation).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.CustomerPlaceRelation) error {
		return w.UpsertPlaceGrants(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.CustomerPlaceRelation) error) error {
		return s.ScanPlaceGrants(ctx, fn)
	},
})

var contactGrantSpec = newSpec(pursuit.ContactGrants, spec[pursuit.CustomerContactRelation]{
	validate: (*pursuit.CustomerContactRelation).Validate,
	upsert: func(ctx context.Context, w pursuit.BulkWriter, rows []pursuit.CustomerContactRelation) error {
		return w.UpsertContactGrants(ctx, rows)
	},
	scan: func(ctx context.Context, s pursuit.Store, fn func(pursuit.CustomerContactRelation) error) error {
		return s.ScanContactGrants(ctx, fn)
	},
})

var mappingSpec = newSpec(pursuit.Mappings, spec[pursuit.CustomerMapping]{
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
})

// Columns returns the column names of one of pursuit.DataTables in file
// order, or nil for any other table.
func Columns(table string) []string {
	for _, t := range pursuit.TableInfos() {
		if t.Name == table {
			names := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				names[i] = c.Name
			}
			return names
		}
	}
	return nil
}

// newSpec completes s from the table's description: its name, columns,
// key and foreign keys.
func newSpec[T any](desc *pursuit.Table[T], s spec[T]) *spec[T] {
	s.table = desc.Name
	s.columns = desc.Columns
	s.keyCols = desc.Key
	s.key = func(r *T) (int64, int64) {
		k := desc.KeyOf(r)
		return k[0], k[1]
	}
	for i := range desc.Columns {
		c := &desc.Columns[i]
		if c.Ref != "" {
			s.refs = append(s.refs, ref[T]{column: c.Name, target: c.Ref, optional: c.Is(pursuit.Nullable), get: func(r *T) int64 { return *c.Int(r) }})
		}
	}
	return &s
}
