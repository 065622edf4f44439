package search

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit/sqlite"
)

// TestBuildSeedDB builds the index from the SQLite file named by
// PURSUIT_SEARCH_SEED_DB (a generated seed-scale dataset) and reports the
// time and heap; it is skipped otherwise. It is for profiling
// (go test -run BuildSeedDB -cpuprofile), not a speed assertion.
func TestBuildSeedDB(t *testing.T) {
	path := os.Getenv("PURSUIT_SEARCH_SEED_DB")
	if path == "" {
		t.Skip("PURSUIT_SEARCH_SEED_DB is unset")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	must(t, err)
	defer db.Close()
	start := time.Now()
	ix, err := Build(ctx, db, Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	must(t, err)
	el := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := ix.Stats()
	if p := os.Getenv("PURSUIT_SEARCH_HEAP_PROFILE"); p != "" {
		f, err := os.Create(p)
		must(t, err)
		must(t, pprof.WriteHeapProfile(f))
		f.Close()
	}
	if q := os.Getenv("PURSUIT_SEARCH_PROFILE_Q"); q != "" {
		f, err := os.Create("/tmp/search-one.prof")
		must(t, err)
		pprof.StartCPUProfile(f)
		qs := time.Now()
		for range 20 {
			cust, _ := strconv.ParseInt(os.Getenv("PURSUIT_SEARCH_PROFILE_CUSTOMER"), 10, 64)
			_, err := ix.SearchContacts(max(cust, 1), Request{Q: q, Limit: 20, Facets: true})
			must(t, err)
		}
		pprof.StopCPUProfile()
		f.Close()
		t.Logf("20 × %q: %s", q, time.Since(qs))
	}
	t.Logf("built in %s: %+v; heap in use %d MiB, sys %d MiB", el, st, ms.HeapInuse>>20, ms.Sys>>20)
}
