package feed_test

import (
	"context"
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
	"github.com/pursuit-gov/pursuit/sqlite"
)

// TestKillDispatcher runs the dispatcher as a real subprocess over a
// SQLite file, kills it with SIGKILL at random moments while writes go
// on, restarts it, and checks that nothing was lost and that repeats
// carry the same webhook-id: the stored feed equals a derivation of the
// whole range in one go, every event reached the receiver, and every
// webhook-id the receiver saw twice came with the same body.
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
		head, _ := s.LastSeq(ctx)
		pending, _ := s.PendingDeliveries(ctx)
		if pos == head && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not done after %s: position %d of %d, %d pending", hangBound, pos, head, pending)
		}
		time.Sleep(20 * time.Millisecond)
	}

	stored, err := s.FeedEvents(ctx, customer, 0, pursuit.MaxListLimit)
	if err != nil {
		t.Fatal(err)
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
	for _, e := range stored {
		if _, ok := bodies[pursuit.MessageID(e.EventID)]; !ok {
			t.Fatalf("event %d (%s) never delivered", e.EventID, e.Type)
		}
	}
	if len(bodies) != len(stored) {
		t.Fatalf("receiver saw %d distinct ids for %d events", len(bodies), len(stored))
	}
	t.Logf("%d events, %d deliveries received, %d repeats after kills", len(stored), len(rcv.received()), repeats)
}
