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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
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

// httpBenchResult is one customer's measurement.
type httpBenchResult struct {
	customer      int64
	label         string // the customer column when not one customer
	places        int
	ok, failed    int
	rps           float64
	p50, p95, p99 time.Duration
	firstErr      error
	// engine is the searches/s of the same mix without HTTP.
	engine float64
	// cpu is the process's CPU time (user and system: server, client,
	// follower, collector) per successful request of the measured run,
	// and engineCPU per search of the engine-only run: what a loaded
	// machine changes least.
	cpu, engineCPU time.Duration
}

// summarize sets the rate and percentiles of the successful requests'
// latencies lat, measured over took.
func (r *httpBenchResult) summarize(lat []time.Duration, took time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	r.rps = float64(len(lat)) / took.Seconds()
	r.p50, r.p95, r.p99 = pct(0.50), pct(0.95), pct(0.99)
}

func benchHTTP(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench http", "",
		"Measure the HTTP API's contact search under concurrent load: an in-process server and client on\n"+
			"loopback, a reproducible mix of queries, filters and facets, per customer. Prints requests/s and\n"+
			"latency percentiles. Creates (and then revokes) one API key per customer in the store.")
	db := dbFlag(fs, e)
	duration := fs.Duration("duration", 10*time.Second, "how long to measure each customer (after a 1 s warm-up)")
	maxRequests := fs.Int("requests", 0, "stop each customer after this many requests (0: only --duration)")
	concurrency := fs.Int("concurrency", 16, "concurrent client connections")
	customers := fs.String("customers", "", "comma-separated customer `IDs` to search as (default: the one with the most place grants and the median one)")
	seed := fs.Uint64("seed", 1, "seed of the query mix")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured runs to `FILE`")
	memProfile := fs.String("memprofile", "", "write a heap profile of the process after the load to `FILE` (go tool pprof -sample_index=inuse_space)")
	engine := fs.Bool("engine", true, "also run the same mix straight against the index, without HTTP, for comparison")
	mixed := fs.Bool("mixed", true, "also run every customer with a place grant at once, each request as a random one of them (multi-tenant traffic)")
	writes := fs.Duration("write-every", 100*time.Millisecond, "during the mixed run, commit a contact with a unique word this often and measure the delay until a search finds it (0: none)")
	snapshot := fs.String("snapshot", "", "load the index from this snapshot file (and catch up) instead of building it; written after a build")
	perCustomer := fs.Bool("per-customer", true, "measure the chosen customers one at a time (false: only the mixed run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *concurrency < 1 || *duration <= 0 {
		return fmt.Errorf("bench http: --concurrency and --duration must be positive")
	}
	var want []int64
	for _, f := range strings.Split(*customers, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("bench http: --customers: %q is not a customer id", f)
		}
		want = append(want, id)
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	defer s.Close()
	grants, err := httpBenchGrants(ctx, s)
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	stateOf := map[int64]string{}
	if err := s.ScanPlaces(ctx, func(p pursuit.Place) error { stateOf[p.PlaceID] = p.StateAbbr; return nil }); err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	if len(want) == 0 {
		if want, err = httpBenchDefaultCustomers(grants); err != nil {
			return fmt.Errorf("bench http: %w", err)
		}
	}

	start := time.Now()
	ix, err := openBenchIndex(ctx, e, s, *snapshot)
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	st := ix.Stats()
	fmt.Fprintf(e.stdout, "index: %d contacts, %d places, ready in %v\n", st.Contacts, st.Places, time.Since(start).Round(time.Millisecond))
	prep := time.Now()
	ix.PrepareRanking() // serve builds it on a goroutine once ready
	fmt.Fprintf(e.stdout, "ranking prepared in %s\n", time.Since(prep).Round(time.Millisecond))
	printMemory(e.stdout, ix, st.Contacts)
	fmt.Fprintf(e.stdout, "process memory when ready: %s\n", procMemory())
	// The index follows the change log as a server's does (polling every
	// 25 ms; the writer below does not Notify, as a write on another
	// server would not).
	fctx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	go ix.Follow(fctx)

	api := httpapi.NewServer(httpapi.Config{Store: s, Index: ix, RateLimit: -1, Logger: slog.New(slog.DiscardHandler)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("bench http: %w", err)
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: *concurrency * 2, MaxIdleConnsPerHost: *concurrency * 2}}
	fmt.Fprintf(e.stdout, "%d concurrent clients, GOMAXPROCS %d, %v per customer\n", *concurrency, runtime.GOMAXPROCS(0), *duration)

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench http: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench http: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	var results []httpBenchResult
	if !*perCustomer {
		want = nil
	}
	for _, cid := range want {
		if _, err := s.GetCustomer(ctx, cid); err != nil {
			return fmt.Errorf("bench http: customer %d: %w", cid, err)
		}
		k, key, err := createAPIKey(ctx, s, pursuit.RoleCustomer, cid, "bench http")
		if err != nil {
			return fmt.Errorf("bench http: %w", err)
		}
		urls, reqs := httpBenchMix(base, *seed, httpBenchStates(stateOf, grants[cid]))
		b := &httpLoad{client: client, keys: []string{key}, urls: urls, concurrency: *concurrency}
		b.run(ctx, time.Second, 0, false)
		cpu0 := cpuTime()
		lat, fails, took, firstErr := b.run(ctx, *duration, *maxRequests, true)
		cpu := cpuTime() - cpu0
		s.RevokeAPIKey(context.WithoutCancel(ctx), k.APIKeyID, time.Now())
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := httpBenchResult{customer: cid, places: len(grants[cid]), ok: len(lat), failed: int(fails), firstErr: firstErr}
		if len(lat) > 0 {
			r.cpu = cpu / time.Duration(len(lat))
		}
		if *engine {
			r.engine, r.engineCPU = engineRate(ctx, ix, cid, reqs, *duration)
		}
		r.summarize(lat, took)
		results = append(results, r)
	}
	if *mixed {
		var fresh *freshness
		if *writes > 0 {
			fresh = startFreshness(ctx, s, ix, grants, *writes)
		}
		r, err := benchHTTPMixed(ctx, s, client, base, grants, stateOf, *seed, *concurrency, *duration, *maxRequests)
		if fresh != nil {
			defer fresh.report(e.stdout)
			fresh.stop()
		}
		if err != nil {
			return fmt.Errorf("bench http: %w", err)
		}
		results = append(results, r)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "customer\tgranted places\tok\tfailed\trequests/s\tp50\tp95\tp99\tgoal (>= 3000/s, p99 <= 25 ms)\tcpu/request\tengine only/s\tengine cpu/search\t")
	for _, r := range results {
		goal := "met"
		if r.rps < 3000 || r.p99 > 25*time.Millisecond {
			goal = "NOT met"
		}
		round := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
		eng, engCPU := "-", "-"
		if r.engine > 0 {
			eng = fmt.Sprintf("%.0f", r.engine)
			engCPU = r.engineCPU.Round(time.Microsecond).String()
		}
		label := r.label
		if label == "" {
			label = strconv.FormatInt(r.customer, 10)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.0f\t%v\t%v\t%v\t%s\t%v\t%s\t%s\t\n", label, r.places, r.ok, r.failed, r.rps, round(r.p50), round(r.p95), round(r.p99), goal,
			r.cpu.Round(time.Microsecond), eng, engCPU)
	}
	tw.Flush()
	for _, r := range results {
		if r.firstErr != nil {
			fmt.Fprintf(e.stdout, "customer %d first failure: %v\n", r.customer, r.firstErr)
		}
	}
	// The resident memory after the load, as a server's (issue 15 goal
	// 3: the client's share of it is small): the Go heap grows to its GC
	// goal between cycles under load.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(e.stdout, "process memory after the load: %s; Go heap in use %d MiB, GC goal %d MiB\n",
		procMemory(), ms.HeapInuse>>20, ms.NextGC>>20)
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	return nil
}

// benchHTTPMixed loads the server with every customer with a place grant
// at once: the mix of each (seeded by its id) interleaved, each request
// with its customer's key, as a shared server sees multi-tenant traffic.
func benchHTTPMixed(ctx context.Context, s pursuit.Store, client *http.Client, base string, grants map[int64][]int64, stateOf map[int64]string,
	seed uint64, concurrency int, d time.Duration, limit int) (httpBenchResult, error) {
	ids := make([]int64, 0, len(grants))
	places := 0
	for c, g := range grants {
		ids = append(ids, c)
		places += len(g)
	}
	slices.Sort(ids)
	b := &httpLoad{client: client, concurrency: concurrency}
	perCustomer := make([][]string, len(ids))
	for i, cid := range ids {
		k, key, err := createAPIKey(ctx, s, pursuit.RoleCustomer, cid, "bench http mixed")
		if err != nil {
			return httpBenchResult{}, err
		}
		defer s.RevokeAPIKey(context.WithoutCancel(ctx), k.APIKeyID, time.Now())
		b.keys = append(b.keys, key)
		perCustomer[i], _ = httpBenchMix(base, seed+uint64(cid), httpBenchStates(stateOf, grants[cid]))
	}
	// 2,000 requests: customer and URL drawn at random, fixed by seed.
	rng := rand.New(rand.NewPCG(seed, 7))
	for range 2000 {
		i := rng.IntN(len(ids))
		b.urls = append(b.urls, perCustomer[i][rng.IntN(len(perCustomer[i]))])
		b.keyOf = append(b.keyOf, i)
	}
	b.run(ctx, time.Second, 0, false)
	cpu0 := cpuTime()
	lat, fails, took, firstErr := b.run(ctx, d, limit, true)
	cpu := cpuTime() - cpu0
	if ctx.Err() != nil {
		return httpBenchResult{}, ctx.Err()
	}
	r := httpBenchResult{label: fmt.Sprintf("all %d, mixed", len(ids)), places: places / max(len(ids), 1), ok: len(lat), failed: int(fails), firstErr: firstErr}
	if len(lat) > 0 {
		r.cpu = cpu / time.Duration(len(lat))
	}
	r.summarize(lat, took)
	return r, nil
}

// httpLoad sends the URLs round-robin from concurrency goroutines, each
// with keys[keyOf[i]] (keys[0] when keyOf is nil).
type httpLoad struct {
	client      *http.Client
	keys        []string
	keyOf       []int
	urls        []string
	concurrency int
}

// run loads the server for d (or limit requests) and returns the
// latencies of successful requests when record is set.
func (b *httpLoad) run(ctx context.Context, d time.Duration, limit int, record bool) ([]time.Duration, int64, time.Duration, error) {
	var (
		mu       sync.Mutex
		lat      []time.Duration
		n, fails atomic.Int64
		wg       sync.WaitGroup
		firstErr atomic.Value
	)
	stop := time.Now().Add(d)
	begin := time.Now()
	for w := 0; w < b.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			for i := w; ; i += b.concurrency {
				if ctx.Err() != nil || time.Now().After(stop) || (limit > 0 && n.Load() >= int64(limit)) {
					break
				}
				u := b.urls[i%len(b.urls)]
				key := b.keys[0]
				if b.keyOf != nil {
					key = b.keys[b.keyOf[i%len(b.urls)]]
				}
				req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
				req.Header.Set("Authorization", "Bearer "+key)
				t0 := time.Now()
				res, err := b.client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s: status %d", u, res.StatusCode)
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

// httpBenchMix returns the query mix, fixed by seed, as URLs and as the
// equivalent search requests: words, phrases and field clauses, a third
// filtered by one of the customer's states, some by function or seniority,
// half with facets.
func httpBenchMix(base string, seed uint64, states []string) ([]string, []search.Request) {
	rng := rand.New(rand.NewPCG(seed, 99))
	urls := make([]string, 1000)
	reqs := make([]search.Request, len(urls))
	for i := range urls {
		v := url.Values{}
		r := &reqs[i]
		if q := httpBenchQueries[rng.IntN(len(httpBenchQueries))]; q != "" {
			v.Set("q", q)
			r.Q = q
		}
		if rng.IntN(3) == 0 && len(states) > 0 {
			st := states[rng.IntN(len(states))]
			v.Set("state", st)
			r.States = []string{st}
		}
		if rng.IntN(4) == 0 {
			f := httpBenchFunctions[rng.IntN(len(httpBenchFunctions))]
			v.Set("function", f)
			r.Functions = []string{f}
		}
		if rng.IntN(5) == 0 {
			sen := httpBenchSeniorities[rng.IntN(len(httpBenchSeniorities))]
			v.Set("seniority", sen)
			r.Seniorities = []string{sen}
		}
		if rng.IntN(2) == 0 {
			v.Set("facets", "true")
			r.Facets = true
		}
		urls[i] = base + "/v1/contacts/search?" + v.Encode()
	}
	return urls, reqs
}

// engineRate runs the requests straight against the index, one goroutine
// per core, for d, and returns searches per second (the ceiling the HTTP
// numbers compare with) and the process's CPU time per search.
func engineRate(ctx context.Context, ix *search.Index, cid int64, reqs []search.Request, d time.Duration) (float64, time.Duration) {
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	begin := time.Now()
	cpu0 := cpuTime()
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; ctx.Err() == nil && time.Now().Before(stop); i += runtime.GOMAXPROCS(0) {
				ix.SearchContacts(cid, reqs[i%len(reqs)])
				n.Add(1)
			}
		}(w)
	}
	wg.Wait()
	rate := float64(n.Load()) / time.Since(begin).Seconds()
	return rate, (cpuTime() - cpu0) / time.Duration(max(n.Load(), 1))
}

// httpBenchGrants returns every customer's granted place ids.
func httpBenchGrants(ctx context.Context, s pursuit.Store) (map[int64][]int64, error) {
	grants := map[int64][]int64{}
	err := s.ScanPlaceGrants(ctx, func(g pursuit.CustomerPlaceRelation) error {
		grants[g.CustomerID] = append(grants[g.CustomerID], g.PlaceID)
		return nil
	})
	return grants, err
}

// httpBenchDefaultCustomers picks the customer with the most place grants
// and the one with the median number.
func httpBenchDefaultCustomers(grants map[int64][]int64) ([]int64, error) {
	ids := make([]int64, 0, len(grants))
	for c := range grants {
		ids = append(ids, c)
	}
	if len(ids) == 0 {
		return nil, errors.New("no customer has a place grant: generate a dataset first (pursuit generate)")
	}
	sort.Slice(ids, func(i, j int) bool {
		if len(grants[ids[i]]) != len(grants[ids[j]]) {
			return len(grants[ids[i]]) > len(grants[ids[j]])
		}
		return ids[i] < ids[j]
	})
	out := []int64{ids[0]}
	if m := ids[len(ids)/2]; m != ids[0] {
		out = append(out, m)
	}
	return out, nil
}

// httpBenchStates returns the states of the given places.
func httpBenchStates(stateOf map[int64]string, placeIDs []int64) []string {
	seen := map[string]bool{}
	for _, p := range placeIDs {
		if st, ok := stateOf[p]; ok {
			seen[st] = true
		}
	}
	states := make([]string, 0, len(seen))
	for st := range seen {
		states = append(states, st)
	}
	sort.Strings(states)
	return states
}
