package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// TestAppendFeedPage: the hand-written feed page is byte for byte what
// encoding/json makes of a FeedPage (HTML escaping off), empty or not.
func TestAppendFeedPage(t *testing.T) {
	at := time.Date(2026, 12, 2, 17, 1, 2, 345678000, time.UTC)
	events := []pursuit.FeedEvent{
		{EventID: 7, Type: pursuit.EventContactCreated, CreatedAt: at, Data: json.RawMessage(`{"contact":{"name":"A \u003cb\u003e & \"c\""},"access_type":"full"}`)},
		{EventID: 12, Type: pursuit.EventSavedSearchMatched, CreatedAt: at.Add(time.Second).Truncate(time.Second), Data: json.RawMessage(`{"contact_ids":[1,2]}`)},
	}
	for _, tc := range []struct {
		events []pursuit.FeedEvent
		more   bool
	}{{events, true}, {events[:1], false}, {nil, false}} {
		page := FeedPage{Events: []FeedEventView{}, NextCursor: "c<&>ursor", HasMore: tc.more}
		for _, e := range tc.events {
			page.Events = append(page.Events, FeedEventView{ID: pursuit.MessageID(e.EventID), Type: e.Type, Timestamp: e.CreatedAt, Data: e.Data})
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(page); err != nil {
			t.Fatal(err)
		}
		if got := appendFeedPage(nil, tc.events, page.NextCursor, tc.more); string(got) != want.String() {
			t.Fatalf("appendFeedPage:\n got %s\nwant %s", got, want.String())
		}
	}
}
