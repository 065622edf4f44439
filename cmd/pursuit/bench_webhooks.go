package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// benchWebhooks measures the change feed and webhooks on a fresh SQLite
// store against a local receiver: (1) commit → delivered latency of
// single writes, (2) fan-out of N events to M endpoints (arrival rate
// against delivery rate, the largest queue seen), (3) one GET
// /v1/changes page of 10,000 events.
func benchWebhooks(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench webhooks", "", "Measure webhook latency and throughput and the feed's page time on a temporary SQLite store.")
	writes := fs.Int("writes", 300, "phase 1: single contact writes, one every --gap")
	gap := fs.Duration("gap", 20*time.Millisecond, "phase 1: time between writes")
	endpoints := fs.Int("endpoints", 100, "phase 2: endpoints (one customer each, all granted one place)")
	events := fs.Int("events", 1000, "phase 2: contacts written, each an event for every endpoint")
	rate := fs.Int("rate", 20, "phase 2: contacts written per second")
	page := fs.Int("page", 10000, "phase 3: events in the feed page")
	dir := fs.String("dir", "", "directory of the temporary store (default: a new temporary directory)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *writes < 1 || *endpoints < 1 || *events < 1 || *rate < 1 || *page < 1 || *page > pursuit.MaxListLimit {
		return fmt.Errorf("bench webhooks: --writes, --endpoints, --events, --rate must be positive and --page 1 to %d", pursuit.MaxListLimit)
	}
	if *dir == "" {
		*dir = filepath.Join(e.getenv("TMPDIR"), fmt.Sprintf("pursuit-bench-webhooks-%d", time.Now().UnixNano()))
		if e.getenv("TMPDIR") == "" {
			*dir = filepath.Join("/tmp", filepath.Base(*dir))
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench webhooks: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench webhooks: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	s, err := sqlite.Open(ctx, filepath.Join(*dir, "bench.db"))
	if err != nil {
		return fmt.Errorf("bench webhooks: %w", err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return fmt.Errorf("bench webhooks: %w", err)
	}
	var mu sync.Mutex
	got := map[string]time.Time{}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		if _, ok := got[r.Header.Get(feed.HeaderID)+r.URL.Path]; !ok {
			got[r.Header.Get(feed.HeaderID)+r.URL.Path] = time.Now()
		}
		mu.Unlock()
	}))
	defer rcv.Close()
	d := feed.New(feed.Config{Store: s, Client: feed.NewClient(true), Poll: 50 * time.Millisecond})
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go d.Run(runCtx)
	place := pursuit.Place{Name: "Bench County", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}
	if err := s.CreatePlace(ctx, &place); err != nil {
		return err
	}
	var customers []int64
	for i := range *endpoints {
		c := pursuit.Customer{Name: fmt.Sprintf("Bench %d", i)}
		if err := s.CreateCustomer(ctx, &c); err != nil {
			return err
		}
		customers = append(customers, c.CustomerID)
	}
	// Phase 1: one customer, one endpoint, single writes.
	one := customers[0]
	must := func(err error) error { return err }
	if err := must(s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: one, PlaceID: place.PlaceID, AccessType: pursuit.AccessFull})); err != nil {
		return err
	}
	ep := pursuit.WebhookEndpoint{CustomerID: one, URL: rcv.URL + "/1", Secret: feed.NewSecret()}
	if err := s.CreateWebhookEndpoint(ctx, &ep); err != nil {
		return err
	}
	wait := func(n int, bound time.Duration) error {
		deadline := time.Now().Add(bound)
		for {
			mu.Lock()
			have := len(got)
			mu.Unlock()
			if have >= n {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("bench webhooks: %d of %d deliveries after %s", have, n, bound)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond) // the dispatcher takes its start position
	fmt.Fprintf(e.stdout, "phase 1: %d single writes, one every %s, 1 endpoint\n", *writes, *gap)
	committed := map[int64]time.Time{}
	for i := range *writes {
		c := pursuit.Contact{PlaceID: place.PlaceID, Name: fmt.Sprintf("Latency %d", i), Title: "Clerk"}
		if err := s.CreateContact(ctx, &c); err != nil {
			return err
		}
		committed[c.ContactID] = time.Now()
		d.Notify() // what serve's change-log subscription does
		time.Sleep(*gap)
	}
	if err := wait(*writes, time.Minute); err != nil {
		return err
	}
	evs, err := s.FeedEvents(ctx, one, 0, pursuit.MaxListLimit)
	if err != nil {
		return err
	}
	var lat []time.Duration
	for _, ev := range evs {
		var cid int64
		fmt.Sscanf(string(ev.Data), `{"access_type":"full","contact":{"contact_id":%d`, &cid)
		mu.Lock()
		at, ok := got[pursuit.MessageID(ev.EventID)+"/1"]
		mu.Unlock()
		if c, ok2 := committed[cid]; ok && ok2 {
			lat = append(lat, at.Sub(c))
		}
	}
	slices.Sort(lat)
	if len(lat) == 0 {
		return fmt.Errorf("bench webhooks: no latency measured")
	}
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Fprintf(e.stdout, "  commit → delivered: p50 %s, p99 %s, max %s (%d samples)\n", pct(0.5).Round(time.Millisecond),
		pct(0.99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), len(lat))

	// Phase 2: fan-out.
	for i, c := range customers {
		if i > 0 {
			if err := s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: c, PlaceID: place.PlaceID, AccessType: pursuit.AccessMasked}); err != nil {
				return err
			}
		}
		ep := pursuit.WebhookEndpoint{CustomerID: c, URL: fmt.Sprintf("%s/fan/%d", rcv.URL, c), Secret: feed.NewSecret(), EventTypes: []string{pursuit.EventContactCreated}}
		if err := s.CreateWebhookEndpoint(ctx, &ep); err != nil {
			return err
		}
	}
	mu.Lock()
	base := len(got)
	mu.Unlock()
	total := *events * *endpoints
	fmt.Fprintf(e.stdout, "phase 2: %d contacts at %d/s, each an event for %d endpoints (%d deliveries)\n", *events, *rate, *endpoints, total)
	// The queue grows when the second half of the writes sees a larger
	// one than the first.
	var maxPending, firstHalf, secondHalf int64
	start := time.Now()
	every := time.Second / time.Duration(*rate)
	for i := range *events {
		c := pursuit.Contact{PlaceID: place.PlaceID, Name: fmt.Sprintf("Fan %d", i), Title: "Clerk"}
		if err := s.CreateContact(ctx, &c); err != nil {
			return err
		}
		d.Notify()
		if i%50 == 0 {
			n, _ := s.PendingDeliveries(ctx)
			maxPending = max(maxPending, n)
			if i < *events/2 {
				firstHalf = max(firstHalf, n)
			} else {
				secondHalf = max(secondHalf, n)
			}
		}
		if sleep := time.Until(start.Add(time.Duration(i+1) * every)); sleep > 0 {
			time.Sleep(sleep)
		}
	}
	writeTime := time.Since(start)
	atEnd, _ := s.PendingDeliveries(ctx)
	if err := wait(base+total, 10*time.Minute); err != nil {
		return err
	}
	drain := time.Since(start)
	fmt.Fprintf(e.stdout, "  writes took %s (%.0f deliveries/s arriving); all delivered after %s (%.0f deliveries/s); largest queue %d (first half of the writes %d, second half %d, at their end %d)\n",
		writeTime.Round(time.Millisecond), float64(total)/writeTime.Seconds(), drain.Round(time.Millisecond), float64(total)/drain.Seconds(), maxPending,
		firstHalf, secondHalf, atEnd)

	// Phase 3: a feed page of --page events.
	stop()
	big := pursuit.Customer{Name: "Feed page"}
	if err := s.CreateCustomer(ctx, &big); err != nil {
		return err
	}
	p2 := pursuit.Place{Name: "Page County", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}
	if err := s.CreatePlace(ctx, &p2); err != nil {
		return err
	}
	if err := s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: big.CustomerID, PlaceID: p2.PlaceID, AccessType: pursuit.AccessMasked}); err != nil {
		return err
	}
	rows := make([]pursuit.Contact, *page)
	for i := range rows {
		rows[i] = pursuit.Contact{ContactID: int64(10_000_000 + i), PlaceID: p2.PlaceID, Name: fmt.Sprintf("Page %d", i), Email: fmt.Sprintf("p%d@page.gov", i), Title: "Clerk"}
	}
	if err := s.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertContacts(ctx, rows) }); err != nil {
		return err
	}
	d2 := feed.New(feed.Config{Store: s, Batch: 20000})
	dstart := time.Now()
	for {
		n, err := d2.Derive(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	fmt.Fprintf(e.stdout, "phase 3: derived the %d-contact bulk load's events in %s\n", *page, time.Since(dstart).Round(time.Millisecond))
	api := httpapi.NewServer(httpapi.Config{Store: s, RateLimit: -1})
	srv := httptest.NewServer(api)
	defer srv.Close()
	k, key, err := httpapi.NewAPIKey(pursuit.RoleCustomer, big.CustomerID, "bench", time.Now())
	if err != nil {
		return err
	}
	if err := s.CreateAPIKey(ctx, &k); err != nil {
		return err
	}
	var times []time.Duration
	var size int
	for range 21 {
		req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/v1/changes?limit=%d", srv.URL, *page), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		times = append(times, time.Since(t0))
		size = len(b)
		if resp.StatusCode != 200 {
			return fmt.Errorf("bench webhooks: GET /v1/changes: %d %s", resp.StatusCode, b[:min(200, len(b))])
		}
	}
	times = times[1:] // the first warms the key cache and the cursor secret
	slices.Sort(times)
	fmt.Fprintf(e.stdout, "  GET /v1/changes?limit=%d (%d KiB): median %s, max %s over %d requests\n", *page, size>>10,
		times[len(times)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond), len(times))
	return nil
}
