package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/storetest"
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

// requireWAL fails unless the file's header says WAL (bytes 18 and 19
// are 2, https://sqlite.org/fileformat2.html#file_format_version_numbers:
// read from the file, since every connection the store opens sets WAL
// itself), the writer runs with synchronous = NORMAL, and the file passes
// SQLite's and FTS5's integrity checks.
func requireWAL(ctx context.Context, t *testing.T, db *DB, when string) {
	t.Helper()
	f, err := os.Open(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	header := make([]byte, 20)
	_, err = io.ReadFull(f, header)
	f.Close()
	if err != nil || header[18] != 2 || header[19] != 2 {
		t.Fatalf("%s: file format versions %v, %v; want 2 and 2 (WAL)", when, header[18:20], err)
	}
	var sync int
	if err := db.w.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil || sync != 1 {
		t.Fatalf("%s: the writer's synchronous is %d, %v; want 1 (NORMAL)", when, sync, err)
	}
	var check string
	if err := db.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("%s: integrity_check: %q, %v", when, check, err)
	}
	for _, fts := range []string{"contacts_fts", "places_fts"} {
		if _, err := db.r.ExecContext(ctx, "INSERT INTO "+fts+" ("+fts+", rank) VALUES ('integrity-check', 1)"); err != nil {
			t.Fatalf("%s: %s integrity-check: %v", when, fts, err)
		}
	}
}

// fileSize returns the size of the store's file.
func fileSize(t *testing.T, db *DB) int64 {
	t.Helper()
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// dumpLoaded is dumpRows without change_log's times, which differ from
// one load to the next, and with what the FTS indexes answer: the
// contacts and places each word of their text matches (dumpRows reads
// the FTS tables through their content tables, not the indexes).
func dumpLoaded(t *testing.T, db *DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := dumpRows(t, db)
	delete(out, "change_log")
	rows, err := db.r.QueryContext(ctx, "SELECT seq, table_name, op, key, coalesce(key2, 0) FROM change_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var seq, key, key2 int64
		var table, op string
		if err := rows.Scan(&seq, &table, &op, &key, &key2); err != nil {
			t.Fatal(err)
		}
		out["change_log"] = append(out["change_log"], fmt.Sprint(seq, table, op, key, key2))
	}
	rows.Close()
	for _, fts := range []struct{ table, text string }{
		{"contacts_fts", "SELECT name || ' ' || title || ' ' || department FROM contacts ORDER BY contact_id LIMIT 40"},
		{"places_fts", "SELECT name FROM places ORDER BY place_id LIMIT 20"},
	} {
		var texts []string
		rows, err := db.r.QueryContext(ctx, fts.text)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			texts = append(texts, s)
		}
		rows.Close()
		for _, text := range texts {
			words, err := pursuit.ParseTextWords(text)
			if err != nil {
				continue
			}
			for _, w := range words {
				m, ok := ftsMatch([]string{w})
				if !ok {
					continue
				}
				var ids []int64
				rows, err := db.r.QueryContext(ctx, "SELECT rowid FROM "+fts.table+" WHERE "+fts.table+" MATCH ? ORDER BY rowid", m)
				if err != nil {
					t.Fatalf("%s MATCH %q: %v", fts.table, m, err)
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					ids = append(ids, id)
				}
				rows.Close()
				out[fts.table+" "+w] = []string{fmt.Sprint(ids)}
			}
		}
	}
	return out
}

// TestBulkFreshJournal: a Bulk into a fresh store that has the file to
// itself runs with a rollback journal, and stores exactly what the same
// Bulk stores in WAL mode (rows, change_log and what the FTS indexes
// answer), over random datasets, batch sizes and page caches small enough
// that pages reach the file before the commit; afterwards the file is in
// WAL mode again and intact, and a second Bulk, now into a store with
// rows, runs in WAL mode.
func TestBulkFreshJournal(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(storetest.Seed(t), 15))
	rounds := 3
	if raceEnabled {
		rounds = 1 // the loads are one goroutine's; the ordinary run takes the rest
	}
	for i := range rounds {
		places := 20 + r.IntN(200)
		cfg := gen.Config{Seed: r.Int64N(1 << 40), Places: places, Contacts: 1500 + r.IntN(2000), Customers: 1 + r.IntN(6), BatchSize: 1 + r.IntN(2000)}
		cache := []int{64, 128, 256}[r.IntN(3)]
		if raceEnabled {
			cfg.Contacts, cache = 1000, 64
		}
		t.Run(fmt.Sprintf("%d_seed%d_places%d_contacts%d_customers%d_batch%d_cacheKiB%d", i, cfg.Seed, cfg.Places, cfg.Contacts, cfg.Customers, cfg.BatchSize, cache), func(t *testing.T) {
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
				before := fileSize(t, db)
				var mode string
				var grew bool
				if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
					mode = journalMode(ctx, t, w)
					err := gen.Generate(ctx, cfg, w, nil)
					grew = fileSize(t, db) > before
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if !keepWAL && !grew {
					t.Errorf("no page of the load reached the file before the commit (cache %d KiB): the test misses its case", cache)
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
// foreign key, after pages of the load reached the file, leaves the store
// empty, in WAL mode and intact, and the next Bulk loads it.
func TestBulkFreshJournalFails(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	db.BulkCacheKiB = 256
	cfg := gen.Config{Seed: 7, Places: 100, Contacts: 4000, Customers: 3}
	if raceEnabled {
		cfg.Contacts = 1500 // still spills at 256 KiB
	}
	stop := errors.New("stop")
	for _, tc := range []struct {
		name string
		fn   func(w pursuit.BulkWriter) error
		want func(error) bool
	}{
		{"fn fails", func(w pursuit.BulkWriter) error { return stop }, func(err error) bool { return errors.Is(err, stop) }},
		{"missing place", func(w pursuit.BulkWriter) error {
			return w.UpsertContacts(ctx, []pursuit.Contact{{ContactID: 1 << 40, PlaceID: 1 << 41, Name: "Nobody"}})
		}, func(err error) bool {
			return pursuit.ErrorCode(err) == pursuit.EFOREIGNKEY && pursuit.ErrorField(err) == "place_id"
		}},
	} {
		before := fileSize(t, db)
		var mode string
		var grew bool
		err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
			mode = journalMode(ctx, t, w)
			if err := gen.Generate(ctx, cfg, w, nil); err != nil {
				return err
			}
			grew = fileSize(t, db) > before
			return tc.fn(w)
		})
		if !tc.want(err) {
			t.Fatalf("%s: Bulk = %v", tc.name, err)
		}
		if mode != "delete" {
			t.Errorf("%s: journal_mode %q, want delete", tc.name, mode)
		}
		if !grew {
			t.Errorf("%s: no page of the load reached the file before the failure: the test misses its case", tc.name)
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

// TestBulkFreshJournalExclusive: during a fresh-store load no other
// connection reads the file, from the first statement on (a reader that
// got in before the first cache spill and still read at COMMIT would
// fail the load), and the store's own reads say why they cannot.
func TestBulkFreshJournalExclusive(t *testing.T) {
	ctx := context.Background()
	db := openMigrated(t)
	// A plain read-only connection that does not wait: it asks for the
	// file's shared lock once.
	reader, err := sql.Open("sqlite", db.scanURI+"&_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	read := func() error {
		var n int
		return reader.QueryRowContext(ctx, "SELECT count(*) FROM places").Scan(&n)
	}
	var during error
	if err := db.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if m := journalMode(ctx, t, w); m != "delete" {
			t.Errorf("journal_mode %q, want delete", m)
		}
		during = read()
		// The store's own scans (Count, the index build's reads) run on
		// raw connections; their lock error is EUNAVAILABLE too.
		raw, err := openRaw(db.scanURI)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.close()
		if err := raw.exec(ctx, "PRAGMA busy_timeout = 0"); err != nil {
			t.Fatal(err)
		}
		scanErr := dbErr(raw.query(ctx, "SELECT count(*) FROM places", nil, func(*rawRow) error { return nil }))
		if pursuit.ErrorCode(scanErr) != pursuit.EUNAVAILABLE || !strings.Contains(pursuit.ErrorMessage(scanErr), "bulk load into a new store") {
			t.Errorf("a raw scan during the load: %v; want EUNAVAILABLE naming the bulk load", scanErr)
		}
		return w.UpsertPlaces(ctx, []pursuit.Place{{PlaceID: 1, Name: "Springfield", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}})
	}); err != nil {
		t.Fatal(err)
	}
	if c := sqliteCode(during); c&0xff != sqlite3.SQLITE_BUSY {
		t.Errorf("a read during the load: %v; want SQLITE_BUSY", during)
	}
	if err := read(); err != nil {
		t.Errorf("a read after the load: %v", err)
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
	// However the test ends, the child does not outlive it (deferred
	// last, so the kill runs before the wait), and a child that never
	// gets to its load is killed after a minute, which ends the scan.
	defer cmd.Wait()
	defer cmd.Process.Kill()
	stuck := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	defer stuck.Stop()
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
