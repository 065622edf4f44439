package postgres_test

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/postgres"
)

// tableDigests returns, per data table, its row count and a digest of its
// rows, and a digest of change_log without its seq (the order of seq
// values within a Bulk follows its statements, which the flush size
// changes).
func tableDigests(t *testing.T, db *postgres.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range append(append([]string(nil), pursuit.DataTables...), "change_log") {
		expr := "x::text"
		if table == "change_log" {
			expr = "(x.table_name, x.op, x.key, x.key2, x.changed_at)::text"
		}
		var n int64
		var sum string
		must(t, db.Pool().QueryRow(ctx, `SELECT count(*), coalesce(md5(string_agg(`+expr+`, '|' ORDER BY `+expr+`)), '')
			FROM `+table+` x`).Scan(&n, &sum), "digest "+table)
		out[table] = strconv.FormatInt(n, 10) + " " + sum
	}
	return out
}

// TestBulkPipelinedWrites loads generated datasets of random sizes with a
// random, small number of rows per write, so that a Bulk runs hundreds of
// background writes, each overlapping the checks of the next rows, across
// every table; and compares every table and the change log with the same
// dataset loaded in the default, few large writes. Under -race it also
// checks that the Upserts and the background write share nothing unguarded.
func TestBulkPipelinedWrites(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for round := range 2 {
		cfg := gen.Config{Seed: r.Int64N(1 << 40), Places: 60 + r.IntN(200), Contacts: 500 + r.IntN(1500), Customers: 2 + r.IntN(5)}
		flush := 1 + r.IntN(700)
		load := func(flushRows int) map[string]string {
			db := openDB(t)
			db.Now = func() time.Time { return at }
			postgres.SetBulkFlushRows(db, flushRows)
			must(t, db.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) }), "generate")
			return tableDigests(t, db)
		}
		want := load(0)
		got := load(flush)
		for table, w := range want {
			if strings.HasPrefix(w, "0 ") && (table == pursuit.TablePlaces || table == pursuit.TableContacts || table == "change_log") {
				t.Errorf("round %d (%+v): %s is empty", round, cfg, table)
			}
			if got[table] != w {
				t.Errorf("round %d (%+v), %d rows per write: %s is %s, want %s as in one write", round, cfg, flush, table, got[table], w)
			}
		}
	}
}

// failingWriter passes every Upsert on to a Bulk's writer, but slips a
// grant of a contact that does not exist in before the first batch of
// tech stack, place grants or mappings (whichever the generator writes
// first; a small dataset may have no mappings), so that their writes
// start while the failing grant is written.
type failingWriter struct {
	pursuit.BulkWriter
	customer int64
	calls    int
	missing  int64
}

func (f *failingWriter) UpsertCustomers(ctx context.Context, rows []pursuit.Customer) error {
	if f.customer == 0 && len(rows) > 0 {
		f.customer = rows[0].CustomerID
	}
	return f.BulkWriter.UpsertCustomers(ctx, rows)
}

func (f *failingWriter) inject(ctx context.Context) error {
	f.calls++
	if f.calls > 1 {
		return nil
	}
	return f.BulkWriter.UpsertContactGrants(ctx, []pursuit.CustomerContactRelation{{CustomerID: f.customer, ContactID: f.missing, AccessType: "full"}})
}

func (f *failingWriter) UpsertTechStack(ctx context.Context, rows []pursuit.TechStack) error {
	if err := f.inject(ctx); err != nil {
		return err
	}
	return f.BulkWriter.UpsertTechStack(ctx, rows)
}

func (f *failingWriter) UpsertPlaceGrants(ctx context.Context, rows []pursuit.CustomerPlaceRelation) error {
	if err := f.inject(ctx); err != nil {
		return err
	}
	return f.BulkWriter.UpsertPlaceGrants(ctx, rows)
}

func (f *failingWriter) UpsertCustomerMappings(ctx context.Context, rows []pursuit.CustomerMapping) error {
	if err := f.inject(ctx); err != nil {
		return err
	}
	return f.BulkWriter.UpsertCustomerMappings(ctx, rows)
}

// TestBulkPipelinedFailure makes one background write fail (a grant of a
// contact that does not exist, with writes of a random small size): the
// error must reach the caller, from a later Upsert or
// from Bulk, naming the missing contact, and nothing of the load may be
// applied or logged, though later writes had been started.
func TestBulkPipelinedFailure(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	for round := range 3 {
		cfg := gen.Config{Seed: r.Int64N(1 << 40), Places: 60 + r.IntN(100), Contacts: 800 + r.IntN(800), Customers: 3 + r.IntN(3)}
		db := openDB(t)
		postgres.SetBulkFlushRows(db, 1+r.IntN(200))
		f := &failingWriter{missing: 900_000_000 + r.Int64N(1000)}
		err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			f.BulkWriter = w
			return gen.Generate(ctx, cfg, f, nil)
		})
		if f.calls == 0 {
			t.Fatalf("round %d (%+v): the generator wrote no tech stack, place grants or mappings", round, cfg)
		}
		if pursuit.ErrorCode(err) != pursuit.EFOREIGNKEY || !strings.Contains(err.Error(), strconv.FormatInt(f.missing, 10)) {
			t.Fatalf("round %d (%+v): Bulk returned %v, want EFOREIGNKEY naming contact %d", round, cfg, err, f.missing)
		}
		for table, d := range tableDigests(t, db) {
			if !strings.HasPrefix(d, "0 ") {
				t.Errorf("round %d: %s holds rows after the failed Bulk: %s", round, table, d)
			}
		}
	}
}
