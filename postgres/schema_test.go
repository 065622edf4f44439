package postgres_test

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/postgres"
)

func place(id int64, name, state string) pursuit.Place {
	return pursuit.Place{PlaceID: id, Name: name, PlaceType: pursuit.PlaceTypeCounty, StateAbbr: state}
}

func contact(id, placeID int64, name string) pursuit.Contact {
	return pursuit.Contact{ContactID: id, PlaceID: placeID, Name: name, Title: "IT Director", Department: "IT", Email: "x@example.gov"}
}

// explain returns the EXPLAIN text of a query run on one connection after
// the setup statements.
func explain(t *testing.T, db *postgres.DB, setup []string, query string, args ...any) string {
	t.Helper()
	conn, err := db.Pool().Acquire(ctx)
	must(t, err, "acquire")
	defer conn.Release()
	for _, s := range setup {
		_, err := conn.Exec(ctx, s)
		must(t, err, s)
	}
	defer conn.Exec(ctx, "DEALLOCATE ALL")
	defer conn.Exec(ctx, "RESET plan_cache_mode")
	rows, err := conn.Query(ctx, "EXPLAIN "+query, args...)
	must(t, err, "EXPLAIN "+query)
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		must(t, rows.Scan(&line), "scan plan")
		b.WriteString(line + "\n")
	}
	must(t, rows.Err(), "plan rows")
	return b.String()
}

var partitionRE = regexp.MustCompile(`on (places_[a-z]+|contacts_p[0-9]+)`)

// partitions returns the distinct partitions a plan scans.
func partitions(plan string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range partitionRE.FindAllStringSubmatch(plan, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// TestPartitionPruning checks that the plans of the seed's two
// partition-aligned queries touch one partition: state_abbr = 'NY' on
// places (plan-time pruning of a constant), and place_id = $1 on contacts
// both as a custom plan and as a generic plan, where pruning happens at
// executor start-up and EXPLAIN reports "Subplans Removed: 15".
func TestPartitionPruning(t *testing.T) {
	db := openDB(t)
	for i, s := range []string{"NY", "CA", "TX"} {
		p := place(int64(i+1), "P "+s, s)
		must(t, db.CreatePlace(ctx, &p), "CreatePlace")
		c := contact(0, p.PlaceID, "C "+s)
		must(t, db.CreateContact(ctx, &c), "CreateContact")
	}

	plan := explain(t, db, nil, `SELECT * FROM places WHERE state_abbr = 'NY'`)
	if diff := cmp.Diff([]string{"places_ny"}, partitions(plan)); diff != "" {
		t.Errorf("places WHERE state_abbr = 'NY' scans (-want +got):\n%s\n%s", diff, plan)
	}
	all := explain(t, db, nil, `SELECT * FROM places WHERE population > 0`)
	if n := len(partitions(all)); n != 57 {
		t.Errorf("places without a state condition scans %d partitions, want all 57 (50 states, DC, 5 territories, default):\n%s", n, all)
	}

	custom := explain(t, db, nil, `SELECT * FROM contacts WHERE place_id = $1`, int64(2))
	if got := partitions(custom); len(got) != 1 {
		t.Errorf("contacts WHERE place_id = $1 (custom plan) scans %v, want one partition:\n%s", got, custom)
	}

	generic := explain(t, db, []string{
		`SET plan_cache_mode = force_generic_plan`,
		`PREPARE by_place(bigint) AS SELECT * FROM contacts WHERE place_id = $1`,
	}, `EXECUTE by_place(2)`)
	if !strings.Contains(generic, "Subplans Removed: 15") {
		t.Errorf("generic plan of contacts WHERE place_id = $1 does not prune 15 of 16 partitions:\n%s", generic)
	}
	if got := partitions(generic); len(got) != 1 {
		t.Errorf("generic plan of contacts WHERE place_id = $1 scans %v, want one partition:\n%s", got, generic)
	}
	if !strings.Contains(custom, generic[strings.Index(generic, "contacts_p"):][:len("contacts_pNN")]) {
		t.Errorf("custom and generic plans prune to different partitions:\n%s\n%s", custom, generic)
	}
}

// TestGlobalIDUniqueness checks that place_id and contact_id stay unique
// across partitions, which the composite primary keys alone do not
// guarantee, through the store and through raw SQL.
func TestGlobalIDUniqueness(t *testing.T) {
	db := openDB(t)
	ny := place(7, "Albany County", "NY")
	must(t, db.CreatePlace(ctx, &ny), "CreatePlace NY")
	tx := place(7, "Travis County", "TX")
	wantCode(t, db.CreatePlace(ctx, &tx), pursuit.ECONFLICT, "place_id")
	same := place(7, "Albany again", "NY")
	wantCode(t, db.CreatePlace(ctx, &same), pursuit.ECONFLICT, "place_id")

	_, err := db.Pool().Exec(ctx, `INSERT INTO places (place_id, name, place_type, state_abbr, created_at, updated_at)
		VALUES (7, 'raw', 'county', 'CA', now(), now())`)
	var pg *pgconn.PgError
	if !asPg(err, &pg) || pg.Code != "23505" {
		t.Fatalf("raw insert of place_id 7 in CA = %v, want SQLSTATE 23505", err)
	}
	_, err = db.Pool().Exec(ctx, `INSERT INTO places (place_id, name, place_type, state_abbr, created_at, updated_at)
		VALUES (8, 'a', 'county', 'CA', now(), now()), (8, 'b', 'county', 'OR', now(), now())`)
	if !asPg(err, &pg) || pg.Code != "23505" {
		t.Fatalf("raw insert of place_id 8 twice in one statement = %v, want SQLSTATE 23505", err)
	}

	// Two places whose contacts fall in different hash partitions.
	a, b := hashPair(t, db)
	pa, pb := place(a, "A", "IL"), place(b, "B", "IL")
	must(t, db.CreatePlace(ctx, &pa), "CreatePlace a")
	must(t, db.CreatePlace(ctx, &pb), "CreatePlace b")
	c := contact(100, a, "Jane Doe")
	must(t, db.CreateContact(ctx, &c), "CreateContact")
	dup := contact(100, b, "John Roe")
	wantCode(t, db.CreateContact(ctx, &dup), pursuit.ECONFLICT, "contact_id")
	_, err = db.Pool().Exec(ctx, `INSERT INTO contacts (contact_id, place_id, state_abbr, name, created_at, updated_at)
		VALUES (100, $1, 'IL', 'raw', now(), now())`, b)
	if !asPg(err, &pg) || pg.Code != "23505" {
		t.Fatalf("raw insert of contact_id 100 at another place = %v, want SQLSTATE 23505", err)
	}
	for table, want := range map[string]int64{pursuit.TablePlaces: 3, pursuit.TableContacts: 1} {
		n, err := db.Count(ctx, table)
		must(t, err, "Count")
		if n != want {
			t.Errorf("Count(%s) = %d, want %d", table, n, want)
		}
	}
}

func asPg(err error, pg **pgconn.PgError) bool {
	return err != nil && errorsAs(err, pg)
}

// hashPair returns two place ids whose contacts go to different
// partitions.
func hashPair(t *testing.T, db *postgres.DB) (int64, int64) {
	t.Helper()
	part := func(id int64) int {
		var r int
		err := db.Pool().QueryRow(ctx, `SELECT r FROM generate_series(0, 15) r
			WHERE satisfies_hash_partition('contacts'::regclass, 16, r, $1::bigint)`, id).Scan(&r)
		must(t, err, "hash partition")
		return r
	}
	a := int64(1001)
	for b := a + 1; b < a+100; b++ {
		if part(a) != part(b) {
			return a, b
		}
	}
	t.Fatal("no two place ids in different partitions")
	return 0, 0
}

// TestMigrate checks the migration bookkeeping: the version, concurrent
// Migrate calls on a fresh database applying each migration once, and a
// database newer than the binary being refused.
func TestMigrate(t *testing.T) {
	if v := postgres.SchemaVersion(); v < 1 {
		t.Fatalf("SchemaVersion() = %d", v)
	}
	dsn := testdb.PostgresDSN(t)
	var mu sync.Mutex
	var applied []int
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Error(err)
				return
			}
			defer db.Close()
			vs, err := db.Migrate(ctx)
			if err != nil {
				t.Errorf("concurrent Migrate: %v", err)
			}
			mu.Lock()
			applied = append(applied, vs...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	var want []int
	for v := 1; v <= postgres.SchemaVersion(); v++ {
		want = append(want, v)
	}
	sort.Ints(applied)
	if diff := cmp.Diff(want, applied); diff != "" {
		t.Fatalf("migrations applied by three concurrent Migrate calls (-want +got):\n%s", diff)
	}

	db, err := postgres.Open(ctx, dsn)
	must(t, err, "Open")
	defer db.Close()
	vs, err := db.Migrate(ctx)
	must(t, err, "Migrate again")
	if len(vs) != 0 {
		t.Fatalf("Migrate on a current schema applied %v", vs)
	}
	_, err = db.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')`, postgres.SchemaVersion()+1)
	must(t, err, "fake a newer schema")
	_, err = db.Migrate(ctx)
	wantCode(t, err, pursuit.ESCHEMA, "")
}

// TestIndexes checks the seed's indexes exist under their names.
func TestIndexes(t *testing.T) {
	db := openDB(t)
	rows, err := db.Pool().Query(ctx, `SELECT c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('i', 'I')`)
	must(t, err, "list indexes")
	have := map[string]bool{}
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name), "scan")
		have[name] = true
	}
	must(t, rows.Err(), "rows")
	for _, name := range []string{
		"idx_place_id", "idx_contact_name", "idx_customer_mapping",
		"contacts_title_department_idx", "places_state_abbr_population_idx",
		"contacts_account_owner_idx", "places_account_owner_idx", "customer_mapping_account_owner_idx",
		"contacts_search_tsv_idx", "places_name_tsv_idx", "tech_stack_place_id_idx",
		"customer_place_relation_place_id_idx", "customer_contact_relation_contact_id_idx",
		"contacts_pkey", "places_pkey",
	} {
		if !have[name] {
			t.Errorf("index %s is missing", name)
		}
	}

	// The full-text columns answer queries.
	p := place(1, "Springfield Township", "OH")
	must(t, db.CreatePlace(ctx, &p), "CreatePlace")
	c := contact(0, 1, "Jane Doe")
	c.Title, c.Department = "Chief Information Officer", "Technology Services"
	must(t, db.CreateContact(ctx, &c), "CreateContact")
	var n int
	err = db.Pool().QueryRow(ctx, `SELECT count(*) FROM contacts
		WHERE pursuit_contact_words(name, title, department) @@ to_tsquery('simple', 'information & finance')`).Scan(&n)
	must(t, err, "contacts full-text query")
	if n != 0 {
		t.Errorf("'information & finance' matched %d contacts, want 0", n)
	}
	err = db.Pool().QueryRow(ctx, `SELECT count(*) FROM contacts
		WHERE pursuit_contact_words(name, title, department) @@ to_tsquery('simple', 'information & services & jane')`).Scan(&n)
	must(t, err, "contacts full-text query")
	if n != 1 {
		t.Errorf("'information & services & jane' matched %d contacts, want 1", n)
	}
	err = db.Pool().QueryRow(ctx, `SELECT count(*) FROM places WHERE pursuit_place_tsv(name) @@ to_tsquery('simple', 'springfield')`).Scan(&n)
	must(t, err, "places full-text query")
	if n != 1 {
		t.Errorf("'springfield' matched %d places, want 1", n)
	}
}

// TestVersion reads the schema version of an empty database (0: never
// migrated, nothing created by reading it) and of a migrated one.
func TestVersion(t *testing.T) {
	db, err := postgres.Open(ctx, testdb.PostgresDSN(t))
	must(t, err, "Open")
	defer db.Close()
	for i := 0; i < 2; i++ {
		v, err := db.Version(ctx)
		must(t, err, "Version of an empty database")
		if v != 0 {
			t.Fatalf("Version of an empty database = %d, want 0", v)
		}
	}
	var tables int
	must(t, db.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables), "count tables")
	if tables != 0 {
		t.Fatalf("reading the version created %d tables", tables)
	}
	_, err = db.Migrate(ctx)
	must(t, err, "Migrate")
	if v, err := db.Version(ctx); err != nil || v != postgres.SchemaVersion() {
		t.Fatalf("Version after Migrate = %d, %v, want %d", v, err, postgres.SchemaVersion())
	}
}
