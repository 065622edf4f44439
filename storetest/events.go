package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
)

// testEvents checks engagement events: batches are all or none, each
// customer lists only its own events, ids are never reused, retention
// deletes by age, and a deleted customer's events go with it.
func testEvents(t *testing.T, s pursuit.Store) {
	ctx := t.Context()
	a := mustCustomer(t, s, "A")
	b := mustCustomer(t, s, "B")
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
	evs := []pursuit.EngagementEvent{
		{CustomerID: a.CustomerID, APIKeyID: 7, Kind: pursuit.EventImpression, SearchID: "s1", Query: "police chief", Items: `[{"c":1}]`, CreatedAt: t0},
		{CustomerID: b.CustomerID, UserID: 3, Kind: pursuit.EventOpenContact, SearchID: "s2", Query: "finance", ContactID: 42, Position: 2, CreatedAt: t0.Add(time.Hour)},
		{CustomerID: a.CustomerID, Kind: pursuit.EventReveal, ContactID: 9, Position: 1, CreatedAt: t0.Add(2 * time.Hour)},
		{CustomerID: a.CustomerID, Kind: pursuit.EventCRMMap, PlaceID: 5},
		{CustomerID: a.CustomerID, UserID: 4, Kind: pursuit.EventSaveSearch, SearchID: "s1", Query: "q=police+chief&state=TX", CreatedAt: t0.Add(3 * time.Hour)},
	}
	if err := s.AddEvents(ctx, evs); err != nil {
		t.Fatalf("AddEvents: %v", err)
	}
	for i, e := range evs {
		if e.EventID <= 0 || i > 0 && e.EventID <= evs[i-1].EventID {
			t.Fatalf("event %d got id %d", i, e.EventID)
		}
	}
	if evs[3].CreatedAt.IsZero() {
		t.Fatal("CreatedAt not set to now")
	}
	got, err := s.ListEvents(ctx, a.CustomerID, pursuit.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []pursuit.EngagementEvent{evs[0], evs[2], evs[3], evs[4]}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("ListEvents(A) (-want +got):\n%s", d)
	}
	got, _ = s.ListEvents(ctx, b.CustomerID, pursuit.ListOptions{})
	if d := cmp.Diff([]pursuit.EngagementEvent{evs[1]}, got); d != "" {
		t.Fatalf("ListEvents(B) (-want +got):\n%s", d)
	}
	page, _ := s.ListEvents(ctx, a.CustomerID, pursuit.ListOptions{After: evs[0].EventID, Limit: 1})
	if len(page) != 1 || page[0].EventID != evs[2].EventID {
		t.Fatalf("paging: %+v", page)
	}

	// A bad row or a missing customer writes nothing.
	bad := []pursuit.EngagementEvent{
		{CustomerID: a.CustomerID, Kind: pursuit.EventReveal, ContactID: 1},
		{CustomerID: a.CustomerID, Kind: "stare", ContactID: 1},
	}
	var re *pursuit.RowError
	if err := s.AddEvents(ctx, bad); !errors.As(err, &re) || re.Row != 1 || pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Fatalf("bad kind: %v", err)
	}
	bad[1] = pursuit.EngagementEvent{CustomerID: 999999, Kind: pursuit.EventReveal, ContactID: 1}
	if err := s.AddEvents(ctx, bad); !errors.As(err, &re) || re.Row != 1 || pursuit.ErrorCode(err) != pursuit.EFOREIGNKEY {
		t.Fatalf("missing customer: %v", err)
	}
	for _, e := range []pursuit.EngagementEvent{
		{CustomerID: a.CustomerID, Kind: pursuit.EventImpression},
		{CustomerID: a.CustomerID, Kind: pursuit.EventReveal},
		{CustomerID: a.CustomerID, Kind: pursuit.EventReveal, ContactID: 1, Position: -1},
	} {
		if err := s.AddEvents(ctx, []pursuit.EngagementEvent{e}); pursuit.ErrorCode(err) != pursuit.EINVALID {
			t.Fatalf("%+v: %v", e, err)
		}
	}
	if got, _ := s.ListEvents(ctx, a.CustomerID, pursuit.ListOptions{}); len(got) != 4 {
		t.Fatalf("a failed batch left rows: %d events", len(got))
	}

	// Retention.
	n, err := s.DeleteEventsBefore(ctx, t0.Add(90*time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("DeleteEventsBefore: %d, %v", n, err)
	}
	if got, _ := s.ListEvents(ctx, a.CustomerID, pursuit.ListOptions{}); len(got) != 3 {
		t.Fatalf("after retention: %d events of A", len(got))
	}

	// Ids are never reused, even after the newest rows are deleted.
	last := evs[4].EventID
	if _, err := s.DeleteEventsBefore(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	more := []pursuit.EngagementEvent{{CustomerID: a.CustomerID, Kind: pursuit.EventOpenContact, ContactID: 1}}
	if err := s.AddEvents(ctx, more); err != nil {
		t.Fatal(err)
	}
	if more[0].EventID <= last {
		t.Fatalf("event id %d reused (last was %d)", more[0].EventID, last)
	}

	// A deleted customer's events go with it.
	if err := s.DeleteCustomer(ctx, a.CustomerID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ListEvents(ctx, a.CustomerID, pursuit.ListOptions{}); len(got) != 0 {
		t.Fatalf("deleted customer keeps %d events", len(got))
	}
}

// testRankModels checks that the store keeps the active model and the
// previous one, and rolls back to it.
func testRankModels(t *testing.T, s pursuit.Store) {
	ctx := t.Context()
	if _, err := s.RankModel(ctx, pursuit.ModelActive); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		t.Fatalf("no model: %v", err)
	}
	if _, err := s.RollbackRankModel(ctx); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		t.Fatalf("rollback without a model: %v", err)
	}
	if err := s.PutRankModel(ctx, &pursuit.RankModel{}); pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Fatalf("empty body: %v", err)
	}
	var ms []pursuit.RankModel
	for i := range 3 {
		m := pursuit.RankModel{Events: int64(10 * i), Body: []byte{byte('a' + i)}}
		if err := s.PutRankModel(ctx, &m); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	act, err := s.RankModel(ctx, pursuit.ModelActive)
	if err != nil || string(act.Body) != "c" || act.ModelID != ms[2].ModelID || act.Events != 20 {
		t.Fatalf("active: %+v, %v", act, err)
	}
	prev, err := s.RankModel(ctx, pursuit.ModelPrevious)
	if err != nil || string(prev.Body) != "b" {
		t.Fatalf("previous: %+v, %v", prev, err)
	}
	if _, err := s.RankModel(ctx, "old"); pursuit.ErrorCode(err) != pursuit.EINVALID {
		t.Fatalf("bad state: %v", err)
	}
	back, err := s.RollbackRankModel(ctx)
	if err != nil || string(back.Body) != "b" || back.State != pursuit.ModelActive {
		t.Fatalf("rollback: %+v, %v", back, err)
	}
	if act, _ := s.RankModel(ctx, pursuit.ModelActive); string(act.Body) != "b" {
		t.Fatalf("active after rollback: %q", act.Body)
	}
	if _, err := s.RankModel(ctx, pursuit.ModelPrevious); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		t.Fatalf("previous after rollback: %v", err)
	}
	if _, err := s.RollbackRankModel(ctx); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		t.Fatalf("second rollback: %v", err)
	}
	m := pursuit.RankModel{Body: []byte("d")}
	if err := s.PutRankModel(ctx, &m); err != nil || m.ModelID <= ms[2].ModelID {
		t.Fatalf("new model id %d after %d: %v", m.ModelID, ms[2].ModelID, err)
	}
}
