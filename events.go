package pursuit

import (
	"context"
	"time"
)

// Kinds of engagement events. An impression is one page of search results
// a user was shown; every other kind is something a user did with a
// contact or place, which tells the ranker what the customer wants.
const (
	EventImpression  = "impression"   // a page of search hits (Items)
	EventOpenContact = "open_contact" // a contact's page or record was opened
	EventOpenPlace   = "open_place"   // a place's page or record was opened
	EventReveal      = "reveal"       // a contact was revealed
	EventListAdd     = "list_add"     // a contact was added to a list
	EventExport      = "export"       // a contact was exported
	EventCRMMap      = "crm_map"      // a contact or place was mapped to the CRM
	EventSaveSearch  = "save_search"  // a search was saved (Query; SearchID when saved from a page of hits)
)

// EventKinds lists every valid event kind.
var EventKinds = []string{
	EventImpression, EventOpenContact, EventOpenPlace, EventReveal,
	EventListAdd, EventExport, EventCRMMap, EventSaveSearch,
}

// Limits of an EngagementEvent's text.
const (
	MaxEventQuery    = 1000
	MaxEventItems    = 64 << 10
	MaxEventSearchID = 64
)

// EngagementEvent is one row of engagement_events: what one user of one
// customer saw or did, with the search that led there. Events belong to
// their customer alone: they are read per customer and deleted with it.
type EngagementEvent struct {
	EventID    int64 `json:"event_id"`
	CustomerID int64 `json:"customer_id"`
	// UserID is the web app's user, APIKeyID the API key; 0 when none.
	UserID   int64  `json:"user_id"`
	APIKeyID int64  `json:"api_key_id"`
	Kind     string `json:"kind"`
	// SearchID links an impression and what was done with its hits; ""
	// when the action did not come from a search.
	SearchID string `json:"search_id"`
	// Query is the search's text (impressions, and actions from a search).
	Query     string `json:"query"`
	ContactID int64  `json:"contact_id"`
	PlaceID   int64  `json:"place_id"`
	// Position is the 1-based position of the contact in the search's
	// hits when the action came from one, 0 otherwise.
	Position int `json:"position"`
	// Items is an impression's hits and what the ranker logged of them
	// (package rank owns the format); "" for other kinds.
	Items     string    `json:"items"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks an event before it is stored.
func (e *EngagementEvent) Validate() error {
	switch {
	case e.CustomerID <= 0:
		return FieldErrorf(EINVALID, "customer_id", "must be positive, not %d", e.CustomerID)
	case e.UserID < 0:
		return FieldErrorf(EINVALID, "user_id", "must not be negative, not %d", e.UserID)
	case e.APIKeyID < 0:
		return FieldErrorf(EINVALID, "api_key_id", "must not be negative, not %d", e.APIKeyID)
	case !validEventKind(e.Kind):
		return FieldErrorf(EINVALID, "kind", "unknown event kind %q (one of %v)", e.Kind, EventKinds)
	case e.ContactID < 0:
		return FieldErrorf(EINVALID, "contact_id", "must not be negative, not %d", e.ContactID)
	case e.PlaceID < 0:
		return FieldErrorf(EINVALID, "place_id", "must not be negative, not %d", e.PlaceID)
	case e.Position < 0:
		return FieldErrorf(EINVALID, "position", "must not be negative, not %d", e.Position)
	case len(e.Query) > MaxEventQuery:
		return FieldErrorf(ETOOLARGE, "query", "is %d bytes, more than %d", len(e.Query), MaxEventQuery)
	case len(e.Items) > MaxEventItems:
		return FieldErrorf(ETOOLARGE, "items", "is %d bytes, more than %d", len(e.Items), MaxEventItems)
	case len(e.SearchID) > MaxEventSearchID:
		return FieldErrorf(ETOOLARGE, "search_id", "is %d bytes, more than %d", len(e.SearchID), MaxEventSearchID)
	case e.Kind == EventImpression && e.Items == "":
		return FieldErrorf(EINVALID, "items", "an impression needs its items")
	case e.Kind != EventImpression && e.Kind != EventOpenPlace && e.Kind != EventCRMMap && e.Kind != EventSaveSearch && e.ContactID == 0:
		return FieldErrorf(EINVALID, "contact_id", "a %s event needs a contact", e.Kind)
	}
	return nil
}

func validEventKind(k string) bool {
	for _, v := range EventKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Ranking model states: the model in use, and the one before it, kept for
// a rollback.
const (
	ModelActive   = "active"
	ModelPrevious = "previous"
)

// RankModel is one trained ranking model (package rank owns Body's
// format). The store keeps the active model and the previous one.
type RankModel struct {
	ModelID   int64     `json:"model_id"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	// Events is how many events the model was trained on.
	Events int64  `json:"events"`
	Body   []byte `json:"-"`
}

// EventStore holds engagement events and ranking models. Events are
// written in batches, read per customer, and deleted after their
// retention; ids are never reused.
type EventStore interface {
	// AddEvents inserts events in one transaction (all or none), setting
	// each one's EventID, and CreatedAt to now when it is zero. A failing
	// row's error is a *RowError; a customer that does not exist is
	// EFOREIGNKEY.
	AddEvents(ctx context.Context, evs []EngagementEvent) error
	// ListEvents pages through one customer's events by event_id.
	ListEvents(ctx context.Context, customerID int64, opt ListOptions) ([]EngagementEvent, error)
	// DeleteEventsBefore deletes every event created before t and returns
	// how many it deleted.
	DeleteEventsBefore(ctx context.Context, t time.Time) (int64, error)

	// PutRankModel stores m as the active model: the active one becomes
	// the previous one, and the one before that is deleted. It sets
	// ModelID, State and CreatedAt (when zero).
	PutRankModel(ctx context.Context, m *RankModel) error
	// RankModel returns the model in state (ModelActive or ModelPrevious),
	// ENOTFOUND when there is none.
	RankModel(ctx context.Context, state string) (RankModel, error)
	// RollbackRankModel makes the previous model the active one and deletes
	// the active one; ENOTFOUND when there is no previous model.
	RollbackRankModel(ctx context.Context) (RankModel, error)
}
