package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

func TestLoadMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("CREATE TABLE t (x);")}
	for _, tt := range []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr bool
	}{
		{"ordered", fstest.MapFS{"migration/0002_b.sql": sql, "migration/0001_a.sql": sql}, []int{1, 2}, false},
		{"gap", fstest.MapFS{"migration/0001_a.sql": sql, "migration/0003_c.sql": sql}, nil, true},
		{"duplicate", fstest.MapFS{"migration/0001_a.sql": sql, "migration/1_b.sql": sql}, nil, true},
		{"no number", fstest.MapFS{"migration/init.sql": sql}, nil, true},
		{"zero", fstest.MapFS{"migration/0000_a.sql": sql}, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.files)
			if (err != nil) != tt.wantErr {
				t.Fatalf("loadMigrations error = %v, want error %v", err, tt.wantErr)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if !tt.wantErr && len(got) != len(tt.want) {
				t.Fatalf("versions = %v, want %v", got, tt.want)
			}
		})
	}
	if SchemaVersion() < 1 || migrations[0].version != 1 {
		t.Fatalf("embedded migrations: SchemaVersion() = %d", SchemaVersion())
	}
}

// TestMigrateAtomic applies a second migration that fails halfway: its
// first statement must be rolled back with it, and the recorded version
// must stay at 1.
func TestMigrateAtomic(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms := []migration{
		{version: 1, name: "0001_a.sql", sql: "CREATE TABLE a (x INTEGER);"},
		{version: 2, name: "0002_b.sql", sql: "CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1);"},
	}
	applied, err := db.migrate(ctx, ms)
	if err == nil {
		t.Fatal("migrate with a failing migration succeeded")
	}
	if len(applied) != 1 || applied[0] != 1 {
		t.Fatalf("applied = %v, want [1]", applied)
	}
	if v, err := db.Version(ctx); err != nil || v != 1 {
		t.Fatalf("Version = %d, %v; want 1", v, err)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'b'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("table b of the failed migration: count %d, %v; want 0", n, err)
	}
	// Fixed, it applies; a binary that knows only migration 1 is refused.
	ms[1].sql = "CREATE TABLE b (x INTEGER);"
	if applied, err := db.migrate(ctx, ms); err != nil || len(applied) != 1 || applied[0] != 2 {
		t.Fatalf("migrate after the fix = %v, %v; want [2]", applied, err)
	}
	if _, err := db.migrate(ctx, ms[:1]); pursuit.ErrorCode(err) != pursuit.ESCHEMA {
		t.Fatalf("an older binary's migrate = %v, want %s", err, pursuit.ESCHEMA)
	}
}

// TestMigrate2KeepsEverything applies migration 2, which rebuilds the
// tables whose ids the store hands out, to a database with rows in every
// table, a deleted newest customer and contact: every row, index, trigger
// and FTS entry must survive, foreign keys must be on again afterwards,
// and neither deleted id may be handed out again.
func TestMigrate2KeepsEverything(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m2.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.migrate(ctx, migrations[:1]); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var custs []pursuit.Customer
	for i := range 3 {
		c := pursuit.Customer{Name: fmt.Sprintf("customer %d", i), RevealCredits: 5}
		must(db.CreateCustomer(ctx, &c))
		custs = append(custs, c)
	}
	// Places and contacts have columns of later migrations, so the
	// version 1 rows are written in version 1's own terms.
	insert := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		must(db.w.QueryRowContext(ctx, q, args...).Scan(&id))
		return id
	}
	p := pursuit.Place{PlaceID: insert(`INSERT INTO places (name, place_type, state_abbr, created_at, updated_at)
		VALUES ('Springfield', 'municipality', 'IL', 1, 1) RETURNING place_id`)}
	p2 := pursuit.Place{PlaceID: insert(`INSERT INTO places (name, place_type, state_abbr, created_at, updated_at)
		VALUES ('Shelbyville', 'municipality', 'IL', 1, 1) RETURNING place_id`)}
	var contacts []pursuit.Contact
	for i, name := range []string{"Jane Doe", "Quinn Vale", "Bob Roe", "Zed Newest"} {
		c := pursuit.Contact{PlaceID: []int64{p.PlaceID, p2.PlaceID}[i%2], Name: name, Title: "IT Director"}
		c.ContactID = insert(`INSERT INTO contacts (place_id, name, title, created_at, updated_at) VALUES (?, ?, ?, 1, 1)
			RETURNING contact_id`, c.PlaceID, c.Name, c.Title)
		contacts = append(contacts, c)
	}
	must(db.CreateTechStack(ctx, &pursuit.TechStack{PlaceID: p.PlaceID, Vendor: "Esri", Category: "gis"}))
	must(db.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: custs[0].CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull}))
	must(db.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: custs[1].CustomerID, ContactID: contacts[1].ContactID, AccessType: pursuit.AccessMasked}))
	must(db.CreateCustomerMapping(ctx, &pursuit.CustomerMapping{CustomerID: custs[0].CustomerID, ExternalCRMID: "SF-1", PlaceID: p.PlaceID}))
	must(db.CreateAPIKey(ctx, &pursuit.APIKey{Role: pursuit.RoleCustomer, CustomerID: custs[0].CustomerID, Prefix: "pk_x", Hash: []byte("h1")}))
	_, err = db.RevealContact(ctx, &pursuit.Reveal{CustomerID: custs[0].CustomerID, ContactID: contacts[0].ContactID})
	must(err)
	// The newest customer and contact go: version 1 would give their ids
	// to the next ones.
	deletedCustomer, deletedContact := custs[2].CustomerID, contacts[3].ContactID
	must(db.DeleteCustomer(ctx, deletedCustomer))
	_, err = db.w.ExecContext(ctx, `DELETE FROM contacts WHERE contact_id = ?`, deletedContact)
	must(err)

	before := dumpSchema(t, db)
	rowsBefore := dumpRows(t, db)
	if _, err := db.migrate(ctx, migrations[:2]); err != nil {
		t.Fatalf("migrate to 2: %v", err)
	}
	if diff := cmp.Diff(rowsBefore, dumpRows(t, db)); diff != "" {
		t.Fatalf("rows changed by migration 2 (-before +after):\n%s", diff)
	}
	after := dumpSchema(t, db)
	for name := range before {
		if _, ok := after[name]; !ok {
			t.Errorf("migration 2 lost %s", name)
		}
	}
	for _, table := range []string{"customers", "places", "contacts", "tech_stack", "customer_mapping", "api_keys", "contact_reveals"} {
		if !strings.Contains(after["table "+table], "AUTOINCREMENT") {
			t.Errorf("table %s is not AUTOINCREMENT after migration 2: %s", table, after["table "+table])
		}
	}
	var fk int
	if err := db.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("PRAGMA foreign_keys on the writer after migrating = %d, %v; want 1", fk, err)
	}
	var integrity string
	if err := db.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check = %q, %v", integrity, err)
	}

	// The deleted ids stay unused, through the later migrations too;
	// triggers, FTS and cascades still work.
	if _, err := db.migrate(ctx, migrations); err != nil {
		t.Fatalf("migrate to the latest: %v", err)
	}
	c := pursuit.Customer{Name: "new"}
	must(db.CreateCustomer(ctx, &c))
	if c.CustomerID <= deletedCustomer {
		t.Fatalf("new customer got id %d, not above the deleted %d", c.CustomerID, deletedCustomer)
	}
	nc := pursuit.Contact{PlaceID: p.PlaceID, Name: "Uma Fresh", Title: "Clerk"}
	must(db.CreateContact(ctx, &nc))
	if nc.ContactID <= deletedContact {
		t.Fatalf("new contact got id %d, not above the deleted %d", nc.ContactID, deletedContact)
	}
	for q, want := range map[string]int{"fresh": 1, "vale": 1, "newest": 0, "director": 3} {
		var n int
		if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH ?", q).Scan(&n); err != nil || n != want {
			t.Errorf("FTS %q: %d matches, %v; want %d", q, n, err, want)
		}
	}
	seq, err := db.LastSeq(ctx)
	must(err)
	must(db.DeletePlace(ctx, p.PlaceID))
	changes, err := db.Changes(ctx, seq, 100)
	must(err)
	logged := map[string]int{}
	for _, ch := range changes {
		logged[ch.Table]++
	}
	// The place, its two old contacts and the new one, its tech stack row,
	// grant and mapping.
	want := map[string]int{"places": 1, "contacts": 3, "tech_stack": 1, "customer_place_relation": 1, "customer_mapping": 1}
	if diff := cmp.Diff(want, logged); diff != "" {
		t.Fatalf("cascade of a place delete after migration 2, change_log rows (-want +got):\n%s", diff)
	}
	if n, err := db.Count(ctx, pursuit.TableContacts); err != nil || n != 1 {
		t.Fatalf("contacts left after the cascade: %d, %v; want 1", n, err)
	}
}

// dumpSchema returns the SQL of every table, index and trigger by "type
// name".
func dumpSchema(t *testing.T, db *DB) map[string]string {
	t.Helper()
	rows, err := db.r.QueryContext(context.Background(), "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			t.Fatal(err)
		}
		out[typ+" "+name] = sql
	}
	return out
}

// dumpRows returns every row of the data tables, change_log and the FTS
// indexes as text.
func dumpRows(t *testing.T, db *DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range []string{"customers", "places", "contacts", "tech_stack", "customer_place_relation",
		"customer_contact_relation", "customer_mapping", "api_keys", "contact_reveals", "change_log", "contacts_fts", "places_fts"} {
		q := "SELECT * FROM " + table + " ORDER BY 1, 2"
		if strings.HasSuffix(table, "_fts") {
			q = "SELECT rowid, * FROM " + table + " ORDER BY 1"
		}
		rows, err := db.r.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return out
}

// TestSecretOnAnOldSchema checks that a store at schema version 1, which
// has no secrets table, says to migrate rather than fail with SQL.
func TestSecretOnAnOldSchema(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.migrate(ctx, migrations[:1]); err != nil {
		t.Fatal(err)
	}
	_, err = db.Secret(ctx, pursuit.SecretCursor, 32)
	if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != "db" || !strings.Contains(err.Error(), "pursuit migrate") {
		t.Fatalf("Secret on a version-1 store = %v, want invalid db saying to migrate", err)
	}
}

// TestSaveSearchMigration: the migration that rebuilds engagement_events
// for the save_search kind keeps every row and the AUTOINCREMENT
// sequence, so an id freed before it is never given out again.
func TestSaveSearchMigration(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	k := -1
	for i, m := range migrations {
		if strings.HasSuffix(m.name, "_save_search_event.sql") {
			k = i
		}
	}
	if k < 0 {
		t.Fatal("no save_search migration")
	}
	if _, err := db.migrate(ctx, migrations[:k]); err != nil {
		t.Fatal(err)
	}
	c := pursuit.Customer{Name: "A"}
	if err := db.CreateCustomer(ctx, &c); err != nil {
		t.Fatal(err)
	}
	evs := []pursuit.EngagementEvent{
		{CustomerID: c.CustomerID, Kind: pursuit.EventOpenContact, ContactID: 1, SearchID: "s1", Query: "clerk", Position: 2},
		{CustomerID: c.CustomerID, Kind: pursuit.EventReveal, ContactID: 2},
		{CustomerID: c.CustomerID, Kind: pursuit.EventReveal, ContactID: 3},
	}
	if err := db.AddEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, "DELETE FROM engagement_events WHERE event_id = ?", evs[2].EventID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.migrate(ctx, migrations); err != nil {
		t.Fatal(err)
	}
	got, err := db.ListEvents(ctx, c.CustomerID, pursuit.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(evs[:2], got); d != "" {
		t.Fatalf("events after the migration (-want +got):\n%s", d)
	}
	saved := []pursuit.EngagementEvent{{CustomerID: c.CustomerID, UserID: 1, Kind: pursuit.EventSaveSearch, Query: "q=clerk"}}
	if err := db.AddEvents(ctx, saved); err != nil {
		t.Fatal(err)
	}
	if saved[0].EventID <= evs[2].EventID {
		t.Fatalf("new event id %d reuses a deleted id (%d)", saved[0].EventID, evs[2].EventID)
	}
}
