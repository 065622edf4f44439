package pursuit

import (
	"context"
	"time"
)

// MaxAlertMatches is how many contacts one saved_search.matched event
// names at most; more new matches make several events.
const MaxAlertMatches = 500

// AlertState is what the alerts of one saved search remember besides the
// contacts already alerted: the query those contacts were matched with
// (a changed query starts the alert again from its current results) and,
// for hourly and daily alerts, when the pending matches are due.
type AlertState struct {
	SavedSearchID int64
	Query         string
	// DueAt is when the pending matches are sent; zero when none are
	// pending.
	DueAt time.Time
}

// AlertSearch is a saved search the alerts follow — alert not off, or
// off but with an alert state left to drop — with its state (nil when
// it has none yet).
type AlertSearch struct {
	SavedSearch
	State *AlertState
}

// AlertUpdate is what one alert step changes of one saved search.
type AlertUpdate struct {
	SavedSearchID int64
	// Drop deletes the state and the set of matched contacts (the alert
	// was turned off); nothing else applies.
	Drop bool
	// Reset empties the set of matched contacts before the rest applies
	// (the alert starts again: a new query, or turned on).
	Reset bool
	// State is the new state.
	State AlertState
	// Seen are contacts to remember as matched and told (or matching when
	// the alert started: its baseline); Pending are matched contacts not
	// told yet (hourly, daily); Sent are pending contacts now told.
	Seen, Pending, Sent []int64
}

// AlertStore keeps saved-search alerts: their position in change_log,
// their state, and per saved search the set of contacts that matched it
// already, which is never alerted again. Store embeds it through
// FeedStore.
type AlertStore interface {
	// AlertPosition returns the change_log seq the alerts have been
	// evaluated up to, and ok false when they never ran.
	AlertPosition(ctx context.Context) (seq int64, ok bool, err error)
	// AlertSearches returns every saved search with an alert, and every
	// one with an alert state, in id order.
	AlertSearches(ctx context.Context) ([]AlertSearch, error)
	// AlertedAmong returns those of ids (increasing) already in the saved
	// search's set of matched contacts, pending or told, in order.
	AlertedAmong(ctx context.Context, savedSearchID int64, ids []int64) ([]int64, error)
	// PendingAlerts returns the saved search's matched contacts not told
	// yet, in id order.
	PendingAlerts(ctx context.Context, savedSearchID int64) ([]int64, error)
	// AppendAlerts moves the alerts' position from from to to (-1: it
	// does not exist yet), applies the updates and stores the events with
	// their deliveries (as AppendFeed), in one transaction; ECONFLICT,
	// writing nothing, when the position is not from.
	AppendAlerts(ctx context.Context, from, to int64, updates []AlertUpdate, events []FeedEvent) error
}
