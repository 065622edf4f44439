package feed_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/postgres"
)

// watchedLock records whether its dispatcher holds the lock; once dead,
// its process is gone: it neither takes nor releases the lock (the
// session ends without an unlock, as when a process is killed).
type watchedLock struct {
	*postgres.SessionLock
	held, dead atomic.Bool
}

func (l *watchedLock) TryLock(ctx context.Context) (bool, error) {
	if l.dead.Load() {
		l.held.Store(false)
		return false, nil
	}
	ok, err := l.SessionLock.TryLock(ctx)
	l.held.Store(ok)
	return ok, err
}

func (l *watchedLock) Release() {
	l.held.Store(false)
	if !l.dead.Load() {
		l.SessionLock.Release()
	}
}

// TestTwoServersOneSender runs two dispatchers over one PostgreSQL
// database, as two `pursuit serve` processes would: at no moment do both
// hold the lock, only the holder sends, and when the holder's session
// dies (its backend terminated, as when its process is killed) the other
// takes over and delivers what follows, within seconds.
func TestTwoServersOneSender(t *testing.T) {
	dsn := testdb.PostgresDSN(t)
	ctx := context.Background()
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t, 200)
	_, place, ep := setup(t, a, rcv.srv.URL)
	rcv.secret = ep.Secret

	type server struct {
		db     *postgres.DB
		lock   *watchedLock
		sent   atomic.Int64
		cancel context.CancelFunc
		done   chan struct{}
	}
	var both atomic.Bool
	var servers []*server
	for _, db := range []*postgres.DB{a, b} {
		sv := &server{db: db, lock: &watchedLock{SessionLock: db.DispatcherLock()}, done: make(chan struct{})}
		d := feed.New(feed.Config{Store: db, Client: feed.NewClient(true), Lock: sv.lock, Poll: 20 * time.Millisecond})
		d.Delivered = func(pursuit.DeliveryResult) { sv.sent.Add(1) }
		runCtx, cancel := context.WithCancel(ctx)
		sv.cancel = cancel
		go func() { defer close(sv.done); d.Run(runCtx) }()
		// Stopped before the stores close: a pool waits for the lock's
		// connection.
		t.Cleanup(func() { cancel(); <-sv.done; sv.lock.SessionLock.Release() })
		servers = append(servers, sv)
	}
	stopWatch := make(chan struct{})
	var stopOnce sync.Once
	var wg sync.WaitGroup
	t.Cleanup(func() { stopOnce.Do(func() { close(stopWatch) }); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stopWatch:
				return
			case <-time.After(time.Millisecond):
				if servers[0].lock.held.Load() && servers[1].lock.held.Load() {
					both.Store(true)
				}
			}
		}
	}()
	waitDelivered := func(n int) time.Duration {
		start := time.Now()
		for len(rcv.received()) < n || servers[0].sent.Load()+servers[1].sent.Load() < int64(n) {
			if time.Since(start) > hangBound {
				t.Fatalf("%d of %d deliveries after %s", len(rcv.received()), n, hangBound)
			}
			time.Sleep(10 * time.Millisecond)
		}
		return time.Since(start)
	}
	for i := range 20 {
		addContact(t, a, place, fmt.Sprintf("First%d", i))
	}
	waitDelivered(20)
	leader, other := servers[0], servers[1]
	if leader.sent.Load() == 0 {
		leader, other = other, leader
	}
	if other.sent.Load() != 0 || leader.sent.Load() != 20 {
		t.Fatalf("sent %d and %d: want one sender of all 20", leader.sent.Load(), other.sent.Load())
	}
	// The leader dies: it stops without unlocking, and its session ends
	// (PostgreSQL releases the lock).
	leader.lock.dead.Store(true)
	leader.cancel()
	<-leader.done
	if _, err := other.db.Pool().Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND pid <> pg_backend_pid()`,
		int64(7075727375697403)&0xffffffff); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		addContact(t, b, place, fmt.Sprintf("Second%d", i))
	}
	took := waitDelivered(30)
	stopOnce.Do(func() { close(stopWatch) })
	wg.Wait()
	other.cancel()
	<-other.done
	if other.sent.Load() != 10 {
		t.Fatalf("the survivor sent %d, want the 10 written after the takeover", other.sent.Load())
	}
	if both.Load() {
		t.Fatal("both servers held the dispatcher lock at once")
	}
	t.Logf("takeover and delivery of 10 events after the leader died: %s", took.Round(time.Millisecond))
}
