package feed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// TestKillDispatcher runs the dispatcher as a real subprocess over a
// SQLite file, kills it with SIGKILL at random moments while writes go
// on, restarts it, and checks that nothing was lost and that repeats
// carry the same webhook-id: the stored feed equals a derivation of the
// whole range in one go, every event reached the receiver, and every
// webhook-id the receiver saw twice came with the same body. The child
// runs the saved-search alerts too: every contact that came to match the
// saved search is in exactly one saved_search.matched event.
func TestKillDispatcher(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "feed.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t, 200)
	customer, place, ep := setup(t, s, rcv.srv.URL)
	rcv.secret = ep.Secret
	start, _, err := s.FeedPosition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ss := pursuit.SavedSearch{CustomerID: customer, Name: "directors", Query: "q=director", Alert: pursuit.AlertInstant}
	if err := s.CreateSavedSearch(ctx, &ss); err != nil {
		t.Fatal(err)
	}
	// The alerts start, and take the saved search's baseline, before the
	// first child.
	ix, err := search.Build(ctx, s, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d0 := feed.New(feed.Config{Store: s, Alerts: httpapi.AlertMatcher(ix)})
	for range 2 {
		if _, err := d0.Alert(ctx); err != nil {
			t.Fatal(err)
		}
	}
	directors := map[int64]bool{}
	rng := rand.New(rand.NewPCG(7, 7))
	startChild := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"="+path)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	n := 0
	for round := range 8 {
		child := startChild()
		for range 10 + rng.IntN(10) {
			n++
			c := addContact(t, s, place, fmt.Sprintf("Person%d", n))
			if rng.IntN(3) == 0 {
				got, _ := s.GetContact(ctx, c)
				got.Title = "Director"
				if err := s.UpdateContact(ctx, &got); err != nil {
					t.Fatal(err)
				}
				directors[c] = true
			}
		}
		time.Sleep(time.Duration(100+rng.IntN(250)) * time.Millisecond) // lets the child get mid-batch; not a wait for a result
		if err := child.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("round %d: kill: %v", round, err)
		}
		child.Wait()
	}
	// A last child runs until everything is delivered.
	child := startChild()
	defer func() { child.Process.Signal(syscall.SIGKILL); child.Wait() }()
	deadline := time.Now().Add(hangBound)
	for {
		pos, _, _ := s.FeedPosition(ctx)
		alerts, _, _ := s.AlertPosition(ctx)
		head, _ := s.LastSeq(ctx)
		pending, _ := s.PendingDeliveries(ctx)
		if pos == head && alerts == head && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done after %s: position %d and alerts %d of %d, %d pending", hangBound, pos, alerts, head, pending)
		}
		time.Sleep(20 * time.Millisecond)
	}

	all, err := s.FeedEvents(ctx, customer, 0, pursuit.MaxListLimit)
	if err != nil {
		t.Fatal(err)
	}
	var stored []pursuit.FeedEvent
	told := map[int64]int{}
	for _, e := range all {
		if e.Type != pursuit.EventSavedSearchMatched {
			stored = append(stored, e)
			continue
		}
		var a feed.AlertData
		if err := json.Unmarshal(e.Data, &a); err != nil {
			t.Fatal(err)
		}
		for _, id := range a.ContactIDs {
			told[id]++
		}
	}
	for id := range directors {
		if told[id] != 1 {
			t.Fatalf("contact %d, which came to match the saved search, was told %d times", id, told[id])
		}
	}
	if len(told) != len(directors) {
		t.Fatalf("alerts told %d contacts, %d came to match", len(told), len(directors))
	}
	want, _, err := feed.Derive(ctx, s, start, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(want) || len(want) < n {
		t.Fatalf("stored %d events, a fresh derivation gives %d (%d contacts written)", len(stored), len(want), n)
	}
	for i := range want {
		if stored[i].Type != want[i].Type || string(stored[i].Data) != string(want[i].Data) || stored[i].Seq != want[i].Seq {
			t.Fatalf("event %d: stored %s %s, derived %s %s", i, stored[i].Type, stored[i].Data, want[i].Type, want[i].Data)
		}
	}
	bodies := map[string]string{}
	repeats := 0
	for _, r := range rcv.received() {
		if r.verr != nil {
			t.Fatalf("message %s failed verification: %v", r.id, r.verr)
		}
		if b, ok := bodies[r.id]; ok {
			repeats++
			if b != r.body {
				t.Fatalf("webhook-id %s repeated with another body", r.id)
			}
		}
		bodies[r.id] = r.body
	}
	for _, e := range all {
		if _, ok := bodies[pursuit.MessageID(e.EventID)]; !ok {
			t.Fatalf("event %d (%s) never delivered", e.EventID, e.Type)
		}
	}
	if len(bodies) != len(all) {
		t.Fatalf("receiver saw %d distinct ids for %d events", len(bodies), len(all))
	}
	t.Logf("%d events (%d alerts of %d contacts), %d deliveries received, %d repeats after kills",
		len(all), len(all)-len(stored), len(directors), len(rcv.received()), repeats)
}
