package gen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/transfer"
)

// propertySeed seeds the random configurations of the property tests. Set
// PURSUIT_GEN_PROPERTY_SEED to explore others; a failure names its
// configuration, which reproduces it alone.
func propertySeed(t *testing.T) uint64 {
	t.Helper()
	s := os.Getenv("PURSUIT_GEN_PROPERTY_SEED")
	if s == "" {
		return 20260101
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("PURSUIT_GEN_PROPERTY_SEED=%q: %v", s, err)
	}
	return v
}

// oddConfigs are the edge cases every run tries: one place, no contacts,
// no customers, more customers than places, contacts equal to places,
// extreme seeds, a batch of one row, a base date off the microsecond.
var oddConfigs = []Config{
	{Seed: 7, Places: 100, Contacts: 0, Customers: 50}, // crashed with "invalid argument to Int64N"
	{Seed: 0, Places: 1, Contacts: 0, Customers: 0},
	{Seed: -1, Places: 1, Contacts: 1, Customers: 1},
	{Seed: math.MaxInt64, Places: 2, Contacts: 2, Customers: 9},
	{Seed: math.MinInt64, Places: 3, Contacts: 40, Customers: 1},
	{Seed: 42, Places: 5, Contacts: 5, Customers: 30, BatchSize: 1},
	{Seed: 13, Places: 51, Contacts: 51, Customers: 0},
	{Seed: 99, Places: 200, Contacts: 0, Customers: 200},
	{Seed: 5, Places: 9, Contacts: 3000, Customers: 26},
	{Seed: 3, Places: 60, Contacts: 61, Customers: 2, Base: time.Date(2031, 7, 15, 12, 34, 56, 789123456, time.FixedZone("X", 3600))},
}

// randomConfig draws a valid Config, biased towards small and odd sizes.
func randomConfig(r *rand.Rand) Config {
	seeds := []int64{0, -1, 1, math.MaxInt64, math.MinInt64, r.Int64(), -r.Int64(), int64(r.IntN(1000))}
	cfg := Config{Seed: seeds[r.IntN(len(seeds))]}
	switch r.IntN(4) {
	case 0:
		cfg.Places = 1 + r.IntN(5)
	case 1:
		cfg.Places = 1 + r.IntN(60)
	default:
		cfg.Places = 1 + r.IntN(700)
	}
	switch r.IntN(5) {
	case 0:
		cfg.Contacts = 0
	case 1:
		cfg.Contacts = cfg.Places
	default:
		cfg.Contacts = cfg.Places + r.IntN(cfg.Places*15+1)
	}
	switch r.IntN(6) {
	case 0:
		cfg.Customers = 0
	case 1:
		cfg.Customers = 1
	case 2:
		cfg.Customers = cfg.Places + r.IntN(20) // more customers than places
	default:
		cfg.Customers = r.IntN(60)
	}
	if r.IntN(4) == 0 {
		cfg.BatchSize = 1 + r.IntN(300)
	}
	if r.IntN(5) == 0 {
		cfg.Base = time.Date(1990+r.IntN(80), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, r.IntN(1e9), time.UTC)
	}
	return cfg
}

// TestGenerateProperties generates many random configurations, tiny and
// odd ones included, and checks every invariant of the result: exact
// counts, no time after the base date, created before updated, resolving
// references, unique keys, valid rows, place names without numbers and
// unique in their state, and the same bytes for the same configuration.
func TestGenerateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(propertySeed(t), 1))
	cfgs := slices.Clone(oddConfigs)
	for range 60 {
		cfgs = append(cfgs, randomConfig(r))
	}
	for _, cfg := range cfgs {
		t.Run(fmt.Sprintf("%s_batch=%d", cfg, cfg.BatchSize), func(t *testing.T) {
			w := generate(t, cfg, false)
			checkInvariants(t, cfg, w)
			if again := generate(t, cfg, true); again.sum() != w.sum() {
				t.Errorf("a second run of %s wrote different rows", cfg)
			}
		})
	}
}

// checkInvariants checks what must hold of every generated dataset.
func checkInvariants(t *testing.T, cfg Config, w *memWriter) {
	t.Helper()
	base := cfg.base()
	failures := 0
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
		// One broken invariant tends to break on every row; a few lines
		// say enough.
		if failures++; failures >= 10 {
			t.FailNow()
		}
	}
	notAfter := func(what string, id int64, ts time.Time, optional bool) {
		t.Helper()
		if ts.IsZero() {
			if !optional {
				errorf("%s %d: time is zero", what, id)
			}
			return
		}
		if ts.After(base) {
			errorf("%s %d: %s is after the base date %s", what, id, ts.Format(time.RFC3339Nano), base.Format(time.RFC3339Nano))
		}
		if ts.Location() != time.UTC || !ts.Equal(ts.Truncate(time.Microsecond)) {
			errorf("%s %d: %s is not UTC to the microsecond", what, id, ts.Format(time.RFC3339Nano))
		}
	}
	valid := func(table string, i int, err error) {
		t.Helper()
		if err != nil {
			errorf("%s row %d: %v", table, i+1, err)
		}
	}

	want := map[string]int{pursuit.TableCustomers: cfg.Customers, pursuit.TablePlaces: cfg.Places, pursuit.TableContacts: cfg.Contacts}
	got := map[string]int{pursuit.TableCustomers: len(w.customers), pursuit.TablePlaces: len(w.places), pursuit.TableContacts: len(w.contacts)}
	if diff := cmp.Diff(want, got); diff != "" {
		errorf("row counts (-want +got):\n%s", diff)
	}

	custCreated := make(map[int64]time.Time, len(w.customers))
	emails := map[string]bool{}
	for i := range w.customers {
		c := &w.customers[i]
		valid("customers", i, c.Validate())
		if c.CustomerID != int64(i+1) {
			errorf("customer row %d has id %d", i+1, c.CustomerID)
		}
		notAfter("customer", c.CustomerID, c.CreatedAt, false)
		notAfter("customer", c.CustomerID, c.UpdatedAt, false)
		if c.UpdatedAt.Before(c.CreatedAt) {
			errorf("customer %d: updated_at %s before created_at %s", c.CustomerID, c.UpdatedAt, c.CreatedAt)
		}
		if emails[c.Email] {
			errorf("customer %d: email %q is another customer's", c.CustomerID, c.Email)
		}
		emails[c.Email] = true
		custCreated[c.CustomerID] = c.CreatedAt
	}

	for i := range w.places {
		p := &w.places[i]
		valid("places", i, p.Validate())
		if p.PlaceID != int64(i+1) {
			errorf("place row %d has id %d", i+1, p.PlaceID)
		}
		notAfter("place", p.PlaceID, p.CreatedAt, false)
		notAfter("place", p.PlaceID, p.UpdatedAt, false)
		if p.UpdatedAt.Before(p.CreatedAt) {
			errorf("place %d: updated_at before created_at", p.PlaceID)
		}
		if p.Name == "" || p.EmailDomain == "" || p.Website == "" {
			errorf("place %d: name %q, domain %q, website %q", p.PlaceID, p.Name, p.EmailDomain, p.Website)
		}
	}
	checkNames(t, w.places, digitNames(t))
	hasPlace := func(id int64) bool { return id >= 1 && id <= int64(len(w.places)) }
	hasContact := func(id int64) bool { return id >= 1 && id <= int64(len(w.contacts)) }
	hasCustomer := func(id int64) bool { return id >= 1 && id <= int64(len(w.customers)) }

	clear(emails)
	perPlace := make([]int, len(w.places)+1)
	for i := range w.contacts {
		c := &w.contacts[i]
		valid("contacts", i, c.Validate())
		if c.ContactID != int64(i+1) {
			errorf("contact row %d has id %d", i+1, c.ContactID)
		}
		if !hasPlace(c.PlaceID) {
			errorf("contact %d: place_id %d does not exist", c.ContactID, c.PlaceID)
		}
		perPlace[c.PlaceID]++
		notAfter("contact", c.ContactID, c.CreatedAt, false)
		notAfter("contact", c.ContactID, c.UpdatedAt, false)
		notAfter("contact", c.ContactID, c.VerifiedAt, true)
		if c.UpdatedAt.Before(c.CreatedAt) || (!c.VerifiedAt.IsZero() && (c.VerifiedAt.Before(c.CreatedAt) || c.UpdatedAt.Before(c.VerifiedAt))) {
			errorf("contact %d: created %s, verified %s, updated %s out of order", c.ContactID, c.CreatedAt, c.VerifiedAt, c.UpdatedAt)
		}
		if c.Email != "" {
			if emails[c.Email] {
				errorf("contact %d: email %q is another contact's", c.ContactID, c.Email)
			}
			emails[c.Email] = true
		}
	}
	if cfg.Contacts > 0 {
		for id := 1; id <= len(w.places); id++ {
			if perPlace[id] == 0 {
				errorf("place %d has no contact", id)
			}
		}
	}

	for i := range w.techs {
		x := &w.techs[i]
		valid("tech_stack", i, x.Validate())
		if x.TechStackID != int64(i+1) || !hasPlace(x.PlaceID) {
			errorf("tech_stack row %d: id %d, place_id %d", i+1, x.TechStackID, x.PlaceID)
		}
		notAfter("tech_stack", x.TechStackID, x.FirstSeen, false)
		notAfter("tech_stack", x.TechStackID, x.LastSeen, false)
		if x.LastSeen.Before(x.FirstSeen) {
			errorf("tech_stack %d: last_seen before first_seen", x.TechStackID)
		}
	}

	type pair struct{ a, b int64 }
	seen := map[pair]bool{}
	for i := range w.pgrants {
		g := &w.pgrants[i]
		valid("customer_place_relation", i, g.Validate())
		if !hasCustomer(g.CustomerID) || !hasPlace(g.PlaceID) || seen[pair{g.CustomerID, g.PlaceID}] {
			errorf("place grant %+v is a duplicate or points at nothing", g)
		}
		seen[pair{g.CustomerID, g.PlaceID}] = true
		notAfter("place grant of customer", g.CustomerID, g.GrantedAt, false)
		if g.GrantedAt.Before(custCreated[g.CustomerID]) {
			errorf("place grant %+v: granted before its customer was created (%s)", g, custCreated[g.CustomerID])
		}
	}
	clear(seen)
	for i := range w.cgrants {
		g := &w.cgrants[i]
		valid("customer_contact_relation", i, g.Validate())
		if !hasCustomer(g.CustomerID) || !hasContact(g.ContactID) || seen[pair{g.CustomerID, g.ContactID}] {
			errorf("contact grant %+v is a duplicate or points at nothing", g)
		}
		seen[pair{g.CustomerID, g.ContactID}] = true
		notAfter("contact grant of customer", g.CustomerID, g.GrantedAt, false)
		if g.GrantedAt.Before(custCreated[g.CustomerID]) {
			errorf("contact grant %+v: granted before its customer was created", g)
		}
	}

	crm := map[string]bool{}
	for i := range w.mappings {
		m := &w.mappings[i]
		valid("customer_mapping", i, m.Validate())
		if m.CustomerMappingID != int64(i+1) || !hasCustomer(m.CustomerID) ||
			(m.PlaceID != 0 && !hasPlace(m.PlaceID)) || (m.ContactID != 0 && !hasContact(m.ContactID)) {
			errorf("mapping %+v points at nothing", m)
		}
		k := strconv.FormatInt(m.CustomerID, 10) + "/" + m.ExternalCRMID
		if crm[k] {
			errorf("mapping %+v: (customer_id, external_crm_id) is taken", m)
		}
		crm[k] = true
		notAfter("mapping", m.CustomerMappingID, m.LastSyncedTime, true)
	}
	if cfg.Customers == 0 && len(w.pgrants)+len(w.cgrants)+len(w.mappings) > 0 {
		errorf("no customers, yet %d grants and %d mappings", len(w.pgrants)+len(w.cgrants), len(w.mappings))
	}
	if cfg.Contacts == 0 && len(w.cgrants) > 0 {
		errorf("no contacts, yet %d contact grants", len(w.cgrants))
	}
}

// TestGeneratedDataInStores takes a few odd configurations through real
// stores, SQLite and PostgreSQL: a generation that fails part-way inside
// Store.Bulk (as generate --db runs it) leaves no row and no change_log
// entry; the same configuration written as files twice gives the same
// bytes, and a strict import (every key, reference and field checked)
// accepts every row; generating straight into the store then upserts the
// very same rows.
func TestGeneratedDataInStores(t *testing.T) {
	cases := []struct {
		cfg    Config
		format string
		budget int // batches written before the injected failure
	}{
		{Config{Seed: 7, Places: 100, Contacts: 0, Customers: 50, BatchSize: 30}, transfer.FormatCSV, 3},
		{Config{Seed: -1, Places: 1, Contacts: 1, Customers: 3}, transfer.FormatJSONL, 0},
		{Config{Seed: math.MaxInt64, Places: 37, Contacts: 700, Customers: 60, BatchSize: 50}, transfer.FormatCSV, 12},
	}
	for _, tc := range cases {
		t.Run(tc.cfg.String(), func(t *testing.T) {
			t.Parallel() // creating PostgreSQL databases waits on I/O
			dir := writeFiles(t, tc.cfg, tc.format)
			again := writeFiles(t, tc.cfg, tc.format)
			for _, table := range pursuit.DataTables {
				a, err := os.ReadFile(filepath.Join(dir, table+"."+tc.format))
				if err != nil {
					t.Fatal(err)
				}
				b, err := os.ReadFile(filepath.Join(again, table+"."+tc.format))
				if err != nil {
					t.Fatal(err)
				}
				if string(a) != string(b) {
					t.Errorf("%s differs between two runs", table)
				}
			}
			mem := generate(t, tc.cfg, true)
			testdb.Each(t, func(t *testing.T, s pursuit.Store) {
				ctx := context.Background()
				err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
					return Generate(ctx, tc.cfg, &failingWriter{BulkWriter: w, left: tc.budget}, nil)
				})
				if !errors.Is(err, errInjected) {
					t.Fatalf("Bulk(Generate) = %v, want the injected failure", err)
				}
				for _, table := range pursuit.DataTables {
					if n, err := s.Count(ctx, table); err != nil || n != 0 {
						t.Errorf("after a failed generation Count(%s) = %d, %v; want 0", table, n, err)
					}
				}
				if seq, err := s.LastSeq(ctx); err != nil || seq != 0 {
					t.Errorf("after a failed generation LastSeq = %d, %v; want 0", seq, err)
				}

				res, err := transfer.Import(ctx, s, []string{dir}, transfer.Options{})
				if err != nil || res.Rejected != 0 {
					for _, p := range res.Problems {
						t.Log(p)
					}
					t.Fatalf("Import: %v, %d rejected", err, res.Rejected)
				}
				counts := func(when string) {
					t.Helper()
					for _, table := range pursuit.DataTables {
						if got, err := s.Count(ctx, table); err != nil || got != int64(mem.counts[table]) {
							t.Errorf("%s: Count(%s) = %d, %v; generated %d", when, table, got, err, mem.counts[table])
						}
					}
				}
				counts("after the import")
				if err := s.Bulk(ctx, func(w pursuit.BulkWriter) error { return Generate(ctx, tc.cfg, w, nil) }); err != nil {
					t.Fatalf("Bulk(Generate): %v", err)
				}
				counts("after generating over the import")
			})
		})
	}
}

func writeFiles(t *testing.T, cfg Config, format string) string {
	t.Helper()
	dir := t.TempDir()
	w, err := transfer.NewDirWriter(dir, format)
	if err != nil {
		t.Fatal(err)
	}
	if err := Generate(context.Background(), cfg, w, nil); err != nil {
		w.Close()
		t.Fatalf("Generate(%s): %v", cfg, err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// failingWriter passes batches on to a store's BulkWriter until its budget
// of contact and place grant batches runs out, then fails.
type failingWriter struct {
	pursuit.BulkWriter
	left int
}

var errInjected = errors.New("injected write failure")

func (f *failingWriter) spend() error {
	if f.left--; f.left < 0 {
		return errInjected
	}
	return nil
}

func (f *failingWriter) UpsertContacts(ctx context.Context, rows []pursuit.Contact) error {
	if err := f.spend(); err != nil {
		return err
	}
	return f.BulkWriter.UpsertContacts(ctx, rows)
}

func (f *failingWriter) UpsertPlaceGrants(ctx context.Context, rows []pursuit.CustomerPlaceRelation) error {
	if err := f.spend(); err != nil {
		return err
	}
	return f.BulkWriter.UpsertPlaceGrants(ctx, rows)
}

// TestConfigValidateRejectsEveryBadCount draws invalid counts and expects
// an EINVALID error naming the parameter at fault, before anything is
// written.
func TestConfigValidateRejectsEveryBadCount(t *testing.T) {
	r := rand.New(rand.NewPCG(propertySeed(t), 2))
	for range 200 {
		cfg := Config{Seed: r.Int64(), Places: 1 + r.IntN(1000), Customers: r.IntN(50)}
		cfg.Contacts = cfg.Places + r.IntN(100)
		var field string
		switch r.IntN(7) {
		case 0:
			cfg.Places, field = -r.IntN(1<<40), "places"
		case 1:
			cfg.Places, field = MaxPlaces+1+r.IntN(1<<30), "places"
		case 2:
			cfg.Contacts, field = 1+r.IntN(cfg.Places), "contacts"
			if cfg.Contacts == cfg.Places {
				cfg.Contacts--
			}
			if cfg.Contacts == 0 {
				cfg.Contacts = -1
			}
		case 3:
			cfg.Contacts, field = -1-r.IntN(1<<40), "contacts"
		case 4:
			cfg.Customers, field = -1-r.IntN(1<<40), "customers"
		case 5:
			cfg.BatchSize, field = -1-r.IntN(1<<20), "batch_size"
		default:
			cfg.BatchSize, field = MaxBatchSize+1+r.IntN(1<<40), "batch_size"
		}
		w := newMemWriter(true)
		err := Generate(context.Background(), cfg, w, nil)
		if pursuit.ErrorCode(err) != pursuit.EINVALID || pursuit.ErrorField(err) != field {
			t.Fatalf("Generate(%+v) = %v (field %q), want EINVALID naming %s", cfg, err, pursuit.ErrorField(err), field)
		}
		if w.batches != 0 {
			t.Fatalf("Generate(%+v) wrote %d batches before failing", cfg, w.batches)
		}
	}
}
