package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// internalCol is a store-internal column of a table (docs/schema.md): the
// partition key of a row it references, which PostgreSQL needs in the
// foreign key. The bulk path fills it from the place → state map or, for
// placeOf, by probing contacts.
type internalCol struct {
	name, typ string
	// of is the domain column holding the referenced id.
	of string
	// placeOf: the column holds the place of the contact in of; otherwise
	// the state of the place in of.
	placeOf bool
}

// bulkTable is how Bulk writes one seed table: its description, its
// store-internal columns and the foreign keys lockParents checks.
type bulkTable[T any] struct {
	desc     *pursuit.Table[T]
	internal []internalCol
	parents  []parent
}

var (
	stateOfPlace = internalCol{name: "state_abbr", typ: "text", of: "place_id"}

	customersBulk = &bulkTable[pursuit.Customer]{desc: pursuit.Customers}
	placesBulk    = &bulkTable[pursuit.Place]{desc: pursuit.Places}
	contactsBulk  = &bulkTable[pursuit.Contact]{desc: pursuit.Contacts,
		internal: []internalCol{stateOfPlace}, parents: []parent{placeParent}}
	techStackBulk = &bulkTable[pursuit.TechStack]{desc: pursuit.TechStacks,
		internal: []internalCol{stateOfPlace}, parents: []parent{placeParent}}
	placeGrantsBulk = &bulkTable[pursuit.CustomerPlaceRelation]{desc: pursuit.PlaceGrants,
		internal: []internalCol{stateOfPlace}, parents: []parent{customerParent, placeParent}}
	contactGrantsBulk = &bulkTable[pursuit.CustomerContactRelation]{desc: pursuit.ContactGrants,
		internal: []internalCol{{name: "place_id", typ: "bigint", of: "contact_id", placeOf: true}},
		parents:  []parent{customerParent, contactParent}}
	mappingsBulk = &bulkTable[pursuit.CustomerMapping]{desc: pursuit.Mappings,
		internal: []internalCol{{name: "place_state_abbr", typ: "text", of: "place_id"},
			{name: "contact_place_id", typ: "bigint", of: "contact_id", placeOf: true}},
		parents: []parent{customerParent, mapPlaceParent, mapContactParent}}
)

// batch is a deduplicated batch of one table ready to stage: its columns
// (the domain's, then the internal ones), the kept rows' values, and the
// keys of a single-key table.
type batch struct {
	table, stage string
	cols, types  []string
	n            int
	keep         []int
	ids          []int64
	row          func(j int) []any
	// placesKnown: the internal columns holding a contact's place are
	// filled from bulkWriter.newContacts, so neither they nor the lock of
	// the contacts need a probe of contacts.
	placesKnown bool
}

// ddl returns the staging table's column definitions.
func (b *batch) ddl() string {
	defs := make([]string, len(b.cols))
	for i := range b.cols {
		defs[i] = b.cols[i] + " " + b.types[i]
	}
	return strings.Join(defs, ", ")
}

// with returns b with one more staging-only column.
func (b *batch) with(col, typ string, val func(j int) any) *batch {
	c := *b
	c.cols = append(append([]string(nil), b.cols...), col)
	c.types = append(append([]string(nil), b.types...), typ)
	c.row = func(j int) []any { return append(b.row(j), val(j)) }
	return &c
}

// prepare checks and deduplicates rows of s (a key given twice keeps its
// last row), fills their state columns from the states map and drops the
// table's secondary indexes when this is its first, empty, write.
func prepare[T any](ctx context.Context, w *bulkWriter, s *bulkTable[T], rows []T) (*batch, error) {
	table := s.desc.Name
	if err := w.loadStates(ctx); err != nil {
		return nil, fail(table, err)
	}
	keep := dedupe(len(rows), func(i int) [2]int64 { return s.desc.KeyOf(&rows[i]) })
	nin := len(s.internal)
	vals := make([]any, len(keep)*nin)
	placesKnown := true
	for k, in := range s.internal {
		if in.placeOf {
			// The contacts' places, when this Bulk inserted every
			// referenced contact; stageBatch probes contacts otherwise.
			of := &s.desc.Columns[s.desc.Index(in.of)]
			for j, i := range keep {
				if !placesKnown {
					break
				}
				if id := *of.Int(&rows[i]); id != 0 {
					place, ok := w.newContacts.place(id)
					vals[j*nin+k], placesKnown = place, ok
				}
			}
			continue
		}
		of := &s.desc.Columns[s.desc.Index(in.of)]
		for j, i := range keep {
			if id := *of.Int(&rows[i]); id != 0 {
				st, err := w.placeState(table, i, id)
				if err != nil {
					return nil, err
				}
				vals[j*nin+k] = st
			}
		}
	}
	b := &batch{table: table, stage: "bulk_" + table, n: len(keep), keep: keep, placesKnown: placesKnown}
	for i := range s.desc.Columns {
		c := &s.desc.Columns[i]
		b.cols, b.types = append(b.cols, c.Name), append(b.types, c.Kind.PostgresType())
	}
	for _, in := range s.internal {
		b.cols, b.types = append(b.cols, in.name), append(b.types, in.typ)
	}
	if len(s.desc.Key) == 1 {
		key := &s.desc.Columns[s.desc.Index(s.desc.Key[0])]
		b.ids = make([]int64, len(keep))
		for j, i := range keep {
			b.ids[j] = *key.Int(&rows[i])
		}
	}
	b.row = func(j int) []any {
		r := &rows[keep[j]]
		out := make([]any, 0, len(b.cols)+2)
		for i := range s.desc.Columns {
			c := &s.desc.Columns[i]
			if c.Kind == pursuit.KindTime && c.Is(pursuit.Stamped) && c.Time(r).IsZero() {
				out = append(out, w.now)
				continue
			}
			out = append(out, arg(c, r))
		}
		return append(out, vals[j*nin:(j+1)*nin]...)
	}
	if err := w.deferIndexes(ctx, table); err != nil {
		return nil, fail(table, err)
	}
	return b, nil
}

// stageBatch COPYs a prepared batch into its staging table and fills the
// internal columns that hold a contact's place.
func stageBatch[T any](ctx context.Context, w *bulkWriter, s *bulkTable[T], b *batch) error {
	if err := w.stage(ctx, b.stage, b.ddl(), b.cols, b.n, b.row); err != nil {
		return fail(b.table, err)
	}
	for _, in := range s.internal {
		if in.placeOf && !b.placesKnown {
			if err := w.fillContactPlaces(ctx, b.table, b.stage, in.of, in.name); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeRows writes a checked batch of a table whose primary key is not
// partitioned (customers, tech stack, grants, mappings): staged, parents
// locked set-based, merged with one INSERT … ON CONFLICT DO UPDATE (a
// plain INSERT when every id is new), the id sequence moved past the
// batch.
func writeRows[T any](ctx context.Context, w *bulkWriter, s *bulkTable[T], rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	b, err := prepare(ctx, w, s, rows)
	if err != nil {
		return err
	}
	allNew := false
	if b.ids != nil {
		if allNew, err = w.allNew(ctx, b.table, s.desc.Key[0], b.ids); err != nil {
			return fail(b.table, err)
		}
	}
	if allNew && b.placesKnown {
		return copyRows(ctx, w, s, b)
	}
	if err := stageBatch(ctx, w, s, b); err != nil {
		return err
	}
	parents := s.parents
	if b.placesKnown {
		// The contacts are this transaction's own inserts (see
		// contactPlaces): they exist and no one else can lock them.
		parents = nil
		for _, p := range s.parents {
			if p.table != pursuit.TableContacts {
				parents = append(parents, p)
			}
		}
	}
	if err := w.merge(ctx, b.table, b.stage, b.cols, s.desc.Key, allNew, parents...); err != nil {
		return fail(b.table, err)
	}
	if s.desc.Sequence != "" {
		if err := w.bumpSequence(ctx, b.table, s.desc.Sequence); err != nil {
			return fail(b.table, err)
		}
	}
	return nil
}

// copyRows writes a batch whose ids are all new straight into its table
// with one COPY, as writeContacts does for contacts: no staging table and
// no INSERT … SELECT, so each row is written once. The parents are locked
// from the rows' values (lockKeys); contacts need no lock when they are
// this Bulk's own inserts (b.placesKnown), and copyRows is not used
// otherwise. COPY fires the statement triggers: change_log is written as
// for an INSERT.
func copyRows[T any](ctx context.Context, w *bulkWriter, s *bulkTable[T], b *batch) error {
	for _, p := range s.parents {
		if p.table == pursuit.TableContacts {
			continue // b.placesKnown: this Bulk's own contacts
		}
		keyAt := make([]int, len(p.stageCols))
		for i, c := range p.stageCols {
			keyAt[i] = slices.Index(b.cols, c)
		}
		key := func(j int) (int64, string, bool) {
			r := b.row(j)
			id, ok := r[keyAt[0]].(int64) // not: NULL, no parent
			var s string
			if ok && len(keyAt) == 2 {
				s, _ = r[keyAt[1]].(string)
			}
			return id, s, ok
		}
		if err := w.lockKeys(ctx, b.table, p, b.n, key); err != nil {
			return fail(b.table, err)
		}
	}
	if err := w.withoutFKTriggers(ctx, func() error {
		return copyBinary(ctx, w.tx.Conn(), b.table, b.cols, b.n, b.row)
	}); err != nil {
		return fail(b.table, err)
	}
	if s.desc.Sequence != "" {
		if err := w.bumpSequence(ctx, b.table, s.desc.Sequence); err != nil {
			return fail(b.table, err)
		}
	}
	return nil
}

// UpsertCustomers inserts or replaces customers.
func (w *bulkWriter) UpsertCustomers(ctx context.Context, rows []pursuit.Customer) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.record(&err)
	if err := w.drain(); err != nil {
		return err
	}
	if err := checkRows(customersBulk.desc, rows); err != nil {
		return err
	}
	return writeRows(ctx, w, customersBulk, rows)
}

// UpsertPlaces inserts or replaces places. A place whose state_abbr
// changed moves to the new state's partition, and ON UPDATE CASCADE
// carries the state to its contacts, tech stack, grants and mappings.
func (w *bulkWriter) UpsertPlaces(ctx context.Context, rows []pursuit.Place) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.record(&err)
	const table = pursuit.TablePlaces
	if err := w.drain(); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	if err := checkRows(placesBulk.desc, rows); err != nil {
		return err
	}
	b, err := prepare(ctx, w, placesBulk, rows)
	if err != nil {
		return err
	}
	// Existing places are updated by their old state, the rest inserted.
	old := make([]*string, b.n)
	var nOld int
	for j, id := range b.ids {
		if s, ok := w.states[id]; ok {
			old[j] = &s
			nOld++
		}
	}
	b = b.with("old_state", "text", func(j int) any { return old[j] })
	if err := stageBatch(ctx, w, placesBulk, b); err != nil {
		return err
	}
	cols := b.cols[:len(b.cols)-1]
	if nOld > 0 {
		err := w.probeJoin(ctx, `UPDATE places t SET `+setList(cols[1:])+` FROM bulk_places s
			WHERE s.old_state IS NOT NULL AND t.place_id = s.place_id AND t.state_abbr = s.old_state`)
		if err != nil {
			return fail(table, err)
		}
	}
	if nOld < b.n {
		list := joinCols(cols)
		_, err := w.tx.Exec(ctx, `INSERT INTO places (`+list+`) SELECT `+list+` FROM bulk_places
			WHERE old_state IS NULL ORDER BY place_id`)
		if err != nil {
			return fail(table, err)
		}
	}
	var max int64
	for _, i := range b.keep {
		w.states[rows[i].PlaceID] = rows[i].StateAbbr
		max = max2(max, rows[i].PlaceID)
	}
	if err := bumpSequence(ctx, w.tx, placesBulk.desc.Sequence, max); err != nil {
		return fail(table, err)
	}
	return nil
}

// UpsertContacts inserts or replaces contacts. Their places must exist
// (EFOREIGNKEY naming the first missing place_id otherwise).
func (w *bulkWriter) UpsertContacts(ctx context.Context, rows []pursuit.Contact) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.record(&err)
	if err := checkRows(contactsBulk.desc, rows); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, pursuit.TableContacts, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(pursuit.TableContacts, len(rows), func() { w.contacts = append(w.contacts, rows...) })
}

// writeContacts writes a batch of rows UpsertContacts has checked. A batch
// of new ids is COPYed straight into contacts; otherwise existing rows are
// found by contact_id alone and updated by their full primary key (a new
// place moves the row and cascades), and the rest inserted.
func (w *bulkWriter) writeContacts(ctx context.Context, rows []pursuit.Contact) error {
	const table = pursuit.TableContacts
	if len(rows) == 0 {
		return nil
	}
	b, err := prepare(ctx, w, contactsBulk, rows)
	if err != nil {
		return err
	}
	allNew, err := w.allNew(ctx, table, "contact_id", b.ids)
	if err != nil {
		return fail(table, err)
	}
	if allNew {
		placeIDs, states := make([]int64, b.n), make([]string, b.n)
		for j, i := range b.keep {
			placeIDs[j] = rows[i].PlaceID
			states[j] = w.states[placeIDs[j]]
		}
		if err := w.copyNew(ctx, table, b.cols, b.n, b.row, placeIDs, states); err != nil {
			return fail(table, err)
		}
		w.newContacts.add(b.ids, placeIDs)
		return w.bumpSequence(ctx, table, contactsBulk.desc.Sequence)
	}
	// Some of these contacts may exist and move to another place: the
	// places recorded of earlier batches can no longer be trusted.
	w.newContacts.disable()
	b = b.with("old_place_id", "bigint", func(int) any { return nil })
	if err := stageBatch(ctx, w, contactsBulk, b); err != nil {
		return err
	}
	cols := b.cols[:len(b.cols)-1]
	if _, err := w.tx.Exec(ctx, `UPDATE bulk_contacts s SET old_place_id = (
		SELECT c.place_id FROM contacts c WHERE c.contact_id = s.contact_id)`); err != nil {
		return fail(table, err)
	}
	if err := w.probeJoin(ctx, `UPDATE contacts t SET `+setList(cols[1:])+` FROM bulk_contacts s
		WHERE s.old_place_id IS NOT NULL AND t.contact_id = s.contact_id AND t.place_id = s.old_place_id`); err != nil {
		return fail(table, err)
	}
	list := joinCols(cols)
	if err := w.insertChecked(ctx, table, "bulk_contacts", contactsBulk.parents, `INSERT INTO contacts (`+list+`)
		SELECT `+list+` FROM bulk_contacts WHERE old_place_id IS NULL ORDER BY contact_id`); err != nil {
		return fail(table, err)
	}
	return w.bumpSequence(ctx, table, contactsBulk.desc.Sequence)
}

// UpsertTechStack inserts or replaces tech_stack rows.
func (w *bulkWriter) UpsertTechStack(ctx context.Context, rows []pursuit.TechStack) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.record(&err)
	const table = pursuit.TableTechStack
	if err := checkRows(techStackBulk.desc, rows); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, table, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(table, len(rows), func() { w.tech = append(w.tech, rows...) })
}

// UpsertPlaceGrants inserts or replaces customer_place_relation rows;
// GrantedAt defaults to now.
func (w *bulkWriter) UpsertPlaceGrants(ctx context.Context, rows []pursuit.CustomerPlaceRelation) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.record(&err)
	const table = pursuit.TableCustomerPlaceRelation
	if err := checkRows(placeGrantsBulk.desc, rows); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, table, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(table, len(rows), func() { w.placeGrants = append(w.placeGrants, rows...) })
}

// UpsertContactGrants inserts or replaces customer_contact_relation rows;
// GrantedAt defaults to now.
func (w *bulkWriter) UpsertContactGrants(ctx context.Context, rows []pursuit.CustomerContactRelation) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.record(&err)
	const table = pursuit.TableCustomerContactRelation
	if err := checkRows(contactGrantsBulk.desc, rows); err != nil {
		return err
	}
	return w.add(table, len(rows), func() { w.contactGrants = append(w.contactGrants, rows...) })
}

// UpsertCustomerMappings inserts or replaces customer_mapping rows.
func (w *bulkWriter) UpsertCustomerMappings(ctx context.Context, rows []pursuit.CustomerMapping) (err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.record(&err)
	const table = pursuit.TableCustomerMapping
	if err := checkRows(mappingsBulk.desc, rows); err != nil {
		return err
	}
	if err := w.checkPlaces(ctx, table, len(rows), func(i int) int64 { return rows[i].PlaceID }); err != nil {
		return err
	}
	return w.add(table, len(rows), func() { w.mappings = append(w.mappings, rows...) })
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

// checkPlaces fails with EFOREIGNKEY when a row of a batch references a
// place that does not exist (0 means none).
func (w *bulkWriter) checkPlaces(ctx context.Context, table string, n int, placeID func(i int) int64) error {
	// Until the states are loaded no write has started (flush loads
	// them first), so this may use the transaction.
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
