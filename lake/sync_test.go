package lake_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/lake"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

func sync(t *testing.T, s pursuit.Store, dir string) lake.SyncResult {
	t.Helper()
	loc, err := lake.OpenLocation(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := lake.Sync(context.Background(), s, loc, lake.SyncOptions{Options: small})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

// tableRows returns every row of every table, ordered, as text.
func tableRows(t *testing.T, dir string) map[string][][]string {
	d := openLake(t, dir)
	order := map[string]string{
		"customers": "customer_id", "places": "place_id", "contacts": "contact_id", "tech_stack": "tech_stack_id",
		"customer_place_relation": "customer_id, place_id", "customer_contact_relation": "customer_id, contact_id",
		"customer_mapping": "customer_mapping_id",
	}
	out := map[string][][]string{}
	for table, keys := range order {
		out[table] = query(t, d, fmt.Sprintf("SELECT * FROM %s ORDER BY %s", table, keys))
	}
	return out
}

func versions(t *testing.T, dir string) map[string]int64 {
	out := map[string]int64{}
	for _, table := range pursuit.DataTables {
		v, err := (&delta.Table{Storage: &delta.Dir{Root: filepath.Join(dir, table)}}).Latest(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = v
	}
	return out
}

// TestSync changes the store after an export, syncs, and compares the
// synced lake with a fresh export of the changed store, table by table.
func TestSync(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		fill(t, s, 60, 8)
		testSync(t, s)
	})
}

func testSync(t *testing.T, s pursuit.Store) {
	ctx := context.Background()
	dir := t.TempDir()
	export(t, s, dir, lake.ExportOptions{Options: small})

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.GetContact(ctx, 5)
	must(err)
	c.Title = "Chief Information Officer"
	must(s.UpdateContact(ctx, &c))
	must(s.DeleteContact(ctx, 10))
	must(s.CreateContact(ctx, &pursuit.Contact{PlaceID: 3, Name: "New Hire", Email: "new@town3.gov", Title: "GIS Analyst"}))
	p, err := s.GetPlace(ctx, 4)
	must(err)
	p.StateAbbr = "WY" // its 8 contacts move partition
	must(s.UpdatePlace(ctx, &p))
	must(s.DeleteTechStack(ctx, 6))
	must(s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: 2, ContactID: 40, AccessType: pursuit.AccessMasked, GrantedAt: base}))
	m, err := s.GetCustomerMapping(ctx, 1)
	must(err)
	m.LastSyncedTime = base.Add(time.Hour)
	must(s.UpdateCustomerMapping(ctx, &m))

	res := sync(t, s, dir)
	if res.Changes == 0 || res.To <= res.From {
		t.Fatalf("sync result %+v", res)
	}
	fresh := t.TempDir()
	export(t, s, fresh, lake.ExportOptions{Options: small})
	want, got := tableRows(t, fresh), tableRows(t, dir)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("synced lake differs from a fresh export (-fresh +synced):\n%s", diff)
	}

	// The contacts commit has a cdc action per partition touched, and
	// the change rows say what happened.
	d := openLake(t, dir)
	cdcDir := filepath.Join(dir, "contacts", lake.ChangeDataDir)
	got2 := query(t, d, fmt.Sprintf(`SELECT _change_type, count(*), string_agg(DISTINCT contact_id::VARCHAR, ',' ORDER BY contact_id::VARCHAR)
		FROM read_parquet('%s/**/*.parquet') GROUP BY 1 ORDER BY 1`, cdcDir))
	wantCDC := [][]string{
		{"delete", "1", "10"},
		{"insert", "1", "481"},
		{"update_postimage", "9", "25,26,27,28,29,30,31,32,5"},
		{"update_preimage", "9", "25,26,27,28,29,30,31,32,5"},
	}
	if diff := cmp.Diff(wantCDC, got2); diff != "" {
		t.Errorf("contacts change data (-want +got):\n%s", diff)
	}
	res2, err := d.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res2 {
		if len(r.Problems) > 0 {
			t.Errorf("%s: %s", r.Table, strings.Join(r.Problems, "\n"))
		}
	}

	// A second sync has nothing to apply: no commit, same rows.
	before := versions(t, dir)
	sync(t, s, dir)
	if diff := cmp.Diff(before, versions(t, dir)); diff != "" {
		t.Errorf("re-run committed (-before +after):\n%s", diff)
	}

	// More changes after that apply once.
	must(s.DeleteContact(ctx, 11))
	sync(t, s, dir)
	sync(t, s, dir)
	if n := query(t, openLake(t, dir), "SELECT count(*) FROM contacts")[0][0]; n != "479" {
		t.Errorf("contacts after deleting one more = %s, want 479", n)
	}
}

func TestSyncNeedsExport(t *testing.T) {
	s := newStore(t, 12, 1)
	loc, _ := lake.OpenLocation(context.Background(), t.TempDir())
	_, err := lake.Sync(context.Background(), s, loc, lake.SyncOptions{})
	if !errors.Is(err, lake.ErrNotExported) {
		t.Errorf("sync of an empty lake: err = %v, want ErrNotExported", err)
	}
}

// TestSyncOldSchema pins the rule for a lake exported before a column was
// added: sync refuses it with ErrOldSchema naming the column (it would mix
// files of two schemas), and an export writes the table again with the
// column, after which syncs work.
func TestSyncOldSchema(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 12, 2)
	dir := t.TempDir()
	export(t, s, dir, lake.ExportOptions{Options: small})

	// Restate the contacts table's schema as it was before email_status.
	tbl := &delta.Table{Storage: &delta.Dir{Root: filepath.Join(dir, pursuit.TableContacts)}}
	_, err := tbl.Update(ctx, func(snap *delta.Snapshot) ([]delta.Action, error) {
		md := snap.Metadata
		schema, err := md.Schema()
		if err != nil {
			return nil, err
		}
		var old []delta.StructField
		for _, f := range schema.Fields {
			if f.Name != "email_status" {
				old = append(old, f)
			}
		}
		md.SchemaString = delta.NewStruct(old...).String()
		return []delta.Action{{Metadata: &md}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := pursuit.Contact{PlaceID: 1, Name: "New Hire", EmailStatus: pursuit.EmailBounced}
	if err := s.CreateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	loc, err := lake.OpenLocation(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lake.Sync(ctx, s, loc, lake.SyncOptions{Options: small})
	if !errors.Is(err, lake.ErrOldSchema) || !strings.Contains(err.Error(), "contacts: no column email_status") {
		t.Fatalf("sync of a table without email_status: err = %v, want ErrOldSchema naming contacts.email_status", err)
	}

	export(t, s, dir, lake.ExportOptions{Options: small})
	if err := s.UpdateContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	sync(t, s, dir)
	got := query(t, openLake(t, dir), fmt.Sprintf("SELECT email_status FROM contacts WHERE contact_id = %d", c.ContactID))
	if diff := cmp.Diff([][]string{{"bounced"}}, got); diff != "" {
		t.Fatalf("email_status in the lake after export and sync (-want +got):\n%s", diff)
	}
}
