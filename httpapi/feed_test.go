package httpapi_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// feedWorld is two customers, each granted a place of its own with masked
// access, a server, and a dispatcher started at the log's head.
type feedWorld struct {
	ts             *testServer
	d              *feed.Dispatcher
	a, b           int64 // customers
	keyA, keyB     string
	placeA, placeB int64
}

func newFeedWorld(t *testing.T, s pursuit.Store, opts ...serverOption) *feedWorld {
	ctx := context.Background()
	w := &feedWorld{ts: newTestServer(t, s, opts...)}
	for _, x := range []struct {
		cust, place *int64
	}{{&w.a, &w.placeA}, {&w.b, &w.placeB}} {
		c := pursuit.Customer{Name: "C"}
		must(t, s.CreateCustomer(ctx, &c))
		p := pursuit.Place{Name: "P", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "IL"}
		must(t, s.CreatePlace(ctx, &p))
		must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: c.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}))
		*x.cust, *x.place = c.CustomerID, p.PlaceID
	}
	w.keyA, w.keyB = w.ts.createKey(pursuit.RoleCustomer, w.a), w.ts.createKey(pursuit.RoleCustomer, w.b)
	w.d = feed.New(feed.Config{Store: s, Client: feed.NewClient(true)})
	w.derive(t)
	return w
}

// derive runs the dispatcher until the feed holds every change so far.
func (w *feedWorld) derive(t *testing.T) {
	for {
		n, err := w.d.Derive(context.Background())
		must(t, err)
		if n == 0 {
			break
		}
	}
	w.ts.srv.NotifyFeed()
}

func (w *feedWorld) contact(t *testing.T, place int64, name string) int64 {
	c := pursuit.Contact{PlaceID: place, Name: name, Email: strings.ToLower(name) + "@county.gov", Phone: "217-555-0142", Title: "Clerk"}
	must(t, w.ts.store.CreateContact(context.Background(), &c))
	return c.ContactID
}

func (w *feedWorld) page(t *testing.T, key, query string) httpapi.FeedPage {
	t.Helper()
	r := w.ts.do("GET", "/v1/changes"+query, key, nil)
	if r.status != 200 {
		t.Fatalf("GET /v1/changes%s: %d %s", query, r.status, r.body)
	}
	var p httpapi.FeedPage
	r.decode(t, &p)
	return p
}

// TestChangesFeedIsolation: each customer's feed holds its own events
// only, masked; a cursor opens only for the customer it was made for,
// and a tampered one is refused; cursors page exactly.
func TestChangesFeedIsolation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newFeedWorld(t, s)
		for i := range 5 {
			w.contact(t, w.placeA, fmt.Sprintf("Anne%d", i))
		}
		w.contact(t, w.placeB, "Bob")
		w.derive(t)
		pa := w.page(t, w.keyA, "?limit=3")
		if len(pa.Events) != 3 || !pa.HasMore {
			t.Fatalf("A's first page: %d events, has_more %v", len(pa.Events), pa.HasMore)
		}
		for _, e := range pa.Events {
			if e.Type != pursuit.EventContactCreated || !strings.Contains(string(e.Data), "a•••@county.gov") || strings.Contains(string(e.Data), "0142\"") && !strings.Contains(string(e.Data), "•••-•••-0142") {
				t.Fatalf("event %s %s: want a masked contact.created", e.Type, e.Data)
			}
			if strings.Contains(string(e.Data), "Bob") {
				t.Fatalf("A sees B's contact: %s", e.Data)
			}
		}
		pa2 := w.page(t, w.keyA, "?limit=3&after="+url.QueryEscape(pa.NextCursor))
		if len(pa2.Events) != 2 || pa2.HasMore {
			t.Fatalf("A's second page: %d events, has_more %v", len(pa2.Events), pa2.HasMore)
		}
		pb := w.page(t, w.keyB, "")
		if len(pb.Events) != 1 || !strings.Contains(string(pb.Events[0].Data), "Bob") {
			t.Fatalf("B's feed: %+v", pb.Events)
		}
		// Attacks: A's cursor with B's key; a tampered cursor; garbage.
		for _, c := range []string{pa.NextCursor, pa.NextCursor[:len(pa.NextCursor)-2] + "AA", "MTIz", strings.Repeat("A", 40)} {
			r := w.ts.do("GET", "/v1/changes?after="+url.QueryEscape(c), w.keyB, nil)
			if r.status != 400 || r.apiError(t).Field != "after" {
				t.Fatalf("foreign or tampered cursor: %d %s", r.status, r.body)
			}
		}
		// An empty page's cursor does not move, and equals nothing
		// measurable: a fresh customer's feed and one whose other
		// customers wrote a lot answer the same shape.
		empty := w.page(t, w.keyB, "?after="+url.QueryEscape(pb.NextCursor))
		if len(empty.Events) != 0 || empty.HasMore {
			t.Fatalf("B's empty page: %+v", empty)
		}
		for _, bad := range []string{"?limit=0", "?limit=10001", "?wait=2m", "?wait=x", "?foo=1"} {
			if r := w.ts.do("GET", "/v1/changes"+bad, w.keyA, nil); r.status != 400 {
				t.Fatalf("%s: %d %s", bad, r.status, r.body)
			}
		}
		if r := w.ts.do("GET", "/v1/changes", w.ts.admin, nil); r.status != 403 {
			t.Fatalf("admin key on the feed: %d", r.status)
		}
	})
}

// TestChangesLongPoll: a long poll with nothing to return waits, and
// answers with the event as soon as the dispatcher stored it.
func TestChangesLongPoll(t *testing.T) {
	s := testdb.SQLite(t)
	w := newFeedWorld(t, s)
	first := w.page(t, w.keyA, "")
	done := make(chan httpapi.FeedPage, 1)
	go func() {
		r := w.ts.do("GET", "/v1/changes?wait=50s&after="+url.QueryEscape(first.NextCursor), w.keyA, nil)
		var p httpapi.FeedPage
		r.decode(t, &p)
		done <- p
	}()
	select {
	case p := <-done:
		t.Fatalf("the long poll answered before any change: %+v", p)
	case <-time.After(200 * time.Millisecond):
		// Still waiting, as it should; this bounds only how long the
		// test looks, not a speed.
	}
	w.contact(t, w.placeA, "Late")
	w.derive(t)
	select {
	case p := <-done:
		if len(p.Events) != 1 || !strings.Contains(string(p.Events[0].Data), "Late") {
			t.Fatalf("long poll got %+v", p.Events)
		}
	case <-time.After(hangBound):
		t.Fatal("the long poll never answered")
	}
}

// TestWebhookEndpointsAPI: endpoints are per customer (another customer's
// is 404 for every verb), the secret is shown on creation and rotation
// only, rotation keeps the old secret for the grace period, and the SSRF
// rule refuses private URLs unless the operator allows them.
func TestWebhookEndpointsAPI(t *testing.T) {
	s := testdb.SQLite(t)
	w := newFeedWorld(t, s)
	if r := w.ts.do("POST", "/v1/webhooks/endpoints", w.keyA, map[string]any{"url": "http://127.0.0.1:9/hook"}); r.status != 400 || r.apiError(t).Field != "url" {
		t.Fatalf("private URL: %d %s", r.status, r.body)
	}
	w2 := newFeedWorld(t, testdb.SQLite(t), func(c *httpapi.Config) { c.WebhooksAllowPrivate = true })
	r := w2.ts.do("POST", "/v1/webhooks/endpoints", w2.keyA, map[string]any{"url": "http://127.0.0.1:9/hook", "event_types": []string{"contact.created"}})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var ep httpapi.EndpointView
	r.decode(t, &ep)
	if !strings.HasPrefix(ep.Secret, "whsec_") || !ep.Enabled {
		t.Fatalf("created %+v", ep)
	}
	path := fmt.Sprintf("/v1/webhooks/endpoints/%d", ep.EndpointID)
	if r := w2.ts.do("GET", path, w2.keyA, nil); r.status != 200 || strings.Contains(string(r.body), "whsec_") {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	for _, x := range []struct{ m, p string }{{"GET", path}, {"PATCH", path}, {"DELETE", path}, {"POST", path + "/rotate"}, {"GET", path + "/deliveries"}} {
		var body any
		if x.m == "PATCH" {
			body = map[string]any{"description": "mine now"}
		}
		if r := w2.ts.do(x.m, x.p, w2.keyB, body); r.status != 404 {
			t.Fatalf("%s %s with another customer's key: %d %s", x.m, x.p, r.status, r.body)
		}
	}
	if r := w2.ts.do("PATCH", path, w2.keyA, map[string]any{"event_types": []string{"contact.bogus"}}); r.status != 400 || r.apiError(t).Field != "event_types" {
		t.Fatalf("bad type: %d %s", r.status, r.body)
	}
	r = w2.ts.do("POST", path+"/rotate", w2.keyA, map[string]any{"grace_seconds": 3600})
	var rot httpapi.EndpointView
	r.decode(t, &rot)
	if r.status != 200 || rot.Secret == ep.Secret || !strings.HasPrefix(rot.Secret, "whsec_") {
		t.Fatalf("rotate: %d %s", r.status, r.body)
	}
	got, err := s2(w2).GetWebhookEndpoint(context.Background(), w2.a, ep.EndpointID)
	must(t, err)
	if got.OldSecret != ep.Secret || got.OldSecretExpiresAt.Before(time.Now().Add(59*time.Minute)) {
		t.Fatalf("after rotation: old secret kept until %v", got.OldSecretExpiresAt)
	}
	if r := w2.ts.do("DELETE", path, w2.keyA, nil); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
}

func s2(w *feedWorld) pursuit.Store { return w.ts.store }
