package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/internal/jsonstr"
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
			more := len(events) > int(limit)
			if more {
				events = events[:limit]
			}
			if len(events) > 0 {
				pos = events[len(events)-1].EventID
			}
			writeFeedPage(w, events, cursors.Seal(cid, pos), more)
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

// writeFeedPage writes a FeedPage of events as encoding/json would (HTML
// escaping off, as writeJSON), by hand: one pass, no reflection, and no
// re-validation of each event's data, which the dispatcher stored as
// json.Marshal made it (compact and valid). A page of 10,000 events is
// about 4 MB.
func writeFeedPage(w http.ResponseWriter, events []pursuit.FeedEvent, next string, more bool) {
	buf := bytePool.Get().(*[]byte)
	b := appendFeedPage((*buf)[:0], events, next, more)
	writeBody(w, b)
	if cap(b) <= 8<<20 {
		*buf = b
		bytePool.Put(buf)
	}
}

// appendFeedPage appends the JSON of a FeedPage, newline included.
func appendFeedPage(b []byte, events []pursuit.FeedEvent, next string, more bool) []byte {
	b = append(b, `{"events":[`...)
	for i := range events {
		e := &events[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":"msg_`...)
		b = strconv.AppendInt(b, e.EventID, 10)
		b = append(b, `","type":`...)
		b = jsonstr.Append(b, e.Type)
		b = append(b, `,"timestamp":"`...)
		b = e.CreatedAt.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","data":`...)
		if len(e.Data) == 0 {
			b = append(b, "null"...)
		} else {
			b = append(b, e.Data...)
		}
		b = append(b, '}')
	}
	b = append(b, `],"next_cursor":`...)
	b = jsonstr.Append(b, next)
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, more)
	return append(b, "}\n"...)
}
