// Package httpapi is Pursuit's multi-tenant HTTP JSON API: admin routes
// that manage customers, grants, places, contacts, tech stacks, CRM
// mappings and API keys, and customer routes that search, read and reveal
// only what the customer's grants allow.
//
// NewServer returns the whole API as one http.Handler; routes.go lists
// every route, and openapi.json (served at /v1/openapi.json) documents
// them. Handlers return errors; one table (statusOf) maps pursuit error
// codes to HTTP statuses, and every error is a JSON body
// {"error":{"code","message","field"}}.
//
// Tenant scoping is not the handlers' job: searches go through the search
// index, which intersects the customer's visible set first and masks
// contacts itself, and reads go through the store's ContactAccess and
// PlaceAccess. Anything a customer may not see answers 404, never 403, so
// that existence does not leak.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes     = 1 << 20
	DefaultMaxBulkBodyBytes = 32 << 20
	DefaultRequestTimeout   = 30 * time.Second
	DefaultRateLimit        = 50
	DefaultRateBurst        = 100
	// FailedAuthRate and FailedAuthBurst limit failed authentications per
	// client address (when the rate limit is on): past the burst, one more
	// failure per second; the rest answer 429 without a store look-up.
	FailedAuthRate  = 1
	FailedAuthBurst = 20
)

// Config holds the server's dependencies and limits. Store is required;
// every other field has a default.
type Config struct {
	Store pursuit.Store
	// Index serves searches. It may be nil at start and set later with
	// SetIndex: /readyz answers 503 and searches EUNAVAILABLE until then.
	Index *search.Index
	// Logger receives JSON access logs and errors; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxBodyBytes limits request bodies (DefaultMaxBodyBytes);
	// MaxBulkBodyBytes limits the bulk routes' (DefaultMaxBulkBodyBytes).
	MaxBodyBytes     int64
	MaxBulkBodyBytes int64
	// RequestTimeout bounds each request's context.
	RequestTimeout time.Duration
	// RateLimit is the requests per second each API key may make, with
	// bursts of RateBurst. A negative RateLimit disables the limit; 0 means
	// DefaultRateLimit.
	RateLimit float64
	RateBurst int
	// Registry receives the server's Prometheus metrics; nil creates one.
	Registry *prometheus.Registry
	// Ranker ranks contacts searches; nil means one without a model (the
	// engine's ranking). Recorder records engagement events; nil records
	// none. See ranking.go.
	Ranker   *rank.Ranker
	Recorder rank.Recorder
	// WebhooksAllowPrivate lets webhook endpoints name loopback, private
	// and link-local addresses (tests, a receiver on the same host).
	WebhooksAllowPrivate bool
	// CRMSyncAccounts is the largest account file a CRM match answers
	// when done (DefaultCRMSyncAccounts); bigger ones run as a background
	// job. CRMJobStale is how long a running job may go without progress
	// before it is reported failed (DefaultCRMJobStale), CRMJobTimeout how
	// long a background job may run (DefaultCRMJobTimeout).
	CRMSyncAccounts int
	CRMJobStale     time.Duration
	CRMJobTimeout   time.Duration
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	cfg      Config
	store    pursuit.Store
	log      *slog.Logger
	now      func() time.Time
	index    atomic.Pointer[search.Index]
	mux      *http.ServeMux
	patterns []string
	handler  http.Handler
	metrics  *metrics
	limiter  *limiter[int64]
	failures *limiter[string]

	idPrefix string
	reqSeq   atomic.Int64

	keys *keyCache

	feedWatch   feedWatch
	cursorMu    sync.Mutex
	cursors     *feed.Cursors
	feedUnsub   func()
	feedUnsubMu sync.Mutex
	crm         crmJobs

	ranker   *rank.Ranker
	recorder rank.Recorder
}

// NewServer returns the API over cfg.Store.
func NewServer(cfg Config) *Server {
	if cfg.Store == nil {
		panic("httpapi: Config.Store is nil")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxBulkBodyBytes <= 0 {
		cfg.MaxBulkBodyBytes = DefaultMaxBulkBodyBytes
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = max(DefaultRateBurst, int(cfg.RateLimit))
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.CRMSyncAccounts <= 0 {
		cfg.CRMSyncAccounts = DefaultCRMSyncAccounts
	}
	if cfg.CRMJobStale <= 0 {
		cfg.CRMJobStale = DefaultCRMJobStale
	}
	if cfg.CRMJobTimeout <= 0 {
		cfg.CRMJobTimeout = DefaultCRMJobTimeout
	}
	s := &Server{
		cfg:   cfg,
		store: cfg.Store,
		log:   cfg.Logger,
		now:   cfg.Now,
		mux:   http.NewServeMux(),
		keys:  newKeyCache(),

		ranker:   cfg.Ranker,
		recorder: cfg.Recorder,
	}
	if s.ranker == nil {
		s.ranker = rank.NewRanker(0, cfg.Now)
	}
	if cfg.RateLimit > 0 {
		s.limiter = newLimiter[int64](cfg.RateLimit, cfg.RateBurst, cfg.Now)
		s.failures = newLimiter[string](FailedAuthRate, FailedAuthBurst, cfg.Now)
	}
	if cfg.Index != nil {
		s.SetIndex(cfg.Index)
	}
	var b [4]byte
	rand.Read(b[:])
	s.idPrefix = hex.EncodeToString(b[:])
	s.metrics = newMetrics(s, cfg.Registry)
	s.registerRankMetrics(cfg.Registry)
	s.routes()
	s.handler = s.observe(s.mux)
	return s
}

// SetIndex makes the server use ix for searches and report ready. The
// API key cache follows ix's change log from then on: until an index is
// set, every request reads its key from the store.
func (s *Server) SetIndex(ix *search.Index) {
	s.index.Store(ix)
	s.keys.follow(ix)
	s.feedUnsubMu.Lock()
	defer s.feedUnsubMu.Unlock()
	if s.feedUnsub != nil {
		s.feedUnsub()
		s.feedUnsub = nil
	}
	if ix != nil {
		// The change log moved: a dispatcher (here or on another server)
		// is about to append events; long polls look again.
		_, s.feedUnsub = ix.Subscribe(func([]pursuit.Change) { s.feedWatch.broadcast() })
	}
}

// WaitApplied returns once this server has applied the change log up to
// seq: its search index and its API key cache reflect every change up to
// it (a key revoked at or before seq is refused). It wakes the follower
// rather than waiting for its next poll, and needs one running
// (search.Index.Follow). It returns ctx's error, or EUNAVAILABLE while
// the index is being built.
func (s *Server) WaitApplied(ctx context.Context, seq int64) error {
	ix, err := s.searchIndex()
	if err != nil {
		return err
	}
	if err := ix.WaitSeq(ctx, seq); err != nil {
		return err
	}
	return s.keys.wait(ctx, seq)
}

// Index returns the search index, or nil before SetIndex.
func (s *Server) Index() *search.Index { return s.index.Load() }

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// searchIndex returns the index or EUNAVAILABLE while it is being built.
func (s *Server) searchIndex() (*search.Index, error) {
	ix := s.index.Load()
	if ix == nil {
		return nil, pursuit.Errorf(pursuit.EUNAVAILABLE, "the search index is still being built; retry in a few seconds")
	}
	return ix, nil
}

// notify wakes the index's change-log follower after a write through this
// server, so the change is searchable at once rather than at the next poll.
func (s *Server) notify() {
	if ix := s.index.Load(); ix != nil {
		ix.Notify()
	}
}

// requestID returns the client's X-Request-ID when it is short and
// printable, and a new one otherwise.
func (s *Server) requestID(given string) string {
	if given != "" && len(given) <= 64 {
		ok := true
		for i := 0; i < len(given); i++ {
			if given[i] < 0x21 || given[i] > 0x7e {
				ok = false
				break
			}
		}
		if ok {
			return given
		}
	}
	return fmt.Sprintf("%s-%06d", s.idPrefix, s.reqSeq.Add(1))
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe wraps the mux with what every request gets: a timeout, panic
// recovery, metrics by route pattern and status, and a JSON access log.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		timeout := s.cfg.RequestTimeout
		if r.URL.Path == "/v1/changes" {
			timeout = max(timeout, MaxFeedWait+10*time.Second) // long polls
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		ctx, info := withInfo(ctx)
		info.requestID = s.requestID(r.Header.Get("X-Request-ID"))
		w.Header().Set("X-Request-ID", info.requestID)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		func() {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					if sw.status == 0 {
						s.writeError(sw, r, pursuit.Errorf(pursuit.EINTERNAL, "internal error"))
					}
				}
			}()
			next.ServeHTTP(sw, r)
		}()
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, sw.status, elapsed)
		if s.log.Enabled(ctx, slog.LevelInfo) {
			attrs := []slog.Attr{
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", route), slog.Int("status", sw.status),
				slog.Int64("bytes", sw.bytes), slog.Float64("ms", float64(elapsed.Microseconds())/1000),
				slog.String("remote", r.RemoteAddr), slog.String("request_id", info.requestID),
			}
			if k, ok := keyFrom(r.Context()); ok {
				attrs = append(attrs, slog.Int64("api_key_id", k.APIKeyID))
				if k.CustomerID != 0 {
					attrs = append(attrs, slog.Int64("customer_id", k.CustomerID))
				}
			}
			s.log.LogAttrs(context.Background(), slog.LevelInfo, "http", attrs...)
		}
	})
}
