package web

import (
	"net/http"
	"slices"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// accountsView is "my accounts": the places and contacts the customer's
// CRM mappings give one account owner, and the granted places no mapping
// covers yet.
type accountsView struct {
	Owners   []string
	Owner    string
	Places   search.PlaceResult
	Rows     []contactRow
	Total    int
	Unmapped search.PlaceResult
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	cid := v.customerID()
	owners := map[string]bool{}
	opt := pursuit.ListOptions{Limit: pursuit.MaxListLimit}
	for {
		ms, err := s.store.ListCustomerMappings(ctx, cid, opt)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.AccountOwner != "" {
				owners[m.AccountOwner] = true
			}
		}
		if len(ms) < opt.Limit {
			break
		}
		opt.After = ms[len(ms)-1].CustomerMappingID
	}
	view := accountsView{Owner: r.URL.Query().Get("owner")}
	for o := range owners {
		view.Owners = append(view.Owners, o)
	}
	slices.Sort(view.Owners)
	if view.Owner == "" && len(view.Owners) > 0 {
		view.Owner = view.Owners[0]
	}
	ix, err := s.index()
	if err != nil {
		return err
	}
	if view.Owner != "" {
		if view.Places, err = ix.SearchPlaces(cid, search.Request{AccountOwner: view.Owner, Limit: 100}); err != nil {
			return err
		}
		res, err := ix.SearchContacts(cid, search.Request{AccountOwner: view.Owner, Limit: 50})
		if err != nil {
			return err
		}
		view.Total = res.Total
		if view.Rows, err = s.rows(r, v, res.Hits); err != nil {
			return err
		}
	}
	no := false
	if view.Unmapped, err = ix.SearchPlaces(cid, search.Request{Mapped: &no, Limit: 50}); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "accounts", page{Title: "My accounts", Nav: "accounts", Data: view})
	return nil
}
