package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
)

// opsView is the operators' page: every customer with its reveal credits.
type opsView struct {
	Customers []pursuit.Customer
}

func (s *Server) opsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	cs, err := s.store.ListCustomers(r.Context(), pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "ops", page{Title: "Operations", Nav: "ops", Data: opsView{Customers: cs}})
	return nil
}

// opsCredits sets a customer's reveal-credit balance.
func (s *Server) opsCredits(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("reveal_credits")), 10, 64)
	if err != nil || n < 0 {
		return pursuit.FieldErrorf(pursuit.EINVALID, "reveal_credits", "must be a whole number of credits, 0 or more")
	}
	c, err := s.store.GetCustomer(r.Context(), id)
	if err != nil {
		return err
	}
	c.RevealCredits = n
	if err := s.store.UpdateCustomer(r.Context(), &c); err != nil {
		return err
	}
	redirect(w, r, "/ops", fmt.Sprintf("%s now has %d reveal credits.", c.Name, n))
	return nil
}

// grantsView is the grant-by-filter form and, after Preview, how many
// places the grant would cover.
type grantsView struct {
	Customers []pursuit.Customer
	Form      grantForm
	Preview   *httpapi.GrantByFilterResult
	Error     string
	States    []string
	Types     []string
}

type grantForm struct {
	CustomerID    int64
	States        string
	PlaceTypes    []string
	PopulationMin string
	PopulationMax string
	Vendors       string
	Access        string
}

// parseGrantForm reads the grant form (query or post).
func parseGrantForm(get func(string) string, all func(string) []string) (grantForm, httpapi.PlaceFilter, error) {
	f := grantForm{States: strings.TrimSpace(get("states")), PlaceTypes: all("place_type"),
		PopulationMin: strings.TrimSpace(get("population_min")), PopulationMax: strings.TrimSpace(get("population_max")),
		Vendors: strings.TrimSpace(get("vendors")), Access: get("access_type")}
	if f.Access == "" {
		f.Access = pursuit.AccessMasked
	}
	var pf httpapi.PlaceFilter
	id, err := strconv.ParseInt(get("customer_id"), 10, 64)
	if err != nil || id <= 0 {
		return f, pf, pursuit.FieldErrorf(pursuit.EINVALID, "customer_id", "choose a customer")
	}
	f.CustomerID = id
	for st := range strings.SplitSeq(f.States, ",") {
		if st = strings.ToUpper(strings.TrimSpace(st)); st != "" {
			pf.States = append(pf.States, st)
		}
	}
	pf.PlaceTypes = f.PlaceTypes
	for _, p := range []struct {
		name string
		val  string
		dst  **int64
	}{{"population_min", f.PopulationMin, &pf.PopulationMin}, {"population_max", f.PopulationMax, &pf.PopulationMax}} {
		if p.val == "" {
			continue
		}
		n, err := strconv.ParseInt(p.val, 10, 64)
		if err != nil || n < 0 {
			return f, pf, pursuit.FieldErrorf(pursuit.EINVALID, p.name, "must be a whole number, 0 or more, not %q", p.val)
		}
		*p.dst = &n
	}
	for vd := range strings.SplitSeq(f.Vendors, ",") {
		if vd = strings.TrimSpace(vd); vd != "" {
			pf.Vendors = append(pf.Vendors, vd)
		}
	}
	return f, pf, nil
}

func (s *Server) grantsView(r *http.Request) (grantsView, error) {
	cs, err := s.store.ListCustomers(r.Context(), pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	return grantsView{Customers: cs, States: pursuit.StateAbbrs, Types: pursuit.PlaceTypes, Form: grantForm{Access: pursuit.AccessMasked}}, err
}

// opsGrantsPage shows the form and, when it was filled in (Preview, a
// GET), how many places the grant would cover, without granting.
func (s *Server) opsGrantsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	view, err := s.grantsView(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	status := http.StatusOK
	if q.Get("customer_id") != "" {
		f, pf, err := parseGrantForm(q.Get, func(k string) []string { return q[k] })
		view.Form = f
		if err == nil {
			var res httpapi.GrantByFilterResult
			res, err = httpapi.GrantByFilter(r.Context(), s.store, f.CustomerID, pf, f.Access, true, s.now())
			view.Preview = &res
		}
		if err != nil {
			if pursuit.ErrorCode(err) != pursuit.EINVALID {
				return err
			}
			view.Error, view.Preview, status = pursuit.ErrorMessage(err), nil, http.StatusBadRequest
		}
	}
	s.render(w, r, status, "grants", page{Title: "Grants", Nav: "grants", Data: view})
	return nil
}

// opsGrant applies a grant by filter.
func (s *Server) opsGrant(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := r.ParseForm(); err != nil {
		return pursuit.FieldErrorf(pursuit.EINVALID, "form", "could not be read")
	}
	f, pf, err := parseGrantForm(r.PostFormValue, func(k string) []string { return r.PostForm[k] })
	if err != nil {
		return err
	}
	res, err := httpapi.GrantByFilter(r.Context(), s.store, f.CustomerID, pf, f.Access, false, s.now())
	if err != nil {
		return err
	}
	s.notify()
	s.log.Info("granted by filter", "operator", v.User.UserID, "customer_id", f.CustomerID, "places", res.Granted)
	redirect(w, r, "/ops/grants", fmt.Sprintf("Granted %d places (%s) to customer %d.", res.Granted, f.Access, f.CustomerID))
	return nil
}
