package pursuit

import (
	"context"
	"time"
)

// Alert settings of a saved search: whether and how often its owner hears
// of new results.
const (
	AlertOff     = "off"
	AlertInstant = "instant"
	AlertHourly  = "hourly"
	AlertDaily   = "daily"
)

// MaxSavedQueryLen bounds a saved search's query string, in bytes.
const MaxSavedQueryLen = 4000

// TableSavedSearches is the saved searches' table; change_log follows it.
const TableSavedSearches = "saved_searches"

// SavedSearch is a contact search a customer keeps under a name. Query is
// the search exactly as the URL query string of GET /v1/contacts/search
// without cursor and limit ("q=finance+director&state=TX"); the API and
// the web app check it with the API's own parser before it is stored.
// UserID is the user who made it, 0 when it was made with an API key or
// its user was deleted.
type SavedSearch struct {
	SavedSearchID int64     `json:"saved_search_id"`
	CustomerID    int64     `json:"customer_id"`
	UserID        int64     `json:"user_id,omitempty"`
	Name          string    `json:"name"`
	Query         string    `json:"query"`
	Alert         string    `json:"alert"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// SavedSearchStore holds saved searches. Every call but SavedSearchByID
// is scoped to one customer: another customer's saved search is
// ENOTFOUND, exactly like one that does not exist.
type SavedSearchStore interface {
	// CreateSavedSearch inserts a saved search, assigning its id (never
	// reused). A name the customer already uses is ECONFLICT on "name".
	CreateSavedSearch(ctx context.Context, s *SavedSearch) error
	GetSavedSearch(ctx context.Context, customerID, id int64) (SavedSearch, error)
	// UpdateSavedSearch replaces the name, query and alert of the saved
	// search s.SavedSearchID of s.CustomerID.
	UpdateSavedSearch(ctx context.Context, s *SavedSearch) error
	DeleteSavedSearch(ctx context.Context, customerID, id int64) error
	// ListSavedSearches pages through a customer's saved searches by id.
	ListSavedSearches(ctx context.Context, customerID int64, opt ListOptions) ([]SavedSearch, error)
	// SavedSearchByID reads a saved search by id alone, for followers of
	// the change log (alerts); never answer a customer with it.
	SavedSearchByID(ctx context.Context, id int64) (SavedSearch, error)
}

// ValidAlert reports whether a is one of the alert settings.
func ValidAlert(a string) bool {
	switch a {
	case AlertOff, AlertInstant, AlertHourly, AlertDaily:
		return true
	}
	return false
}

// Validate checks a saved search before a store saves it. An empty Alert
// is AlertOff. The query's parameters are the API's to check; here only
// its size and text.
func (s *SavedSearch) Validate() error {
	if s.Alert == "" {
		s.Alert = AlertOff
	}
	var alert, query error
	if !ValidAlert(s.Alert) {
		alert = FieldErrorf(EINVALID, "alert", "must be %q, %q, %q or %q, not %q", AlertOff, AlertInstant, AlertHourly, AlertDaily, s.Alert)
	}
	if len(s.Query) > MaxSavedQueryLen {
		query = FieldErrorf(EINVALID, "query", "is %d bytes long, more than the limit of %d", len(s.Query), MaxSavedQueryLen)
	} else {
		query = CheckText("query", s.Query)
	}
	return firstErr(
		checkID("saved_search_id", s.SavedSearchID, false),
		checkID("customer_id", s.CustomerID, true),
		checkID("user_id", s.UserID, false),
		checkText("name", s.Name, MaxNameLen, true),
		query, alert,
	)
}
