package feed

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// Matcher runs saved searches through the search index, for the alerts:
// the index's own visibility, masking, filters and matching, never a
// second implementation of the query language. httpapi.AlertMatcher is
// the server's.
type Matcher interface {
	// Seq is the change_log seq the index has applied: the alerts never
	// look at changes the index has not applied yet.
	Seq() int64
	// Match returns the ids, increasing, of the contacts of the saved
	// search's customer that match it now, restricted to within (nil: all
	// of them). An EINVALID error means the saved query no longer parses.
	Match(ss pursuit.SavedSearch, within *search.Subset) ([]int64, error)
	// Summaries returns the hits of those ids the customer sees now,
	// masked as it sees them.
	Summaries(customerID int64, ids []int64) []search.ContactHit
}

// AlertMatch is one contact a saved_search.matched event names: the
// contact masked as the customer sees it, and where it works.
type AlertMatch struct {
	Contact    pursuit.Contact `json:"contact"`
	PlaceName  string          `json:"place_name"`
	PlaceType  string          `json:"place_type"`
	StateAbbr  string          `json:"state_abbr"`
	Function   string          `json:"function"`
	Seniority  string          `json:"seniority"`
	AccessType string          `json:"access_type"`
}

// AlertData is the data of a saved_search.matched event.
type AlertData struct {
	SavedSearchID int64        `json:"saved_search_id"`
	Name          string       `json:"name"`
	Query         string       `json:"query"`
	Alert         string       `json:"alert"`
	ContactIDs    []int64      `json:"contact_ids"`
	Matches       []AlertMatch `json:"matches"`
}

// Alert runs one step of the saved-search alerts: it reads the changes
// the search index has applied after the alerts' position (at most Batch
// of them), asks the index which changed contacts now match each saved
// search with an alert, keeps those the search never matched before, and
// stores, in one transaction (AppendAlerts), the new position, the
// matched contacts, and a saved_search.matched event per saved search
// with new matches — at once for instant alerts, and for hourly and
// daily ones when their batch is due on the clock (Config.Now). A saved
// search whose alert starts, or whose query changes, first records its
// current matches as already matched (its baseline): an alert tells what
// starts matching from then on. It returns how far the position moved,
// or 1 when only a due batch was sent. Without Config.Alerts it does
// nothing.
func (d *Dispatcher) Alert(ctx context.Context) (int64, error) {
	m := d.cfg.Alerts
	if m == nil {
		return 0, nil
	}
	s := d.cfg.Store
	pos, ok, err := s.AlertPosition(ctx)
	if err != nil {
		return 0, err
	}
	if !ok {
		head := m.Seq()
		if err := s.AppendAlerts(ctx, -1, head, nil, nil); err != nil && pursuit.ErrorCode(err) != pursuit.ECONFLICT {
			return 0, err
		}
		d.cfg.Log.Info("feed: saved-search alerts start at the index's position", "seq", head)
		return 1, nil
	}
	now := d.cfg.Now()
	upto := max(pos, min(m.Seq(), pos+int64(d.cfg.Batch)))
	if upto == pos && d.alertsKnown && (d.nextDue.IsZero() || now.Before(d.nextDue)) {
		return 0, nil
	}
	searches, err := s.AlertSearches(ctx)
	if err != nil {
		return 0, err
	}
	var within *search.Subset
	if upto > pos {
		if within, err = changedContacts(ctx, s, pos, upto); err != nil {
			return 0, err
		}
	}
	var updates []pursuit.AlertUpdate
	var events []pursuit.FeedEvent
	var nextDue time.Time
	for i := range searches {
		a := &searches[i]
		u, evs, err := d.alertOne(ctx, a, within, now, upto)
		if err != nil {
			return 0, err
		}
		if u != nil {
			updates = append(updates, *u)
		}
		events = append(events, evs...)
		due := time.Time{}
		switch {
		case u != nil && !u.Drop:
			due = u.State.DueAt
		case u == nil && a.State != nil:
			due = a.State.DueAt
		}
		if !due.IsZero() && (nextDue.IsZero() || due.Before(nextDue)) {
			nextDue = due
		}
	}
	if upto == pos && len(updates) == 0 {
		d.alertsKnown, d.nextDue = true, nextDue
		return 0, nil
	}
	if err := s.AppendAlerts(ctx, pos, upto, updates, events); err != nil {
		d.alertsKnown = false
		if pursuit.ErrorCode(err) == pursuit.ECONFLICT {
			return 0, nil
		}
		return 0, err
	}
	d.alertsKnown, d.nextDue = true, nextDue
	if len(events) > 0 && d.cfg.Appended != nil {
		d.cfg.Appended()
	}
	return max(upto-pos, 1), nil
}

// alertOne decides what one step changes of one saved search's alert: the
// update (nil: nothing) and the events.
func (d *Dispatcher) alertOne(ctx context.Context, a *pursuit.AlertSearch, within *search.Subset, now time.Time, seq int64) (*pursuit.AlertUpdate, []pursuit.FeedEvent, error) {
	m, s := d.cfg.Alerts, d.cfg.Store
	if a.Alert == pursuit.AlertOff {
		return &pursuit.AlertUpdate{SavedSearchID: a.SavedSearchID, Drop: true}, nil, nil
	}
	match := func(within *search.Subset) ([]int64, bool, error) {
		ids, err := m.Match(a.SavedSearch, within)
		if pursuit.ErrorCode(err) == pursuit.EINVALID {
			d.cfg.Log.Warn("feed: a saved search's query does not parse; no alerts for it", "saved_search_id", a.SavedSearchID, "err", err)
			return nil, false, nil
		}
		return ids, err == nil, err
	}
	if a.State == nil || a.State.Query != a.Query {
		ids, ok, err := match(nil)
		if !ok {
			return nil, nil, err
		}
		return &pursuit.AlertUpdate{SavedSearchID: a.SavedSearchID, Reset: true,
			State: pursuit.AlertState{SavedSearchID: a.SavedSearchID, Query: a.Query}, Seen: ids}, nil, nil
	}
	var fresh []int64
	if within != nil && !within.Empty() {
		ids, ok, err := match(within)
		if !ok {
			return nil, nil, err
		}
		if len(ids) > 0 {
			old, err := s.AlertedAmong(ctx, a.SavedSearchID, ids)
			if err != nil {
				return nil, nil, err
			}
			fresh = minus(ids, old)
		}
	}
	st := *a.State
	u := &pursuit.AlertUpdate{SavedSearchID: a.SavedSearchID, State: st}
	due := !st.DueAt.IsZero() && (a.Alert == pursuit.AlertInstant || !now.Before(st.DueAt))
	switch {
	case due:
		pending, err := s.PendingAlerts(ctx, a.SavedSearchID)
		if err != nil {
			return nil, nil, err
		}
		u.Sent, u.Seen, u.State.DueAt = pending, fresh, time.Time{}
		return u, d.alertEvents(a, union(pending, fresh), now, seq), nil
	case len(fresh) == 0:
		return nil, nil, nil
	case a.Alert == pursuit.AlertInstant:
		u.Seen = fresh
		return u, d.alertEvents(a, fresh, now, seq), nil
	default:
		u.Pending = fresh
		if u.State.DueAt.IsZero() {
			u.State.DueAt = DueAt(a.Alert, now)
		}
		return u, nil, nil
	}
}

// DueAt is when an hourly or daily alert's batch, started at now, is
// sent: the next full hour, or the next midnight UTC.
func DueAt(alert string, now time.Time) time.Time {
	now = now.UTC()
	if alert == pursuit.AlertDaily {
		return time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
	}
	return now.Truncate(time.Hour).Add(time.Hour)
}

// alertEvents makes the saved_search.matched events naming ids, as the
// customer sees them now (a contact it no longer sees is left out), at
// most pursuit.MaxAlertMatches a event.
func (d *Dispatcher) alertEvents(a *pursuit.AlertSearch, ids []int64, now time.Time, seq int64) []pursuit.FeedEvent {
	if len(ids) == 0 {
		return nil
	}
	hits := d.cfg.Alerts.Summaries(a.CustomerID, ids)
	var out []pursuit.FeedEvent
	for chunk := range slices.Chunk(hits, pursuit.MaxAlertMatches) {
		data := AlertData{SavedSearchID: a.SavedSearchID, Name: a.Name, Query: a.Query, Alert: a.Alert,
			ContactIDs: make([]int64, 0, len(chunk)), Matches: make([]AlertMatch, 0, len(chunk))}
		for _, h := range chunk {
			data.ContactIDs = append(data.ContactIDs, h.Contact.ContactID)
			data.Matches = append(data.Matches, AlertMatch{Contact: h.Contact, PlaceName: h.PlaceName, PlaceType: h.PlaceType,
				StateAbbr: h.StateAbbr, Function: h.Function, Seniority: h.Seniority, AccessType: h.AccessType})
		}
		out = append(out, pursuit.FeedEvent{CustomerID: a.CustomerID, Seq: seq, Type: pursuit.EventSavedSearchMatched,
			Data: mustJSON(data), CreatedAt: now.UTC().Truncate(time.Microsecond)})
	}
	return out
}

// changedContacts returns the contacts the changes (after, upto] may have
// made match a saved search: those written, those whose place, tech
// stack or CRM mapping changed, and those a grant change may have shown.
// A superset: the search decides.
func changedContacts(ctx context.Context, s pursuit.Store, after, upto int64) (*search.Subset, error) {
	sub := &search.Subset{}
	err := s.FeedSnapshot(ctx, func(r pursuit.FeedReader) error {
		changes, err := r.Changes(ctx, after, upto)
		if err != nil {
			return fmt.Errorf("read change log (%d, %d]: %w", after, upto, err)
		}
		for _, c := range changes {
			switch c.Table {
			case pursuit.TableContacts:
				sub.ContactIDs = append(sub.ContactIDs, c.Key)
			case pursuit.TablePlaces:
				sub.PlaceIDs = append(sub.PlaceIDs, c.Key)
			case pursuit.TableCustomerPlaceRelation:
				sub.PlaceIDs = append(sub.PlaceIDs, c.Key2)
			case pursuit.TableCustomerContactRelation:
				sub.ContactIDs = append(sub.ContactIDs, c.Key2)
			case pursuit.TableTechStack, pursuit.TableCustomerMapping:
				// The row now and, for an update or a delete, before.
				rows := []any{}
				if c.Table == pursuit.TableTechStack {
					if t, ok, err := r.TechStack(ctx, c.Key); err != nil {
						return err
					} else if ok {
						rows = append(rows, &t)
					}
				} else if m, ok, err := r.Mapping(ctx, c.Key); err != nil {
					return err
				} else if ok {
					rows = append(rows, &m)
				}
				if c.Old != nil {
					old, err := pursuit.DecodeImage(c.Table, c.Old)
					if err != nil {
						return fmt.Errorf("change %d: %w", c.Seq, err)
					}
					rows = append(rows, old)
				}
				for _, row := range rows {
					switch v := row.(type) {
					case *pursuit.TechStack:
						sub.PlaceIDs = append(sub.PlaceIDs, v.PlaceID)
					case *pursuit.CustomerMapping:
						if v.ContactID != 0 {
							sub.ContactIDs = append(sub.ContactIDs, v.ContactID)
						}
						if v.PlaceID != 0 {
							sub.PlaceIDs = append(sub.PlaceIDs, v.PlaceID)
						}
					}
				}
			}
		}
		return nil
	})
	sub.ContactIDs, sub.PlaceIDs = union(sub.ContactIDs), union(sub.PlaceIDs)
	return sub, err
}

// minus returns the ids of a (increasing) not in b (increasing).
func minus(a, b []int64) []int64 {
	out := make([]int64, 0, len(a))
	for _, id := range a {
		if _, found := slices.BinarySearch(b, id); !found {
			out = append(out, id)
		}
	}
	return out
}
