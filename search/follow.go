package search

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Follow backs off to at most this long between reads of a change log
// that keeps failing, and reminds the log that it still fails at most this
// often.
const (
	DefaultMaxBackoff = 5 * time.Second
	followReminder    = time.Minute
)

// followClock is what Follow waits with; tests replace it so that they
// can check the backoff without waiting for it.
type followClock struct {
	after func(time.Duration) <-chan time.Time
	now   func() time.Time
}

// Follow applies the change log until ctx is done, polling every
// Options.PollInterval and at once after Notify. It returns ctx.Err() when
// ctx ends. A failing read of the store does not stop it, so the index
// lags rather than stops: it retries after PollInterval, then after twice
// as long each time, up to Options.MaxBackoff (DefaultMaxBackoff), and
// polls at the normal rate again after the first success. It logs once
// per change of state: an error when reads start failing, a warning at
// most once a minute while they keep failing, and an info record when
// they succeed again.
func (ix *Index) Follow(ctx context.Context) error {
	every := ix.opt.PollInterval
	if every <= 0 {
		every = 25 * time.Millisecond
	}
	maxWait := max(ix.opt.MaxBackoff, every)
	if ix.opt.MaxBackoff <= 0 {
		maxWait = max(DefaultMaxBackoff, every)
	}
	clock := ix.clock
	if clock.after == nil {
		clock.after = time.After
	}
	if clock.now == nil {
		clock.now = time.Now
	}
	var (
		wait            = every
		failures        int
		since, reminded time.Time
	)
	for {
		err := ix.Sync(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch now := clock.now(); {
		case err == nil && failures > 0:
			ix.log.Info("search index: reading the change log again", "failed_reads", failures, "outage", now.Sub(since).Round(time.Millisecond))
			failures, wait = 0, every
		case err == nil:
			wait = every
		case failures == 0:
			failures, since, reminded, wait = 1, now, now, every
			ix.log.Error("search index: cannot read the change log; the index lags until it can (retrying with backoff)",
				"err", err, "max_backoff", maxWait)
		default:
			failures++
			wait = min(2*wait, maxWait)
			if now.Sub(reminded) >= followReminder {
				reminded = now
				ix.log.Warn("search index: still cannot read the change log", "err", err,
					"failed_reads", failures, "since", since.UTC().Format(time.RFC3339))
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clock.after(wait):
		case <-ix.notify:
		}
	}
}

// Notify wakes Follow at once: in-process writers call it after a commit.
// It never blocks.
func (ix *Index) Notify() {
	select {
	case ix.notify <- struct{}{}:
	default:
	}
}

// Sync applies every change committed so far and returns.
func (ix *Index) Sync(ctx context.Context) error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	batch := ix.opt.BatchSize
	if batch <= 0 {
		batch = 5000
	}
	for {
		ix.mu.RLock()
		after := ix.seq
		ix.mu.RUnlock()
		changes, err := ix.src.Changes(ctx, after, batch)
		if err != nil {
			return fmt.Errorf("read change log after %d: %w", after, err)
		}
		if len(changes) == 0 {
			return nil
		}
		ix.subs.publish(changes)
		rows, err := ix.fetch(ctx, changes)
		if err != nil {
			return err
		}
		ix.mu.Lock()
		ix.beginChanges()
		for _, r := range rows {
			r()
		}
		ix.endChanges(ix.version + 1)
		ix.freeRetired()
		ix.seq = changes[len(changes)-1].Seq
		ix.version++
		ix.applied += int64(len(changes))
		ix.lastApplied = time.Now()
		close(ix.synced)
		ix.synced = make(chan struct{})
		ix.mu.Unlock()
		if len(changes) < batch {
			return nil
		}
	}
}

// WaitSeq returns once the index has applied the change log up to seq,
// waking the follower (Notify) so it reads the log at once; or with
// ctx's error. Something must be following: Follow, or calls of Sync.
// Tests and read-your-writes callers wait on the index's own progress
// with it rather than on a clock.
func (ix *Index) WaitSeq(ctx context.Context, seq int64) error {
	for {
		ix.mu.RLock()
		cur, ch := ix.seq, ix.synced
		ix.mu.RUnlock()
		if cur >= seq {
			return nil
		}
		ix.Notify()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Subscribe calls fn with every batch of changes the index reads from the
// change log from now on, in order, before it applies them; it returns
// the sequence number the index had read up to (fn gets the changes after
// it) and a function that ends the subscription. A batch the index fails
// to apply is read, and given to fn, again, so fn must be idempotent. fn
// runs on the follower's goroutine and holds it up: it must be quick and
// must not call the index. The HTTP API's key cache forgets a key here
// the moment its row, or its customer's, changes.
func (ix *Index) Subscribe(fn func([]pursuit.Change)) (seq int64, cancel func()) {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.mu.RLock()
	seq = ix.seq
	ix.mu.RUnlock()
	id := ix.subs.add(fn)
	return seq, func() { ix.subs.remove(id) }
}

// subscribers are the functions Subscribe registered.
type subscribers struct {
	mu   sync.Mutex
	next int
	fns  map[int]func([]pursuit.Change)
}

func (s *subscribers) add(fn func([]pursuit.Change)) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fns == nil {
		s.fns = map[int]func([]pursuit.Change){}
	}
	s.next++
	s.fns[s.next] = fn
	return s.next
}

func (s *subscribers) remove(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.fns, id)
}

// publish gives a batch to every subscriber, in the order they came.
func (s *subscribers) publish(changes []pursuit.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, 0, len(s.fns))
	for id := range s.fns {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		s.fns[id](changes)
	}
}

// fetch reads the current state of every row a batch of changes names and
// returns the closures that apply them, in change order; each row is read
// once per batch.
func (ix *Index) fetch(ctx context.Context, changes []pursuit.Change) ([]func(), error) {
	type key struct {
		table     string
		key, key2 int64
	}
	seen := map[key]bool{}
	var out []func()
	for _, ch := range changes {
		k := key{ch.Table, ch.Key, ch.Key2}
		if seen[k] {
			continue
		}
		seen[k] = true
		f, err := ix.fetchOne(ctx, ch)
		if err != nil {
			return nil, fmt.Errorf("apply change %d (%s %s %d): %w", ch.Seq, ch.Table, ch.Op, ch.Key, err)
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

func gone(err error) bool { return pursuit.ErrorCode(err) == pursuit.ENOTFOUND }

func (ix *Index) fetchOne(ctx context.Context, ch pursuit.Change) (func(), error) {
	switch ch.Table {
	case pursuit.TablePlaces:
		p, err := ix.src.GetPlace(ctx, ch.Key)
		if gone(err) {
			return func() { ix.deletePlace(ch.Key) }, nil
		}
		if err != nil {
			return nil, err
		}
		return func() { ix.putPlace(p) }, nil
	case pursuit.TableContacts:
		c, err := ix.src.GetContact(ctx, ch.Key)
		if gone(err) {
			return func() { ix.deleteContact(ch.Key) }, nil
		}
		if err != nil {
			return nil, err
		}
		return func() { ix.putContact(c) }, nil
	case pursuit.TableTechStack:
		t, err := ix.src.GetTechStack(ctx, ch.Key)
		if gone(err) {
			return func() { ix.deleteTech(ch.Key) }, nil
		}
		if err != nil {
			return nil, err
		}
		return func() { ix.putTechs([]pursuit.TechStack{t}) }, nil
	case pursuit.TableCustomerPlaceRelation:
		g, err := ix.src.GetPlaceGrant(ctx, ch.Key, ch.Key2)
		if gone(err) {
			return func() { ix.putPlaceGrant(ch.Key, ch.Key2, "") }, nil
		}
		if err != nil {
			return nil, err
		}
		return func() { ix.putPlaceGrant(g.CustomerID, g.PlaceID, g.AccessType) }, nil
	case pursuit.TableCustomerContactRelation:
		g, err := ix.src.GetContactGrant(ctx, ch.Key, ch.Key2)
		if gone(err) {
			return func() { ix.putContactGrant(ch.Key, ch.Key2, "") }, nil
		}
		if err != nil {
			return nil, err
		}
		return func() { ix.putContactGrant(g.CustomerID, g.ContactID, g.AccessType) }, nil
	case pursuit.TableCustomerMapping:
		m, err := ix.src.GetCustomerMapping(ctx, ch.Key)
		if gone(err) {
			return func() { ix.deleteMapping(ch.Key) }, nil
		}
		if err != nil {
			return nil, err
		}
		return func() { ix.putMapping(m) }, nil
	}
	return nil, nil // customers, api_keys, reveals: nothing indexed
}
