package pursuit

import "time"

// The seed's seven tables, described once (see table.go). Each Columns
// list is in storage order; a column's flags say what it is. Adding a
// column: add the field to the domain type, a line here, and one migration
// per store; TestTablesDescribeTheDomainTypes and the stores' schema tests
// say what else disagrees.

// Customers describes table customers.
var Customers = describe(&Table[Customer]{
	Name: TableCustomers, Key: []string{"customer_id"}, Sequence: "customers_customer_id_seq",
	Columns: []Column[Customer]{
		IntCol("customer_id", Key|Required, func(r *Customer) *int64 { return &r.CustomerID }),
		TextCol("name", Required, func(r *Customer) *string { return &r.Name }),
		TextCol("email", 0, func(r *Customer) *string { return &r.Email }),
		IntCol("reveal_credits", 0, func(r *Customer) *int64 { return &r.RevealCredits }),
		TimeCol("created_at", Stamped, func(r *Customer) *time.Time { return &r.CreatedAt }),
		TimeCol("updated_at", Stamped, func(r *Customer) *time.Time { return &r.UpdatedAt }),
	},
})

// Places describes table places, LIST-partitioned by state_abbr on
// PostgreSQL.
var Places = describe(&Table[Place]{
	Name: TablePlaces, Key: []string{"place_id"}, Sequence: "places_place_id_seq",
	Columns: []Column[Place]{
		IntCol("place_id", Key|Required, func(r *Place) *int64 { return &r.PlaceID }),
		TextCol("name", Required|Searchable, func(r *Place) *string { return &r.Name }),
		EnumCol("place_type", Required, PlaceTypes, func(r *Place) *string { return &r.PlaceType }),
		TextCol("state_abbr", Required|PartitionKey, func(r *Place) *string { return &r.StateAbbr }),
		TextCol("county", 0, func(r *Place) *string { return &r.County }),
		IntCol("population", 0, func(r *Place) *int64 { return &r.Population }),
		TextCol("website", 0, func(r *Place) *string { return &r.Website }),
		TextCol("email_domain", 0, func(r *Place) *string { return &r.EmailDomain }),
		TextCol("geoid", 0, func(r *Place) *string { return &r.GEOID }),
		TextCol("nces_id", 0, func(r *Place) *string { return &r.NCESID }),
		TextCol("account_owner", 0, func(r *Place) *string { return &r.AccountOwner }),
		TimeCol("created_at", Stamped, func(r *Place) *time.Time { return &r.CreatedAt }),
		TimeCol("updated_at", Stamped, func(r *Place) *time.Time { return &r.UpdatedAt }),
		IntCol("fiscal_year_start", Nullable, func(r *Place) *int64 { return &r.FiscalYearStart }),
	},
})

// Contacts describes table contacts, HASH-partitioned by place_id on
// PostgreSQL.
var Contacts = describe(&Table[Contact]{
	Name: TableContacts, Key: []string{"contact_id"}, Sequence: "contacts_contact_id_seq",
	Columns: []Column[Contact]{
		IntCol("contact_id", Key|Required, func(r *Contact) *int64 { return &r.ContactID }),
		RefCol("place_id", Required|PartitionKey, TablePlaces, func(r *Contact) *int64 { return &r.PlaceID }),
		TextCol("name", Required|Searchable, func(r *Contact) *string { return &r.Name }),
		TextCol("first_name", 0, func(r *Contact) *string { return &r.FirstName }),
		TextCol("last_name", 0, func(r *Contact) *string { return &r.LastName }),
		TextCol("email", PII|Searchable, func(r *Contact) *string { return &r.Email }),
		TextCol("phone", PII, func(r *Contact) *string { return &r.Phone }),
		TextCol("title", Searchable, func(r *Contact) *string { return &r.Title }),
		TextCol("department", Searchable, func(r *Contact) *string { return &r.Department }),
		TextCol("account_owner", 0, func(r *Contact) *string { return &r.AccountOwner }),
		TimeCol("verified_at", Nullable, func(r *Contact) *time.Time { return &r.VerifiedAt }),
		TimeCol("created_at", Stamped, func(r *Contact) *time.Time { return &r.CreatedAt }),
		TimeCol("updated_at", Stamped, func(r *Contact) *time.Time { return &r.UpdatedAt }),
		EnumCol("email_status", 0, EmailStatuses, func(r *Contact) *string { return &r.EmailStatus }).Or(EmailUnverified),
	},
})

// TechStacks describes table tech_stack.
var TechStacks = describe(&Table[TechStack]{
	Name: TableTechStack, Key: []string{"tech_stack_id"}, Sequence: "tech_stack_tech_stack_id_seq",
	Columns: []Column[TechStack]{
		IntCol("tech_stack_id", Key|Required, func(r *TechStack) *int64 { return &r.TechStackID }),
		RefCol("place_id", Required, TablePlaces, func(r *TechStack) *int64 { return &r.PlaceID }),
		TextCol("vendor", Required, func(r *TechStack) *string { return &r.Vendor }),
		TextCol("product", 0, func(r *TechStack) *string { return &r.Product }),
		TextCol("category", Required, func(r *TechStack) *string { return &r.Category }),
		TimeCol("first_seen", Nullable, func(r *TechStack) *time.Time { return &r.FirstSeen }),
		TimeCol("last_seen", Nullable, func(r *TechStack) *time.Time { return &r.LastSeen }),
	},
})

// accessTypes are the values of access_type.
var accessTypes = []string{AccessFull, AccessMasked}

// PlaceGrants describes table customer_place_relation.
var PlaceGrants = describe(&Table[CustomerPlaceRelation]{
	Name: TableCustomerPlaceRelation, Key: []string{"customer_id", "place_id"},
	Columns: []Column[CustomerPlaceRelation]{
		RefCol("customer_id", Key|Required, TableCustomers, func(r *CustomerPlaceRelation) *int64 { return &r.CustomerID }),
		RefCol("place_id", Key|Required, TablePlaces, func(r *CustomerPlaceRelation) *int64 { return &r.PlaceID }),
		EnumCol("access_type", Required, accessTypes, func(r *CustomerPlaceRelation) *string { return &r.AccessType }),
		TimeCol("granted_at", Stamped, func(r *CustomerPlaceRelation) *time.Time { return &r.GrantedAt }),
	},
})

// ContactGrants describes table customer_contact_relation.
var ContactGrants = describe(&Table[CustomerContactRelation]{
	Name: TableCustomerContactRelation, Key: []string{"customer_id", "contact_id"},
	Columns: []Column[CustomerContactRelation]{
		RefCol("customer_id", Key|Required, TableCustomers, func(r *CustomerContactRelation) *int64 { return &r.CustomerID }),
		RefCol("contact_id", Key|Required, TableContacts, func(r *CustomerContactRelation) *int64 { return &r.ContactID }),
		EnumCol("access_type", Required, accessTypes, func(r *CustomerContactRelation) *string { return &r.AccessType }),
		TimeCol("granted_at", Stamped, func(r *CustomerContactRelation) *time.Time { return &r.GrantedAt }),
	},
})

// Mappings describes table customer_mapping. Exactly one of place_id and
// contact_id is set (a CHECK in both stores).
var Mappings = describe(&Table[CustomerMapping]{
	Name: TableCustomerMapping, Key: []string{"customer_mapping_id"}, Sequence: "customer_mapping_customer_mapping_id_seq",
	Columns: []Column[CustomerMapping]{
		IntCol("customer_mapping_id", Key|Required, func(r *CustomerMapping) *int64 { return &r.CustomerMappingID }),
		RefCol("customer_id", Required, TableCustomers, func(r *CustomerMapping) *int64 { return &r.CustomerID }),
		TextCol("external_crm_id", Required, func(r *CustomerMapping) *string { return &r.ExternalCRMID }),
		RefCol("place_id", Nullable, TablePlaces, func(r *CustomerMapping) *int64 { return &r.PlaceID }),
		RefCol("contact_id", Nullable, TableContacts, func(r *CustomerMapping) *int64 { return &r.ContactID }),
		TextCol("account_owner", 0, func(r *CustomerMapping) *string { return &r.AccountOwner }),
		TimeCol("last_synced_time", Nullable, func(r *CustomerMapping) *time.Time { return &r.LastSyncedTime }),
	},
})

// TableInfos returns the descriptions of pursuit.DataTables, in that
// order.
func TableInfos() []TableInfo {
	return []TableInfo{Customers.Info(), Places.Info(), Contacts.Info(), TechStacks.Info(),
		PlaceGrants.Info(), ContactGrants.Info(), Mappings.Info()}
}
