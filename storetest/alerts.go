package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// testAlerts checks AlertStore: the alerts' position moves by
// compare-and-set and writes nothing on a conflict; updates add, reset,
// send and drop a saved search's matched contacts; AlertSearches lists
// the saved searches with an alert or a state; events are stored with a
// delivery for each enabled endpoint that takes saved_search.matched; and
// deleting a saved search deletes its alert state and matched set.
func testAlerts(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	on := pursuit.SavedSearch{CustomerID: cu.CustomerID, Name: "on", Query: "q=director", Alert: pursuit.AlertHourly}
	off := pursuit.SavedSearch{CustomerID: cu.CustomerID, Name: "off", Query: "q=clerk"}
	ok(t, s.CreateSavedSearch(ctx, &on), "CreateSavedSearch")
	ok(t, s.CreateSavedSearch(ctx, &off), "CreateSavedSearch")
	all := pursuit.WebhookEndpoint{CustomerID: cu.CustomerID, URL: "https://example.com/all", Secret: "whsec_x"}
	alerts := pursuit.WebhookEndpoint{CustomerID: cu.CustomerID, URL: "https://example.com/alerts", Secret: "whsec_x", EventTypes: []string{pursuit.EventSavedSearchMatched}}
	other := pursuit.WebhookEndpoint{CustomerID: cu.CustomerID, URL: "https://example.com/other", Secret: "whsec_x", EventTypes: []string{pursuit.EventContactCreated}}
	for _, e := range []*pursuit.WebhookEndpoint{&all, &alerts, &other} {
		ok(t, s.CreateWebhookEndpoint(ctx, e), "CreateWebhookEndpoint")
	}

	if _, found, err := s.AlertPosition(ctx); err != nil || found {
		t.Fatalf("AlertPosition of a new store: found %v, %v", found, err)
	}
	ok(t, s.AppendAlerts(ctx, -1, 5, nil, nil), "AppendAlerts start")
	wantCode(t, s.AppendAlerts(ctx, -1, 9, nil, nil), pursuit.ECONFLICT, "")
	searches, err := s.AlertSearches(ctx)
	ok(t, err, "AlertSearches")
	if len(searches) != 1 || searches[0].SavedSearchID != on.SavedSearchID || searches[0].State != nil {
		t.Fatalf("AlertSearches = %+v, want only %d without a state", searches, on.SavedSearchID)
	}

	// The baseline, then a pending match with a due time.
	due := t0.Add(time.Hour).UTC()
	ok(t, s.AppendAlerts(ctx, 5, 7, []pursuit.AlertUpdate{{SavedSearchID: on.SavedSearchID, Reset: true,
		State: pursuit.AlertState{Query: on.Query}, Seen: []int64{3, 1, 2}}}, nil), "AppendAlerts baseline")
	ok(t, s.AppendAlerts(ctx, 7, 8, []pursuit.AlertUpdate{{SavedSearchID: on.SavedSearchID,
		State: pursuit.AlertState{Query: on.Query, DueAt: due}, Pending: []int64{10, 2}}}, nil), "AppendAlerts pending")
	// A conflicting step writes nothing, not even its updates.
	wantCode(t, s.AppendAlerts(ctx, 7, 9, []pursuit.AlertUpdate{{SavedSearchID: on.SavedSearchID,
		State: pursuit.AlertState{Query: on.Query}, Seen: []int64{99}}}, nil), pursuit.ECONFLICT, "")
	if seq, found, err := s.AlertPosition(ctx); err != nil || !found || seq != 8 {
		t.Fatalf("AlertPosition = %d, %v, %v; want 8", seq, found, err)
	}
	got, err := s.AlertedAmong(ctx, on.SavedSearchID, []int64{1, 2, 4, 10, 99})
	ok(t, err, "AlertedAmong")
	diff(t, "AlertedAmong", []int64{1, 2, 10}, got)
	pending, err := s.PendingAlerts(ctx, on.SavedSearchID)
	ok(t, err, "PendingAlerts")
	diff(t, "PendingAlerts (2 was matched already)", []int64{10}, pending)
	searches, err = s.AlertSearches(ctx)
	ok(t, err, "AlertSearches")
	if len(searches) != 1 || searches[0].State == nil || searches[0].State.Query != on.Query || !searches[0].State.DueAt.Equal(due) {
		t.Fatalf("AlertSearches = %+v", searches)
	}

	// Sending the batch: an event, delivered to the endpoints that take it.
	data, _ := json.Marshal(map[string]any{"saved_search_id": on.SavedSearchID, "contact_ids": []int64{10}})
	ev := []pursuit.FeedEvent{{CustomerID: cu.CustomerID, Seq: 8, Type: pursuit.EventSavedSearchMatched, Data: data, CreatedAt: t0}}
	ok(t, s.AppendAlerts(ctx, 8, 8, []pursuit.AlertUpdate{{SavedSearchID: on.SavedSearchID,
		State: pursuit.AlertState{Query: on.Query}, Sent: []int64{10}}}, ev), "AppendAlerts send")
	if ev[0].EventID == 0 {
		t.Fatal("AppendAlerts left the event without an id")
	}
	pending, err = s.PendingAlerts(ctx, on.SavedSearchID)
	ok(t, err, "PendingAlerts")
	if len(pending) != 0 {
		t.Fatalf("PendingAlerts after sending = %v", pending)
	}
	evs, err := s.FeedEvents(ctx, cu.CustomerID, 0, 10)
	ok(t, err, "FeedEvents")
	if len(evs) != 1 || evs[0].Type != pursuit.EventSavedSearchMatched || evs[0].EventID != ev[0].EventID {
		t.Fatalf("FeedEvents = %+v", evs)
	}
	for _, e := range []pursuit.WebhookEndpoint{all, alerts, other} {
		ds, err := s.ListDeliveries(ctx, cu.CustomerID, e.EndpointID, 0, 10)
		ok(t, err, "ListDeliveries")
		want := 1
		if e.EndpointID == other.EndpointID {
			want = 0
		}
		if len(ds) != want || want == 1 && ds[0].MessageID != pursuit.MessageID(ev[0].EventID) {
			t.Fatalf("endpoint %s: deliveries %+v, want %d", e.URL, ds, want)
		}
	}

	// Turned off: listed until its state is dropped.
	on.Alert = pursuit.AlertOff
	ok(t, s.UpdateSavedSearch(ctx, &on), "UpdateSavedSearch")
	searches, err = s.AlertSearches(ctx)
	ok(t, err, "AlertSearches")
	if len(searches) != 1 || searches[0].Alert != pursuit.AlertOff || searches[0].State == nil {
		t.Fatalf("AlertSearches of an alert turned off = %+v", searches)
	}
	ok(t, s.AppendAlerts(ctx, 8, 9, []pursuit.AlertUpdate{{SavedSearchID: on.SavedSearchID, Drop: true}}, nil), "AppendAlerts drop")
	searches, err = s.AlertSearches(ctx)
	ok(t, err, "AlertSearches")
	got, err = s.AlertedAmong(ctx, on.SavedSearchID, []int64{1, 2, 3, 10})
	ok(t, err, "AlertedAmong")
	if len(searches) != 0 || len(got) != 0 {
		t.Fatalf("after a drop: searches %+v, matched %v", searches, got)
	}

	// Deleting a saved search deletes its state and matched set.
	off.Alert = pursuit.AlertDaily
	ok(t, s.UpdateSavedSearch(ctx, &off), "UpdateSavedSearch")
	ok(t, s.AppendAlerts(ctx, 9, 10, []pursuit.AlertUpdate{{SavedSearchID: off.SavedSearchID, Reset: true,
		State: pursuit.AlertState{Query: off.Query}, Seen: []int64{5}}}, nil), "AppendAlerts")
	ok(t, s.DeleteSavedSearch(ctx, cu.CustomerID, off.SavedSearchID), "DeleteSavedSearch")
	got, err = s.AlertedAmong(ctx, off.SavedSearchID, []int64{5})
	ok(t, err, "AlertedAmong")
	searches, err = s.AlertSearches(ctx)
	ok(t, err, "AlertSearches")
	if len(got) != 0 || len(searches) != 0 {
		t.Fatalf("after deleting the saved search: matched %v, searches %+v", got, searches)
	}
}
