package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/web"
)

// serveOptions are the flags serve and demo share.
type serveOptions struct {
	addr         string
	metricsAddr  string
	rateLimit    float64
	gcPercent    int
	keepGOGC     bool // GOGC is set and neither --gc-percent nor PURSUIT_GC_PERCENT: gcPercent 0 leaves it
	rateBurst    int
	maxBody      int64
	timeout      time.Duration
	pollInterval time.Duration
	// Learned ranking (rank.go).
	trainEvery, retention, reload time.Duration
	candidates                    int
	// dispatch runs the feed dispatcher (one per database elects itself);
	// webhooksAllowPrivate lets endpoints name private addresses.
	dispatch             bool
	webhooksAllowPrivate bool
	// snapshot is the index snapshot file ("" or "off": none);
	// snapshotEvery how often it is rewritten while the index changes.
	snapshot      string
	snapshotEvery time.Duration
	// buildChild builds the index in a child process (pursuit index)
	// when there is no usable snapshot (openIndex); dsn is the store's
	// address the child opens (unset: in-process, as in demo).
	buildChild bool
	dsn        string
	// sessionSweep is how often expired sessions and used or expired
	// sign-in tokens are deleted.
	sessionSweep time.Duration
}

func serveFlags(fs *flag.FlagSet, e *env) *serveOptions {
	o := &serveOptions{}
	fs.StringVar(&o.addr, "addr", envOr(e, "PURSUIT_ADDR", "127.0.0.1:8080"), "address to listen on (env PURSUIT_ADDR)")
	fs.StringVar(&o.metricsAddr, "metrics-addr", envOr(e, "PURSUIT_METRICS_ADDR", ""),
		"also serve /metrics without a key on this address, for a scraper on a private network; on --addr /metrics needs an admin key (env PURSUIT_METRICS_ADDR)")
	// checkEnv has checked PURSUIT_RATE_LIMIT before any command runs.
	rate, err := parseRateLimit(envOr(e, "PURSUIT_RATE_LIMIT", "50"))
	if err != nil {
		rate = httpapi.DefaultRateLimit
	}
	fs.Float64Var(&o.rateLimit, "rate-limit", rate, "requests per second per API key, -1 for no limit (env PURSUIT_RATE_LIMIT)")
	gc := defaultGCPercent
	switch v := e.getenv("PURSUIT_GC_PERCENT"); {
	case v != "":
		if n, err := strconv.Atoi(v); err == nil {
			gc = n // else checkEnv has refused it already
		}
	case e.getenv("GOGC") != "":
		o.keepGOGC = true // the operator's GOGC, unless --gc-percent says otherwise
		gc = 0
	}
	fs.IntVar(&o.gcPercent, "gc-percent", gc,
		"how far the Go heap may grow past what is live before the collector runs, in percent (what GOGC sets); default 50,\n"+
			"or GOGC's when that is set; the index is off the Go heap, so 50 costs little CPU and keeps the server's resident\n"+
			"memory low (env PURSUIT_GC_PERCENT)")
	fs.IntVar(&o.rateBurst, "rate-burst", 100, "burst size of the per-key rate limit")
	fs.Int64Var(&o.maxBody, "max-body", httpapi.DefaultMaxBodyBytes, "largest request body in bytes (bulk routes allow 32 MiB)")
	fs.DurationVar(&o.timeout, "request-timeout", httpapi.DefaultRequestTimeout, "time limit of one request")
	fs.DurationVar(&o.pollInterval, "poll", 25*time.Millisecond, "how often the search index reads the change log")
	o.trainEvery = durationEnv(e, "PURSUIT_RANK_TRAIN_EVERY", defaultTrainEvery)
	fs.Var(durationFlag{&o.trainEvery}, "rank-train-every",
		"train a ranking model this often, e.g. 24h; 0 never (pursuit rank train then does) (env PURSUIT_RANK_TRAIN_EVERY)")
	o.retention = durationEnv(e, "PURSUIT_EVENT_RETENTION", defaultEventRetention)
	fs.Var(durationFlag{&o.retention}, "event-retention",
		"engagement events older than this are deleted before each training, e.g. 180d; 0 keeps them (env PURSUIT_EVENT_RETENTION)")
	o.reload = defaultModelReload
	fs.Var(durationFlag{&o.reload}, "rank-reload", "how often to look for a new active ranking model in the store")
	fs.IntVar(&o.candidates, "rank-candidates", rank.DefaultCandidates, "how many of the engine's best hits the learned ranking reorders")
	fs.BoolVar(&o.dispatch, "dispatch", true, "derive the change feed and send webhooks (on PostgreSQL one server at a time does, elected by an advisory lock)")
	allow, _ := parseBool(envOr(e, "PURSUIT_WEBHOOKS_ALLOW_PRIVATE", "false"))
	fs.BoolVar(&o.webhooksAllowPrivate, "webhooks-allow-private", allow,
		"let webhook endpoints resolve to loopback, private or link-local addresses (env PURSUIT_WEBHOOKS_ALLOW_PRIVATE)")
	fs.StringVar(&o.snapshot, "snapshot", envOr(e, "PURSUIT_SNAPSHOT", ""),
		"search index snapshot file: loaded at start-up and caught up from change_log instead of a full build, written after a\n"+
			"build, every --snapshot-every and at shutdown; default <db>.index beside a SQLite store, none for PostgreSQL;\n"+
			"\"off\" for none (env PURSUIT_SNAPSHOT)")
	child, _ := parseBool(envOr(e, "PURSUIT_BUILD_CHILD", "true"))
	fs.BoolVar(&o.buildChild, "build-child", child,
		"without a usable snapshot, build the index in a child process (pursuit index) that writes the snapshot (into a\n"+
			"temporary directory without a --snapshot file), then load it as after a restart: the server never holds the\n"+
			"build's memory; false builds in this process, as --snapshot off does (env PURSUIT_BUILD_CHILD)")
	every, err := time.ParseDuration(envOr(e, "PURSUIT_SNAPSHOT_EVERY", "10m"))
	if err != nil {
		every = 10 * time.Minute // checkEnv has refused it already
	}
	fs.DurationVar(&o.snapshotEvery, "snapshot-every", every, "how often the index snapshot is rewritten while the index changes (env PURSUIT_SNAPSHOT_EVERY)")
	sweep, err := time.ParseDuration(envOr(e, "PURSUIT_SESSION_SWEEP", web.DefaultSessionSweep.String()))
	if err != nil {
		sweep = web.DefaultSessionSweep // checkEnv has refused it already
	}
	fs.DurationVar(&o.sessionSweep, "session-sweep", sweep,
		"how often expired web sessions and used or expired sign-in links are deleted from the store (env PURSUIT_SESSION_SWEEP)")
	return o
}

// snapshotPath returns the snapshot file of a store: o.snapshot, or by
// default <path>.index beside a SQLite file; "" for none.
func (o *serveOptions) snapshotPath(dsn string) string {
	switch o.snapshot {
	case "off":
		return ""
	case "":
		if kind, err := dbKind(dsn); err == nil && kind == "sqlite" {
			return dsn + ".index"
		}
		return ""
	}
	return o.snapshot
}

// check checks the flags' values once they are parsed.
func (o *serveOptions) check() error {
	switch {
	case checkAddr(o.addr) != nil:
		return fmt.Errorf("--addr %q: %w", o.addr, checkAddr(o.addr))
	case o.rateLimit <= 0 && o.rateLimit != -1 || math.IsNaN(o.rateLimit) || math.IsInf(o.rateLimit, 0):
		return fmt.Errorf("--rate-limit %v: want a positive number of requests per second, or -1 for no limit", o.rateLimit)
	case o.gcPercent < 10 && !(o.keepGOGC && o.gcPercent == 0):
		return fmt.Errorf("--gc-percent %d: must be at least 10", o.gcPercent)
	case o.rateBurst < 1:
		return fmt.Errorf("--rate-burst %d: must be at least 1", o.rateBurst)
	case o.maxBody < 1:
		return fmt.Errorf("--max-body %d: must be at least 1 byte", o.maxBody)
	case o.timeout <= 0:
		return fmt.Errorf("--request-timeout %s: must be positive", o.timeout)
	case o.pollInterval <= 0:
		return fmt.Errorf("--poll %s: must be positive", o.pollInterval)
	case o.reload <= 0:
		return fmt.Errorf("--rank-reload %s: must be positive", o.reload)
	case o.candidates < 1 || o.candidates > search.MaxLimit:
		return fmt.Errorf("--rank-candidates %d: must be between 1 and %d", o.candidates, search.MaxLimit)
	case o.snapshotEvery <= 0:
		return fmt.Errorf("--snapshot-every %s: must be positive", o.snapshotEvery)
	case o.sessionSweep <= 0:
		return fmt.Errorf("--session-sweep %s: must be positive", o.sessionSweep)
	case o.snapshot != "" && o.snapshot != "off" && checkSnapshotPath(o.snapshot) != nil:
		return fmt.Errorf("--snapshot %q: %w", o.snapshot, checkSnapshotPath(o.snapshot))
	}
	return nil
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "",
		"Serve the HTTP JSON API (documented at /v1/openapi.json and docs/api.md) and the web app at / (docs/web.md). The search index is built\n"+
			"from the store at start-up (/readyz answers 503 until it is ready) and then follows change_log,\n"+
			"so several servers can share one PostgreSQL database. Stops gracefully on SIGINT/SIGTERM.")
	db := dbFlag(fs, e)
	o := serveFlags(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if err := o.check(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer s.Close()
	if o.snapshot != "off" { // kept: openIndex tells off from none
		o.snapshot = o.snapshotPath(*db)
	}
	o.dsn = *db
	return serveAPI(ctx, e, s, o, nil)
}

// defaultGCPercent is serve's --gc-percent. The Go heap of a server at the
// seed's scale is ~130 MB live under load (the index's ~600 MB are off
// it); Go's default of 100 let it grow to twice that, 80 MB more resident
// memory than 50 for 1-2 % fewer requests a second (benchmarks.md, issue 15
// goal 3, sixth session).
const defaultGCPercent = 50

// serveAPI serves the API over s on o.addr until ctx ends, building the
// search index in the background. onListen, when set, is called with the
// listening address once the index is ready.
func serveAPI(ctx context.Context, e *env, s pursuit.Store, o *serveOptions, onListen func(addr string)) error {
	// --gc-percent applies once the index is ready (below): a snapshot
	// load or a build makes garbage as fast as it can, and collecting it
	// at the tighter pace cost a restart up to half a second.
	prevGC := debug.SetGCPercent(100)
	debug.SetGCPercent(prevGC)
	defer debug.SetGCPercent(prevGC)
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ranker := rank.NewRanker(o.candidates, nil) // 0: the default
	recorder := rank.NewAsyncRecorder(s, rank.RecorderOptions{Logger: e.log})
	api := httpapi.NewServer(httpapi.Config{
		Store: s, Logger: e.log, RateLimit: o.rateLimit, RateBurst: o.rateBurst,
		MaxBodyBytes: o.maxBody, RequestTimeout: o.timeout, WebhooksAllowPrivate: o.webhooksAllowPrivate,
		Ranker: ranker, Recorder: recorder,
	})
	app, err := web.NewServer(web.Config{Store: s, Index: api.Index, Logger: e.log, RequestTimeout: o.timeout,
		Ranker: ranker, Recorder: recorder})
	if err != nil {
		ln.Close()
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           splitHandler(api, app),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       o.timeout + 5*time.Second,
		WriteTimeout:      max(o.timeout, httpapi.MaxFeedWait) + 10*time.Second, // long polls of /v1/changes
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	var metricsSrv *http.Server
	var metricsLn net.Listener
	if o.metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", o.metricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("serve: metrics address: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", api.MetricsHandler())
		// The Go profiles, for operators on the same private address:
		// where a server's CPU and memory go under real traffic. Not
		// cmdline: --db may hold a PostgreSQL password.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		// The write timeout bounds a CPU profile or trace (their seconds
		// must stay under it).
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 2 * time.Minute, ErrorLog: srv.ErrorLog}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 3)
	if metricsSrv != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.log.Info("serving metrics", "addr", "http://"+metricsLn.Addr().String()+"/metrics")
			if err := metricsSrv.Serve(metricsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve metrics: %w", err)
			}
		}()
	}
	// The recorder writes until the end, after the HTTP server stopped
	// (it drains its queue when ctx ends); the ranking loop loads and
	// trains models.
	wg.Add(2)
	go func() { defer wg.Done(); recorder.Run(ctx) }()
	go func() {
		defer wg.Done()
		every := o.reload
		if every <= 0 {
			every = defaultModelReload
		}
		reload := time.NewTicker(every)
		defer reload.Stop()
		var train <-chan time.Time
		if o.trainEvery > 0 {
			t := time.NewTicker(o.trainEvery)
			defer t.Stop()
			train = t.C
		}
		rankLoop(ctx, e, s, ranker, reload.C, train, o.trainEvery, o.retention)
	}()
	// Expired sessions and used or expired sign-in links are deleted
	// every o.sessionSweep (expiry itself is checked on every read).
	wg.Add(1)
	go func() {
		defer wg.Done()
		every := o.sessionSweep
		if every <= 0 {
			every = web.DefaultSessionSweep
		}
		t := time.NewTicker(every)
		defer t.Stop()
		web.SweepSessions(ctx, s, t.C, time.Now, e.log)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		ix, err := openIndex(ctx, e, s, o)
		if err != nil {
			if ctx.Err() == nil {
				errc <- fmt.Errorf("serve: build search index: %w", err)
			}
			return
		}
		st := ix.Stats()
		e.log.Info("search index ready", "contacts", st.Contacts, "places", st.Places,
			"build", st.BuildDuration.Round(time.Millisecond), "memory_mb", st.MemoryBytes>>20)
		if o.gcPercent != 0 {
			debug.SetGCPercent(o.gcPercent)
		}
		api.SetIndex(ix)
		// The rank order of big results, built now rather than by the
		// first search that wants it (searches rank the slower way until
		// it is there).
		go ix.PrepareRanking()
		if o.dispatch {
			d := newDispatcher(s, e, o.webhooksAllowPrivate, api.NotifyFeed, ix)
			_, unsub := ix.Subscribe(func([]pursuit.Change) { d.Notify() })
			defer unsub()
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.Run(ctx)
			}()
		}
		if onListen != nil {
			onListen(ln.Addr().String())
		}
		if path := snapshotFile(o.snapshot); path != "" {
			wg.Add(1)
			go func() {
				defer wg.Done()
				keepSnapshot(ctx, e.log, ix, path, o.snapshotEvery)
			}()
		}
		if err := ix.Follow(ctx); err != nil && !errors.Is(err, context.Canceled) {
			errc <- fmt.Errorf("serve: follow change log: %w", err)
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.log.Info("serving", "addr", "http://"+ln.Addr().String(), "store", s.Kind())
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serve: %w", err)
		}
	}()
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	e.log.Info("shutting down")
	shutCtx, shutCancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer shutCancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		e.log.Warn("shutdown", "err", err)
	}
	if metricsSrv != nil {
		metricsSrv.Shutdown(shutCtx)
	}
	cancel()
	wg.Wait()
	return runErr
}

// newDispatcher returns the feed dispatcher of a server over s: on
// PostgreSQL it dispatches only while it holds the database's dispatcher
// lock, so exactly one of several servers sends. With the server's search
// index it runs the saved-search alerts too.
func newDispatcher(s pursuit.Store, e *env, allowPrivate bool, appended func(), ix *search.Index) *feed.Dispatcher {
	cfg := feed.Config{Store: s, Log: e.log, Client: feed.NewClient(allowPrivate), Appended: appended}
	if ix != nil {
		cfg.Alerts = httpapi.AlertMatcher(ix)
	}
	if pg, ok := s.(*postgres.DB); ok {
		cfg.Lock = pg.DispatcherLock()
	}
	return feed.New(cfg)
}

// openIndex opens serve's search index: from the snapshot file when there
// is one (built by a child process when it cannot be used: childRebuild);
// without one (PostgreSQL's default), built by a child process into a
// snapshot in a temporary directory, loaded and removed, so that the
// server does not keep a build's memory either; with --snapshot off or
// --build-child=false, built in this process.
func openIndex(ctx context.Context, e *env, s pursuit.Store, o *serveOptions) (*search.Index, error) {
	opt := search.Options{PollInterval: o.pollInterval, Logger: e.log}
	path := snapshotFile(o.snapshot)
	child := o.buildChild && o.dsn != ""
	switch {
	case path != "":
		e.log.Info("opening search index", "store", s.Kind(), "snapshot", path)
	case o.snapshot != "off" && child:
		dir, err := os.MkdirTemp(e.getenv("TMPDIR"), "pursuit-index-*") // "": the system's
		if err != nil {
			e.log.Warn("search index: no temporary directory for a child's build: building in this process", "err", err)
			child = false
			break
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "index.snapshot")
		e.log.Info("building search index", "store", s.Kind(), "by", "a child process", "temporary_snapshot", path)
	default:
		e.log.Info("building search index", "store", s.Kind())
	}
	if path != "" && child {
		opt.Rebuild = childRebuild(e, o.dsn, path)
	}
	return search.Open(ctx, s, path, opt)
}

// snapshotFile is the snapshot path of a --snapshot value, "" for none.
func snapshotFile(v string) string {
	if v == "off" {
		return ""
	}
	return v
}

// keepSnapshot writes the index's snapshot to path: at once when the index
// was built rather than loaded (the next start-up is then quick), every
// interval while the index has changed since the last one, and once more
// when ctx ends (at shutdown, after the follower stopped moving). A
// failed write is logged; the server goes on.
func keepSnapshot(ctx context.Context, log *slog.Logger, ix *search.Index, path string, every time.Duration) {
	save := func() {
		if st := ix.Stats(); st.SnapshotSeq == st.LastSeq {
			return
		}
		if _, err := ix.SaveSnapshot(path); err != nil {
			log.Warn("search index snapshot not written", "path", path, "err", err)
		}
	}
	if ix.Stats().SnapshotSeq < 0 {
		save()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			save()
			return
		case <-t.C:
			save()
		}
	}
}

// splitHandler serves the JSON API under /v1/ and at /healthz, /readyz and
// /metrics, and the web app everywhere else.
func splitHandler(api, app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, "/v1/") || p == "/v1" || p == "/healthz" || p == "/readyz" || p == "/metrics":
			api.ServeHTTP(w, r)
		default:
			app.ServeHTTP(w, r)
		}
	})
}
