package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
)

// Change feed limits.
const (
	DefaultFeedLimit = 100
	MaxFeedWait      = 60 * time.Second
	// feedRecheck is how often a long poll looks at the store without a
	// wake-up: the dispatcher may run on another server, whose appends
	// this one hears of only through the change log moving (which comes
	// just before them).
	feedRecheck = time.Second
)

// feedWatch wakes long polls: its channel is closed and replaced when
// the feed may have moved (the in-process dispatcher appended, or the
// change log moved).
type feedWatch struct {
	mu sync.Mutex
	ch chan struct{}
}

func (f *feedWatch) wait() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ch == nil {
		f.ch = make(chan struct{})
	}
	return f.ch
}

func (f *feedWatch) broadcast() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ch != nil {
		close(f.ch)
		f.ch = nil
	}
}

// NotifyFeed wakes the change feed's long polls: the dispatcher of this
// process calls it after it stored events.
func (s *Server) NotifyFeed() { s.feedWatch.broadcast() }

// feedCursors returns the cursor sealer, creating it from the store's
// shared secret on first use.
func (s *Server) feedCursors(ctx context.Context) (*feed.Cursors, error) {
	s.cursorMu.Lock()
	defer s.cursorMu.Unlock()
	if s.cursors != nil {
		return s.cursors, nil
	}
	secret, err := s.store.Secret(ctx, pursuit.SecretFeedCursor, 32)
	if err != nil {
		return nil, err
	}
	c, err := feed.NewCursors(secret)
	if err != nil {
		return nil, err
	}
	s.cursors = c
	return c, nil
}

// FeedPage is the body of GET /v1/changes.
type FeedPage struct {
	Events     []FeedEventView `json:"events"`
	NextCursor string          `json:"next_cursor"`
	HasMore    bool            `json:"has_more"`
}

// FeedEventView is one event as the feed shows it: the same envelope a
// webhook delivers, plus its webhook-id.
type FeedEventView struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// handleChanges serves a page of the customer's change feed after the
// cursor, waiting up to wait for the first event when there is none.
func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	p := newParams(r)
	p.only("after", "limit", "wait")
	after, limit, waitText := p.str("after"), p.int64("limit", DefaultFeedLimit), p.str("wait")
	if p.err != nil {
		return p.err
	}
	if limit < 1 || limit > pursuit.MaxListLimit {
		return pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be 1 to %d, not %d", pursuit.MaxListLimit, limit)
	}
	var wait time.Duration
	if waitText != "" {
		d, err := time.ParseDuration(waitText)
		if err != nil || d < 0 || d > MaxFeedWait {
			return pursuit.FieldErrorf(pursuit.EINVALID, "wait", "a duration from 0s to %s like 30s, not %q", MaxFeedWait, waitText)
		}
		wait = d
	}
	ctx := r.Context()
	cursors, err := s.feedCursors(ctx)
	if err != nil {
		return err
	}
	var pos int64
	if after != "" {
		if pos, err = cursors.Open(cid, after); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(wait)
	for {
		woken := s.feedWatch.wait()
		// One more than asked tells whether there are more.
		events, err := s.store.FeedEvents(ctx, cid, pos, int(limit)+1)
		if err != nil {
			return err
		}
		left := time.Until(deadline)
		if len(events) > 0 || left <= 0 {
			page := FeedPage{Events: []FeedEventView{}, HasMore: len(events) > int(limit)}
			if page.HasMore {
				events = events[:limit]
			}
			for _, e := range events {
				page.Events = append(page.Events, FeedEventView{ID: pursuit.MessageID(e.EventID), Type: e.Type, Timestamp: e.CreatedAt, Data: e.Data})
				pos = e.EventID
			}
			page.NextCursor = cursors.Seal(cid, pos)
			writeJSON(w, http.StatusOK, page)
			return nil
		}
		select {
		case <-woken:
		case <-time.After(min(left, feedRecheck)):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
