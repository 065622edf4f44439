package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// UpsertCustomers inserts or replaces customers.
func (w *bulkWriter) UpsertCustomers(ctx context.Context, rows []pursuit.Customer) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	const table = pursuit.TableCustomers
	if err := w.flush(ctx); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	if err := checkRows(table, "customer_id", rows, func(r *pursuit.Customer) int64 { return r.CustomerID }); err != nil {
		return err
	}
	keep := dedupe(len(rows), func(i int) int64 { return rows[i].CustomerID })
	ids := make([]int64, len(keep))
	for j, i := range keep {
		ids[j] = rows[i].CustomerID
	}
	cols := []string{"customer_id", "name", "email", "reveal_credits", "created_at", "updated_at"}
	if err := w.deferIndexes(ctx, table); err != nil {
		return fail(table, err)
	}
	err := w.stage(ctx, "bulk_customers", `customer_id bigint, name text, email text, reveal_credits bigint,
		created_at timestamptz, updated_at timestamptz`, cols, len(keep), func(j int) []any {
		c := &rows[keep[j]]
		return []any{c.CustomerID, c.Name, c.Email, c.RevealCredits, w.orNow(c.CreatedAt), w.orNow(c.UpdatedAt)}
	})
	if err != nil {
		return fail(table, err)
	}
	allNew, err := w.allNew(ctx, table, "customer_id", ids)
	if err != nil {
		return fail(table, err)
	}
	if err := w.merge(ctx, table, "bulk_customers", cols, cols[:1], allNew); err != nil {
		return fail(table, err)
	}
	if err := w.bumpSequence(ctx, table, "customers_customer_id_seq"); err != nil {
		return fail(table, err)
	}
	return nil
}

// UpsertPlaces inserts or replaces places. A place whose state_abbr
// changed moves to the new state's partition, and ON UPDATE CASCADE
// carries the state to its contacts, tech stack, grants and mappings.
func (w *bulkWriter) UpsertPlaces(ctx context.Context, rows []pursuit.Place) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	const table = pursuit.TablePlaces
	if err := w.flush(ctx); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	if err := checkRows(table, "place_id", rows, func(r *pursuit.Place) int64 { return r.PlaceID }); err != nil {
		return err
	}
	if err := w.loadStates(ctx); err != nil {
		return fail(table, err)
	}
	keep := dedupe(len(rows), func(i int) int64 { return rows[i].PlaceID })
	old := make([]*string, len(keep))
	var nOld int
	for j, i := range keep {
		if s, ok := w.states[rows[i].PlaceID]; ok {
			old[j] = &s
			nOld++
		}
	}
	cols := []string{"place_id", "name", "place_type", "state_abbr", "county", "population", "website",
		"email_domain", "geoid", "nces_id", "account_owner", "created_at", "updated_at"}
	if err := w.deferIndexes(ctx, table); err != nil {
		return fail(table, err)
	}
	err := w.stage(ctx, "bulk_places", `place_id bigint, name text, place_type text, state_abbr text,
		county text, population bigint, website text, email_domain text, geoid text, nces_id text,
		account_owner text, created_at timestamptz, updated_at timestamptz, old_state text`,
		append(cols, "old_state"), len(keep), func(j int) []any {
			p := &rows[keep[j]]
			return []any{p.PlaceID, p.Name, p.PlaceType, p.StateAbbr, p.County, p.Population, p.Website,
				p.EmailDomain, p.GEOID, p.NCESID, p.AccountOwner, w.orNow(p.CreatedAt), w.orNow(p.UpdatedAt), old[j]}
		})
	if err != nil {
		return fail(table, err)
	}
	if nOld > 0 {
		err := w.probeJoin(ctx, `UPDATE places t SET `+setList(cols[1:])+` FROM bulk_places s
			WHERE s.old_state IS NOT NULL AND t.place_id = s.place_id AND t.state_abbr = s.old_state`)
		if err != nil {
			return fail(table, err)
		}
	}
	if nOld < len(keep) {
		list := joinCols(cols)
		_, err := w.tx.Exec(ctx, `INSERT INTO places (`+list+`) SELECT `+list+` FROM bulk_places
			WHERE old_state IS NULL ORDER BY place_id`)
		if err != nil {
			return fail(table, err)
		}
	}
	var max int64
	for _, i := range keep {
		w.states[rows[i].PlaceID] = rows[i].StateAbbr
		max = max2(max, rows[i].PlaceID)
	}
	if err := bumpSequence(ctx, w.tx, "places_place_id_seq", max); err != nil {
		return fail(table, err)
	}
	return nil
}

// UpsertContacts inserts or replaces contacts. Their places must exist
// (EFOREIGNKEY naming the first missing place_id otherwise).
func (w *bulkWriter) UpsertContacts(ctx context.Context, rows []pursuit.Contact) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	const table = pursuit.TableContacts
	if err := checkRows(table, "contact_id", rows, func(r *pursuit.Contact) int64 { return r.ContactID }); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, table, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(ctx, table, len(rows), func() { w.contacts = append(w.contacts, rows...) })
}

// writeContacts writes a batch of rows UpsertContacts has checked.
func (w *bulkWriter) writeContacts(ctx context.Context, rows []pursuit.Contact) error {
	const table = pursuit.TableContacts
	if len(rows) == 0 {
		return nil
	}
	if err := w.loadStates(ctx); err != nil {
		return fail(table, err)
	}
	keep := dedupe(len(rows), func(i int) int64 { return rows[i].ContactID })
	ids := make([]int64, len(keep))
	states := make([]string, len(keep))
	for j, i := range keep {
		s, err := w.placeState(table, i, rows[i].PlaceID)
		if err != nil {
			return err
		}
		ids[j], states[j] = rows[i].ContactID, s
	}
	cols := []string{"contact_id", "place_id", "state_abbr", "name", "first_name", "last_name", "email", "phone",
		"title", "department", "account_owner", "verified_at", "created_at", "updated_at"}
	if err := w.deferIndexes(ctx, table); err != nil {
		return fail(table, err)
	}
	allNew, err := w.allNew(ctx, table, "contact_id", ids)
	if err != nil {
		return fail(table, err)
	}
	row := func(j int) []any {
		c := &rows[keep[j]]
		return []any{c.ContactID, c.PlaceID, states[j], c.Name, c.FirstName, c.LastName, c.Email, c.Phone,
			c.Title, c.Department, c.AccountOwner, nullTime(c.VerifiedAt), w.orNow(c.CreatedAt), w.orNow(c.UpdatedAt)}
	}
	if allNew {
		placeIDs := make([]int64, len(keep))
		for j, i := range keep {
			placeIDs[j] = rows[i].PlaceID
		}
		if err := w.copyNew(ctx, table, cols, len(keep), row, placeIDs, states); err != nil {
			return fail(table, err)
		}
		return w.bumpSequence(ctx, table, "contacts_contact_id_seq")
	}
	err = w.stage(ctx, "bulk_contacts", `contact_id bigint, place_id bigint, state_abbr text, name text,
		first_name text, last_name text, email text, phone text, title text, department text,
		account_owner text, verified_at timestamptz, created_at timestamptz, updated_at timestamptz,
		old_place_id bigint`, cols, len(keep), row)
	if err != nil {
		return fail(table, err)
	}
	list := joinCols(cols)
	if !allNew {
		// Find the existing rows' partitions by contact_id alone, then
		// update them by their full primary key.
		if _, err := w.tx.Exec(ctx, `UPDATE bulk_contacts s SET old_place_id = (
			SELECT c.place_id FROM contacts c WHERE c.contact_id = s.contact_id)`); err != nil {
			return fail(table, err)
		}
		if err := w.probeJoin(ctx, `UPDATE contacts t SET `+setList(cols[1:])+` FROM bulk_contacts s
			WHERE s.old_place_id IS NOT NULL AND t.contact_id = s.contact_id AND t.place_id = s.old_place_id`); err != nil {
			return fail(table, err)
		}
	}
	if err := w.insertChecked(ctx, table, "bulk_contacts", []parent{placeParent}, `INSERT INTO contacts (`+list+`)
		SELECT `+list+` FROM bulk_contacts WHERE old_place_id IS NULL ORDER BY contact_id`); err != nil {
		return fail(table, err)
	}
	if err := w.bumpSequence(ctx, table, "contacts_contact_id_seq"); err != nil {
		return fail(table, err)
	}
	return nil
}

// UpsertTechStack inserts or replaces tech_stack rows.
func (w *bulkWriter) UpsertTechStack(ctx context.Context, rows []pursuit.TechStack) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	const table = pursuit.TableTechStack
	if err := checkRows(table, "tech_stack_id", rows, func(r *pursuit.TechStack) int64 { return r.TechStackID }); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, table, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(ctx, table, len(rows), func() { w.tech = append(w.tech, rows...) })
}

// writeTechStack writes a batch of rows UpsertTechStack has checked.
func (w *bulkWriter) writeTechStack(ctx context.Context, rows []pursuit.TechStack) error {
	const table = pursuit.TableTechStack
	if len(rows) == 0 {
		return nil
	}
	if err := w.loadStates(ctx); err != nil {
		return fail(table, err)
	}
	keep := dedupe(len(rows), func(i int) int64 { return rows[i].TechStackID })
	ids := make([]int64, len(keep))
	states := make([]string, len(keep))
	for j, i := range keep {
		s, err := w.placeState(table, i, rows[i].PlaceID)
		if err != nil {
			return err
		}
		ids[j], states[j] = rows[i].TechStackID, s
	}
	cols := []string{"tech_stack_id", "place_id", "state_abbr", "vendor", "product", "category", "first_seen", "last_seen"}
	if err := w.deferIndexes(ctx, table); err != nil {
		return fail(table, err)
	}
	err := w.stage(ctx, "bulk_tech_stack", `tech_stack_id bigint, place_id bigint, state_abbr text, vendor text,
		product text, category text, first_seen timestamptz, last_seen timestamptz`, cols, len(keep), func(j int) []any {
		t := &rows[keep[j]]
		return []any{t.TechStackID, t.PlaceID, states[j], t.Vendor, t.Product, t.Category, nullTime(t.FirstSeen), nullTime(t.LastSeen)}
	})
	if err != nil {
		return fail(table, err)
	}
	allNew, err := w.allNew(ctx, table, "tech_stack_id", ids)
	if err != nil {
		return fail(table, err)
	}
	if err := w.merge(ctx, table, "bulk_tech_stack", cols, cols[:1], allNew, placeParent); err != nil {
		return fail(table, err)
	}
	if err := w.bumpSequence(ctx, table, "tech_stack_tech_stack_id_seq"); err != nil {
		return fail(table, err)
	}
	return nil
}

// UpsertPlaceGrants inserts or replaces customer_place_relation rows;
// GrantedAt defaults to now.
func (w *bulkWriter) UpsertPlaceGrants(ctx context.Context, rows []pursuit.CustomerPlaceRelation) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	const table = pursuit.TableCustomerPlaceRelation
	if err := checkRows(table, "", rows, nil); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, table, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(ctx, table, len(rows), func() { w.placeGrants = append(w.placeGrants, rows...) })
}

// writePlaceGrants writes a batch of rows UpsertPlaceGrants has checked.
func (w *bulkWriter) writePlaceGrants(ctx context.Context, rows []pursuit.CustomerPlaceRelation) error {
	const table = pursuit.TableCustomerPlaceRelation
	if len(rows) == 0 {
		return nil
	}
	if err := w.loadStates(ctx); err != nil {
		return fail(table, err)
	}
	type key struct{ a, b int64 }
	keep := dedupe(len(rows), func(i int) key { return key{rows[i].CustomerID, rows[i].PlaceID} })
	states := make([]string, len(keep))
	for j, i := range keep {
		s, err := w.placeState(table, i, rows[i].PlaceID)
		if err != nil {
			return err
		}
		states[j] = s
	}
	cols := []string{"customer_id", "place_id", "state_abbr", "access_type", "granted_at"}
	if err := w.deferIndexes(ctx, table); err != nil {
		return fail(table, err)
	}
	err := w.stage(ctx, "bulk_place_grants", `customer_id bigint, place_id bigint, state_abbr text,
		access_type text, granted_at timestamptz`, cols, len(keep), func(j int) []any {
		g := &rows[keep[j]]
		return []any{g.CustomerID, g.PlaceID, states[j], g.AccessType, w.orNow(g.GrantedAt)}
	})
	if err != nil {
		return fail(table, err)
	}
	if err := w.merge(ctx, table, "bulk_place_grants", cols, cols[:2], false, customerParent, placeParent); err != nil {
		return fail(table, err)
	}
	return nil
}

// UpsertContactGrants inserts or replaces customer_contact_relation rows;
// GrantedAt defaults to now.
func (w *bulkWriter) UpsertContactGrants(ctx context.Context, rows []pursuit.CustomerContactRelation) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	const table = pursuit.TableCustomerContactRelation
	if err := checkRows(table, "", rows, nil); err != nil {
		return err
	}
	return w.add(ctx, table, len(rows), func() { w.contactGrants = append(w.contactGrants, rows...) })
}

// writeContactGrants writes a batch of rows UpsertContactGrants has checked.
func (w *bulkWriter) writeContactGrants(ctx context.Context, rows []pursuit.CustomerContactRelation) error {
	const table = pursuit.TableCustomerContactRelation
	if len(rows) == 0 {
		return nil
	}
	type key struct{ a, b int64 }
	keep := dedupe(len(rows), func(i int) key { return key{rows[i].CustomerID, rows[i].ContactID} })
	cols := []string{"customer_id", "contact_id", "place_id", "access_type", "granted_at"}
	if err := w.deferIndexes(ctx, table); err != nil {
		return fail(table, err)
	}
	err := w.stage(ctx, "bulk_contact_grants", `customer_id bigint, contact_id bigint, place_id bigint,
		access_type text, granted_at timestamptz`, cols, len(keep), func(j int) []any {
		g := &rows[keep[j]]
		return []any{g.CustomerID, g.ContactID, nil, g.AccessType, w.orNow(g.GrantedAt)}
	})
	if err != nil {
		return fail(table, err)
	}
	if err := w.fillContactPlaces(ctx, table, "bulk_contact_grants", "contact_id", "place_id"); err != nil {
		return err
	}
	if err := w.merge(ctx, table, "bulk_contact_grants", cols, cols[:2], false, customerParent, contactParent); err != nil {
		return fail(table, err)
	}
	return nil
}

// fillContactPlaces sets the staged rows' contact place column from
// contacts, and fails with EFOREIGNKEY on the first contact that does not
// exist.
func (w *bulkWriter) fillContactPlaces(ctx context.Context, table, stage, contactCol, placeCol string) error {
	// A correlated probe per row (the contact_id index of each partition)
	// rather than a join, which could scan all contacts per batch.
	if _, err := w.tx.Exec(ctx, `UPDATE `+stage+` s SET `+placeCol+` = (
		SELECT c.place_id FROM contacts c WHERE c.contact_id = s.`+contactCol+`)
		WHERE s.`+contactCol+` IS NOT NULL`); err != nil {
		return fail(table, err)
	}
	var missing int64
	err := w.tx.QueryRow(ctx, `SELECT `+contactCol+` FROM `+stage+`
		WHERE `+contactCol+` IS NOT NULL AND `+placeCol+` IS NULL LIMIT 1`).Scan(&missing)
	if err == nil {
		return pursuit.FieldErrorf(pursuit.EFOREIGNKEY, "contact_id",
			"contact %d does not exist (referenced by %s.contact_id)", missing, table)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return fail(table, err)
	}
	return nil
}

// UpsertCustomerMappings inserts or replaces customer_mapping rows.
func (w *bulkWriter) UpsertCustomerMappings(ctx context.Context, rows []pursuit.CustomerMapping) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	const table = pursuit.TableCustomerMapping
	if err := checkRows(table, "customer_mapping_id", rows, func(r *pursuit.CustomerMapping) int64 { return r.CustomerMappingID }); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, table, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(ctx, table, len(rows), func() { w.mappings = append(w.mappings, rows...) })
}

// writeCustomerMappings writes a batch of rows UpsertCustomerMappings has checked.
func (w *bulkWriter) writeCustomerMappings(ctx context.Context, rows []pursuit.CustomerMapping) error {
	const table = pursuit.TableCustomerMapping
	if len(rows) == 0 {
		return nil
	}
	if err := w.loadStates(ctx); err != nil {
		return fail(table, err)
	}
	keep := dedupe(len(rows), func(i int) int64 { return rows[i].CustomerMappingID })
	ids := make([]int64, len(keep))
	states := make([]*string, len(keep))
	var contacts bool
	for j, i := range keep {
		ids[j] = rows[i].CustomerMappingID
		if rows[i].PlaceID != 0 {
			s, err := w.placeState(table, i, rows[i].PlaceID)
			if err != nil {
				return err
			}
			states[j] = &s
		} else {
			contacts = true
		}
	}
	cols := []string{"customer_mapping_id", "customer_id", "external_crm_id", "place_id", "place_state_abbr",
		"contact_id", "contact_place_id", "account_owner", "last_synced_time"}
	if err := w.deferIndexes(ctx, table); err != nil {
		return fail(table, err)
	}
	err := w.stage(ctx, "bulk_mappings", `customer_mapping_id bigint, customer_id bigint, external_crm_id text,
		place_id bigint, place_state_abbr text, contact_id bigint, contact_place_id bigint,
		account_owner text, last_synced_time timestamptz`, cols, len(keep), func(j int) []any {
		m := &rows[keep[j]]
		return []any{m.CustomerMappingID, m.CustomerID, m.ExternalCRMID, nullID(m.PlaceID), states[j],
			nullID(m.ContactID), nil, m.AccountOwner, nullTime(m.LastSyncedTime)}
	})
	if err != nil {
		return fail(table, err)
	}
	if contacts {
		if err := w.fillContactPlaces(ctx, table, "bulk_mappings", "contact_id", "contact_place_id"); err != nil {
			return err
		}
	}
	allNew, err := w.allNew(ctx, table, "customer_mapping_id", ids)
	if err != nil {
		return fail(table, err)
	}
	if err := w.merge(ctx, table, "bulk_mappings", cols, cols[:1], allNew, customerParent, mapPlaceParent, mapContactParent); err != nil {
		return fail(table, err)
	}
	if err := w.bumpSequence(ctx, table, "customer_mapping_customer_mapping_id_seq"); err != nil {
		return fail(table, err)
	}
	return nil
}

// checkPlaces fails with EFOREIGNKEY when a row of a batch references a
// place that does not exist (0 means none).
func (w *bulkWriter) checkPlaces(ctx context.Context, table string, n int, placeID func(i int) int64) error {
	if err := w.loadStates(ctx); err != nil {
		return fail(table, err)
	}
	for i := 0; i < n; i++ {
		if id := placeID(i); id != 0 {
			if _, err := w.placeState(table, i, id); err != nil {
				return err
			}
		}
	}
	return nil
}

func joinCols(cols []string) string { return strings.Join(cols, ", ") }
