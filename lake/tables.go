package lake

import (
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

// PartitionColumn is the partition column of the places and contacts
// tables.
const PartitionColumn = "state_abbr"

// The *Row types are the rows of the lake's parquet files: the domain
// types flattened, with parquet tags naming the seed's columns. A field
// tagged parquet:"-" is a partition column, kept in the path only.
// Timestamps are INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true).

// PlaceRow is a row of the places table.
type PlaceRow struct {
	PlaceID      int64     `parquet:"place_id"`
	Name         string    `parquet:"name"`
	PlaceType    string    `parquet:"place_type"`
	County       string    `parquet:"county"`
	Population   int64     `parquet:"population"`
	Website      string    `parquet:"website"`
	EmailDomain  string    `parquet:"email_domain"`
	GEOID        string    `parquet:"geoid"`
	NCESID       string    `parquet:"nces_id"`
	AccountOwner string    `parquet:"account_owner"`
	CreatedAt    time.Time `parquet:"created_at,timestamp(microsecond)"`
	UpdatedAt    time.Time `parquet:"updated_at,timestamp(microsecond)"`
	StateAbbr    string    `parquet:"-"`
	// FiscalYearStart is null when unknown.
	FiscalYearStart *int64 `parquet:"fiscal_year_start,optional"`
}

// ContactRow is a row of the contacts table. StateAbbr is the state of the
// contact's place.
type ContactRow struct {
	ContactID    int64      `parquet:"contact_id"`
	PlaceID      int64      `parquet:"place_id"`
	Name         string     `parquet:"name"`
	FirstName    string     `parquet:"first_name"`
	LastName     string     `parquet:"last_name"`
	Email        string     `parquet:"email"`
	Phone        string     `parquet:"phone"`
	Title        string     `parquet:"title"`
	Department   string     `parquet:"department"`
	AccountOwner string     `parquet:"account_owner"`
	VerifiedAt   *time.Time `parquet:"verified_at,optional,timestamp(microsecond)"`
	CreatedAt    time.Time  `parquet:"created_at,timestamp(microsecond)"`
	UpdatedAt    time.Time  `parquet:"updated_at,timestamp(microsecond)"`
	StateAbbr    string     `parquet:"-"`
	EmailStatus  string     `parquet:"email_status"`
}

// TechStackRow is a row of the tech_stack table.
type TechStackRow struct {
	TechStackID int64     `parquet:"tech_stack_id"`
	PlaceID     int64     `parquet:"place_id"`
	Vendor      string    `parquet:"vendor"`
	Product     string    `parquet:"product"`
	Category    string    `parquet:"category"`
	FirstSeen   time.Time `parquet:"first_seen,timestamp(microsecond)"`
	LastSeen    time.Time `parquet:"last_seen,timestamp(microsecond)"`
}

// CustomerRow is a row of the customers table.
type CustomerRow struct {
	CustomerID    int64     `parquet:"customer_id"`
	Name          string    `parquet:"name"`
	Email         string    `parquet:"email"`
	RevealCredits int64     `parquet:"reveal_credits"`
	CreatedAt     time.Time `parquet:"created_at,timestamp(microsecond)"`
	UpdatedAt     time.Time `parquet:"updated_at,timestamp(microsecond)"`
}

// PlaceGrantRow is a row of the customer_place_relation table.
type PlaceGrantRow struct {
	CustomerID int64     `parquet:"customer_id"`
	PlaceID    int64     `parquet:"place_id"`
	AccessType string    `parquet:"access_type"`
	GrantedAt  time.Time `parquet:"granted_at,timestamp(microsecond)"`
}

// ContactGrantRow is a row of the customer_contact_relation table.
type ContactGrantRow struct {
	CustomerID int64     `parquet:"customer_id"`
	ContactID  int64     `parquet:"contact_id"`
	AccessType string    `parquet:"access_type"`
	GrantedAt  time.Time `parquet:"granted_at,timestamp(microsecond)"`
}

// MappingRow is a row of the customer_mapping table; place_id and
// contact_id are null when unset.
type MappingRow struct {
	CustomerMappingID int64      `parquet:"customer_mapping_id"`
	CustomerID        int64      `parquet:"customer_id"`
	ExternalCRMID     string     `parquet:"external_crm_id"`
	PlaceID           *int64     `parquet:"place_id,optional"`
	ContactID         *int64     `parquet:"contact_id,optional"`
	AccountOwner      string     `parquet:"account_owner"`
	LastSyncedTime    *time.Time `parquet:"last_synced_time,optional,timestamp(microsecond)"`
}

func placeRow(p pursuit.Place) PlaceRow {
	return PlaceRow{p.PlaceID, p.Name, p.PlaceType, p.County, p.Population, p.Website, p.EmailDomain,
		p.GEOID, p.NCESID, p.AccountOwner, p.CreatedAt, p.UpdatedAt, p.StateAbbr, idPtr(p.FiscalYearStart)}
}

func contactRow(c pursuit.Contact, state string) ContactRow {
	return ContactRow{c.ContactID, c.PlaceID, c.Name, c.FirstName, c.LastName, c.Email, c.Phone, c.Title,
		c.Department, c.AccountOwner, timePtr(c.VerifiedAt), c.CreatedAt, c.UpdatedAt, state, c.EmailStatus}
}

func techStackRow(t pursuit.TechStack) TechStackRow {
	return TechStackRow{t.TechStackID, t.PlaceID, t.Vendor, t.Product, t.Category, t.FirstSeen, t.LastSeen}
}

func customerRow(c pursuit.Customer) CustomerRow {
	return CustomerRow{c.CustomerID, c.Name, c.Email, c.RevealCredits, c.CreatedAt, c.UpdatedAt}
}

func placeGrantRow(g pursuit.CustomerPlaceRelation) PlaceGrantRow {
	return PlaceGrantRow{g.CustomerID, g.PlaceID, g.AccessType, g.GrantedAt}
}

func contactGrantRow(g pursuit.CustomerContactRelation) ContactGrantRow {
	return ContactGrantRow{g.CustomerID, g.ContactID, g.AccessType, g.GrantedAt}
}

func mappingRow(m pursuit.CustomerMapping) MappingRow {
	return MappingRow{m.CustomerMappingID, m.CustomerID, m.ExternalCRMID, idPtr(m.PlaceID), idPtr(m.ContactID), m.AccountOwner, timePtr(m.LastSyncedTime)}
}

// Optional columns are pointers: nil is NULL. (parquet-go's optional tag
// on plain values does not write every zero as NULL.)
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// spec describes one lake table over its row type T.
type spec[T any] struct {
	name string
	// fields is the Spark schema, partition column included.
	fields []delta.StructField
	// partition is the partition column, "" for none.
	partition string
	part      func(*T) string
	// key and key2 identify a row (key2 is nil unless the key is a pair).
	key, key2 func(*T) int64
	// keyCol is the column of key, whose stats prune the files a sync
	// reads.
	keyCol string
	// setPart puts a partition value read from the log back into a row.
	setPart func(*T, string)
	// zorder, when set, sorts by the Z-order of (zorder, key) instead of
	// by key; zorderCol is its column.
	zorder    func(*T) int64
	zorderCol string
	// cdc writes Change Data Feed rows: the table's columns plus
	// _change_type.
	cdc cdcFunc[T]
}

func (s *spec[T]) partitionColumns() []string {
	if s.partition == "" {
		return []string{}
	}
	return []string{s.partition}
}

func (s *spec[T]) partOf(r *T) string {
	if s.part == nil {
		return ""
	}
	return s.part(r)
}

// rowKey is a row's identity: its key, or its key pair.
type rowKey struct{ a, b int64 }

func (s *spec[T]) keyOf(r *T) rowKey {
	k := rowKey{a: s.key(r)}
	if s.key2 != nil {
		k.b = s.key2(r)
	}
	return k
}

// sparkTypes maps each column to its Spark type name.
func (s *spec[T]) sparkTypes() map[string]string {
	m := map[string]string{}
	for _, f := range s.fields {
		m[f.Name] = f.TypeName()
	}
	return m
}

func fields(cols ...string) []delta.StructField {
	out := make([]delta.StructField, 0, len(cols)/2)
	for i := 0; i < len(cols); i += 2 {
		out = append(out, delta.Field(cols[i], cols[i+1]))
	}
	return out
}

const (
	tLong = "long"
	tStr  = "string"
	tTime = "timestamp"
)

var placesSpec = &spec[PlaceRow]{
	name: pursuit.TablePlaces,
	fields: fields("place_id", tLong, "name", tStr, "place_type", tStr, "state_abbr", tStr, "county", tStr,
		"population", tLong, "website", tStr, "email_domain", tStr, "geoid", tStr, "nces_id", tStr,
		"account_owner", tStr, "created_at", tTime, "updated_at", tTime, "fiscal_year_start", tLong),
	partition: PartitionColumn,
	part:      func(r *PlaceRow) string { return r.StateAbbr },
	setPart:   func(r *PlaceRow, v string) { r.StateAbbr = v },
	key:       func(r *PlaceRow) int64 { return r.PlaceID },
	keyCol:    "place_id",
	cdc:       cdcWriter(func(r PlaceRow, t string) placeCDC { return placeCDC{r, t} }),
}

var contactsSpec = &spec[ContactRow]{
	name: pursuit.TableContacts,
	fields: fields("contact_id", tLong, "place_id", tLong, "state_abbr", tStr, "name", tStr, "first_name", tStr,
		"last_name", tStr, "email", tStr, "phone", tStr, "title", tStr, "department", tStr,
		"account_owner", tStr, "verified_at", tTime, "created_at", tTime, "updated_at", tTime, "email_status", tStr),
	partition: PartitionColumn,
	part:      func(r *ContactRow) string { return r.StateAbbr },
	setPart:   func(r *ContactRow, v string) { r.StateAbbr = v },
	key:       func(r *ContactRow) int64 { return r.ContactID },
	keyCol:    "contact_id",
	cdc:       cdcWriter(func(r ContactRow, t string) contactCDC { return contactCDC{r, t} }),
	zorder:    func(r *ContactRow) int64 { return r.PlaceID },
	zorderCol: "place_id",
}

var techStackSpec = &spec[TechStackRow]{
	name: pursuit.TableTechStack,
	fields: fields("tech_stack_id", tLong, "place_id", tLong, "vendor", tStr, "product", tStr, "category", tStr,
		"first_seen", tTime, "last_seen", tTime),
	key:    func(r *TechStackRow) int64 { return r.TechStackID },
	keyCol: "tech_stack_id",
	cdc:    cdcWriter(func(r TechStackRow, t string) techStackCDC { return techStackCDC{r, t} }),
}

var customersSpec = &spec[CustomerRow]{
	name: pursuit.TableCustomers,
	fields: fields("customer_id", tLong, "name", tStr, "email", tStr, "reveal_credits", tLong,
		"created_at", tTime, "updated_at", tTime),
	key:    func(r *CustomerRow) int64 { return r.CustomerID },
	keyCol: "customer_id",
	cdc:    cdcWriter(func(r CustomerRow, t string) customerCDC { return customerCDC{r, t} }),
}

var placeGrantsSpec = &spec[PlaceGrantRow]{
	name:   pursuit.TableCustomerPlaceRelation,
	fields: fields("customer_id", tLong, "place_id", tLong, "access_type", tStr, "granted_at", tTime),
	key:    func(r *PlaceGrantRow) int64 { return r.CustomerID },
	key2:   func(r *PlaceGrantRow) int64 { return r.PlaceID },
	keyCol: "customer_id",
	cdc:    cdcWriter(func(r PlaceGrantRow, t string) placeGrantCDC { return placeGrantCDC{r, t} }),
}

var contactGrantsSpec = &spec[ContactGrantRow]{
	name:   pursuit.TableCustomerContactRelation,
	fields: fields("customer_id", tLong, "contact_id", tLong, "access_type", tStr, "granted_at", tTime),
	key:    func(r *ContactGrantRow) int64 { return r.CustomerID },
	key2:   func(r *ContactGrantRow) int64 { return r.ContactID },
	keyCol: "customer_id",
	cdc:    cdcWriter(func(r ContactGrantRow, t string) contactGrantCDC { return contactGrantCDC{r, t} }),
}

var mappingsSpec = &spec[MappingRow]{
	name: pursuit.TableCustomerMapping,
	fields: fields("customer_mapping_id", tLong, "customer_id", tLong, "external_crm_id", tStr, "place_id", tLong,
		"contact_id", tLong, "account_owner", tStr, "last_synced_time", tTime),
	key:    func(r *MappingRow) int64 { return r.CustomerMappingID },
	keyCol: "customer_mapping_id",
	cdc:    cdcWriter(func(r MappingRow, t string) mappingCDC { return mappingCDC{r, t} }),
}

// tableFields returns the Spark schema of the lake table name.
func tableFields(name string) []delta.StructField {
	switch name {
	case pursuit.TableCustomers:
		return customersSpec.fields
	case pursuit.TablePlaces:
		return placesSpec.fields
	case pursuit.TableContacts:
		return contactsSpec.fields
	case pursuit.TableTechStack:
		return techStackSpec.fields
	case pursuit.TableCustomerPlaceRelation:
		return placeGrantsSpec.fields
	case pursuit.TableCustomerContactRelation:
		return contactGrantsSpec.fields
	case pursuit.TableCustomerMapping:
		return mappingsSpec.fields
	}
	return nil
}

// Tables lists the lake's tables, in pursuit.DataTables order.
var Tables = pursuit.DataTables
