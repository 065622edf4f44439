package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/sqlite"
	"github.com/pursuit-gov/pursuit/storetest"
)

var ctx = context.Background()

// open returns a migrated store on a new file in the test's directory.
func open(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sub", "pursuit.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if len(applied) != sqlite.SchemaVersion() {
		t.Fatalf("Migrate on a new file applied %v, want 1..%d", applied, sqlite.SchemaVersion())
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Exercise(t, func(t *testing.T) pursuit.Store { return open(t) })
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pursuit.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	newer := sqlite.SchemaVersion() + 1
	if _, err := db.SQL().ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", newer); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if got := pursuit.ErrorCode(err); got != pursuit.ESCHEMA {
		t.Fatalf("Migrate of a newer database = %v (code %q), want %q", err, got, pursuit.ESCHEMA)
	}
	if len(applied) != 0 {
		t.Fatalf("Migrate of a newer database applied %v", applied)
	}
	if v, err := db.Version(ctx); err != nil || v != newer {
		t.Fatalf("Version = %d, %v; want %d", v, err, newer)
	}
}

func TestMigrateRecordsVersions(t *testing.T) {
	db := open(t)
	rows, err := db.SQL().QueryContext(ctx, "SELECT version, applied_at > 0 FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []int
	for rows.Next() {
		var v int
		var stamped bool
		if err := rows.Scan(&v, &stamped); err != nil {
			t.Fatal(err)
		}
		if !stamped {
			t.Errorf("migration %d has no applied_at", v)
		}
		got = append(got, v)
	}
	var want []int
	for v := 1; v <= sqlite.SchemaVersion(); v++ {
		want = append(want, v)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("schema_migrations (-want +got):\n%s", d)
	}
	if v, err := db.Version(ctx); err != nil || v != sqlite.SchemaVersion() {
		t.Fatalf("Version = %d, %v; want %d", v, err, sqlite.SchemaVersion())
	}

	// A second process opening the same file finds nothing to do.
	again, err := sqlite.Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if applied, err := again.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("Migrate from a second handle = %v, %v; want nothing applied", applied, err)
	}
}

func TestCanceled(t *testing.T) {
	db := open(t)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	c := pursuit.Customer{Name: "acme"}
	if err := db.CreateCustomer(cctx, &c); pursuit.ErrorCode(err) != pursuit.ECANCELED {
		t.Fatalf("CreateCustomer with a canceled context = %v, want %s", err, pursuit.ECANCELED)
	}
	err := db.Bulk(cctx, func(w pursuit.BulkWriter) error {
		return w.UpsertCustomers(cctx, []pursuit.Customer{{CustomerID: 1, Name: "acme"}})
	})
	if pursuit.ErrorCode(err) != pursuit.ECANCELED {
		t.Fatalf("Bulk with a canceled context = %v, want %s", err, pursuit.ECANCELED)
	}
	if n, err := db.Count(ctx, pursuit.TableCustomers); err != nil || n != 0 {
		t.Fatalf("customers = %d, %v", n, err)
	}
}

func TestPragmas(t *testing.T) {
	db := open(t)
	for _, tt := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"},
		{"page_size", "16384"},
	} {
		var got string
		if err := db.SQL().QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
		}
	}
	if db.Kind() != "sqlite" {
		t.Errorf("Kind() = %q", db.Kind())
	}
}

// TestOpenKeepsPageSize opens a store made with SQLite's default 4 KiB
// pages: Open's page_size pragma only shapes new files, and the old one
// stays readable and writable with its own page size.
func TestOpenKeepsPageSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, "CREATE TABLE probe (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	var size int
	if err := db.SQL().QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size != 4096 {
		t.Errorf("page_size of a 4 KiB store after Open = %d, want it kept at 4096", size)
	}
	if err := db.CreateCustomer(ctx, &pursuit.Customer{Name: "Old Pages Inc"}); err != nil {
		t.Fatalf("write to a 4 KiB store: %v", err)
	}
}

// ftsContacts returns the contact ids an FTS5 query matches, in id order.
func ftsContacts(t *testing.T, db *sql.DB, q string) []int64 {
	t.Helper()
	rows, err := db.QueryContext(ctx, "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid", q)
	if err != nil {
		t.Fatalf("MATCH %q: %v", q, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestFTS(t *testing.T) {
	db := open(t)
	p := pursuit.Place{Name: "Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL"}
	if err := db.CreatePlace(ctx, &p); err != nil {
		t.Fatal(err)
	}
	mk := func(name, title, dept, email string) pursuit.Contact {
		c := pursuit.Contact{PlaceID: p.PlaceID, Name: name, Title: title, Department: dept, Email: email}
		if err := db.CreateContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	jane := mk("Jane Doe", "IT Director", "Information Technology", "jane.doe@springfield.il.us")
	john := mk("John Roe", "Finance Director", "Finance", "jroe@springfield.il.us")
	rene := mk("René Müller", "Clerk", "Administration", "")

	check := func(q string, want ...int64) {
		t.Helper()
		if d := cmp.Diff(want, ftsContacts(t, db.SQL(), q)); d != "" {
			t.Errorf("MATCH %q (-want +got):\n%s", q, d)
		}
	}
	check("director", jane.ContactID, john.ContactID)
	check("finance", john.ContactID)
	check("information technology", jane.ContactID) // every word required
	check("jane doe", jane.ContactID)
	check("rene muller", rene.ContactID) // diacritics folded
	check("dir*", jane.ContactID, john.ContactID)
	// The email is not in the index (migration 10): the store's text
	// search matches name, title and department only.
	check("springfield")
	check("jroe")

	// An update of a column the index does not hold leaves it alone (the
	// trigger fires when name, title or department changes; the store's
	// update sets every column) and of one it holds re-indexes the row:
	// FTS5 writes each re-indexing as a new segment in contacts_fts_data.
	segments := func() int {
		t.Helper()
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM contacts_fts_data").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := segments()
	jane.Email, jane.Phone = "jdoe@springfield.il.us", "555-0100"
	if err := db.UpdateContact(ctx, &jane); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n != before {
		t.Errorf("an email and phone update wrote to contacts_fts: %d rows of contacts_fts_data, %d before", n, before)
	}
	check("jane", jane.ContactID)
	jane.Name = "Jane Smith"
	if err := db.UpdateContact(ctx, &jane); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n == before {
		t.Errorf("a name update left contacts_fts_data as it was (%d rows)", n)
	}
	check("doe")
	check("smith", jane.ContactID)

	// The triggers keep the index in sync with updates and deletes.
	john.Title = "Treasurer"
	if err := db.UpdateContact(ctx, &john); err != nil {
		t.Fatal(err)
	}
	check("director", jane.ContactID)
	check("treasurer", john.ContactID)
	if err := db.DeletePlace(ctx, p.PlaceID); err != nil {
		t.Fatal(err)
	}
	check("director")
	check("treasurer")
	if _, err := db.SQL().ExecContext(ctx, "INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Errorf("contacts_fts integrity-check: %v", err)
	}
}

func TestFTSAfterBulk(t *testing.T) {
	db := open(t)
	err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		ps := []pursuit.Place{
			{PlaceID: 1, Name: "Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL"},
			{PlaceID: 2, Name: "Shelbyville", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL"},
		}
		if err := w.UpsertPlaces(ctx, ps); err != nil {
			return err
		}
		return w.UpsertContacts(ctx, []pursuit.Contact{
			{ContactID: 1, PlaceID: 1, Name: "Jane Doe", Title: "IT Director"},
			{ContactID: 2, PlaceID: 2, Name: "John Roe", Title: "Fire Chief"},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int64{2}, ftsContacts(t, db.SQL(), "chief")); d != "" {
		t.Errorf("after the fast load (-want +got):\n%s", d)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM places_fts WHERE places_fts MATCH 'shelbyville'").Scan(&n); err != nil || n != 1 {
		t.Errorf("places_fts match = %d, %v; want 1", n, err)
	}
	// The triggers are back: a later single-row write reaches the index.
	c := pursuit.Contact{PlaceID: 1, Name: "Ann Chief", Title: "Clerk"}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int64{2, c.ContactID}, ftsContacts(t, db.SQL(), "chief")); d != "" {
		t.Errorf("after a later insert (-want +got):\n%s", d)
	}
	// And an FTS5 integrity check passes.
	if _, err := db.SQL().ExecContext(ctx, "INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Errorf("contacts_fts integrity-check: %v", err)
	}
}

// TestBulkRestoresSchema checks that the fast path leaves the indexes and
// triggers exactly as the migration created them, and that a failed fast
// load leaves them too.
func TestBulkRestoresSchema(t *testing.T) {
	db := open(t)
	schema := func() map[string]string {
		rows, err := db.SQL().QueryContext(ctx, "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type IN ('index', 'trigger')")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string]string{}
		for rows.Next() {
			var name, s string
			if err := rows.Scan(&name, &s); err != nil {
				t.Fatal(err)
			}
			m[name] = s
		}
		return m
	}
	want := schema()
	load := func(w pursuit.BulkWriter) error {
		return w.UpsertPlaces(ctx, []pursuit.Place{{PlaceID: 1, Name: "A", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "NY"}})
	}
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { load(w); return context.Canceled }); err == nil {
		t.Fatal("Bulk with a failing fn succeeded")
	}
	if d := cmp.Diff(want, schema()); d != "" {
		t.Fatalf("schema after a failed Bulk (-want +got):\n%s", d)
	}
	if err := db.Bulk(ctx, load); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, schema()); d != "" {
		t.Fatalf("schema after Bulk (-want +got):\n%s", d)
	}
}

func TestOpenRejectsBadPath(t *testing.T) {
	for _, path := range []string{"", "a?b.db"} {
		if _, err := sqlite.Open(ctx, path); pursuit.ErrorCode(err) != pursuit.EINVALID {
			t.Errorf("Open(%q) = %v, want EINVALID", path, err)
		}
	}
}

func TestClock(t *testing.T) {
	db := open(t)
	at := time.Date(2030, 1, 2, 3, 4, 5, 678912345, time.FixedZone("X", 3600))
	db.Now = func() time.Time { return at }
	c := pursuit.Customer{Name: "acme"}
	if err := db.CreateCustomer(ctx, &c); err != nil {
		t.Fatal(err)
	}
	want := at.UTC().Truncate(time.Microsecond)
	if !c.CreatedAt.Equal(want) || c.CreatedAt.Location() != time.UTC {
		t.Fatalf("created_at = %v, want %v in UTC", c.CreatedAt, want)
	}
	got, err := db.GetCustomer(ctx, c.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(c, got); d != "" {
		t.Fatalf("GetCustomer (-want +got):\n%s", d)
	}
	db.Now = func() time.Time { return at.Add(time.Hour) }
	c.Name = "Acme"
	if err := db.UpdateCustomer(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if !c.CreatedAt.Equal(want) || !c.UpdatedAt.Equal(want.Add(time.Hour)) {
		t.Fatalf("after update: created_at %v, updated_at %v", c.CreatedAt, c.UpdatedAt)
	}
}

// TestBulkTriggerPathKeepsFTS replaces rows of a non-empty table in Bulk:
// the triggers stay, and the FTS index follows the new values.
func TestBulkTriggerPathKeepsFTS(t *testing.T) {
	db := open(t)
	place := pursuit.Place{PlaceID: 1, Name: "Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL"}
	first := []pursuit.Contact{
		{ContactID: 1, PlaceID: 1, Name: "Jane Doe", Title: "IT Director"},
		{ContactID: 2, PlaceID: 1, Name: "John Roe", Title: "Fire Chief"},
	}
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertPlaces(ctx, []pursuit.Place{place}); err != nil {
			return err
		}
		return w.UpsertContacts(ctx, first)
	}); err != nil {
		t.Fatal(err)
	}
	second := []pursuit.Contact{
		{ContactID: 2, PlaceID: 1, Name: "John Roe", Title: "Treasurer"},
		{ContactID: 3, PlaceID: 1, Name: "Ann Poe", Title: "Fire Chief"},
	}
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertContacts(ctx, second) }); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int64{3}, ftsContacts(t, db.SQL(), "chief")); d != "" {
		t.Errorf("chief (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int64{2}, ftsContacts(t, db.SQL(), "treasurer")); d != "" {
		t.Errorf("treasurer (-want +got):\n%s", d)
	}
	if _, err := db.SQL().ExecContext(ctx, "INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Errorf("contacts_fts integrity-check: %v", err)
	}
}

func TestBulkConflict(t *testing.T) {
	db := open(t)
	err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertCustomers(ctx, []pursuit.Customer{{CustomerID: 1, Name: "acme"}}); err != nil {
			return err
		}
		if err := w.UpsertPlaces(ctx, []pursuit.Place{{PlaceID: 1, Name: "A", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "NY"}}); err != nil {
			return err
		}
		return w.UpsertCustomerMappings(ctx, []pursuit.CustomerMapping{
			{CustomerMappingID: 1, CustomerID: 1, ExternalCRMID: "x", PlaceID: 1},
			{CustomerMappingID: 2, CustomerID: 1, ExternalCRMID: "x", PlaceID: 1},
		})
	})
	if got := pursuit.ErrorCode(err); got != pursuit.ECONFLICT {
		t.Fatalf("Bulk with a repeated (customer_id, external_crm_id) = %v (code %q), want %q", err, got, pursuit.ECONFLICT)
	}
	if n, err := db.Count(ctx, pursuit.TableCustomers); err != nil || n != 0 {
		t.Fatalf("customers = %d, %v after the failed Bulk", n, err)
	}
}

// TestBusy holds the write lock from a second handle (as another process
// would) and checks that a write that cannot get it is EUNAVAILABLE, not
// an internal error, once the busy timeout passes.
func TestBusy(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 10s busy timeout")
	}
	db := open(t)
	other, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	c := pursuit.Customer{Name: "acme"}
	if err := db.CreateCustomer(ctx, &c); pursuit.ErrorCode(err) != pursuit.EUNAVAILABLE {
		t.Fatalf("CreateCustomer while another handle writes = %v (code %q), want %q", err, pursuit.ErrorCode(err), pursuit.EUNAVAILABLE)
	}
}

// TestOpenExistingNeverCreates opens paths that do not exist: each is
// ENOTFOUND on field db, and neither the file, its WAL companions nor a
// missing parent directory appear.
func TestOpenExistingNeverCreates(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, path string }{
		{"missing file", filepath.Join(dir, "nope.db")},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "x.db")},
		{"percent in name", filepath.Join(dir, "a%20b.db")},
		{"colon in name", filepath.Join(dir, "a:b.db")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sqlite.OpenExisting(ctx, tc.path)
			if pursuit.ErrorCode(err) != pursuit.ENOTFOUND || pursuit.ErrorField(err) != "db" {
				t.Fatalf("OpenExisting(%q) = %v, want ENOTFOUND on db", tc.path, err)
			}
			for _, p := range []string{tc.path, tc.path + "-wal", tc.path + "-shm", filepath.Dir(tc.path)} {
				if p == dir {
					continue
				}
				if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("OpenExisting(%q) left %s behind (stat: %v)", tc.path, p, err)
				}
			}
		})
	}
	if _, err := sqlite.OpenExisting(ctx, dir); pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Errorf("OpenExisting(a directory) = %v, want EINVALID", err)
	}
}

// TestOpenPathCharacters creates databases whose names hold characters a
// SQLite URI treats specially (%, %XX, spaces, a colon, a leading ./) and
// checks that the file lands exactly at the path given and that
// OpenExisting finds it again with its rows.
func TestOpenPathCharacters(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, path := range []string{"./plain.db", "with space.db", "pct%41.db", "100%.db", "a:b.db", "dir//nested/ü.db"} {
		t.Run(path, func(t *testing.T) {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatalf("Open(%q): %v", path, err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			c := pursuit.Customer{Name: "Acme"}
			if err := db.CreateCustomer(ctx, &c); err != nil {
				t.Fatal(err)
			}
			db.Close()
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("Open(%q) did not create that file: %v", path, err)
			}
			db, err = sqlite.OpenExisting(ctx, path)
			if err != nil {
				t.Fatalf("OpenExisting(%q): %v", path, err)
			}
			defer db.Close()
			if got, err := db.GetCustomer(ctx, c.CustomerID); err != nil || got.Name != "Acme" {
				t.Errorf("GetCustomer after reopening %q = %+v, %v", path, got, err)
			}
		})
	}
}

// TestOpenExistingLeavesForeignFilesAlone opens files that are not
// Pursuit databases: an empty file and another application's database in
// rollback-journal mode. Each is ErrNoSchema, and neither is written (no
// WAL conversion, no companion files).
func TestOpenExistingLeavesForeignFilesAlone(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "other-app.db")
	other, err := sql.Open("sqlite", "file:"+foreign+"?mode=rwc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("PRAGMA journal_mode=DELETE; CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('x')"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	for _, path := range []string{empty, foreign} {
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = sqlite.OpenExisting(ctx, path)
		if !errors.Is(err, sqlite.ErrNoSchema) || pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			t.Errorf("OpenExisting(%s) = %v, want ENOTFOUND wrapping ErrNoSchema", filepath.Base(path), err)
		}
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("OpenExisting(%s) changed the file (%d bytes -> %d)", filepath.Base(path), len(before), len(after))
		}
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if _, err := os.Stat(path + suffix); err == nil {
				t.Errorf("OpenExisting(%s) left %s behind", filepath.Base(path), suffix)
			}
		}
	}
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database, just text that is long enough to have a header of sorts"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.OpenExisting(ctx, notDB); pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Errorf("OpenExisting(a text file) = %v, want EINVALID", err)
	}
}

// TestTextSearchSplitWords: a word that FTS5's tokenizer splits in two
// (a rune Go calls a letter, unicode61 a separator) is searched as its
// pieces, not refused: contacts_fts (detail=none) cannot answer the phrase
// FTS5 would make of it. A word of separators only matches nothing.
func TestTextSearchSplitWords(t *testing.T) {
	db := open(t)
	p := pursuit.Place{Name: "Xishuangbanna", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "CA"}
	if err := db.CreatePlace(ctx, &p); err != nil {
		t.Fatal(err)
	}
	c := pursuit.Contact{PlaceID: p.PlaceID, Name: "Jane ᦂᦸᧃ", Title: "Clerk"}
	if err := db.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	cu := pursuit.Customer{Name: "acme"}
	if err := db.CreateCustomer(ctx, &cu); err != nil {
		t.Fatal(err)
	}
	if err := db.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull}); err != nil {
		t.Fatal(err)
	}
	for words, want := range map[string]int64{"ᦂᦸᧃ": 1, "jane ᦂᦸᧃ": 1, "ᦸ": 0, "clerk ᦸ": 0} {
		q := pursuit.TextQuery{Words: strings.Fields(words), Limit: 10}
		res, err := db.SearchContactsText(ctx, cu.CustomerID, q)
		if err != nil || res.Total != want || int64(len(res.Contacts)) != want {
			t.Errorf("SearchContactsText %q: %d (%d contacts), %v; want %d", words, res.Total, len(res.Contacts), err, want)
		}
	}
	res, err := db.SearchPlacesText(ctx, cu.CustomerID, pursuit.TextQuery{Words: []string{"ᦸ"}, Limit: 10})
	if err != nil || res.Total != 0 {
		t.Errorf("SearchPlacesText of a separator: %d, %v; want 0, nil", res.Total, err)
	}
}
