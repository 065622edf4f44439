package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
)

type savedView struct {
	Searches []pursuit.SavedSearch
	Alerts   []string
}

// alertChoices are the alert settings the pages offer, in order.
var alertChoices = []string{pursuit.AlertOff, pursuit.AlertInstant, pursuit.AlertHourly, pursuit.AlertDaily}

func (s *Server) savedPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ss, err := s.store.ListSavedSearches(r.Context(), v.customerID(), pursuit.ListOptions{Limit: 500})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "saved", page{Title: "Saved searches", Nav: "saved", Data: savedView{Searches: ss, Alerts: alertChoices}})
	return nil
}

// saveSearch keeps the search page's query under a name, checked by the
// API's own parser (httpapi.CheckSavedQuery).
func (s *Server) saveSearch(w http.ResponseWriter, r *http.Request, v *viewer) error {
	q, err := httpapi.CheckSavedQuery(r.PostFormValue("query"))
	if err != nil {
		return err
	}
	o, err := originOf(r)
	if err != nil {
		return err
	}
	ss := pursuit.SavedSearch{CustomerID: v.customerID(), UserID: v.User.UserID,
		Name: strings.TrimSpace(r.PostFormValue("name")), Query: q, Alert: r.PostFormValue("alert")}
	if err := s.store.CreateSavedSearch(r.Context(), &ss); err != nil {
		return err
	}
	// A search kept is engagement too: its query, and the page it was
	// saved from.
	o.Query, o.Position = truncateQuery(q), 0
	s.record(v, o, pursuit.EventSaveSearch, 0, 0)
	redirect(w, r, "/search?"+q, fmt.Sprintf("Saved as %q. Find it under Saved searches.", ss.Name))
	return nil
}

// runSaved opens the search page on a saved search.
func (s *Server) runSaved(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "saved_search_id")
	if err != nil {
		return err
	}
	ss, err := s.store.GetSavedSearch(r.Context(), v.customerID(), id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/search?"+ss.Query, http.StatusSeeOther)
	return nil
}

func (s *Server) deleteSaved(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "saved_search_id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteSavedSearch(r.Context(), v.customerID(), id); err != nil {
		return err
	}
	redirect(w, r, "/saved", "Saved search deleted.")
	return nil
}

// setSavedAlert changes how often a saved search alerts its customer of
// new matches. A missing or unknown value is the store's EINVALID on
// "alert".
func (s *Server) setSavedAlert(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "saved_search_id")
	if err != nil {
		return err
	}
	ss, err := s.store.GetSavedSearch(r.Context(), v.customerID(), id)
	if err != nil {
		return err
	}
	ss.Alert = r.PostFormValue("alert")
	if ss.Alert == "" {
		return pursuit.FieldErrorf(pursuit.EINVALID, "alert", "choose %s", strings.Join(alertChoices, ", "))
	}
	if err := s.store.UpdateSavedSearch(r.Context(), &ss); err != nil {
		return err
	}
	redirect(w, r, "/saved", fmt.Sprintf("Alert of %q: %s.", ss.Name, label(ss.Alert)))
	return nil
}
