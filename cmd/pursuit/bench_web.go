package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/web"
)

// benchWeb measures the server time of the web app's search page: the
// whole handler (session look-up in the store, the search with facets, the
// mapped/unmapped counts, reveal look-ups and the template), called
// in-process so that nothing but the server is timed.
func benchWeb(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "bench web", "",
		"Measure the server time of the web app's search page (GET /search) for the customers bench http\n"+
			"picks, over the same query mix, one request at a time. Creates a temporary user and session per\n"+
			"customer and deletes them afterwards.")
	db := dbFlag(fs, e)
	requests := fs.Int("requests", 2000, "requests per customer (after 100 warm-up requests)")
	seed := fs.Uint64("seed", 1, "seed of the query mix")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured requests to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *requests < 1 {
		return fmt.Errorf("bench web: --requests must be at least 1")
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("bench web: %w", err)
	}
	defer s.Close()
	grants, err := httpBenchGrants(ctx, s)
	if err != nil {
		return fmt.Errorf("bench web: %w", err)
	}
	customers, err := httpBenchDefaultCustomers(grants)
	if err != nil {
		return fmt.Errorf("bench web: %w", err)
	}
	stateOf := map[int64]string{}
	if err := s.ScanPlaces(ctx, func(p pursuit.Place) error { stateOf[p.PlaceID] = p.StateAbbr; return nil }); err != nil {
		return fmt.Errorf("bench web: %w", err)
	}
	e.log.Info("building search index")
	ix, err := search.Build(ctx, s, search.Options{Logger: e.log})
	if err != nil {
		return fmt.Errorf("bench web: %w", err)
	}
	app, err := web.NewServer(web.Config{Store: s, Index: func() *search.Index { return ix }})
	if err != nil {
		return fmt.Errorf("bench web: %w", err)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench web: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench web: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	// Requests run on one locked OS thread, so that the thread's CPU time
	// around a request is that request's (the collector's background
	// work is in the process's CPU per request instead).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	fmt.Fprintf(e.stdout, "%s, GOMAXPROCS %d\n", loadAvg(), runtime.GOMAXPROCS(0))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "customer\tplaces\trequests\tp50\tp95\tp99\tmax\tcpu p50\tcpu p99\tprocess cpu/req\t")
	for _, cid := range customers {
		var b [12]byte
		rand.Read(b[:])
		u := pursuit.User{CustomerID: cid, Email: "bench-" + base64.RawURLEncoding.EncodeToString(b[:]) + "@pursuit.example", Role: pursuit.UserRoleMember}
		if err := s.CreateUser(ctx, &u); err != nil {
			return fmt.Errorf("bench web: %w", err)
		}
		cookie, err := web.BenchSession(ctx, s, u.UserID, time.Now())
		if err != nil {
			s.DeleteUser(ctx, u.UserID)
			return fmt.Errorf("bench web: %w", err)
		}
		urls, _ := httpBenchMix("", *seed, httpBenchStates(stateOf, grants[cid]))
		lat := make([]time.Duration, 0, *requests)
		cpu := make([]time.Duration, 0, *requests)
		var procCPU time.Duration
		var failed int
		var firstErr string
		for i := range *requests + 100 {
			path := strings.Replace(urls[i%len(urls)], "/v1/contacts/search", "/search", 1)
			req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
			req.Header.Set("Cookie", cookie)
			rec := httptest.NewRecorder()
			if i == 100 {
				procCPU = -cpuTime()
			}
			c0, start := threadCPU(), time.Now()
			app.ServeHTTP(rec, req)
			d, c := time.Since(start), threadCPU()-c0
			if rec.Code != http.StatusOK {
				failed++
				if firstErr == "" {
					firstErr = fmt.Sprintf("%s: %d", path, rec.Code)
				}
				continue
			}
			if i >= 100 {
				lat, cpu = append(lat, d), append(cpu, c)
			}
		}
		procCPU += cpuTime()
		if err := s.DeleteUser(ctx, u.UserID); err != nil {
			return fmt.Errorf("bench web: %w", err)
		}
		if failed > 0 {
			return fmt.Errorf("bench web: %d requests failed, the first %s", failed, firstErr)
		}
		p, pc := percentiles(lat), percentiles(cpu)
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", cid, len(grants[cid]), len(lat), fmtDur(p[0]), fmtDur(p[1]), fmtDur(p[2]), fmtDur(p[3]),
			fmtDur(pc[0]), fmtDur(pc[2]), fmtDur(procCPU/time.Duration(len(lat))))
	}
	return tw.Flush()
}
