// Package web is Pursuit's web app: server-rendered HTML pages, served by
// pursuit serve at / next to the JSON API, where a customer's users search,
// reveal, list, save and export contacts, a customer admin manages its
// users and API keys, and operators manage customers, grants and credits.
//
// The layout follows miniflux's internal/ui: routes.go lists every route,
// one small file per page or action, form parsing in form.go, sessions and
// the one CSRF check in session.go and csrf.go, templates and assets
// embedded with go:embed. Pages work without JavaScript; static/app.js
// only updates search results in place. Every response carries a strict
// Content-Security-Policy (no inline script or style), and frames are
// refused.
//
// Tenant scoping and masking are not this package's job: searches go
// through search.Index with the user's customer id, reads through the
// store's ContactAccess and PlaceAccess, reveals through RevealContact,
// and lists and saved searches through store calls scoped to the customer.
// View structs get values already masked by those calls.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/rank"
	"github.com/pursuit-gov/pursuit/search"
)

// Defaults of Config.
const (
	DefaultSessionIdle     = 12 * time.Hour
	DefaultSessionLifetime = 7 * 24 * time.Hour
	DefaultSignInLinkTTL   = 24 * time.Hour
	// DefaultPageSize is the number of results per search page.
	DefaultPageSize = 25
	// MaxExportRows bounds an export of a search or a list.
	MaxExportRows = 5000
)

// Config holds the web app's dependencies. Store and Index are required.
type Config struct {
	Store pursuit.Store
	// Index returns the search index, nil while it is being built.
	Index func() *search.Index
	// Logger receives errors and sign-in events; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SessionIdle ends a session not used for this long; SessionLifetime
	// ends any session this long after sign-in.
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// SignInLinkTTL is how long a one-time sign-in link works.
	SignInLinkTTL time.Duration
	// SecureCookies marks cookies Secure. Requests that arrived over TLS
	// get Secure cookies regardless.
	SecureCookies bool
	// SignInRate and SignInBurst limit sign-in attempts per client address
	// and per email (per minute, with bursts); 0 means 10 and 10.
	SignInRate  float64
	SignInBurst int
	// RequestTimeout bounds each request's context (30 s when 0).
	RequestTimeout time.Duration
	// Ranker ranks the search page (the API's, so that both rank alike);
	// nil is a ranker of its own without a model (the engine's ranking).
	Ranker *rank.Ranker
	// Recorder records engagement events (the API's); nil records none.
	Recorder rank.Recorder
}

// Server is the web app. It is an http.Handler.
type Server struct {
	cfg     Config
	store   pursuit.Store
	log     *slog.Logger
	now     func() time.Time
	mux     *http.ServeMux
	tpl     *templates
	limiter *signInLimiter
	ranker  *rank.Ranker
	rec     rank.Recorder
}

// NewServer returns the web app over cfg.Store.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Index == nil {
		return nil, fmt.Errorf("web: Config.Store and Config.Index are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	// Sign-ins of unknown emails must take as long as the first one.
	dummyHash()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = DefaultSessionIdle
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = DefaultSessionLifetime
	}
	if cfg.SignInLinkTTL <= 0 {
		cfg.SignInLinkTTL = DefaultSignInLinkTTL
	}
	if cfg.SignInRate <= 0 {
		cfg.SignInRate = 10
	}
	if cfg.SignInBurst <= 0 {
		cfg.SignInBurst = 10
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.Ranker == nil {
		cfg.Ranker = rank.NewRanker(0, cfg.Now)
	}
	tpl, err := loadTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now, mux: http.NewServeMux(), tpl: tpl,
		limiter: newSignInLimiter(cfg.SignInRate/60, cfg.SignInBurst, cfg.Now),
		ranker:  cfg.Ranker, rec: cfg.Recorder,
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves one request with the headers every page carries, a
// timeout, and panic recovery (an HTML error page, never a stack).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	r = r.WithContext(ctx)
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			s.renderError(w, r, pursuit.Errorf(pursuit.EINTERNAL, "internal error"))
		}
	}()
	s.mux.ServeHTTP(w, r)
}

// index returns the search index or EUNAVAILABLE while it is built.
func (s *Server) index() (*search.Index, error) {
	if ix := s.cfg.Index(); ix != nil {
		return ix, nil
	}
	return nil, pursuit.Errorf(pursuit.EUNAVAILABLE, "the search index is still being built; try again in a few seconds")
}

// notify wakes the index's follower after a write, so the change shows at
// once.
func (s *Server) notify() {
	if ix := s.cfg.Index(); ix != nil {
		ix.Notify()
	}
}
