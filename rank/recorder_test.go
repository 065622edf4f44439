package rank

import (
	"context"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestRecorderBoundedAndBatched checks that a full queue drops and counts
// instead of blocking, that Flush writes what was queued, each event
// under its own customer, and that an event of a customer deleted
// meanwhile is lost alone.
func TestRecorderBoundedAndBatched(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		{
			ctx := t.Context()
			var cs []pursuit.Customer
			for _, n := range []string{"A", "B", "C"} {
				c := pursuit.Customer{Name: n}
				if err := s.CreateCustomer(ctx, &c); err != nil {
					t.Fatal(err)
				}
				cs = append(cs, c)
			}
			at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
			rec := NewAsyncRecorder(s, RecorderOptions{Queue: 10, Batch: 4, Now: func() time.Time { return at }})
			// Nothing runs yet: the eleventh event finds the queue full.
			for i := range 12 {
				rec.Record(pursuit.EngagementEvent{CustomerID: cs[i%3].CustomerID, Kind: pursuit.EventOpenContact, ContactID: int64(100 + i)})
			}
			rec.Record(pursuit.EngagementEvent{CustomerID: cs[0].CustomerID, Kind: "glance", ContactID: 1})
			if st := rec.Stats(); st.Dropped != 2 || st.Invalid != 1 || st.Recorded != 0 {
				t.Fatalf("stats before Run: %+v", st)
			}
			if err := s.DeleteCustomer(ctx, cs[2].CustomerID); err != nil {
				t.Fatal(err)
			}
			rctx, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { rec.Run(rctx); close(done) }()
			if err := rec.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if st := rec.Stats(); st.Recorded != 7 || st.Failed != 3 {
				t.Fatalf("stats after Flush: %+v", st)
			}
			for i, c := range cs[:2] {
				evs, err := s.ListEvents(ctx, c.CustomerID, pursuit.ListOptions{})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range evs {
					if e.CustomerID != c.CustomerID || (e.ContactID-100)%3 != int64(i) || !e.CreatedAt.Equal(at) {
						t.Fatalf("customer %d got %+v", c.CustomerID, e)
					}
				}
			}
			// After Run ends, what is queued is still written.
			rec.Record(pursuit.EngagementEvent{CustomerID: cs[1].CustomerID, Kind: pursuit.EventReveal, ContactID: 5})
			stop()
			<-done
			if st := rec.Stats(); st.Recorded != 8 {
				t.Fatalf("stats after Run: %+v", st)
			}
		}
	})
}
