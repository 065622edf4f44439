package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/search"
)

// httpBenchQueries are the q values of the HTTP benchmark: common and rare
// words, phrases, field clauses and exclusions.
var httpBenchQueries = []string{
	"", "director", "manager", "clerk", "police", "finance director", `"public works"`,
	"superintendent", "water", "title:cio", "it director", "technology -assistant", "chief",
	"coordinator", "planning", "dept:finance", "smith", "treasurer", "fire chief", "gis",
}

var httpBenchFunctions = []string{"it", "finance", "public_works", "public_safety", "education", "executive"}
var httpBenchSeniorities = []string{"executive", "director", "manager"}

func benchHTTP(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench http", "",
		"Measure the HTTP API's contact search under concurrent load: an in-process server and client on\n"+
			"loopback, a reproducible mix of queries, filters and facets for one customer. Prints requests/s\n"+
			"and latency percentiles. Creates (and then revokes) one API key in the store.")
	db := dbFlag(fs, e)
	duration := fs.Duration("duration", 10*time.Second, "how long to measure (after a 1 s warm-up)")
	maxRequests := fs.Int("requests", 0, "stop after this many requests (0: only --duration)")
	concurrency := fs.Int("concurrency", 16, "concurrent client connections")
	customer := fs.Int64("customer", 0, "customer `ID` to search as (default: the one with the most place grants)")
	seed := fs.Uint64("seed", 1, "seed of the query mix")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured run to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *concurrency < 1 || *duration <= 0 {
		return fmt.Errorf("bench http: --concurrency and --duration must be positive")
	}
	s, err := openMigrated(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	defer s.Close()

	cid, states, err := httpBenchCustomer(ctx, s, *customer)
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	start := time.Now()
	ix, err := search.Build(ctx, s, search.Options{})
	if err != nil {
		return fmt.Errorf("bench http: build index: %w", err)
	}
	st := ix.Stats()
	fmt.Fprintf(e.stdout, "index: %d contacts, %d places, built in %v\n", st.Contacts, st.Places, time.Since(start).Round(time.Millisecond))

	k, key, err := createAPIKey(ctx, s, pursuit.RoleCustomer, cid, "bench http")
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	defer s.RevokeAPIKey(context.WithoutCancel(ctx), k.APIKeyID, time.Now())

	api := httpapi.NewServer(httpapi.Config{Store: s, Index: ix, RateLimit: -1, Logger: slog.New(slog.DiscardHandler)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	// The query mix, fixed by --seed.
	rng := rand.New(rand.NewPCG(*seed, 99))
	urls := make([]string, 1000)
	for i := range urls {
		v := url.Values{}
		if q := httpBenchQueries[rng.IntN(len(httpBenchQueries))]; q != "" {
			v.Set("q", q)
		}
		if rng.IntN(3) == 0 && len(states) > 0 {
			v.Set("state", states[rng.IntN(len(states))])
		}
		if rng.IntN(4) == 0 {
			v.Set("function", httpBenchFunctions[rng.IntN(len(httpBenchFunctions))])
		}
		if rng.IntN(5) == 0 {
			v.Set("seniority", httpBenchSeniorities[rng.IntN(len(httpBenchSeniorities))])
		}
		if rng.IntN(2) == 0 {
			v.Set("facets", "true")
		}
		urls[i] = base + "/v1/contacts/search?" + v.Encode()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: *concurrency * 2, MaxIdleConnsPerHost: *concurrency * 2}}
	fmt.Fprintf(e.stdout, "customer %d, %d concurrent clients, GOMAXPROCS %d, %v\n", cid, *concurrency, runtime.GOMAXPROCS(0), *duration)

	run := func(d time.Duration, limit int, record bool) ([]time.Duration, int64, time.Duration, error) {
		var (
			mu       sync.Mutex
			lat      []time.Duration
			n, fails atomic.Int64
			wg       sync.WaitGroup
			firstErr atomic.Value
		)
		stop := time.Now().Add(d)
		begin := time.Now()
		for w := 0; w < *concurrency; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				local := make([]time.Duration, 0, 4096)
				for i := w; ; i += *concurrency {
					if ctx.Err() != nil || time.Now().After(stop) || (limit > 0 && n.Load() >= int64(limit)) {
						break
					}
					req, _ := http.NewRequestWithContext(ctx, "GET", urls[i%len(urls)], nil)
					req.Header.Set("Authorization", "Bearer "+key)
					t0 := time.Now()
					res, err := client.Do(req)
					if err == nil {
						_, err = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if err == nil && res.StatusCode != http.StatusOK {
							err = fmt.Errorf("%s: status %d", urls[i%len(urls)], res.StatusCode)
						}
					}
					el := time.Since(t0)
					n.Add(1)
					if err != nil {
						fails.Add(1)
						firstErr.CompareAndSwap(nil, err)
						continue
					}
					if record {
						local = append(local, el)
					}
				}
				mu.Lock()
				lat = append(lat, local...)
				mu.Unlock()
			}(w)
		}
		wg.Wait()
		var err error
		if v := firstErr.Load(); v != nil {
			err = v.(error)
		}
		return lat, fails.Load(), time.Since(begin), err
	}
	if _, _, _, err := run(time.Second, 0, false); err != nil && ctx.Err() == nil {
		return fmt.Errorf("bench http: warm-up: %w", err)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench http: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench http: %w", err)
		}
	}
	lat, fails, took, err := run(*duration, *maxRequests, true)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if len(lat) == 0 {
		return fmt.Errorf("bench http: no successful request: %w", err)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	rps := float64(len(lat)) / took.Seconds()
	fmt.Fprintf(e.stdout, "requests: %d ok, %d failed in %v\n", len(lat), fails, took.Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "throughput: %.0f requests/s\n", rps)
	fmt.Fprintf(e.stdout, "latency: p50 %v  p95 %v  p99 %v  max %v\n",
		pct(0.50).Round(10*time.Microsecond), pct(0.95).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
	goal := "met"
	if rps < 3000 || pct(0.99) > 25*time.Millisecond {
		goal = "NOT met"
	}
	fmt.Fprintf(e.stdout, "goal (>= 3000 requests/s, p99 <= 25 ms): %s\n", goal)
	if fails > 0 {
		fmt.Fprintf(e.stdout, "first failure: %v\n", err)
	}
	return nil
}

// httpBenchCustomer returns the customer to search as (the one with the most
// place grants unless given) and the states of its granted places.
func httpBenchCustomer(ctx context.Context, s pursuit.Store, want int64) (int64, []string, error) {
	grants := map[int64][]int64{}
	err := s.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error {
		if want == 0 || g.CustomerID == want {
			grants[g.CustomerID] = append(grants[g.CustomerID], g.PlaceID)
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	cid := want
	if cid == 0 {
		for c, ps := range grants {
			if cid == 0 || len(ps) > len(grants[cid]) || (len(ps) == len(grants[cid]) && c < cid) {
				cid = c
			}
		}
	}
	if cid == 0 {
		return 0, nil, errors.New("no customer has a place grant: generate a dataset first (pursuit generate)")
	}
	if _, err := s.GetCustomer(ctx, cid); err != nil {
		return 0, nil, err
	}
	places := map[int64]bool{}
	for _, p := range grants[cid] {
		places[p] = true
	}
	seen := map[string]bool{}
	err = s.ScanPlaces(ctx, func(p pursuit.Place) error {
		if places[p.PlaceID] {
			seen[p.StateAbbr] = true
		}
		return nil
	})
	var states []string
	for st := range seen {
		states = append(states, st)
	}
	sort.Strings(states)
	return cid, states, err
}
