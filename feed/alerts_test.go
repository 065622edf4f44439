package feed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/search"
)

// alertWorld is a store with its search index and a dispatcher running
// the alerts through it, on a fake clock.
type alertWorld struct {
	t     *testing.T
	ctx   context.Context
	s     pursuit.Store
	ix    *search.Index
	d     *feed.Dispatcher
	clock *fakeClock
}

func newAlertWorld(t *testing.T, s pursuit.Store, start time.Time) *alertWorld {
	ctx := context.Background()
	ix, err := search.Build(ctx, s, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := &alertWorld{t: t, ctx: ctx, s: s, ix: ix, clock: &fakeClock{now: start}}
	w.d = w.dispatcher()
	w.step()
	return w
}

func (w *alertWorld) dispatcher() *feed.Dispatcher {
	return feed.New(feed.Config{Store: w.s, Alerts: httpapi.AlertMatcher(w.ix), Now: w.clock.Now})
}

func (w *alertWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// step brings the index, the feed and the alerts up to the log's head.
func (w *alertWorld) step() {
	w.t.Helper()
	w.must(w.ix.Sync(w.ctx))
	for range 100 {
		n, err := w.d.Derive(w.ctx)
		w.must(err)
		a, err := w.d.Alert(w.ctx)
		w.must(err)
		if n == 0 && a == 0 {
			return
		}
	}
	w.t.Fatal("the dispatcher never settles")
}

func (w *alertWorld) customer(name string) int64 {
	c := pursuit.Customer{Name: name}
	w.must(w.s.CreateCustomer(w.ctx, &c))
	return c.CustomerID
}

func (w *alertWorld) place(name, state string) int64 {
	p := pursuit.Place{Name: name, PlaceType: pursuit.PlaceTypeCounty, StateAbbr: state}
	w.must(w.s.CreatePlace(w.ctx, &p))
	return p.PlaceID
}

func (w *alertWorld) grant(customer, place int64, access string) {
	w.must(w.s.PutPlaceGrant(w.ctx, &pursuit.CustomerPlaceRelation{CustomerID: customer, PlaceID: place, AccessType: access}))
}

func (w *alertWorld) contact(place int64, name, title string) int64 {
	c := pursuit.Contact{PlaceID: place, Name: name, Title: title,
		Email: strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@county.gov", Phone: "555-0100"}
	w.must(w.s.CreateContact(w.ctx, &c))
	return c.ContactID
}

func (w *alertWorld) saved(customer int64, name, query, alert string) pursuit.SavedSearch {
	ss := pursuit.SavedSearch{CustomerID: customer, Name: name, Query: query, Alert: alert}
	w.must(w.s.CreateSavedSearch(w.ctx, &ss))
	return ss
}

// alerts returns the customer's saved_search.matched events and checks
// that every event of its feed is its own.
func (w *alertWorld) alerts(customer int64) []feed.AlertData {
	w.t.Helper()
	evs, err := w.s.FeedEvents(w.ctx, customer, 0, pursuit.MaxListLimit)
	w.must(err)
	var out []feed.AlertData
	for _, e := range evs {
		if e.Type != pursuit.EventSavedSearchMatched {
			continue
		}
		var d feed.AlertData
		w.must(json.Unmarshal(e.Data, &d))
		out = append(out, d)
	}
	return out
}

// TestAlerts runs the alert scenarios one after the other on one store
// of each kind (a PostgreSQL database costs seconds to make), each with
// its own customers and places.
func TestAlerts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		t.Run("instant", func(t *testing.T) { alertInstant(t, s) })
		t.Run("attacker", func(t *testing.T) { alertAttacker(t, s) })
		t.Run("hourly", func(t *testing.T) { alertHourly(t, s) })
	})
}

// alertInstant: a new matching contact is one event; the same contact
// changing again is none; a changed title that now matches, and a grant
// that newly shows a matching contact, are one event each; contacts that
// matched when the alert started are never told; two dispatchers running
// the same step tell it once.
func alertInstant(t *testing.T, s pursuit.Store) {
	{
		w := newAlertWorld(t, s, time.Date(2026, 12, 2, 10, 20, 0, 0, time.UTC))
		acme := w.customer("Instant")
		p1 := w.place("Sangamon County", "IL")
		p2 := w.place("Cook County", "IL")
		w.grant(acme, p1, pursuit.AccessFull)
		before := w.contact(p1, "Olga Early", "IT Director")
		clerk := w.contact(p1, "Jane Roe", "Clerk")
		hidden := w.contact(p2, "Road Hidden", "Director of Public Works")
		ss := w.saved(acme, "IL directors", "q=director&state=IL", pursuit.AlertInstant)
		w.step()
		if got := w.alerts(acme); len(got) != 0 {
			t.Fatalf("the baseline was told: %+v", got)
		}

		newcomer := w.contact(p1, "Ivan New", "IT Director")
		w.must(w.ix.Sync(w.ctx))
		w.must(func() error { _, err := w.d.Derive(w.ctx); return err }())
		// A second dispatcher runs the same step: the position's
		// compare-and-set lets one of them store it.
		other := w.dispatcher()
		if _, err := other.Alert(w.ctx); err != nil {
			t.Fatal(err)
		}
		w.step()
		got := w.alerts(acme)
		if len(got) != 1 || !slices.Equal(got[0].ContactIDs, []int64{newcomer}) || got[0].SavedSearchID != ss.SavedSearchID ||
			got[0].Name != "IL directors" || got[0].Matches[0].Contact.Email != "ivan.new@county.gov" || got[0].Matches[0].PlaceName != "Sangamon County" {
			t.Fatalf("after a new matching contact: %+v", got)
		}

		// The same contact changing again, and the one of the baseline.
		for _, id := range []int64{newcomer, before} {
			c, err := s.GetContact(w.ctx, id)
			w.must(err)
			c.Phone = "555-0199"
			c.Title = "Chief IT Director"
			w.must(s.UpdateContact(w.ctx, &c))
		}
		w.step()
		if got := w.alerts(acme); len(got) != 1 {
			t.Fatalf("a contact changing again was told again: %+v", got)
		}

		// A changed title that now matches.
		c, err := s.GetContact(w.ctx, clerk)
		w.must(err)
		c.Title = "Finance Director"
		w.must(s.UpdateContact(w.ctx, &c))
		w.step()
		if got := w.alerts(acme); len(got) != 2 || !slices.Equal(got[1].ContactIDs, []int64{clerk}) {
			t.Fatalf("after a title change: %+v", got)
		}

		// A grant that shows a matching contact, masked.
		w.grant(acme, p2, pursuit.AccessMasked)
		w.step()
		got = w.alerts(acme)
		if len(got) != 3 || !slices.Equal(got[2].ContactIDs, []int64{hidden}) || got[2].Matches[0].AccessType != pursuit.AccessMasked ||
			got[2].Matches[0].Contact.Email == "road.hidden@county.gov" || got[2].Matches[0].Contact.Email == "" {
			t.Fatalf("after a grant: %+v", got)
		}

		// Turned off then on again: it starts again from its results.
		ss.Alert = pursuit.AlertOff
		w.must(s.UpdateSavedSearch(w.ctx, &ss))
		w.step()
		late := w.contact(p1, "Lena Late", "Director of Finance")
		w.step()
		ss.Alert = pursuit.AlertInstant
		w.must(s.UpdateSavedSearch(w.ctx, &ss))
		w.step()
		c, err = s.GetContact(w.ctx, late)
		w.must(err)
		c.Phone = "555-0111"
		w.must(s.UpdateContact(w.ctx, &c))
		w.step()
		if got := w.alerts(acme); len(got) != 3 {
			t.Fatalf("alerts while off, or the new baseline told: %+v", got[3:])
		}

		// A new query starts again from its results too.
		carl := w.contact(p1, "Carl Clerk", "Deputy Clerk")
		w.step()
		ss.Query = "q=clerk"
		w.must(s.UpdateSavedSearch(w.ctx, &ss))
		w.step()
		c, err = s.GetContact(w.ctx, carl)
		w.must(err)
		c.Phone = "555-0112"
		w.must(s.UpdateContact(w.ctx, &c))
		w.step()
		if got := w.alerts(acme); len(got) != 3 {
			t.Fatalf("the new query's results were told: %+v", got[3:])
		}
	}
}

// alertAttacker: a customer's saved searches crafted to match rows
// outside its grants — another place's contacts by place_id, by name, and
// by the hidden part of a masked email — produce nothing: no event, no
// matched contact stored, and its feed stays empty (no gap to measure).
func alertAttacker(t *testing.T, s pursuit.Store) {
	{
		w := newAlertWorld(t, s, time.Date(2026, 12, 2, 10, 20, 0, 0, time.UTC))
		victim := w.customer("Victim")
		attacker := w.customer("Attacker")
		secret := w.place("Secret County", "TX")
		mine := w.place("Open County", "TX")
		w.grant(victim, secret, pursuit.AccessFull)
		w.grant(attacker, mine, pursuit.AccessMasked)
		var crafted []pursuit.SavedSearch
		for i, q := range []string{
			fmt.Sprintf("place_id=%d", secret),
			"q=" + url.QueryEscape(`"Zed Hidden"`),
			"q=" + url.QueryEscape("email:zed.hidden"),
			"q=" + url.QueryEscape("email:masked.secret"),
			"state=TX",
		} {
			crafted = append(crafted, w.saved(attacker, fmt.Sprintf("crafted %d", i), q, pursuit.AlertInstant))
		}
		w.step()
		w.contact(secret, "Zed Hidden", "Director")
		w.contact(mine, "Masked Secret", "Clerk") // its email, masked.secret@…, is hidden from the attacker
		w.step()
		evs, err := s.FeedEvents(w.ctx, attacker, 0, pursuit.MaxListLimit)
		w.must(err)
		// The attacker's own place gave it place.created, contact.created and
		// broad state=TX search one alert of its own contact; nothing else.
		var types []string
		for _, e := range evs {
			types = append(types, e.Type)
			if strings.Contains(string(e.Data), "Zed") || strings.Contains(string(e.Data), "masked.secret") {
				t.Fatalf("the attacker's feed shows hidden data: %s", e.Data)
			}
		}
		if !slices.Equal(types, []string{pursuit.EventPlaceCreated, pursuit.EventContactCreated, pursuit.EventSavedSearchMatched}) {
			t.Fatalf("the attacker's feed: %v", types)
		}
		for _, ss := range crafted[:4] {
			got, err := s.AlertedAmong(w.ctx, ss.SavedSearchID, []int64{1, 2, 3, 4, 5, 6, 7, 8})
			w.must(err)
			if len(got) != 0 {
				t.Fatalf("saved search %q stored matches %v", ss.Query, got)
			}
		}
		if got := w.alerts(victim); len(got) != 0 {
			t.Fatalf("the victim, who has no saved search, got alerts: %+v", got)
		}
	}
}

// alertHourly: an hourly alert keeps its matches until the next full
// hour on the clock, then tells them in one event, once.
func alertHourly(t *testing.T, s pursuit.Store) {
	{
		w := newAlertWorld(t, s, time.Date(2026, 12, 2, 10, 20, 0, 0, time.UTC))
		acme := w.customer("Hourly")
		p := w.place("Sangamon County", "IL")
		w.grant(acme, p, pursuit.AccessFull)
		w.saved(acme, "finance", "q=finance", pursuit.AlertHourly)
		daily := w.saved(acme, "finance daily", "q=finance", pursuit.AlertDaily)
		w.step()
		x := w.contact(p, "Xavier First", "Finance Director")
		w.step()
		w.clock.Set(time.Date(2026, 12, 2, 10, 59, 59, 0, time.UTC))
		y := w.contact(p, "Yara Second", "Finance Clerk")
		w.step()
		if got := w.alerts(acme); len(got) != 0 {
			t.Fatalf("told before the hour: %+v", got)
		}
		w.clock.Set(time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC))
		w.step()
		got := w.alerts(acme)
		if len(got) != 1 || got[0].Alert != pursuit.AlertHourly || !slices.Equal(got[0].ContactIDs, []int64{x, y}) {
			t.Fatalf("at the hour: %+v", got)
		}
		w.clock.Set(time.Date(2026, 12, 2, 23, 59, 0, 0, time.UTC))
		w.step()
		if got := w.alerts(acme); len(got) != 1 {
			t.Fatalf("told twice: %+v", got)
		}
		w.clock.Set(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC))
		w.step()
		got = w.alerts(acme)
		if len(got) != 2 || got[1].SavedSearchID != daily.SavedSearchID || !slices.Equal(got[1].ContactIDs, []int64{x, y}) {
			t.Fatalf("at midnight: %+v", got)
		}
		pending, err := s.PendingAlerts(w.ctx, daily.SavedSearchID)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending after the batch: %v, %v", pending, err)
		}
	}
}
