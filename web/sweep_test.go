package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/web"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func hash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// syncBuffer is a log sink the sweeper and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

// TestSessionExpiry checks that a session is refused once its expiry
// passes on the server's clock (checked on read, before any sweep), and
// that SweepSessions, driven by a tick channel and a fake clock (no
// sleeps), deletes expired sessions and used or expired sign-in tokens
// and keeps live ones.
func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		clock := &fakeClock{t: time.Now().UTC().Truncate(time.Second)}
		ix, err := search.Build(ctx, s, search.Options{})
		must(t, err)
		app, err := web.NewServer(web.Config{Store: s, Index: func() *search.Index { return ix }, Now: clock.now,
			SessionIdle: time.Hour, SessionLifetime: 3 * time.Hour})
		must(t, err)
		srv := newTestHTTP(t, app)

		// Expiry on read: idle for more than an hour ends the session.
		c := newClient(t, srv)
		c.signIn(w.userA.Email, w.password)
		if r := c.do("GET", "/search", nil); r.status != 200 {
			t.Fatalf("fresh session: %d", r.status)
		}
		clock.add(59 * time.Minute)
		if r := c.do("GET", "/search", nil); r.status != 200 {
			t.Fatalf("session used within its idle time: %d", r.status)
		}
		clock.add(61 * time.Minute) // 61 min after the last use
		if r := c.do("GET", "/search", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/signin") {
			t.Fatalf("idle-expired session: %d %s", r.status, r.header.Get("Location"))
		}
		// Kept busy, a session still ends SessionLifetime after sign-in.
		c.signIn(w.userA.Email, w.password)
		for range 4 {
			clock.add(40 * time.Minute)
			if r := c.do("GET", "/search", nil); r.status != 200 {
				t.Fatalf("busy session within its lifetime: %d", r.status)
			}
		}
		clock.add(40 * time.Minute) // 3 h 20 min after sign-in
		if r := c.do("GET", "/search", nil); r.status != http.StatusSeeOther {
			t.Fatalf("session past its lifetime: %d", r.status)
		}

		// The sweep.
		t0 := clock.now()
		mk := func(name string, exp time.Time) {
			sess := pursuit.Session{UserID: w.userA.UserID, Hash: hash(name), CSRFSecret: hash("secret " + name), CreatedAt: t0.Add(-time.Hour), LastSeenAt: t0.Add(-time.Hour), ExpiresAt: exp}
			must(t, s.CreateSession(ctx, &sess))
		}
		mk("dead", t0.Add(-time.Minute))
		mk("live", t0.Add(time.Hour))
		tok := func(name string, exp time.Time) {
			must(t, s.CreateSignInToken(ctx, &pursuit.SignInToken{UserID: w.userA.UserID, Hash: hash(name), CreatedAt: t0.Add(-time.Hour), ExpiresAt: exp}))
		}
		tok("used", t0.Add(time.Hour))
		_, err = s.UseSignInToken(ctx, hash("used"), t0)
		must(t, err)
		tok("expired", t0.Add(-time.Second))
		tok("later", t0.Add(2*time.Hour))

		var logs syncBuffer
		tick := make(chan time.Time) // unbuffered: a send returns once the sweep before it is done
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			web.SweepSessions(sctx, s, tick, clock.now, slog.New(slog.NewTextHandler(&logs, nil)))
		}()
		t.Cleanup(func() { cancel(); <-done })
		tick <- t0 // the start-up sweep is done
		if _, _, err := s.SessionByHash(ctx, hash("dead")); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			t.Fatalf("expired session after the sweep: %v", err)
		}
		if _, _, err := s.SessionByHash(ctx, hash("live")); err != nil {
			t.Fatalf("live session after the sweep: %v", err)
		}
		// The dead session, the used and the expired token (the sessions
		// of the expiry checks above were deleted when read).
		if got := logs.String(); !strings.Contains(got, `"swept sessions" deleted=3`) {
			t.Fatalf("sweep log: %q", got)
		}
		first := logs.String()
		// An hour and a half later the live session has expired too.
		clock.add(90 * time.Minute)
		tick <- clock.now()
		tick <- clock.now() // the sweep of the first tick is done
		if _, _, err := s.SessionByHash(ctx, hash("live")); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			t.Fatalf("session expired since the last sweep: %v", err)
		}
		if got := strings.TrimPrefix(logs.String(), first); !strings.Contains(got, "deleted=1") {
			t.Fatalf("second sweep log %q, want one row deleted (the session; the live token stays)", got)
		}
		// The token that has not expired still signs in.
		if _, err := s.UseSignInToken(ctx, hash("later"), clock.now()); err != nil {
			t.Fatalf("a live sign-in token was swept: %v", err)
		}
	})
}

// newTestHTTP serves h for the test and returns its URL.
func newTestHTTP(t *testing.T, h http.Handler) string {
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs.URL
}
