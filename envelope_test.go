package pursuit_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// TestEventEnvelope: the hand-written envelope is what json.Marshal makes
// of it, for data as the dispatcher marshals it.
func TestEventEnvelope(t *testing.T) {
	data, _ := json.Marshal(map[string]any{"name": `A <b> & "c" é`, "n": 1})
	for _, e := range []pursuit.FeedEvent{
		{Type: pursuit.EventContactCreated, CreatedAt: time.Date(2026, 12, 2, 1, 2, 3, 456789000, time.FixedZone("X", 3600)), Data: data},
		{Type: pursuit.EventSavedSearchMatched, CreatedAt: time.Date(2026, 12, 2, 1, 2, 3, 0, time.UTC), Data: json.RawMessage(`{}`)},
	} {
		want, err := json.Marshal(struct {
			Type      string          `json:"type"`
			Timestamp string          `json:"timestamp"`
			Data      json.RawMessage `json:"data"`
		}{e.Type, e.CreatedAt.UTC().Format(time.RFC3339Nano), e.Data})
		if err != nil {
			t.Fatal(err)
		}
		if got := pursuit.EventEnvelope(e); string(got) != string(want) {
			t.Fatalf("EventEnvelope:\n got %s\nwant %s", got, want)
		}
	}
}
