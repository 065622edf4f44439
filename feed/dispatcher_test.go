package feed_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// receiver is a webhook endpoint that records what it gets and answers
// with status.
type receiver struct {
	mu     sync.Mutex
	secret string
	status int
	got    []received
	srv    *httptest.Server
}

type received struct {
	id, body string
	verr     error
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		err := feed.Verify(r.secret, req.Header, body, time.Now(), 1000000*time.Hour)
		r.got = append(r.got, received{req.Header.Get(feed.HeaderID), string(body), err})
		w.WriteHeader(r.status)
		io.WriteString(w, "thanks")
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// setup makes a customer with a place grant, a contact and an endpoint
// at url, and starts the feed at the log's head.
func setup(t *testing.T, s pursuit.Store, url string) (customer, place int64, ep pursuit.WebhookEndpoint) {
	ctx := context.Background()
	c := pursuit.Customer{Name: "Acme"}
	p := pursuit.Place{Name: "Springfield", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}
	if err := s.CreateCustomer(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.CreatePlace(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: c.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}); err != nil {
		t.Fatal(err)
	}
	ep = pursuit.WebhookEndpoint{CustomerID: c.CustomerID, URL: url, Secret: feed.NewSecret()}
	if err := s.CreateWebhookEndpoint(ctx, &ep); err != nil {
		t.Fatal(err)
	}
	d := feed.New(feed.Config{Store: s})
	if _, err := d.Derive(ctx); err != nil { // starts at the head
		t.Fatal(err)
	}
	return c.CustomerID, p.PlaceID, ep
}

func addContact(t *testing.T, s pursuit.Store, place int64, name string) int64 {
	c := pursuit.Contact{PlaceID: place, Name: name, Email: strings.ToLower(name) + "@springfield.gov", Title: "Clerk"}
	if err := s.CreateContact(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c.ContactID
}

// TestDeliverySigned: a change reaches the endpoint as a signed Standard
// Webhooks message the receiver verifies, with the masked contact.
func TestDeliverySigned(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		rcv := newReceiver(t, 200)
		_, place, ep := setup(t, s, rcv.srv.URL)
		rcv.secret = ep.Secret
		addContact(t, s, place, "Jane")
		d := feed.New(feed.Config{Store: s, Client: feed.NewClient(true)})
		if _, err := d.Derive(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := d.Send(ctx); err != nil || n != 1 {
			t.Fatalf("Send = %d, %v", n, err)
		}
		got := rcv.received()
		if len(got) != 1 || got[0].verr != nil {
			t.Fatalf("received %+v", got)
		}
		if !strings.Contains(got[0].body, `"type":"contact.created"`) || !strings.Contains(got[0].body, "j•••@springfield.gov") || strings.Contains(got[0].body, "jane@") {
			t.Fatalf("body %s: want a masked contact.created", got[0].body)
		}
		ds, err := s.ListDeliveries(ctx, ep.CustomerID, ep.EndpointID, 0, 10)
		if err != nil || len(ds) != 1 || ds[0].Status != pursuit.DeliveryDelivered || ds[0].Response != "thanks" || ds[0].MessageID != got[0].id {
			t.Fatalf("delivery log %+v, %v", ds, err)
		}
		// Manual redelivery: same webhook-id.
		if err := s.Redeliver(ctx, ep.CustomerID, ds[0].DeliveryID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.Redeliver(ctx, ep.CustomerID+1000, ds[0].DeliveryID, time.Now()); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			t.Fatalf("another customer's redelivery: %v", err)
		}
		if _, err := d.Send(ctx); err != nil {
			t.Fatal(err)
		}
		got = rcv.received()
		if len(got) != 2 || got[1].id != got[0].id || got[1].body != got[0].body {
			t.Fatalf("redelivery: %+v", got)
		}
	})
}

// TestRetriesThenDisable: a failing endpoint is retried with growing,
// jittered delays for about a day on a fake clock, then disabled with
// the reason, and its delivery marked failed.
func TestRetriesThenDisable(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		rcv := newReceiver(t, 503)
		_, place, ep := setup(t, s, rcv.srv.URL)
		rcv.secret = ep.Secret
		clock := &fakeClock{now: time.Now().UTC().Truncate(time.Microsecond)}
		start := clock.Now()
		d := feed.New(feed.Config{Store: s, Client: feed.NewClient(true), Now: clock.Now, Rand: rand.New(rand.NewPCG(1, 2))})
		addContact(t, s, place, "Jane")
		if _, err := d.Derive(ctx); err != nil {
			t.Fatal(err)
		}
		// The delivery was enqueued at the store's clock, real time; the
		// fake clock starts just after.
		clock.Set(time.Now().Add(time.Second))
		start = clock.Now()
		var last time.Time
		attempts := 0
		for range 40 {
			n, err := d.Send(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatalf("nothing due at %s", clock.Now())
			}
			attempts++
			ds, err := s.ListDeliveries(ctx, ep.CustomerID, ep.EndpointID, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			if ds[0].Status == pursuit.DeliveryFailed {
				break
			}
			next := ds[0].NextAttemptAt
			gap := next.Sub(clock.Now())
			want := feed.RetryDelay(attempts, 0.5)
			if float64(gap) < 0.79*float64(want) || float64(gap) > 1.21*float64(want) {
				t.Fatalf("attempt %d: next in %s, want %s ± 20%%", attempts, gap, want)
			}
			if !last.IsZero() && gap < clock.Now().Sub(last)/4 {
				t.Fatalf("attempt %d: delay %s does not grow", attempts, gap)
			}
			last = clock.Now()
			// Not due a moment before; due at its time.
			clock.Set(next.Add(-time.Millisecond))
			if n, _ := d.Send(ctx); n != 0 {
				t.Fatalf("attempt %d sent early", attempts+1)
			}
			clock.Set(next)
		}
		got, err := s.GetWebhookEndpoint(ctx, ep.CustomerID, ep.EndpointID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DisabledAt.IsZero() || !strings.Contains(got.DisabledReason, "HTTP 503") {
			t.Fatalf("endpoint after %d attempts: disabled %v, reason %q", attempts, got.DisabledAt, got.DisabledReason)
		}
		span := clock.Now().Sub(start)
		if span < feed.GiveUpAfter || span > 2*feed.GiveUpAfter || attempts < 8 || attempts != len(rcv.received()) {
			t.Fatalf("gave up after %d attempts over %s (receiver saw %d)", attempts, span, len(rcv.received()))
		}
		// A disabled endpoint gets no new deliveries.
		addContact(t, s, place, "John")
		if _, err := d.Derive(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.PendingDeliveries(ctx); n != 0 {
			t.Fatalf("%d deliveries pending for a disabled endpoint", n)
		}
	})
}

// hangBound only bounds a wait that should end on its own, so that a bug
// fails the test instead of hanging it; no test asserts a speed.
const hangBound = 60 * time.Second

// snapshotCounter is a real store that counts its feed snapshots and
// appends.
type snapshotCounter struct {
	pursuit.Store
	snapshots, appends int
}

func (c *snapshotCounter) FeedSnapshot(ctx context.Context, fn func(pursuit.FeedReader) error) error {
	c.snapshots++
	return c.Store.FeedSnapshot(ctx, fn)
}

func (c *snapshotCounter) AppendFeed(ctx context.Context, from, to int64, events []pursuit.FeedEvent) error {
	c.appends++
	return c.Store.AppendFeed(ctx, from, to, events)
}

// TestBacklogReadOnce: a backlog of many batches (a bulk import while the
// dispatcher was behind) is derived from one snapshot, batch by batch in
// transactions of its own, instead of one snapshot of the whole tail per
// batch (quadratic in the backlog). Every contact still gets its event.
func TestBacklogReadOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		ctx := context.Background()
		customer, place, _ := setup(t, s, "http://127.0.0.1:1/unused")
		const n, batch = 300, 7
		rows := make([]pursuit.Contact, n)
		for i := range rows {
			rows[i] = pursuit.Contact{ContactID: int64(1000 + i), PlaceID: place, Name: fmt.Sprintf("Pat %d", i), Title: "Clerk"}
		}
		if err := s.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertContacts(ctx, rows) }); err != nil {
			t.Fatal(err)
		}
		cs := &snapshotCounter{Store: s}
		d := feed.New(feed.Config{Store: cs, Batch: batch})
		moved, err := d.Derive(ctx)
		if err != nil {
			t.Fatal(err)
		}
		head, err := s.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pos, _, _ := s.FeedPosition(ctx); pos != head || moved == 0 {
			t.Fatalf("after one step the position is %d (moved %d), want the head %d", pos, moved, head)
		}
		if cs.snapshots != 1 || cs.appends < n/batch {
			t.Errorf("one step took %d snapshots and %d appends, want 1 and at least %d", cs.snapshots, cs.appends, n/batch)
		}
		evs, err := s.FeedEvents(ctx, customer, 0, pursuit.MaxListLimit)
		if err != nil {
			t.Fatal(err)
		}
		created := 0
		for _, e := range evs {
			if e.Type == pursuit.EventContactCreated {
				created++
			}
		}
		if created != n {
			t.Errorf("%d contact.created events, want %d", created, n)
		}
	})
}
