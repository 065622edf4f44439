package pursuit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pursuit-gov/pursuit/internal/jsonstr"
)

// Feed event types: what a customer's change feed (GET /v1/changes) and
// webhooks deliver. docs/feed.md describes each one's data.
const (
	EventContactCreated    = "contact.created"
	EventContactUpdated    = "contact.updated"
	EventContactDeleted    = "contact.deleted"
	EventContactJobChanged = "contact.job_changed"
	EventPlaceCreated      = "place.created"
	EventPlaceUpdated      = "place.updated"
	EventPlaceDeleted      = "place.deleted"
	EventTechStackAdded    = "tech_stack.added"
	EventTechStackRemoved  = "tech_stack.removed"
	EventMappingCreated    = "mapping.created"
	EventMappingUpdated    = "mapping.updated"
	EventMappingDeleted    = "mapping.deleted"
	// EventSavedSearchMatched names a saved search and the contacts that
	// started matching it (alerts.go).
	EventSavedSearchMatched = "saved_search.matched"
	// EventPing is the test event an endpoint's "ping" sends; it never
	// appears in the feed.
	EventPing = "webhook.ping"
)

// EventTypes lists every feed event type, in a stable order.
var EventTypes = []string{
	EventContactCreated, EventContactUpdated, EventContactDeleted, EventContactJobChanged,
	EventPlaceCreated, EventPlaceUpdated, EventPlaceDeleted,
	EventTechStackAdded, EventTechStackRemoved,
	EventMappingCreated, EventMappingUpdated, EventMappingDeleted,
	EventSavedSearchMatched,
}

// FeedEvent is one event of one customer's change feed. Events are
// derived from change_log by the dispatcher (package feed) and stored, in
// the order of the changes they come from; EventID is global, increasing
// in commit order, and never shown to a customer except sealed in a
// cursor.
type FeedEvent struct {
	EventID    int64 `json:"-"`
	CustomerID int64 `json:"-"`
	// Seq is the change_log row the event comes from.
	Seq  int64  `json:"seq"`
	Type string `json:"type"`
	// Data is the event's JSON object: what changed, already masked.
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"timestamp"`
}

// ChangeImage is a change_log row together with the image of the row
// before the change (Old, JSON: the table's row with the domain's JSON
// keys), which the triggers record for updates and deletes of the data
// tables; Old is nil for an insert. The row after the change is the Old
// of the row's next change, or the current row when there is none.
type ChangeImage struct {
	Change
	Old json.RawMessage
}

// FeedReader reads one consistent snapshot of the store: every method
// sees the same committed state, and Changes returns exactly the log of
// that state. The feed's deriver reconstructs any row as of any seq from
// it (the current row, rolled back with the Old images of later changes).
type FeedReader interface {
	// LastSeq is the highest seq of the snapshot.
	LastSeq(ctx context.Context) (int64, error)
	// Changes returns the changes with after < seq <= upto, in seq order,
	// with their images.
	Changes(ctx context.Context, after, upto int64) ([]ChangeImage, error)
	// The Get methods return the current row, or ok false.
	Contact(ctx context.Context, id int64) (Contact, bool, error)
	Place(ctx context.Context, id int64) (Place, bool, error)
	TechStack(ctx context.Context, id int64) (TechStack, bool, error)
	PlaceGrant(ctx context.Context, customerID, placeID int64) (CustomerPlaceRelation, bool, error)
	ContactGrant(ctx context.Context, customerID, contactID int64) (CustomerContactRelation, bool, error)
	Mapping(ctx context.Context, id int64) (CustomerMapping, bool, error)
	// ContactsOfPlace, TechOfPlace, GrantsOfPlace and GrantsOfContact
	// return current rows by a parent key.
	ContactsOfPlace(ctx context.Context, placeID int64) ([]Contact, error)
	TechOfPlace(ctx context.Context, placeID int64) ([]TechStack, error)
	GrantsOfPlace(ctx context.Context, placeID int64) ([]CustomerPlaceRelation, error)
	GrantsOfContact(ctx context.Context, contactID int64) ([]CustomerContactRelation, error)
}

// FeedStore is the store's part of the change feed and webhooks: the
// derived events, the dispatcher's position (the outbox), webhook
// endpoints and their deliveries. Store embeds it.
type FeedStore interface {
	// FeedSnapshot runs fn over one read-only snapshot of the store.
	FeedSnapshot(ctx context.Context, fn func(FeedReader) error) error
	// FeedPosition returns the change_log seq the dispatcher has derived
	// events up to, and ok false when it never ran.
	FeedPosition(ctx context.Context) (seq int64, ok bool, err error)
	// AppendFeed stores events derived from the changes (from, to] and
	// moves the position from from to to, in one transaction together
	// with one pending delivery per event and enabled endpoint of the
	// event's customer that takes its type. It fails with ECONFLICT, and
	// writes nothing, when the position is not from (another dispatcher
	// moved it). from = -1 starts a position that does not exist yet.
	// Events get their EventID.
	AppendFeed(ctx context.Context, from, to int64, events []FeedEvent) error
	// FeedEvents returns up to limit events of a customer with EventID >
	// after, in order.
	FeedEvents(ctx context.Context, customerID, after int64, limit int) ([]FeedEvent, error)
	// LastFeedEvent returns the highest EventID of a customer, 0 if none.
	LastFeedEvent(ctx context.Context, customerID int64) (int64, error)

	WebhookStore
	AlertStore
}

// DecodeImage decodes a change's Old image into the table's domain type
// (a pointer: *Contact, *Place, *TechStack, *CustomerPlaceRelation,
// *CustomerContactRelation, *CustomerMapping). Times may be written as
// RFC 3339 strings (PostgreSQL) or as integer microseconds since the
// epoch (SQLite); NULL leaves the zero value.
func DecodeImage(table string, old []byte) (any, error) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(old))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode %s image: %w", table, err)
	}
	for k, v := range m {
		n, ok := v.(json.Number)
		if !ok || !timeKeys[k] {
			continue
		}
		us, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("decode %s image: %s: %w", table, k, err)
		}
		m[k] = time.UnixMicro(us).UTC().Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	var out any
	switch table {
	case TableContacts:
		out = new(Contact)
	case TablePlaces:
		out = new(Place)
	case TableTechStack:
		out = new(TechStack)
	case TableCustomerPlaceRelation:
		out = new(CustomerPlaceRelation)
	case TableCustomerContactRelation:
		out = new(CustomerContactRelation)
	case TableCustomerMapping:
		out = new(CustomerMapping)
	case TableCustomers:
		out = new(Customer)
	default:
		return nil, nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("decode %s image: %w", table, err)
	}
	return out, nil
}

var timeKeys = map[string]bool{
	"created_at": true, "updated_at": true, "verified_at": true, "first_seen": true, "last_seen": true,
	"granted_at": true, "last_synced_time": true,
}

// EventEnvelope is the body a webhook delivers and the feed lists: the
// Standard Webhooks payload shape {"type", "timestamp", "data"}, byte for
// byte what json.Marshal makes of it, written by hand because every
// delivery of every event builds one: Data is the dispatcher's own
// json.Marshal output (compact, HTML-escaped), copied as it is, and the
// type names hold no character JSON escapes.
func EventEnvelope(e FeedEvent) []byte {
	b := make([]byte, 0, len(e.Data)+len(e.Type)+64)
	b = append(b, `{"type":`...)
	b = jsonstr.Append(b, e.Type)
	b = append(b, `,"timestamp":"`...)
	b = e.CreatedAt.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","data":`...)
	if len(e.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Data...)
	}
	return append(b, '}')
}

// MessageID is the webhook-id of an event's deliveries: the same for
// every endpoint, attempt and redelivery of the event, so receivers
// de-duplicate by it.
func MessageID(eventID int64) string { return "msg_" + strconv.FormatInt(eventID, 10) }
