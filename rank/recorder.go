package rank

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Recorder takes engagement events. Record never blocks and never fails:
// an event it cannot take is dropped and counted. The HTTP API records
// impressions, opens, reveals and CRM mappings through it; the web app
// records the same and list adds and exports.
type Recorder interface {
	Record(ev pursuit.EngagementEvent)
}

// Defaults of RecorderOptions.
const (
	DefaultQueue = 10000
	DefaultBatch = 500
)

// RecorderOptions configure an AsyncRecorder.
type RecorderOptions struct {
	// Queue bounds the events waiting to be written (DefaultQueue); Batch
	// is the most written in one transaction (DefaultBatch).
	Queue, Batch int
	// Now stamps events that have no CreatedAt; nil means time.Now.
	Now func() time.Time
	// Logger receives write errors; nil discards.
	Logger *slog.Logger
}

// RecorderStats count what a recorder did.
type RecorderStats struct {
	Recorded int64 `json:"recorded"` // written to the store
	Dropped  int64 `json:"dropped"`  // refused: the queue was full
	Invalid  int64 `json:"invalid"`  // refused: the event failed validation
	Failed   int64 `json:"failed"`   // lost: the store refused the write
}

// AsyncRecorder writes events to the store in batches on a goroutine of
// its own (Run), from a bounded queue: a search only pays a channel send,
// and when the store is slow the queue fills and events are dropped, never
// waited for.
type AsyncRecorder struct {
	store EventWriter
	q     chan request
	batch int
	now   func() time.Time
	log   *slog.Logger

	recorded, dropped, invalid, failed atomic.Int64
}

// EventWriter is where an AsyncRecorder writes; every pursuit.Store is
// one.
type EventWriter interface {
	AddEvents(ctx context.Context, evs []pursuit.EngagementEvent) error
}

// request is an event, or a flush (done not nil).
type request struct {
	ev   pursuit.EngagementEvent
	done chan struct{}
}

// NewAsyncRecorder returns a recorder writing to s; call Run.
func NewAsyncRecorder(s EventWriter, opt RecorderOptions) *AsyncRecorder {
	if opt.Queue <= 0 {
		opt.Queue = DefaultQueue
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &AsyncRecorder{store: s, q: make(chan request, opt.Queue), batch: opt.Batch, now: opt.Now, log: opt.Logger}
}

// Record queues an event, or drops it when the queue is full.
func (r *AsyncRecorder) Record(ev pursuit.EngagementEvent) {
	if ev.CreatedAt.IsZero() {
		ev.CreatedAt = r.now()
	}
	if err := ev.Validate(); err != nil {
		r.invalid.Add(1)
		r.log.Warn("rank: event refused", "kind", ev.Kind, "customer_id", ev.CustomerID, "err", err)
		return
	}
	select {
	case r.q <- request{ev: ev}:
	default:
		r.dropped.Add(1)
	}
}

// Stats returns the recorder's counters.
func (r *AsyncRecorder) Stats() RecorderStats {
	return RecorderStats{Recorded: r.recorded.Load(), Dropped: r.dropped.Load(), Invalid: r.invalid.Load(), Failed: r.failed.Load()}
}

// Flush waits until every event queued before it is written (or lost).
// It is for tests and shutdown; it waits for room in the queue.
func (r *AsyncRecorder) Flush(ctx context.Context) error {
	done := make(chan struct{})
	select {
	case r.q <- request{done: done}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run writes queued events until ctx ends, then writes what is left. Each
// write takes what has queued up meanwhile, up to the batch size.
func (r *AsyncRecorder) Run(ctx context.Context) {
	batch := make([]pursuit.EngagementEvent, 0, r.batch)
	var flushes []chan struct{}
	write := func() {
		if len(batch) > 0 {
			r.write(context.WithoutCancel(ctx), batch)
		}
		for _, d := range flushes {
			close(d)
		}
		batch, flushes = batch[:0], flushes[:0]
	}
	take := func(q request) {
		if q.done != nil {
			flushes = append(flushes, q.done)
		} else {
			batch = append(batch, q.ev)
		}
	}
	for {
		select {
		case q := <-r.q:
			take(q)
		drain:
			for len(batch) < r.batch {
				select {
				case q := <-r.q:
					take(q)
				default:
					break drain
				}
			}
			write()
		case <-ctx.Done():
			for {
				select {
				case q := <-r.q:
					take(q)
					if len(batch) >= r.batch {
						write()
					}
				default:
					write()
					return
				}
			}
		}
	}
}

// write stores a batch; when one row fails (a customer deleted
// meanwhile), it is dropped and the rest written again.
func (r *AsyncRecorder) write(ctx context.Context, batch []pursuit.EngagementEvent) {
	for len(batch) > 0 {
		err := r.store.AddEvents(ctx, batch)
		if err == nil {
			r.recorded.Add(int64(len(batch)))
			return
		}
		var re *pursuit.RowError
		if !errors.As(err, &re) || re.Row < 0 || re.Row >= len(batch) {
			r.failed.Add(int64(len(batch)))
			r.log.Error("rank: events lost", "events", len(batch), "err", err)
			return
		}
		r.failed.Add(1)
		r.log.Warn("rank: event lost", "customer_id", batch[re.Row].CustomerID, "err", err)
		batch = append(batch[:re.Row:re.Row], batch[re.Row+1:]...)
	}
}
