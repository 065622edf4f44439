package httpapi

import (
	"net/http"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// pagingParams are the parameters of a search that page or shape its
// answer rather than choose its rows: a saved search holds none of them,
// and its results route takes only them.
var pagingParams = []string{"cursor", "limit", "facets", "facet_size"}

// CheckSavedQuery checks a saved search's query: a contact search as the
// URL query string of GET /v1/contacts/search (a leading '?' is dropped),
// parsed by that route's own parser, without cursor, limit, facets or
// facet_size. It returns the query as it will be stored. Errors are
// EINVALID on "query", naming the parameter at fault.
func CheckSavedQuery(raw string) (string, error) {
	raw = strings.TrimPrefix(raw, "?")
	v, err := parseQuery(raw)
	if err == nil {
		for _, name := range pagingParams {
			if _, ok := v[name]; ok {
				return raw, pursuit.FieldErrorf(pursuit.EINVALID, "query",
					"holds %s, which a saved search does not keep (it pages a search's results; pass it to the results route)", name)
			}
		}
		_, err = searchRequestFrom(&params{v: v}, true)
	}
	if err != nil {
		msg := pursuit.ErrorMessage(err)
		if f := pursuit.ErrorField(err); f != "" && f != "query" {
			msg = "parameter " + f + ": " + msg
		}
		return raw, &pursuit.Error{Code: pursuit.EINVALID, Field: "query", Message: msg, Err: err}
	}
	return raw, nil
}

// SavedSearchResults runs a saved search for its customer through the
// search index, adding paging (the raw URL query holding only cursor,
// limit, facets and facet_size).
func SavedSearchResults(ix *search.Index, ss pursuit.SavedSearch, paging string) (search.ContactResult, error) {
	v, err := parseQuery(paging)
	if err != nil {
		return search.ContactResult{}, err
	}
	p := &params{v: v}
	p.only(pagingParams...)
	if p.err != nil {
		return search.ContactResult{}, p.err
	}
	raw := ss.Query
	if paging != "" {
		raw += "&" + paging
	}
	req, err := ParseContactSearch(raw)
	if err != nil {
		return search.ContactResult{}, err
	}
	return ix.SearchContacts(ss.CustomerID, req)
}

// savedSearchInput is the body of POST /v1/saved-searches.
type savedSearchInput struct {
	Name  string `json:"name"`
	Query string `json:"query"`
	Alert string `json:"alert"`
}

// savedSearchPatch is the body of PATCH /v1/saved-searches/{id}: only the
// fields present change.
type savedSearchPatch struct {
	Name  *string `json:"name"`
	Query *string `json:"query"`
	Alert *string `json:"alert"`
}

func (s *Server) handleListSavedSearches(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	p := newParams(r)
	p.only("after", "limit")
	opt := p.listOptions()
	if p.err != nil {
		return p.err
	}
	items, err := s.store.ListSavedSearches(r.Context(), cid, opt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(items, opt.Limit, func(v pursuit.SavedSearch) int64 { return v.SavedSearchID }))
	return nil
}

func (s *Server) handleCreateSavedSearch(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	var in savedSearchInput
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	q, err := CheckSavedQuery(in.Query)
	if err != nil {
		return err
	}
	ss := pursuit.SavedSearch{CustomerID: cid, Name: in.Name, Query: q, Alert: in.Alert}
	if err := s.store.CreateSavedSearch(r.Context(), &ss); err != nil {
		return err
	}
	s.recordSavedSearch(r, q)
	writeJSON(w, http.StatusCreated, ss)
	return nil
}

// savedSearchOf reads the saved search the path names, of the caller's
// customer (another customer's is ENOTFOUND, like a missing one).
func (s *Server) savedSearchOf(r *http.Request) (pursuit.SavedSearch, error) {
	_, cid := customerOf(r)
	id, err := pathID(r, "saved_search_id")
	if err != nil {
		return pursuit.SavedSearch{}, err
	}
	return s.store.GetSavedSearch(r.Context(), cid, id)
}

func (s *Server) handleGetSavedSearch(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.savedSearchOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss)
	return nil
}

func (s *Server) handleUpdateSavedSearch(w http.ResponseWriter, r *http.Request) error {
	if _, err := pathID(r, "saved_search_id"); err != nil {
		return err
	}
	var in savedSearchPatch
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	ss, err := s.savedSearchOf(r)
	if err != nil {
		return err
	}
	if in.Name != nil {
		ss.Name = *in.Name
	}
	if in.Query != nil {
		if ss.Query, err = CheckSavedQuery(*in.Query); err != nil {
			return err
		}
	}
	if in.Alert != nil {
		ss.Alert = *in.Alert
		if ss.Alert == "" {
			return pursuit.FieldErrorf(pursuit.EINVALID, "alert", "must be %q, %q, %q or %q, not empty",
				pursuit.AlertOff, pursuit.AlertInstant, pursuit.AlertHourly, pursuit.AlertDaily)
		}
	}
	if err := s.store.UpdateSavedSearch(r.Context(), &ss); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ss)
	return nil
}

func (s *Server) handleDeleteSavedSearch(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	id, err := pathID(r, "saved_search_id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteSavedSearch(r.Context(), cid, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleSavedSearchResults(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.savedSearchOf(r)
	if err != nil {
		return err
	}
	ix, err := s.searchIndex()
	if err != nil {
		return err
	}
	res, err := SavedSearchResults(ix, ss, r.URL.RawQuery)
	if err != nil {
		return err
	}
	if res.Hits == nil {
		res.Hits = []search.ContactHit{}
	}
	writeContactResult(w, &res)
	return nil
}

// AlertMatcher runs saved searches through ix for the saved-search alerts
// (feed.Matcher): each saved query is parsed by the search route's own
// parser and matched by the index for its customer, so an alert sees
// exactly the contacts the saved search's results would list.
func AlertMatcher(ix *search.Index) *SavedSearchMatcher { return &SavedSearchMatcher{ix} }

// SavedSearchMatcher is feed.Matcher over a search index.
type SavedSearchMatcher struct{ ix *search.Index }

// Seq is the change_log seq the index has applied.
func (m *SavedSearchMatcher) Seq() int64 { return m.ix.Seq() }

// Match returns the contacts of ss's customer that match ss now, within
// a subset (nil: all).
func (m *SavedSearchMatcher) Match(ss pursuit.SavedSearch, within *search.Subset) ([]int64, error) {
	req, err := ParseContactSearch(ss.Query)
	if err != nil {
		return nil, err
	}
	return m.ix.MatchContactIDs(ss.CustomerID, req, within)
}

// Summaries returns the customer's masked hits of ids it sees now.
func (m *SavedSearchMatcher) Summaries(customerID int64, ids []int64) []search.ContactHit {
	return m.ix.ContactHits(customerID, ids)
}
