package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/analytics"
	"github.com/pursuit-gov/pursuit/lake"
)

// benchLake measures a full Delta export of the store, the data skipping
// of place_id look-ups on contacts, an incremental sync of a batch of
// changes, and then checks the lake against the store.
func benchLake(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench lake", "",
		"Full Delta Lake export of the store, data skipping of contacts.place_id look-ups, then an incremental\n"+
			"sync of --changes change_log rows. THE STORE IS MODIFIED: the changes (contact updates, inserts and\n"+
			"deletes and tech_stack updates at randomly chosen places, as a data refresh makes them) are written to\n"+
			"it. Use a benchmark database (pursuit generate --db ./data/bench.db).")
	db := dbFlag(fs, e)
	where := fs.String("lake", "", "lake directory (default: a new temporary directory, removed afterwards)")
	changes := fs.Int("changes", 10000, "change_log rows to apply and sync")
	lookups := fs.Int("lookups", 1000, "place_id look-ups for the skipping measurement")
	verify := fs.Bool("verify", true, "after the sync, compare row counts and checksums of every table with the store, and the log's stats with the files")
	seed := fs.Uint64("seed", 1, "seed of the changes and look-ups")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the incremental sync to this file")
	spillDir := fs.String("spill-dir", "", "`DIR` for the export's spill of places and contacts (default the system's temporary directory)")
	exportProfile := fs.String("export-cpuprofile", "", "write a CPU profile of the full export to this file")
	o := layoutFlags(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	lakeGC(e)
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	dir := *where
	if dir == "" {
		if dir, err = os.MkdirTemp("", "pursuit-bench-lake-*"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	loc, err := lake.OpenLocation(ctx, dir)
	if err != nil {
		return err
	}
	defer loc.Close()
	host, _ := os.Hostname()
	fmt.Fprintf(e.stdout, "bench lake: store %s (%s), lake %s, %d CPUs (GOMAXPROCS %d), host %s, %s\n", *db, s.Kind(), dir, runtime.NumCPU(), runtime.GOMAXPROCS(0), host, loadAvg())

	// 1. Full export. Each phase's peak resident memory is its own:
	// VmHWM is reset before it.
	if *exportProfile != "" {
		f, err := os.Create(*exportProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	loadResetPeakRSS()
	start, cpu0 := time.Now(), cpuTime()
	res, err := lake.Export(ctx, s, loc, lake.ExportOptions{Options: *o, SpillDir: *spillDir, Log: e.log})
	if *exportProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	var rows, bytes int64
	files := 0
	for _, r := range res {
		rows += r.Rows
		bytes += r.Bytes
		files += r.Files
	}
	printTableResults(e, res)
	fmt.Fprintf(e.stdout, "full export: %d rows, %d files, %.1f MB in %.2fs wall, %.2fs CPU (%.0f rows/s) [target < 30 s at seed scale]\n",
		rows, files, float64(bytes)/1e6, elapsed.Seconds(), (cpuTime() - cpu0).Seconds(), float64(rows)/elapsed.Seconds())
	fmt.Fprintf(e.stdout, "full export: peak RSS (VmHWM) %s [target <= 1.5 GB]\n", loadPeakRSS())

	// 2. Data skipping.
	rep, err := skipping(ctx, loc, pursuit.TableContacts, "place_id", *lookups)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "skipping: %s\n", rep)

	// 3. Changes, then the incremental sync.
	before, err := s.LastSeq(ctx)
	if err != nil {
		return err
	}
	start = time.Now()
	what, err := makeChanges(ctx, s, *changes, *seed)
	if err != nil {
		return fmt.Errorf("bench lake: make changes: %w", err)
	}
	after, _ := s.LastSeq(ctx)
	fmt.Fprintf(e.stdout, "changes: %d change_log rows written to the store in %.2fs (%s)\n", after-before, time.Since(start).Seconds(), what)
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
	}
	loadResetPeakRSS()
	start, cpu0 = time.Now(), cpuTime()
	sres, err := lake.Sync(ctx, s, loc, lake.SyncOptions{Options: *o, Log: e.log})
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	elapsed = time.Since(start)
	printTableResults(e, sres.Tables)
	fmt.Fprintf(e.stdout, "incremental sync: %d changes (seq %d..%d) in %.3fs wall, %.3fs CPU [target < 2 s for 10,000]\n", sres.Changes, sres.From+1, sres.To, elapsed.Seconds(), (cpuTime() - cpu0).Seconds())
	fmt.Fprintf(e.stdout, "incremental sync: peak RSS (VmHWM) %s [target <= 1.5 GB]\n", loadPeakRSS())
	start = time.Now()
	if _, err := lake.Sync(ctx, s, loc, lake.SyncOptions{Options: *o, Log: e.log}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "re-run of the sync (nothing to apply): %.3fs\n", time.Since(start).Seconds())
	rep, err = skipping(ctx, loc, pursuit.TableContacts, "place_id", *lookups)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "skipping after the sync: %s\n", rep)

	if !*verify {
		return nil
	}
	// 4. The lake against the store and against its own log.
	loadResetPeakRSS()
	start = time.Now()
	want, err := lake.StoreChecksums(ctx, s, lake.ExportOptions{})
	if err != nil {
		return err
	}
	d, err := analytics.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer d.Close()
	bad := 0
	for _, t := range lake.Tables {
		got, err := d.Checksum(ctx, t)
		if err != nil {
			return err
		}
		if got != want[t] {
			bad++
			fmt.Fprintf(e.stdout, "MISMATCH %s: lake %v, store %v\n", t, got, want[t])
		}
	}
	checks, err := d.Check(ctx)
	if err != nil {
		return err
	}
	for _, c := range checks {
		for _, p := range c.Problems {
			bad++
			fmt.Fprintf(e.stdout, "PROBLEM %s: %s\n", c.Table, p)
		}
	}
	if bad > 0 {
		return fmt.Errorf("bench lake: %d mismatches between the lake and the store", bad)
	}
	fmt.Fprintf(e.stdout, "verified: every table's row count and checksum equal the store's, every file's stats equal DuckDB's (%.1fs, peak RSS %s)\n", time.Since(start).Seconds(), loadPeakRSS())
	return nil
}

// loadAvg describes the machine's load, to tell a shared CPU apart.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "load average unknown"
	}
	return "load average " + strings.Join(f[:3], " ")
}

// cpuTime returns the CPU time (user + system) the process has used: on
// a shared machine the wall-clock time also counts the time other
// processes had the CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// makeChanges writes about n change_log rows the way a data refresh of
// some places does: at each randomly chosen place every contact is
// re-verified (one in five with a new title), two leave (deleted), a dozen
// join (inserted) and the tech stack is seen again; places are refreshed
// until n changes are reached.
func makeChanges(ctx context.Context, s pursuit.Store, n int, seed uint64) (string, error) {
	r := rand.New(rand.NewPCG(seed, 7))
	var maxPlace, maxContact int64
	if err := s.ScanKeys(ctx, pursuit.TablePlaces, func(id int64) error { maxPlace = max(maxPlace, id); return nil }); err != nil {
		return "", err
	}
	if err := s.ScanKeys(ctx, pursuit.TableContacts, func(id int64) error { maxContact = max(maxContact, id); return nil }); err != nil {
		return "", err
	}
	if maxPlace == 0 {
		return "", fmt.Errorf("the store has no places")
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	var updates, inserts []pursuit.Contact
	var deletes []int64
	var techs []pursuit.TechStack
	total := func() int { return len(updates) + len(inserts) + len(deletes) + len(techs) }
	seen := map[int64]bool{}
	for tries := 0; total() < n && tries < 1000000; tries++ {
		pid := 1 + r.Int64N(maxPlace)
		if seen[pid] {
			continue
		}
		seen[pid] = true
		cs, err := s.ListContactsByPlace(ctx, pid, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
		if err != nil {
			if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
				continue
			}
			return "", err
		}
		for i, c := range cs {
			if total() >= n {
				break
			}
			if i < 2 && len(cs) > 4 {
				deletes = append(deletes, c.ContactID)
				continue
			}
			c.VerifiedAt = now
			if r.IntN(5) == 0 {
				c.Title = "Chief Information Officer"
			}
			updates = append(updates, c)
		}
		for k := 0; k < 12 && total() < n; k++ {
			maxContact++
			inserts = append(inserts, pursuit.Contact{ContactID: maxContact, PlaceID: pid, Name: fmt.Sprintf("New Hire %d", maxContact),
				FirstName: "New", LastName: "Hire", Title: "Analyst", Department: "IT", VerifiedAt: now, CreatedAt: now, UpdatedAt: now})
		}
		ts, err := s.ListTechStackByPlace(ctx, pid)
		if err != nil {
			return "", err
		}
		for _, t := range ts {
			if total() < n {
				t.LastSeen = now
				techs = append(techs, t)
			}
		}
	}
	err := s.Bulk(ctx, func(w pursuit.BulkWriter) error {
		if err := w.UpsertContacts(ctx, updates); err != nil {
			return err
		}
		if err := w.UpsertContacts(ctx, inserts); err != nil {
			return err
		}
		return w.UpsertTechStack(ctx, techs)
	})
	if err != nil {
		return "", err
	}
	for _, id := range deletes {
		if err := s.DeleteContact(ctx, id); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d places refreshed: %d contact updates, %d inserts, %d deletes, %d tech_stack updates",
		len(seen), len(updates), len(inserts), len(deletes), len(techs)), nil
}
