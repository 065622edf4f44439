package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/pursuit-gov/pursuit/crm"
	"github.com/pursuit-gov/pursuit/gen"
)

// benchCRM measures CRM account matching: precision and recall on a noisy
// export with ground truth, and the time to match it against the seed's
// places, generated in memory (the places of `pursuit generate` with the
// same seed and count, without contacts).
func benchCRM(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench crm", "",
		"CRM account matching: a noisy account export with ground truth (name variants, typos, missing or\n"+
			"full-name states, websites in every shape, public ids sometimes, duplicate accounts, 15% accounts that\n"+
			"are no place) matched against the generator's places, in memory. Prints precision, recall and speed.\n"+
			"Goals: precision >= 99%, recall >= 95%, 250,000 accounts against 150,000 places in <= 20 s.")
	places := fs.Int("places", 150_000, "places to generate (the seed has 150,000)")
	accounts := fs.Int("accounts", 250_000, "accounts in the export")
	seed := fs.Int64("seed", 1, "seed of the places (as pursuit generate --seed) and of the export")
	nonPlace := fs.Float64("non-places", 0.15, "share of accounts that are no place of ours")
	out := fs.String("write", "", "also write the export as a Salesforce Accounts CSV to `FILE` (for pursuit crm match)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *places < 1 || *places > gen.MaxPlaces || *accounts < 1 || *accounts > crm.MaxAccounts {
		return fmt.Errorf("bench crm: --places must be 1..%d and --accounts 1..%d", gen.MaxPlaces, crm.MaxAccounts)
	}
	if *nonPlace <= 0 || *nonPlace >= 1 {
		return fmt.Errorf("bench crm: --non-places must be between 0 and 1, not %v", *nonPlace)
	}
	host, _ := os.Hostname()
	fmt.Fprintf(e.stdout, "bench crm: %d places, %d accounts, seed %d, %d CPUs (GOMAXPROCS %d), host %s, %s\n",
		*places, *accounts, *seed, runtime.NumCPU(), runtime.GOMAXPROCS(0), host, loadAvg())
	t := time.Now()
	ps, err := gen.Places(gen.Config{Seed: *seed, Places: *places})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "generate places:     %8.2f s\n", time.Since(t).Seconds())
	t = time.Now()
	accts, truth := crm.NoisyExport(ps, crm.NoisyConfig{Seed: uint64(*seed), Accounts: *accounts, NonPlaceShare: *nonPlace})
	fmt.Fprintf(e.stdout, "generate accounts:   %8.2f s\n", time.Since(t).Seconds())
	if *out != "" {
		if err := writeTo(e, *out, func(w io.Writer) error { return crm.WriteAccounts(w, crm.ShapeSalesforce, accts) }); err != nil {
			return fmt.Errorf("bench crm: --write: %w", err)
		}
	}

	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	t = time.Now()
	m := crm.NewMatcherFromPlaces(ps)
	build := time.Since(t)
	t2 := time.Now()
	results, err := m.MatchAll(ctx, accts, nil)
	if err != nil {
		return err
	}
	match := time.Since(t2)
	total := time.Since(t)
	runtime.ReadMemStats(&ms1)

	var tp, fp, fn, tn int
	for i, r := range results {
		switch {
		case r.PlaceID != 0 && r.PlaceID == truth[i]:
			tp++
		case r.PlaceID != 0:
			fp++
		case truth[i] != 0:
			fn++
		default:
			tn++
		}
	}
	sum := crm.Summarize(results, m.PlaceState)
	fmt.Fprintf(e.stdout, "build matcher:       %8.2f s\n", build.Seconds())
	fmt.Fprintf(e.stdout, "match accounts:      %8.2f s (%.0f accounts/s)\n", match.Seconds(), float64(len(accts))/match.Seconds())
	fmt.Fprintf(e.stdout, "build + match:       %8.2f s (goal <= 20 s for 250,000 against 150,000)\n", total.Seconds())
	fmt.Fprintf(e.stdout, "allocated:           %8.0f MB\n", float64(ms1.TotalAlloc-ms0.TotalAlloc)/1e6)
	fmt.Fprintf(e.stdout, "accounts of places %d, non-places %d\n", tp+fn, fp+tn-countWrongPlace(results, truth))
	fmt.Fprintf(e.stdout, "true matches %d, wrong matches %d (of which non-places matched %d), missed %d, correctly unmatched %d\n",
		tp, fp, wrongNonPlace(results, truth), fn, tn)
	fmt.Fprintf(e.stdout, "precision:           %8.4f (goal >= 0.99)\n", float64(tp)/float64(max(tp+fp, 1)))
	fmt.Fprintf(e.stdout, "recall:              %8.4f (goal >= 0.95)\n", float64(tp)/float64(max(tp+fn+countWrongPlace(results, truth), 1)))
	fmt.Fprintf(e.stdout, "methods:             %s\n", methodCounts(sum.ByMethod))
	return nil
}

// countWrongPlace counts accounts of a place matched to another place.
func countWrongPlace(results []crm.Result, truth []int64) int {
	n := 0
	for i, r := range results {
		if r.PlaceID != 0 && truth[i] != 0 && r.PlaceID != truth[i] {
			n++
		}
	}
	return n
}

// wrongNonPlace counts accounts of no place that were matched.
func wrongNonPlace(results []crm.Result, truth []int64) int {
	n := 0
	for i, r := range results {
		if r.PlaceID != 0 && truth[i] == 0 {
			n++
		}
	}
	return n
}
