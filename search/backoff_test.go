package search

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// flakyStore is a real store whose change log cannot be read while down
// is set, the way a database outage looks to Follow.
type flakyStore struct {
	pursuit.Store
	down  atomic.Bool
	reads atomic.Int64
}

func (s *flakyStore) Changes(ctx context.Context, after int64, limit int) ([]pursuit.Change, error) {
	s.reads.Add(1)
	if s.down.Load() {
		return nil, errors.New("connection refused")
	}
	return s.Store.Changes(ctx, after, limit)
}

// lockedBuffer is a log destination safe for Follow's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// levels counts Follow's log records ("search index: …") by level.
func (l *lockedBuffer) levels(t *testing.T) map[string]int {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var rec struct{ Level, Msg string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if strings.HasPrefix(rec.Msg, "search index: ") {
			out[rec.Level]++
		}
	}
	return out
}

// TestFollowBacksOff takes the change log down for a number of reads
// that varies by case: Follow must wait twice as long after each failed
// read up to the cap, log one error when the outage starts, a reminder
// per simulated minute, one info when it ends, go back to the normal poll
// interval, and apply what was written during the outage. Follow's clock
// is replaced, so nothing sleeps: each wait is handed to the test, which
// advances the simulated time by it.
func TestFollowBacksOff(t *testing.T) {
	const poll, maxBackoff = 25 * time.Millisecond, 5 * time.Second
	for _, tc := range []struct {
		name      string
		failures  int
		reminders int
	}{
		{"one failed read", 1, 0},
		{"a short outage", 5, 0},
		{"under a minute", 15, 0},    // 6.375 s of doubling, then 5 s waits: 51.4 s
		{"two reminders", 40, 2},     // 171.4 s
		{"ten minutes", 8 + 120, 10}, // 606.4 s
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &flakyStore{Store: testdb.SQLite(t)}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var logs lockedBuffer
			ix, err := Build(ctx, store, Options{PollInterval: poll, MaxBackoff: maxBackoff,
				Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			must(t, err)
			waits, proceed := make(chan time.Duration), make(chan struct{})
			var now atomic.Int64 // simulated Unix nanoseconds
			now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
			fired := make(chan time.Time, 1)
			ix.clock = followClock{
				now: func() time.Time { return time.Unix(0, now.Load()) },
				after: func(d time.Duration) <-chan time.Time {
					waits <- d
					<-proceed
					now.Add(int64(d))
					fired <- time.Time{}
					return fired
				},
			}
			done := make(chan error, 1)
			go func() { done <- ix.Follow(ctx) }()
			next := func() time.Duration {
				t.Helper()
				select {
				case d := <-waits:
					return d
				case err := <-done:
					t.Fatalf("Follow returned %v", err)
				case <-time.After(time.Minute): // bounds a hang only
					t.Fatal("Follow did not wait for its next read within a minute")
				}
				return 0
			}

			if d := next(); d != poll {
				t.Fatalf("wait after a good read = %v, want %v", d, poll)
			}
			store.down.Store(true)
			var c pursuit.Contact
			var got, want []time.Duration
			w := poll
			for i := 0; i < tc.failures; i++ {
				proceed <- struct{}{}
				got = append(got, next())
				want = append(want, w)
				w = min(2*w, maxBackoff)
				if i == 0 { // a write the index must catch up with
					p := pursuit.Place{Name: "Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL"}
					must(t, store.CreatePlace(ctx, &p))
					c = pursuit.Contact{PlaceID: p.PlaceID, Name: "Zelda Quux", Title: "GIS Analyst"}
					must(t, store.CreateContact(ctx, &c))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("waits during the outage (-want +got):\n%s", diff)
			}
			store.down.Store(false)
			proceed <- struct{}{}
			if d := next(); d != poll {
				t.Errorf("wait after the outage = %v, want the poll interval %v", d, poll)
			}
			if n := store.reads.Load(); n != int64(tc.failures+2) {
				t.Errorf("Changes called %d times, want %d (one per wait)", n, tc.failures+2)
			}
			wantLevels := map[string]int{"ERROR": 1, "INFO": 1}
			if tc.reminders > 0 {
				wantLevels["WARN"] = tc.reminders
			}
			if diff := cmp.Diff(wantLevels, logs.levels(t)); diff != "" {
				t.Errorf("log records by level (-want +got):\n%s\n%s", diff, logs.b.String())
			}
			last, err := store.LastSeq(ctx)
			must(t, err)
			if st := ix.Stats(); st.LastSeq != last || st.Contacts != 1 {
				t.Errorf("after the outage the index is at seq %d with %d contacts, want %d with 1", st.LastSeq, st.Contacts, last)
			}
			cancel()
			close(proceed)
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("Follow after cancel = %v", err)
			}
		})
	}
}
