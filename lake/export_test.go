package lake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/analytics"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/lake"
	"github.com/pursuit-gov/pursuit/lake/delta"
)

// small layout options so that the small dataset spans many files and
// row groups.
var small = lake.Options{RowGroupRows: 16, FileRows: 64}

func export(t *testing.T, s pursuit.Store, dir string, opt lake.ExportOptions) {
	t.Helper()
	loc, err := lake.OpenLocation(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lake.Export(context.Background(), s, loc, opt); err != nil {
		t.Fatalf("export: %v", err)
	}
}

func openLake(t *testing.T, dir string) *analytics.DB {
	t.Helper()
	d, err := analytics.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func query(t *testing.T, d *analytics.DB, q string) [][]string {
	t.Helper()
	r, err := d.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := [][]string{}
	for _, row := range r.Rows {
		var cells []string
		for _, v := range row {
			cells = append(cells, analytics.Text(v))
		}
		out = append(out, cells)
	}
	return out
}

func ts(v interface{ IsZero() bool }) string {
	if v.IsZero() {
		return ""
	}
	return analytics.Text(v)
}

// TestExportMatchesStore exports a store and reads every table back with
// DuckDB through the log: row counts equal the store's, and the rows of
// places and contacts equal the store's rows field by field (masked).
func TestExportMatchesStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		fill(t, s, 80, 12)
		testExportMatchesStore(t, s)
	})
}

func testExportMatchesStore(t *testing.T, s pursuit.Store) {
	ctx := context.Background()
	dir := t.TempDir()
	export(t, s, dir, lake.ExportOptions{Options: small})
	d := openLake(t, dir)

	for _, table := range pursuit.DataTables {
		n, err := s.Count(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		got := query(t, d, fmt.Sprintf("SELECT count(*) FROM %s", table))
		if got[0][0] != fmt.Sprint(n) {
			t.Errorf("%s: lake has %s rows, store %d", table, got[0][0], n)
		}
	}

	state := map[int64]string{}
	var wantPlaces [][]string
	s.ScanPlaces(ctx, func(p pursuit.Place) error {
		state[p.PlaceID] = p.StateAbbr
		wantPlaces = append(wantPlaces, []string{fmt.Sprint(p.PlaceID), p.Name, p.StateAbbr, fmt.Sprint(p.Population), p.GEOID, ts(p.UpdatedAt)})
		return nil
	})
	if diff := cmp.Diff(wantPlaces, query(t, d, "SELECT place_id, name, state_abbr, population, geoid, updated_at FROM places ORDER BY place_id")); diff != "" {
		t.Errorf("places (-store +lake):\n%s", diff)
	}
	var wantContacts [][]string
	s.ScanContacts(ctx, func(c pursuit.Contact) error {
		wantContacts = append(wantContacts, []string{fmt.Sprint(c.ContactID), fmt.Sprint(c.PlaceID), state[c.PlaceID], c.Name,
			pursuit.MaskEmail(c.Email), pursuit.MaskPhone(c.Phone), c.Title, ts(c.VerifiedAt), ts(c.CreatedAt)})
		return nil
	})
	if diff := cmp.Diff(wantContacts, query(t, d, "SELECT contact_id, place_id, state_abbr, name, email, phone, title, verified_at, created_at FROM contacts ORDER BY contact_id")); diff != "" {
		t.Errorf("contacts (-store +lake):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"1", "1", "SF-1", "1", "", "2025-06-01T12:00:00.123456Z"}, {"2", "1", "SF-2", "", "3", ""}, {"3", "2", "HS-9", "9", "", "2025-06-01T12:00:00.123456Z"}},
		query(t, d, "SELECT customer_mapping_id, customer_id, external_crm_id, place_id, contact_id, last_synced_time FROM customer_mapping ORDER BY 1")); diff != "" {
		t.Errorf("customer_mapping (-want +lake):\n%s", diff)
	}

	// Checksums over every column: the store's (as the export would
	// write it) equal DuckDB's over the active files.
	want, err := lake.StoreChecksums(ctx, s, lake.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range pursuit.DataTables {
		got, err := d.Checksum(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		if got != want[table] || got.Rows == 0 {
			t.Errorf("%s checksum: lake %v, store %v", table, got, want[table])
		}
	}

	// The log's stats agree with DuckDB's reading of every file.
	res, err := d.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if len(r.Problems) > 0 {
			t.Errorf("%s: %s", r.Table, strings.Join(r.Problems, "\n"))
		}
	}
}

// TestExportLog checks the commits themselves: version 0 holds protocol,
// metadata with Change Data Feed, adds with stats and partition values,
// and the txn of the store's last seq; a re-export replaces every file.
func TestExportLog(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 40, 5)
	dir := t.TempDir()
	export(t, s, dir, lake.ExportOptions{Options: small})
	seq, _ := s.LastSeq(ctx)

	tbl := &delta.Table{Storage: &delta.Dir{Root: filepath.Join(dir, "contacts")}}
	acts, err := tbl.ReadCommit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var proto *delta.Protocol
	var md *delta.Metadata
	var adds []delta.Add
	var txn *delta.Txn
	for _, a := range acts {
		switch {
		case a.Protocol != nil:
			proto = a.Protocol
		case a.Metadata != nil:
			md = a.Metadata
		case a.Add != nil:
			adds = append(adds, *a.Add)
		case a.Txn != nil:
			txn = a.Txn
		}
	}
	if proto == nil || proto.MinReaderVersion != 1 || proto.MinWriterVersion != 4 {
		t.Errorf("protocol = %+v, want reader 1 writer 4", proto)
	}
	if md == nil || !md.ChangeDataFeed() || !cmp.Equal(md.PartitionColumns, []string{"state_abbr"}) {
		t.Fatalf("metadata = %+v", md)
	}
	schema, _ := md.Schema()
	if got := schema.Fields[len(schema.Fields)-1]; got.Name != "email_status" || got.TypeName() != "string" {
		t.Errorf("last field = %s %s", got.Name, got.TypeName())
	}
	if txn == nil || txn.AppID != lake.AppID || txn.Version != seq {
		t.Errorf("txn = %+v, want version %d", txn, seq)
	}
	rows := int64(0)
	for _, a := range adds {
		st, ok, err := a.ParsedStats()
		if err != nil || !ok {
			t.Fatalf("stats of %s: %v", a.Path, err)
		}
		rows += st.NumRecords
		pv := a.PartitionValues["state_abbr"]
		if pv == nil || !strings.HasPrefix(a.Path, "state_abbr="+*pv+"/") || !strings.HasSuffix(a.Path, ".zstd.parquet") {
			t.Errorf("add %s with partition values %v", a.Path, a.PartitionValues)
		}
		if _, ok := st.MinValues["state_abbr"]; ok {
			t.Errorf("%s: stats of the partition column", a.Path)
		}
		if _, err := os.Stat(filepath.Join(dir, "contacts", a.Path)); err != nil {
			t.Error(err)
		}
	}
	if rows != 200 {
		t.Errorf("numRecords sum = %d, want 200", rows)
	}

	export(t, s, dir, lake.ExportOptions{Options: small})
	snap, err := tbl.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version != 1 || snap.NumFiles() != len(adds) || len(snap.Tombstones()) != len(adds) {
		t.Errorf("after re-export: version %d, %d files, %d tombstones; want 1, %d, %d", snap.Version, snap.NumFiles(), len(snap.Tombstones()), len(adds), len(adds))
	}
	for _, a := range adds {
		if _, ok := snap.File(a.Path); ok {
			t.Errorf("file %s of version 0 still active", a.Path)
		}
	}
	// The commit line format is Spark's: one JSON object per line.
	raw, _ := os.ReadFile(filepath.Join(dir, "contacts", "_delta_log", "00000000000000000001.json"))
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil || len(m) != 1 {
			t.Errorf("line %d is not one action: %s", i+1, line)
		}
	}
}

// TestZOrderSkipping checks that the Z-order layout lets a place_id
// look-up skip most files and row groups.
func TestZOrderSkipping(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 200, 10)
	dir := t.TempDir()
	export(t, s, dir, lake.ExportOptions{Options: small})
	loc, _ := lake.OpenLocation(ctx, dir)
	var ids []int64
	for id := int64(1); id <= 200; id += 7 {
		ids = append(ids, id)
	}
	rep, err := lake.Skipping(ctx, loc, "contacts", "place_id", ids)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(rep)
	if rep.Files < 20 || rep.FilesSkipped() < 0.85 || rep.RowGroupsSkipped() < 0.95 {
		t.Errorf("skipping too weak: %v", rep)
	}
}

// TestExportPII checks masking: emails and phones are masked unless
// IncludePII, and a per-customer export holds only the customer's granted
// rows with its access applied.
func TestExportPII(t *testing.T) {
	s := newStore(t, 12, 4)

	dir := t.TempDir()
	export(t, s, dir, lake.ExportOptions{Options: small, IncludePII: true})
	d := openLake(t, dir)
	if got := query(t, d, "SELECT email, phone FROM contacts WHERE contact_id = 5"); !cmp.Equal(got, [][]string{{"p5@town2.gov", "(217) 555-0005"}}) {
		t.Errorf("--include-pii contact 5 = %v", got)
	}

	dir = t.TempDir()
	export(t, s, dir, lake.ExportOptions{Options: small, CustomerID: 1})
	d = openLake(t, dir)
	// Places 1..5 by place grant (2 full), contacts 25..28 (place 7) by
	// contact grant, contact 1 full by contact grant over a masked place.
	want := [][]string{}
	for id := 1; id <= 20; id++ {
		place := (id-1)/4 + 1
		email, phone := fmt.Sprintf("p%d@town%d.gov", id, place), fmt.Sprintf("(217) 555-%04d", id)
		if place != 2 && id != 1 {
			email, phone = pursuit.MaskEmail(email), pursuit.MaskPhone(phone)
		}
		want = append(want, []string{fmt.Sprint(id), email, phone})
	}
	for id := 25; id <= 28; id++ {
		want = append(want, []string{fmt.Sprint(id), fmt.Sprintf("p%d@town7.gov", id), fmt.Sprintf("(217) 555-%04d", id)})
	}
	if diff := cmp.Diff(want, query(t, d, "SELECT contact_id, email, phone FROM contacts ORDER BY contact_id")); diff != "" {
		t.Errorf("customer 1 contacts (-want +lake):\n%s", diff)
	}
	for q, w := range map[string]string{
		"SELECT string_agg(place_id::VARCHAR, ',' ORDER BY place_id) FROM places":                       "1,2,3,4,5,7",
		"SELECT string_agg(DISTINCT customer_id::VARCHAR, ',') FROM customers":                          "1",
		"SELECT count(*) FROM customer_mapping WHERE customer_id <> 1":                                  "0",
		"SELECT count(*) FROM customer_place_relation WHERE customer_id <> 1":                           "0",
		"SELECT string_agg(DISTINCT place_id::VARCHAR, ',' ORDER BY place_id::VARCHAR) FROM tech_stack": "1,2,3,4,5,7",
	} {
		if got := query(t, d, q)[0][0]; got != w {
			t.Errorf("%s = %q, want %q", q, got, w)
		}
	}
}

// TestExportToBucket exports to an object store (gocloud's in-memory
// bucket, through the same code as s3://) and replays the logs there.
func TestExportToBucket(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, 20, 3)
	loc, err := lake.OpenLocation(ctx, "mem://lakes/prod")
	if err != nil {
		t.Fatal(err)
	}
	defer loc.Close()
	if _, err := lake.Export(ctx, s, loc, lake.ExportOptions{Options: small}); err != nil {
		t.Fatal(err)
	}
	if _, err := lake.Export(ctx, s, loc, lake.ExportOptions{Options: small}); err != nil {
		t.Fatal(err)
	}
	snap, err := (&delta.Table{Storage: loc.Table("contacts")}).Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rows int64
	for _, f := range snap.Files() {
		st, _, _ := f.ParsedStats()
		rows += st.NumRecords
	}
	if snap.Version != 1 || rows != 60 {
		t.Errorf("bucket contacts: version %d with %d rows, want 1 and 60", snap.Version, rows)
	}
	// A commit of an existing version fails: the bucket honours IfNotExist.
	if _, err := (&delta.Table{Storage: loc.Table("contacts")}).Commit(ctx, 0, nil); !errors.Is(err, delta.ErrConflict) {
		t.Errorf("commit of version 1 again: err = %v, want ErrConflict", err)
	}
}

// TestExportSplitScan exports one store reading its contacts over one
// connection and over three ranges at once: the lake holds the same rows,
// and the same rows per file, either way (each partition is ordered
// before it is written, whatever order the ranges delivered it in).
func TestExportSplitScan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		fill(t, s, 60, 11)
		one, three := t.TempDir(), t.TempDir()
		export(t, s, one, lake.ExportOptions{Options: lake.Options{RowGroupRows: 16, FileRows: 64, Workers: 1}})
		export(t, s, three, lake.ExportOptions{Options: lake.Options{RowGroupRows: 16, FileRows: 64, Workers: 3}})
		a, b := tableRows(t, one), tableRows(t, three)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("lake read over 1 connection vs 3 (-1 +3):\n%s", diff)
		}
		if n := len(b["contacts"]); n != 60*11 {
			t.Errorf("contacts in the lake: %d, want %d", n, 60*11)
		}
		perFile := func(dir string) [][]string {
			return query(t, openLake(t, dir), "SELECT state_abbr, min(contact_id), max(contact_id), count(*) FROM read_parquet('"+filepath.Join(dir, "contacts")+"/*/*.parquet', hive_partitioning = true) GROUP BY filename, state_abbr ORDER BY 1, 2")
		}
		if diff := cmp.Diff(perFile(one), perFile(three)); diff != "" {
			t.Errorf("contacts per file (-1 +3):\n%s", diff)
		}
	})
}
