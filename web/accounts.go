package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/crm"
	"github.com/pursuit-gov/pursuit/search"
)

// accountsView is "my accounts": the customer's CRM coverage (mapped
// accounts by state and its whitespace, from crm.CoverageOf over the
// store's rows of this customer), the places and contacts the customer's
// CRM mappings give one account owner, the granted places no mapping
// covers yet and, for an admin, the outcome of an uploaded account file.
type accountsView struct {
	Coverage crm.Coverage
	Owners   []string
	Owner    string
	Places   search.PlaceResult
	Rows     []contactRow
	Total    int
	Unmapped search.PlaceResult
	// CanMatch is true for an admin, who may upload and apply an account
	// file.
	CanMatch bool
	Match    *matchView
}

// matchView is the outcome of matching (and maybe applying) an uploaded
// account file.
type matchView struct {
	File    string
	Summary crm.Summary
	// Methods are Summary.ByMethod in the order the matcher tries them.
	Methods []methodCount
	// Rows are the first results, for a look before applying.
	Rows []crm.Result
	// CSV is the file, carried by the Apply form so that what is applied
	// is the file that was previewed; Results the match CSV.
	CSV     string
	Results string
	Applied *pursuit.SyncReport
	Pruned  bool
}

type methodCount struct {
	Method string
	N      int
}

// maxMatchRows is how many results the page lists after a match.
const maxMatchRows = 50

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	view, err := s.accountsView(r, v)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "accounts", page{Title: "My accounts", Nav: "accounts", Data: view})
	return nil
}

func (s *Server) accountsView(r *http.Request, v *viewer) (accountsView, error) {
	ctx := r.Context()
	cid := v.customerID()
	view := accountsView{Owner: r.URL.Query().Get("owner"), CanMatch: v.User.Role == pursuit.UserRoleAdmin}
	var err error
	// The coverage reads only this customer's mappings and grants.
	if view.Coverage, err = crm.CoverageOf(ctx, s.store, cid, 20); err != nil {
		return view, err
	}
	owners := map[string]bool{}
	opt := pursuit.ListOptions{Limit: pursuit.MaxListLimit}
	for {
		ms, err := s.store.ListCustomerMappings(ctx, cid, opt)
		if err != nil {
			return view, err
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
	for o := range owners {
		view.Owners = append(view.Owners, o)
	}
	slices.Sort(view.Owners)
	if view.Owner == "" && len(view.Owners) > 0 {
		view.Owner = view.Owners[0]
	}
	ix, err := s.index()
	if err != nil {
		return view, err
	}
	if view.Owner != "" {
		if view.Places, err = ix.SearchPlaces(cid, search.Request{AccountOwner: view.Owner, Limit: 100}); err != nil {
			return view, err
		}
		res, err := ix.SearchContacts(cid, search.Request{AccountOwner: view.Owner, Limit: 50})
		if err != nil {
			return view, err
		}
		view.Total = res.Total
		if view.Rows, err = s.rows(r, v, res.Hits); err != nil {
			return view, err
		}
	}
	no := false
	if view.Unmapped, err = ix.SearchPlaces(cid, search.Request{Mapped: &no, Limit: 50}); err != nil {
		return view, err
	}
	return view, nil
}

// accountsMatch matches an uploaded CRM account file (a Salesforce or
// HubSpot export, or the generic header of docs/crm.md) with the same
// matcher as pursuit crm match and POST /v1/crm/match, and shows the
// outcome without changing anything; the page's Apply form applies it.
func (s *Server) accountsMatch(w http.ResponseWriter, r *http.Request, v *viewer) error {
	name, body, err := uploadedCSV(r)
	if err != nil {
		return err
	}
	return s.matchAndShow(w, r, v, name, body, false, false)
}

// accountsApply matches the file the preview carried again and writes the
// confident matches into the customer's mappings in one transaction
// (crm.Apply, as --apply and apply=true do); prune also removes the
// customer's place mappings whose account is no longer in the file.
func (s *Server) accountsApply(w http.ResponseWriter, r *http.Request, v *viewer) error {
	body := r.PostFormValue("accounts_csv")
	if strings.TrimSpace(body) == "" {
		return pursuit.FieldErrorf(pursuit.EINVALID, "accounts_csv", "no account file to apply; upload the file again")
	}
	prune := r.PostFormValue("prune") == "on"
	name := r.PostFormValue("file")
	if name == "" {
		name = "accounts.csv"
	}
	return s.matchAndShow(w, r, v, name, []byte(body), true, prune)
}

func (s *Server) matchAndShow(w http.ResponseWriter, r *http.Request, v *viewer, name string, body []byte, apply, prune bool) error {
	ctx := r.Context()
	accounts, _, err := crm.ReadAccounts(bytes.NewReader(body), name)
	if err != nil {
		return err
	}
	m, err := crm.NewMatcher(ctx, s.store.ScanPlaces)
	if err != nil {
		return err
	}
	results, err := m.MatchAll(ctx, accounts, nil)
	if err != nil {
		return err
	}
	mv := &matchView{File: name, Summary: crm.Summarize(results, m.PlaceState), CSV: string(body), Pruned: prune}
	for _, meth := range crm.Methods {
		mv.Methods = append(mv.Methods, methodCount{meth, mv.Summary.ByMethod[meth]})
	}
	mv.Rows = results[:min(len(results), maxMatchRows)]
	var out bytes.Buffer
	if err := crm.WriteResults(&out, results); err != nil {
		return err
	}
	mv.Results = out.String()
	if apply {
		rep, err := crm.Apply(ctx, s.store, v.customerID(), results, prune, s.now())
		if err != nil {
			return err
		}
		mv.Applied = &rep
		s.notify()
		s.log.Info("crm accounts applied", "customer_id", v.customerID(), "user_id", v.User.UserID,
			"accounts", len(accounts), "added", rep.Added, "changed", rep.Changed, "removed", rep.Removed)
	}
	view, err := s.accountsView(r, v)
	if err != nil {
		return err
	}
	view.Match = mv
	s.render(w, r, http.StatusOK, "accounts", page{Title: "My accounts", Nav: "accounts", Data: view})
	return nil
}

// uploadedCSV returns the name and bytes of the form's "accounts" file.
func uploadedCSV(r *http.Request) (string, []byte, error) {
	f, h, err := r.FormFile("accounts")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return "", nil, pursuit.FieldErrorf(pursuit.EINVALID, "accounts", "choose a CSV file of your CRM's accounts to upload")
	}
	if err != nil {
		return "", nil, formError(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return "", nil, formError(err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return "", nil, pursuit.FieldErrorf(pursuit.EINVALID, "accounts", "the file %s is empty", h.Filename)
	}
	return h.Filename, b, nil
}

// formError is the error of a form that could not be read: too large, or
// malformed.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return pursuit.FieldErrorf(pursuit.ETOOLARGE, "body", "the form is larger than %d MiB; send bigger account files through the API (POST /v1/crm/match, docs/crm.md)", maxFormBytes>>20)
	}
	return &pursuit.Error{Code: pursuit.EINVALID, Field: "body", Message: fmt.Sprintf("the form could not be read: %v", err), Err: err}
}
