package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// DefaultSessionSweep is how often pursuit serve deletes expired sessions
// and used or expired sign-in tokens (serve --session-sweep).
const DefaultSessionSweep = time.Hour

// SweepSessions deletes the store's expired sessions and its used or
// expired sign-in tokens (pursuit.UserStore.DeleteExpiredSessions) once at
// once and then at every tick, until ctx ends; now is the clock. A failed
// sweep is logged and the next tick tries again. Expiry does not depend on
// it: a session is checked against its expiry on every read (loadViewer)
// and a token when it is used; the sweep only keeps the tables small.
// Several servers over one database may sweep: the deletes are idempotent.
func SweepSessions(ctx context.Context, s pursuit.UserStore, tick <-chan time.Time, now func() time.Time, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for {
		n, err := s.DeleteExpiredSessions(ctx, now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("session sweep failed", "err", err)
		case n > 0:
			log.Info("swept sessions", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}
