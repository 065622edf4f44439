package crm

import (
	"context"
	"sort"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Sync builds the AccountSync of a match run: a row per confident match
// (external_crm_id, place_id, account_owner from the CRM's owner column)
// and the ids of the accounts left unmatched, whose existing mappings a
// prune keeps (a person may have mapped them by hand).
func Sync(results []Result, prune bool, now time.Time) pursuit.AccountSync {
	s := pursuit.AccountSync{Prune: prune, Now: now}
	for i := range results {
		r := &results[i]
		if r.PlaceID == 0 {
			s.Present = append(s.Present, r.Account.ExternalCRMID)
			continue
		}
		s.Rows = append(s.Rows, pursuit.CustomerMapping{ExternalCRMID: r.Account.ExternalCRMID, PlaceID: r.PlaceID, AccountOwner: r.Account.Owner})
	}
	return s
}

// Apply writes the confident matches of results into the customer's
// mappings in one transaction (pursuit.CRMStore.SyncAccountMappings) and
// reports what changed. Matching may name any place; applying a mapping
// grants nothing, so the place's contacts stay behind the customer's
// grants.
func Apply(ctx context.Context, s pursuit.CRMStore, customerID int64, results []Result, prune bool, now time.Time) (pursuit.SyncReport, error) {
	return s.SyncAccountMappings(ctx, customerID, Sync(results, prune, now))
}

// Summary counts a match run's results by method and by state.
type Summary struct {
	Accounts int `json:"accounts"`
	Matched  int `json:"matched"`
	// ByMethod counts results per method (every method present, zeros
	// included).
	ByMethod map[string]int `json:"by_method"`
	// ByState counts accounts per state: the matched place's state, or the
	// account's own (normalised, "" when missing or unknown) when
	// unmatched; Matched counts the matched ones of each state.
	ByState []StateCount `json:"by_state"`
}

// StateCount is one state's line of a Summary or a Coverage.
type StateCount struct {
	State   string `json:"state"`
	Total   int    `json:"total"`
	Matched int    `json:"matched"`
}

// Summarize counts results by method and state. placeState returns a
// place's state.
func Summarize(results []Result, placeState func(int64) string) Summary {
	s := Summary{Accounts: len(results), ByMethod: map[string]int{}}
	for _, m := range Methods {
		s.ByMethod[m] = 0
	}
	states := map[string]*StateCount{}
	for i := range results {
		r := &results[i]
		s.ByMethod[r.Method]++
		var st string
		if r.PlaceID != 0 {
			s.Matched++
			st = placeState(r.PlaceID)
		} else {
			st, _ = NormalizeState(r.Account.State)
		}
		c := states[st]
		if c == nil {
			c = &StateCount{State: st}
			states[st] = c
		}
		c.Total++
		if r.PlaceID != 0 {
			c.Matched++
		}
	}
	for _, c := range states {
		s.ByState = append(s.ByState, *c)
	}
	sort.Slice(s.ByState, func(i, j int) bool { return s.ByState[i].State < s.ByState[j].State })
	return s
}

// PlaceState returns the state of a place the matcher knows, "" otherwise.
func (m *Matcher) PlaceState(id int64) string {
	if i, ok := m.byPlaceID(id); ok {
		return m.places[i].state
	}
	return ""
}

// byPlaceID finds a place by id (places are kept in scan order, which is
// place_id order for a store scan; a map covers any order).
func (m *Matcher) byPlaceID(id int64) (int, bool) {
	m.idOnce.Do(func() {
		m.ids = make(map[int64]int32, len(m.places))
		for i := range m.places {
			m.ids[m.places[i].id] = int32(i)
		}
	})
	i, ok := m.ids[id]
	return int(i), ok
}
