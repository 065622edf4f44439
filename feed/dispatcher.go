package feed

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Locker elects the one dispatcher among several servers over one store:
// TryLock reports whether this process holds the lock now (acquiring it
// when free), and Release gives it up. PostgreSQL's is a session advisory
// lock (postgres.DispatcherLock); a nil Locker means this process is the
// only dispatcher (SQLite: one server per file).
type Locker interface {
	TryLock(ctx context.Context) (bool, error)
	Release()
}

// Defaults of Config.
const (
	DefaultBatch   = 2000
	DefaultPoll    = 250 * time.Millisecond
	DefaultLease   = time.Minute
	DefaultWorkers = 64
	// claimPerWorker is how many deliveries Send claims per worker: one
	// claim and one record transaction carry that many.
	claimPerWorker = 8
)

// Config configures a Dispatcher. Store is required.
type Config struct {
	Store pursuit.Store
	Log   *slog.Logger
	// Now is the clock of deliveries and retries; tests pass a fake one.
	Now func() time.Time
	// Client sends deliveries: NewClient(allowPrivate).
	Client *http.Client
	// Batch is how many changes one transaction of a derivation step
	// stores at most (a step stores several from one snapshot).
	Batch int
	// Poll is how often Run looks for work without a Notify.
	Poll time.Duration
	// Lease is how long a claimed delivery is reserved for this sender.
	Lease time.Duration
	// Workers is how many deliveries are sent at once.
	Workers int
	Lock    Locker
	// Rand jitters retry delays; nil seeds one.
	Rand *rand.Rand
	// Appended, when set, is called after a step stored events (the
	// server wakes its long polls with it).
	Appended func()
	// Alerts, when set, runs the saved-search alerts (Dispatcher.Alert)
	// through the search index; the server passes httpapi.AlertMatcher.
	Alerts Matcher
}

// Dispatcher derives feed events from change_log into the outbox and
// sends the webhook deliveries enqueued with them.
type Dispatcher struct {
	cfg    Config
	notify chan struct{}
	rngMu  sync.Mutex
	// alertsKnown says nextDue is the earliest due batch of the alerts as
	// of their last step (zero: none), so that Alert skips the store while
	// nothing changed and nothing is due.
	alertsKnown bool
	nextDue     time.Time
	// Delivered, when set, is called with every attempt's result (the
	// benchmark measures latency with it).
	Delivered func(pursuit.DeliveryResult)
}

// New returns a dispatcher.
func New(cfg Config) *Dispatcher {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = NewClient(false)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &Dispatcher{cfg: cfg, notify: make(chan struct{}, 1)}
}

// Notify wakes Run at once (the change log moved). It never blocks.
func (d *Dispatcher) Notify() {
	select {
	case d.notify <- struct{}{}:
	default:
	}
}

// Derive runs one derivation step: the events of up to Batch changes
// after the stored position, stored with their deliveries and the new
// position in one transaction (AppendFeed). The first step ever starts at
// the log's head: the feed begins when the dispatcher first runs. It
// returns how far the position moved (0: nothing new). A crash at any
// point either stored the whole step or nothing of it; another
// dispatcher's step in between makes AppendFeed fail with ECONFLICT and
// this one reads again.
func (d *Dispatcher) Derive(ctx context.Context) (int64, error) {
	s := d.cfg.Store
	pos, ok, err := s.FeedPosition(ctx)
	if err != nil {
		return 0, err
	}
	if !ok {
		head, err := s.LastSeq(ctx)
		if err != nil {
			return 0, err
		}
		if err := s.AppendFeed(ctx, -1, head, nil); err != nil && pursuit.ErrorCode(err) != pursuit.ECONFLICT {
			return 0, err
		}
		d.cfg.Log.Info("feed: dispatcher starts at the change log's head", "seq", head)
		return 0, nil
	}
	// One snapshot serves batch after batch, each stored in its own
	// transaction, until the log is done or the step has run for twice
	// what reading the snapshot took (at least stepBudget), so that alerts
	// and deliveries get their turn while a huge backlog drains, and the
	// tail is read a bounded number of times.
	start, from := time.Now(), pos
	var budget time.Duration
	_, err = DeriveEach(ctx, s, pos, d.cfg.Batch, func(events []pursuit.FeedEvent, upto int64) (bool, error) {
		if budget == 0 {
			budget = max(stepBudget, 2*time.Since(start))
		}
		if err := s.AppendFeed(ctx, from, upto, events); err != nil {
			if pursuit.ErrorCode(err) == pursuit.ECONFLICT {
				return false, nil // another dispatcher moved it; read again
			}
			return false, err
		}
		from = upto
		if len(events) > 0 && d.cfg.Appended != nil {
			d.cfg.Appended()
		}
		return time.Since(start) < budget, nil
	})
	return from - pos, err
}

// stepBudget is the least time one derivation step may spend storing
// batches of one snapshot.
const stepBudget = 2 * time.Second

// Send claims the deliveries due now (up to claimPerWorker per worker), sends them
// concurrently and records the results in one transaction. It returns how
// many it attempted.
func (d *Dispatcher) Send(ctx context.Context) (int, error) {
	now := d.cfg.Now()
	batch, err := d.cfg.Store.ClaimDeliveries(ctx, now, d.cfg.Lease, claimPerWorker*d.cfg.Workers)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	results := make([]pursuit.DeliveryResult, len(batch))
	sem := make(chan struct{}, d.cfg.Workers)
	var wg sync.WaitGroup
	for i := range batch {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := attempt(ctx, d.cfg.Client, &batch[i], d.cfg.Now(), d.cfg.Now)
			d.rngMu.Lock()
			decide(&r, &batch[i], d.cfg.Rand)
			d.rngMu.Unlock()
			results[i] = r
		}()
	}
	wg.Wait()
	if err := d.cfg.Store.FinishDeliveries(ctx, results); err != nil {
		return 0, err
	}
	for i, r := range results {
		if r.DisableReason != "" {
			d.cfg.Log.Warn("feed: webhook endpoint disabled", "endpoint_id", batch[i].EndpointID, "reason", r.DisableReason)
		}
		if d.Delivered != nil {
			d.Delivered(r)
		}
	}
	return len(batch), nil
}

// Run derives and sends until ctx ends, while it holds the lock; it
// works again at once after a Notify or a step that found work, and
// otherwise every Poll. Errors are logged and retried.
func (d *Dispatcher) Run(ctx context.Context) error {
	if d.cfg.Lock != nil {
		defer d.cfg.Lock.Release()
	}
	leading := false
	for {
		busy := false
		held := true
		if d.cfg.Lock != nil {
			var err error
			held, err = d.cfg.Lock.TryLock(ctx)
			if err != nil && ctx.Err() == nil {
				d.cfg.Log.Error("feed: dispatcher lock", "err", err)
			}
		}
		if held != leading {
			leading = held
			d.cfg.Log.Info("feed: dispatcher", "leading", held)
		}
		if held {
			n, err := d.Derive(ctx)
			if err != nil && ctx.Err() == nil {
				d.cfg.Log.Error("feed: derive events", "err", err)
			}
			a, err := d.Alert(ctx)
			if err != nil && ctx.Err() == nil {
				d.cfg.Log.Error("feed: saved-search alerts", "err", err)
			}
			n += a
			m, err := d.Send(ctx)
			if err != nil && ctx.Err() == nil {
				d.cfg.Log.Error("feed: send webhooks", "err", err)
			}
			busy = n > 0 || m > 0
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if busy {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.notify:
		case <-time.After(d.cfg.Poll):
		}
	}
}
