package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
)

// journalMode returns the journal mode the Bulk's transaction runs in.
func journalMode(ctx context.Context, t *testing.T, w pursuit.BulkWriter) string {
	t.Helper()
	var mode string
	if err := w.(*bulk).tx.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	return mode
}

// requireWAL fails unless the writer and a new reader connection see the
// file in WAL mode with synchronous = NORMAL, and it passes SQLite's and
// FTS5's integrity checks.
func requireWAL(ctx context.Context, t *testing.T, db *DB, when string) {
	t.Helper()
	var mode string
	var sync int
	if err := db.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("%s: the writer's journal_mode is %q, %v; want wal", when, mode, err)
	}
	if err := db.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil || sync != 1 {
		t.Fatalf("%s: the writer's synchronous is %d, %v; want 1 (NORMAL)", when, sync, err)
	}
	conn, err := db.r.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var check string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("%s: a reader's journal_mode is %q, %v; want wal", when, mode, err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("%s: integrity_check: %q, %v", when, check, err)
	}
	for _, fts := range []string{"contacts_fts", "places_fts"} {
		if _, err := conn.ExecContext(ctx, "INSERT INTO "+fts+" ("+fts+", rank) VALUES ('integrity-check', 1)"); err != nil {
			t.Fatalf("%s: %s integrity-check: %v", when, fts, err)
		}
	}
}

// dumpLoaded is dumpRows without change_log's times, which differ from
// one load to the next.
func dumpLoaded(t *testing.T, db *DB) map[string][]string {
	t.Helper()
	out := dumpRows(t, db)
	delete(out, "change_log")
	rows, err := db.r.QueryContext(context.Background(), "SELECT seq, table_name, op, key, coalesce(key2, 0) FROM change_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq, key, key2 int64
		var table, op string
		if err := rows.Scan(&seq, &table, &op, &key, &key2); err != nil {
			t.Fatal(err)
		}
		out["change_log"] = append(out["change_log"], fmt.Sprint(seq, table, op, key, key2))
	}
	return out
}

// TestBulkFreshJournal: a Bulk into a fresh store that has the file to
// itself runs with a rollback journal, and stores exactly what the same
// Bulk stores in WAL mode, over random datasets and page cache sizes
// (small ones spill pages to the file mid-transaction); afterwards the
// file is in WAL mode again and intact, and a second Bulk, now into a
// store with rows, runs in WAL mode.
func TestBulkFreshJournal(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(uint64(os.Getpid()), 15))
	for i := range 4 {
		places := 5 + r.IntN(60)
		cfg := gen.Config{Seed: r.Int64N(1 << 40), Places: places, Contacts: places + r.IntN(400), Customers: 1 + r.IntN(6), BatchSize: 1 + r.IntN(300)}
		cache := []int{0, 1 << 10, 2 << 10}[r.IntN(3)]
		t.Run(fmt.Sprintf("%d_seed%d_places%d_contacts%d_cache%d", i, cfg.Seed, cfg.Places, cfg.Contacts, cache), func(t *testing.T) {
			load := func(keepWAL bool) (*DB, string) {
				db := openMigrated(t)
				db.bulkKeepWAL = keepWAL
				db.BulkCacheKiB = cache
				// A read before the Bulk leaves idle connections in
				// the pools, which the Bulk must close, not wait for.
				var n int
				if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM places").Scan(&n); err != nil {
					t.Fatal(err)
				}
				var mode string
				if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
					mode = journalMode(ctx, t, w)
					return gen.Generate(ctx, cfg, w, nil)
				}); err != nil {
					t.Fatal(err)
				}
				requireWAL(ctx, t, db, "after the load")
				return db, mode
			}
			fresh, mode := load(false)
			if mode != "delete" {
				t.Errorf("a Bulk into a fresh store ran with journal_mode %q, want delete", mode)
			}
			wal, mode := load(true)
			if mode != "wal" {
				t.Errorf("a Bulk told to keep the WAL ran with journal_mode %q", mode)
			}
			if d := cmp.Diff(dumpLoaded(t, wal), dumpLoaded(t, fresh)); d != "" {
				t.Errorf("the rollback-journal load differs from the WAL load (-wal +rollback):\n%s", d)
			}
			// The store has rows now: the next Bulk keeps the WAL.
			if err := fresh.Bulk(ctx, func(w pursuit.BulkWriter) error {
				mode = journalMode(ctx, t, w)
				return w.UpsertPlaces(ctx, []pursuit.Place{{PlaceID: 1 << 40, Name: "Later", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "VT"}})
			}); err != nil {
				t.Fatal(err)
			}
			if mode != "wal" {
				t.Errorf("a Bulk into a store with rows ran with journal_mode %q, want wal", mode)
			}
			requireWAL(ctx, t, fresh, "after the second Bulk")
		})
	}
}

// TestBulkFreshJournalFails: a fresh-store Bulk that fails, in fn or at a
// foreign key, after its pages reached the file, leaves the store empty,
// in WAL mode and intact, and the next Bulk loads it.
func TestBulkFreshJournalFails(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	db.BulkCacheKiB = 1 << 10
	cfg := gen.Config{Seed: 7, Places: 60, Contacts: 900, Customers: 3}
	stop := errors.New("stop")
	for _, tc := range []struct {
		name string
		fn   func(w pursuit.BulkWriter) error
		want func(error) bool
	}{
		{"fn fails", func(w pursuit.BulkWriter) error {
			if err := gen.Generate(ctx, cfg, w, nil); err != nil {
				return err
			}
			return stop
		}, func(err error) bool { return errors.Is(err, stop) }},
		{"missing place", func(w pursuit.BulkWriter) error {
			if err := gen.Generate(ctx, cfg, w, nil); err != nil {
				return err
			}
			return w.UpsertContacts(ctx, []pursuit.Contact{{ContactID: 1 << 40, PlaceID: 1 << 41, Name: "Nobody"}})
		}, func(err error) bool {
			return pursuit.ErrorCode(err) == pursuit.EFOREIGNKEY && pursuit.ErrorField(err) == "place_id"
		}},
	} {
		var mode string
		err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			mode = journalMode(ctx, t, w)
			return tc.fn(w)
		})
		if !tc.want(err) {
			t.Fatalf("%s: Bulk = %v", tc.name, err)
		}
		if mode != "delete" {
			t.Errorf("%s: journal_mode %q, want delete", tc.name, mode)
		}
		requireWAL(ctx, t, db, tc.name)
		for table, rows := range dumpRows(t, db) {
			if len(rows) > 0 {
				t.Errorf("%s: %s has %d rows after the rollback", tc.name, table, len(rows))
			}
		}
	}
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) }); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM contacts").Scan(&n); err != nil || n != cfg.Contacts {
		t.Fatalf("contacts after the load: %d, %v; want %d", n, err, cfg.Contacts)
	}
	requireWAL(ctx, t, db, "after the load")
}

// TestBulkFreshJournalWaitsForNobody: when a reader of this process is in
// use, or another connection has the file open, a fresh-store Bulk keeps
// the WAL, and the reader goes on reading during the load.
func TestBulkFreshJournalWaitsForNobody(t *testing.T) {
	ctx := context.Background()
	cfg := gen.Config{Seed: 3, Places: 20, Contacts: 100, Customers: 2}
	t.Run("reader in use", func(t *testing.T) {
		db := openMigrated(t)
		conn, err := db.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			mode = journalMode(ctx, t, w)
			if err := gen.Generate(ctx, cfg, w, nil); err != nil {
				return err
			}
			var n int
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM contacts").Scan(&n); err != nil || n != 0 {
				t.Errorf("a read during the load: %d contacts, %v; want 0, nil", n, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode %q with a reader in use, want wal", mode)
		}
		requireWAL(ctx, t, db, "after the load")
	})
	t.Run("another store on the file", func(t *testing.T) {
		db := openMigrated(t)
		other, err := OpenExisting(ctx, db.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		var n int
		if err := other.r.QueryRowContext(ctx, "SELECT count(*) FROM places").Scan(&n); err != nil {
			t.Fatal(err)
		}
		var mode string
		if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			mode = journalMode(ctx, t, w)
			return gen.Generate(ctx, cfg, w, nil)
		}); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode %q with another store open on the file, want wal", mode)
		}
		if err := other.r.QueryRowContext(ctx, "SELECT count(*) FROM contacts").Scan(&n); err != nil || n != cfg.Contacts {
			t.Errorf("the other store reads %d contacts, %v; want %d", n, err, cfg.Contacts)
		}
	})
}

// crashChildEnv names the store a child of TestBulkFreshJournalCrash
// loads until it is killed.
const crashChildEnv = "PURSUIT_TEST_BULK_CRASH_STORE"

// TestBulkFreshJournalCrash kills a process in the middle of a fresh-store
// Bulk, after pages of the load reached the database file, and checks
// that the next open rolls the load back: the store is empty, in WAL
// mode, intact, and loads again.
func TestBulkFreshJournalCrash(t *testing.T) {
	ctx := context.Background()
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(ctx, path)
		return
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestBulkFreshJournalCrash$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	sc := bufio.NewScanner(out)
	var said []string
	for sc.Scan() {
		said = append(said, sc.Text())
		if sc.Text() == "loading" {
			break
		}
	}
	if len(said) == 0 || said[len(said)-1] != "loading" {
		cmd.Process.Kill()
		t.Fatalf("the child never got to its load: %q", said)
	}
	if !slices.Contains(said, "journal delete") {
		t.Errorf("the child's load did not run with a rollback journal: %q", said)
	}
	// The load's pages are in the file, and its journal beside it.
	mid, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-journal"); err != nil {
		t.Errorf("no rollback journal during the load: %v", err)
	}
	// Another process opening the store meanwhile is told why it cannot.
	defer func(d time.Duration) { probeBusyTimeout = d }(probeBusyTimeout)
	probeBusyTimeout = 200 * time.Millisecond
	if other, err := OpenExisting(ctx, path); pursuit.ErrorCode(err) != pursuit.EUNAVAILABLE || pursuit.ErrorField(err) != "db" ||
		!strings.Contains(pursuit.ErrorMessage(err), "locked by another process") {
		if err == nil {
			other.Close()
		}
		t.Errorf("OpenExisting during the load: %v; want EUNAVAILABLE, the file locked by another process", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if mid.Size() <= before.Size() {
		t.Errorf("the file did not grow during the load (%d bytes, %d before): the test did not reach the case it is for", mid.Size(), before.Size())
	}

	db, err = OpenExisting(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	requireWAL(ctx, t, db, "after the crash")
	for table, rows := range dumpRows(t, db) {
		if len(rows) > 0 {
			t.Errorf("%s has %d rows after the crash", table, len(rows))
		}
	}
	cfg := gen.Config{Seed: 11, Places: 40, Contacts: 300, Customers: 2}
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) }); err != nil {
		t.Fatal(err)
	}
	requireWAL(ctx, t, db, "after a load on the recovered store")
}

// crashChild loads contacts into the store at path with a small page
// cache, so that pages spill into the file, says "loading" and waits to
// be killed.
func crashChild(ctx context.Context, path string) {
	db, err := OpenExisting(ctx, path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	db.BulkCacheKiB = 256
	err = db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := gen.Generate(ctx, gen.Config{Seed: 5, Places: 200, Contacts: 5000, Customers: 3}, w, nil); err != nil {
			return err
		}
		var mode string
		w.(*bulk).tx.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		fmt.Println("journal " + strings.ToLower(mode))
		fmt.Println("loading")
		time.Sleep(time.Hour) // killed here
		return nil
	})
	fmt.Println("bulk returned:", err)
	os.Exit(1)
}
