package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/search"
)

// The search page's URL is the query string of GET /v1/contacts/search
// (q, state, function, …, cursor), plus prev: the cursors of the pages
// before this one, comma-separated ("-" for the first page), so that
// Previous works without the server keeping anything. Saving the search
// keeps the API query without cursor and limit.

// webOnlyParams are the search page's parameters the API does not know.
var webOnlyParams = map[string]bool{"prev": true}

// maxPrev bounds the pages of history the URL keeps.
const maxPrev = 40

// searchQuery is a search page's URL query split into the API's part and
// the page's own.
type searchQuery struct {
	// API is the raw query the API's parser reads.
	API string
	// Values are API's parameters, for building links and the form.
	Values url.Values
	// Prev are the cursors of the earlier pages, "" for the first.
	Prev []string
}

// splitSearchQuery separates a raw URL query into its API part and prev.
// Pairs are kept as sent, so the API's strict parser sees exactly them.
func splitSearchQuery(raw string) (searchQuery, error) {
	var q searchQuery
	var keep []string
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		if webOnlyParams[name] {
			v, err := url.QueryUnescape(value)
			if err != nil {
				return q, pursuit.FieldErrorf(pursuit.EINVALID, name, "is not a valid value")
			}
			for c := range strings.SplitSeq(v, ",") {
				if c == "-" {
					c = ""
				}
				q.Prev = append(q.Prev, c)
			}
			continue
		}
		// Empty form fields ("state=&q=") mean no filter.
		if value == "" {
			continue
		}
		keep = append(keep, pair)
	}
	if len(q.Prev) > maxPrev {
		q.Prev = q.Prev[len(q.Prev)-maxPrev:]
	}
	q.API = strings.Join(keep, "&")
	v, err := url.ParseQuery(q.API)
	if err != nil {
		v = url.Values{}
	}
	q.Values = v
	return q, nil
}

// savedQuery returns the API query without the parameters a saved search
// does not keep.
func (q searchQuery) savedQuery() string {
	v := cloneValues(q.Values)
	for _, k := range []string{"cursor", "limit", "facets", "facet_size", "sort"} {
		v.Del(k)
	}
	return v.Encode()
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// searchView is the data of the search page.
type searchView struct {
	Q         string
	Values    url.Values
	Error     string
	ErrField  string
	Ran       bool
	Total     int
	Rows      []contactRow
	Facets    []facetGroup
	From, To  int
	NextURL   string
	PrevURL   string
	Saved     string   // the query a saved search would keep
	Alerts    []string // the alert settings the save form offers
	ExportURL string
	Lists     []pursuit.List
	Selected  map[string]map[string]bool
	Text      map[string]string
	Mapped    []facetOption
	// The ranking (ranking.go): the sort chosen, whether a model ranked
	// the page, and the impression the rows' links name.
	Sort    string
	Sorts   []struct{ Value, Label string }
	Learned bool
	Origin  origin
}

// contactRow is one contact as a results table shows it: values already
// masked by the index or the store.
type contactRow struct {
	ID         int64
	Name       string
	Title      string
	Department string
	PlaceID    int64
	PlaceName  string
	StateAbbr  string
	Email      string
	Phone      string
	Masked     bool
	Revealed   bool
	Function   string
	Seniority  string
	VerifiedAt string
	// Link is the query a search result's links carry (its search and
	// position), Pos its position, Why the reasons of its rank.
	Link string
	Pos  int
	Why  []string
}

// facetGroup is one filter of the sidebar with its options and counts.
type facetGroup struct {
	Name    string // the parameter
	Label   string
	Options []facetOption
}

type facetOption struct {
	Param   string
	Value   string
	Label   string
	Count   int
	Checked bool
	ID      string
}

// facetNames are the index's facets in sidebar order, with their
// parameter names (the same as the facet names) and labels.
var facetNames = []struct{ facet, label string }{
	{search.FacetState, "State"},
	{search.FacetPlaceType, "Place type"},
	{search.FacetFunction, "Function"},
	{search.FacetSeniority, "Seniority"},
	{search.FacetDepartment, "Department"},
	{search.FacetVendor, "Tech vendor"},
	{search.FacetEmailStatus, "Email status"},
}

// textParams are the filters the sidebar takes as typed values.
var textParams = []string{"product", "category", "population_min", "population_max", "verified_since", "has_email", "has_phone", "mapped", "account_owner"}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	sq, err := splitSearchQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	view := searchView{Values: sq.Values, Q: sq.Values.Get("q"), Selected: map[string]map[string]bool{}, Text: map[string]string{}}
	for _, f := range facetNames {
		view.Selected[f.facet] = map[string]bool{}
		for _, val := range sq.Values[f.facet] {
			for part := range strings.SplitSeq(val, ",") {
				if f.facet == search.FacetDepartment {
					part = val
				}
				view.Selected[f.facet][strings.TrimSpace(part)] = true
			}
		}
	}
	for _, p := range textParams {
		view.Text[p] = sq.Values.Get(p)
	}
	if view.Lists, err = s.store.ListLists(r.Context(), v.customerID(), pursuit.ListOptions{Limit: 200}); err != nil {
		return err
	}
	status := http.StatusOK
	view.Sorts = sortOptions
	view.Sort, err = sq.takeSort()
	var req search.Request
	if err == nil {
		req, err = httpapi.ParseContactSearch(sq.API)
	}
	if err == nil {
		err = s.runSearch(r, v, sq, req, &view)
	}
	if err != nil {
		code := pursuit.ErrorCode(err)
		if code != pursuit.EINVALID && code != pursuit.ETOOLARGE {
			return err
		}
		status = http.StatusBadRequest
		view.Error, view.ErrField = pursuit.ErrorMessage(err), pursuit.ErrorField(err)
		view.Facets = facetsOf(nil, view.Selected)
	}
	title := "Search"
	if view.Q != "" {
		title = view.Q + " – Search"
	}
	s.render(w, r, status, "search", page{Title: title, Nav: "search", Data: view})
	return nil
}

// runSearch runs the search through the index, scoped to the viewer's
// customer, and fills the view.
func (s *Server) runSearch(r *http.Request, v *viewer, sq searchQuery, req search.Request, view *searchView) error {
	ix, err := s.index()
	if err != nil {
		return err
	}
	if req.Limit == 0 {
		req.Limit = DefaultPageSize
	}
	// One pass of the index: hits, total, facets (the state facet as if
	// no state were ticked) and the mapped / unmapped counts (as if
	// neither were chosen), through the ranker (web/ranking.go).
	req.Facets, req.SidebarCounts = true, true
	offset := len(sq.Prev) * req.Limit
	ranked, o, err := s.rankedSearch(v, ix, req, view.Sort, offset)
	if err != nil {
		return err
	}
	res := ranked.ContactResult
	view.Ran = true
	view.Total = res.Total
	if view.Rows, err = s.rows(r, v, res.Hits); err != nil {
		return err
	}
	annotate(view.Rows, &ranked, o, offset)
	view.Learned, view.Origin = ranked.Learned, o
	view.Facets = facetsOf(res.Facets, view.Selected)
	var mc search.MappedCounts
	if res.Mapped != nil {
		mc = *res.Mapped
	}
	view.Mapped = []facetOption{
		{Param: "mapped", Value: "true", Label: "In my CRM (mapped)", Count: mc.Mapped, ID: "mapped-true", Checked: view.Text["mapped"] == "true"},
		{Param: "mapped", Value: "false", Label: "Not in my CRM", Count: mc.Unmapped, ID: "mapped-false", Checked: view.Text["mapped"] == "false"},
	}
	page := len(sq.Prev)
	view.From = page*req.Limit + 1
	view.To = page*req.Limit + len(res.Hits)
	if len(res.Hits) == 0 {
		view.From = 0
	}
	cur := sq.Values.Get("cursor")
	if res.NextCursor != "" {
		nv := cloneValues(sq.Values)
		nv.Set("cursor", res.NextCursor)
		prev := append(append([]string(nil), sq.Prev...), cur)
		view.NextURL = "/search?" + nv.Encode() + "&prev=" + joinPrev(prev)
	}
	if len(sq.Prev) > 0 {
		pv := cloneValues(sq.Values)
		last := sq.Prev[len(sq.Prev)-1]
		if last == "" {
			pv.Del("cursor")
		} else {
			pv.Set("cursor", last)
		}
		u := "/search?" + pv.Encode()
		if rest := sq.Prev[:len(sq.Prev)-1]; len(rest) > 0 {
			u += "&prev=" + joinPrev(rest)
		}
		view.PrevURL = u
	}
	view.Saved = sq.savedQuery()
	view.Alerts = alertChoices
	view.ExportURL = "/export?search=" + url.QueryEscape(view.Saved) + o.andSearch()
	return nil
}

func joinPrev(prev []string) string {
	out := make([]string, len(prev))
	for i, p := range prev {
		if p == "" {
			p = "-"
		}
		out[i] = p
	}
	return url.QueryEscape(strings.Join(out, ","))
}

// rows turns search hits into table rows. A masked hit the customer has
// revealed before is shown in full: the reveal is read from the store
// (contact_reveals) and the contact re-read, never unmasked here.
func (s *Server) rows(r *http.Request, v *viewer, hits []search.ContactHit) ([]contactRow, error) {
	var masked []int64
	for _, h := range hits {
		if h.AccessType != pursuit.AccessFull {
			masked = append(masked, h.Contact.ContactID)
		}
	}
	revealed := map[int64]bool{}
	if len(masked) > 0 {
		var err error
		if revealed, err = s.store.RevealedContacts(r.Context(), v.customerID(), masked); err != nil {
			return nil, err
		}
	}
	out := make([]contactRow, 0, len(hits))
	for _, h := range hits {
		c := h.Contact
		row := contactRow{
			ID: c.ContactID, Name: c.Name, Title: c.Title, Department: c.Department, PlaceID: c.PlaceID,
			PlaceName: h.PlaceName, StateAbbr: h.StateAbbr, Email: c.Email, Phone: c.Phone,
			Masked: h.AccessType != pursuit.AccessFull, Function: h.Function, Seniority: h.Seniority,
			VerifiedAt: fmtDate(c.VerifiedAt),
		}
		if row.Masked && revealed[c.ContactID] {
			full, err := s.store.GetContact(r.Context(), c.ContactID)
			if err != nil {
				return nil, err
			}
			row.Email, row.Phone, row.Masked, row.Revealed = full.Email, full.Phone, false, true
		}
		out = append(out, row)
	}
	return out, nil
}

// facetsOf builds the sidebar's groups from the index's facet counts,
// keeping checked values the counts do not list (with count 0).
func facetsOf(f map[string][]search.Bucket, selected map[string]map[string]bool) []facetGroup {
	var out []facetGroup
	for _, fn := range facetNames {
		g := facetGroup{Name: fn.facet, Label: fn.label}
		seen := map[string]bool{}
		for _, b := range f[fn.facet] {
			if b.Value == "" {
				continue
			}
			g.Options = append(g.Options, facetOption{Param: fn.facet, Value: b.Value, Label: optionLabel(fn.facet, b.Value), Count: b.Count,
				Checked: selected[fn.facet][b.Value] || selectedFold(selected[fn.facet], b.Value)})
			seen[strings.ToLower(b.Value)] = true
		}
		for val := range selected[fn.facet] {
			if val != "" && !seen[strings.ToLower(val)] {
				g.Options = append(g.Options, facetOption{Param: fn.facet, Value: val, Label: optionLabel(fn.facet, val), Checked: true})
			}
		}
		for i := range g.Options {
			g.Options[i].ID = "f-" + fn.facet + "-" + itoa(i)
		}
		out = append(out, g)
	}
	return out
}

func selectedFold(sel map[string]bool, v string) bool {
	for k := range sel {
		if strings.EqualFold(k, v) {
			return true
		}
	}
	return false
}

func optionLabel(facet, v string) string {
	switch facet {
	case search.FacetPlaceType, search.FacetFunction, search.FacetSeniority:
		return label(v)
	}
	return v
}
