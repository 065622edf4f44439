package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/titles"
)

// Parameters of the search routes. Contact-only filters are rejected by
// places search.
var (
	commonSearchParams = []string{
		"q", "state", "place_type", "place_id", "population_min", "population_max",
		"vendor", "product", "category", "account_owner", "mapped",
		"limit", "cursor", "facets", "facet_size",
	}
	contactSearchParams = append(append([]string(nil), commonSearchParams...),
		"department", "function", "seniority", "email_status", "verified_since", "has_email", "has_phone")
	// rankParams are the contacts search route's own parameters of the
	// learned ranking (ranking.go): not part of a search a saved search
	// or the web app's search page keeps.
	rankParams = []string{"sort", "explain"}
)

// searchRequest reads a search.Request from the URL query.
func searchRequest(r *http.Request, contacts bool) (search.Request, error) {
	return searchRequestFrom(newParams(r), contacts)
}

// ParseContactSearch parses a contact search given as the URL query string
// of GET /v1/contacts/search ("q=finance+director&state=TX"), with the same
// rules and errors as that route. Saved searches and the web app's search
// page use it, so that there is one parser of a search.
func ParseContactSearch(rawQuery string) (search.Request, error) {
	v, err := parseQuery(rawQuery)
	return searchRequestFrom(&params{v: v, err: err}, true)
}

// searchRequestFrom reads a search.Request from parsed parameters.
func searchRequestFrom(p *params, contacts bool) (search.Request, error) {
	if contacts {
		p.only(contactSearchParams...)
	} else {
		p.only(commonSearchParams...)
	}
	req := search.Request{
		Q:             p.str("q"),
		States:        p.list("state"),
		PlaceTypes:    p.list("place_type"),
		PlaceIDs:      p.ids("place_id"),
		PopulationMin: p.intp("population_min"),
		PopulationMax: p.intp("population_max"),
		Vendors:       p.list("vendor"),
		Products:      p.list("product"),
		Categories:    p.list("category"),
		AccountOwner:  p.str("account_owner"),
		Mapped:        p.boolp("mapped"),
		Limit:         int(p.int64("limit", 0)),
		Cursor:        p.str("cursor"),
		FacetSize:     int(p.int64("facet_size", 0)),
	}
	if f := p.boolp("facets"); f != nil {
		req.Facets = *f
	}
	if contacts {
		req.Departments = p.v["department"] // departments may contain commas
		req.Functions = p.list("function")
		req.Seniorities = p.list("seniority")
		req.EmailStatuses = p.list("email_status")
		req.VerifiedSince = p.time("verified_since")
		req.HasEmail = p.boolp("has_email")
		req.HasPhone = p.boolp("has_phone")
	}
	if p.err != nil {
		return req, p.err
	}
	if req.Limit < 0 || req.Limit > search.MaxLimit {
		return req, pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be between 1 and %d", search.MaxLimit)
	}
	if req.FacetSize < 0 || req.FacetSize > search.MaxFacetSize {
		return req, pursuit.FieldErrorf(pursuit.EINVALID, "facet_size", "must be between 1 and %d", search.MaxFacetSize)
	}
	return req, nil
}

// customerOf returns the customer id of the request's key; customer
// routes only see customer keys.
func customerOf(r *http.Request) (pursuit.APIKey, int64) {
	k, _ := keyFrom(r.Context())
	return k, k.CustomerID
}

func (s *Server) handleSearchContacts(w http.ResponseWriter, r *http.Request) error {
	p := newParams(r)
	opt, err := rankOptions(p)
	if err != nil {
		return err
	}
	for _, n := range rankParams {
		delete(p.v, n)
	}
	req, err := searchRequestFrom(p, true)
	if err != nil {
		return err
	}
	ix, err := s.searchIndex()
	if err != nil {
		return err
	}
	return s.searchContactsRanked(w, r, ix, req, opt)
}

func (s *Server) handleSearchPlaces(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	req, err := searchRequest(r, false)
	if err != nil {
		return err
	}
	ix, err := s.searchIndex()
	if err != nil {
		return err
	}
	res, err := ix.SearchPlaces(cid, req)
	if err != nil {
		return err
	}
	if res.Hits == nil {
		res.Hits = []search.PlaceHit{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// ContactView is a contact as a customer sees it: masked unless the
// customer's effective access is full, with its place and its title's
// function and seniority.
type ContactView struct {
	Contact    pursuit.Contact `json:"contact"`
	PlaceName  string          `json:"place_name"`
	PlaceType  string          `json:"place_type"`
	StateAbbr  string          `json:"state_abbr"`
	Function   string          `json:"function"`
	Seniority  string          `json:"seniority"`
	AccessType string          `json:"access_type"`
}

func contactView(c pursuit.Contact, p pursuit.Place, access string) ContactView {
	f, sen := titles.Classify(c.Title, c.Department)
	return ContactView{
		Contact: c.Masked(access), PlaceName: p.Name, PlaceType: p.PlaceType, StateAbbr: p.StateAbbr,
		Function: f, Seniority: sen, AccessType: access,
	}
}

// visibleContact returns a contact the customer may see, masked as its
// access requires; ENOTFOUND otherwise.
func (s *Server) visibleContact(ctx context.Context, cid, id int64) (ContactView, error) {
	access, err := s.store.ContactAccess(ctx, cid, id)
	if err != nil {
		return ContactView{}, err
	}
	c, err := s.store.GetContact(ctx, id)
	if err != nil {
		return ContactView{}, err
	}
	p, err := s.store.GetPlace(ctx, c.PlaceID)
	if err != nil {
		return ContactView{}, err
	}
	return contactView(c, p, access), nil
}

func (s *Server) handleCustomerContact(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	id, err := pathID(r, "contact_id")
	if err != nil {
		return err
	}
	act, err := actionParams(r)
	if err != nil {
		return err
	}
	v, err := s.visibleContact(r.Context(), cid, id)
	if err != nil {
		return err
	}
	s.record(r, act, pursuit.EventOpenContact, id, v.Contact.PlaceID)
	writeJSON(w, http.StatusOK, v)
	return nil
}

// PlaceView is a place as a customer sees it: the place, its visible
// contacts (masked as their access requires, paged by contact_id), its tech
// stack and the customer's own CRM mappings of the place and of the listed
// contacts.
type PlaceView struct {
	Place             pursuit.Place             `json:"place"`
	AccessType        string                    `json:"access_type"`
	Contacts          []ContactView             `json:"contacts"`
	ContactsNextAfter int64                     `json:"contacts_next_after,omitempty"`
	TechStack         []pursuit.TechStack       `json:"tech_stack"`
	Mappings          []pursuit.CustomerMapping `json:"mappings"`
}

func (s *Server) handleCustomerPlace(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	id, err := pathID(r, "place_id")
	if err != nil {
		return err
	}
	p := newParams(r)
	p.only("contacts_after", "contacts_limit", "search_id", "position")
	after := p.int64("contacts_after", 0)
	limit := int(p.int64("contacts_limit", 500))
	if p.err != nil {
		return p.err
	}
	if limit < 1 || limit > pursuit.MaxListLimit {
		return pursuit.FieldErrorf(pursuit.EINVALID, "contacts_limit", "must be between 1 and %d", pursuit.MaxListLimit)
	}
	if _, err := actionParams(r); err != nil {
		return err
	}
	ctx := r.Context()
	placeAccess, err := s.store.PlaceAccess(ctx, cid, id)
	if err != nil {
		return err
	}
	place, err := s.store.GetPlace(ctx, id)
	if err != nil {
		return err
	}
	v := PlaceView{Place: place, AccessType: placeAccess, Contacts: []ContactView{}}
	cs, err := s.store.ListContactsByPlace(ctx, id, pursuit.ListOptions{After: after, Limit: limit})
	if err != nil {
		return err
	}
	listed := make(map[int64]bool, len(cs))
	for _, c := range cs {
		access := placeAccess
		if access != pursuit.AccessFull {
			// A contact grant may make a contact of a masked place full.
			if a, err := s.store.ContactAccess(ctx, cid, c.ContactID); err == nil {
				access = a
			} else if pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
				return err
			}
		}
		v.Contacts = append(v.Contacts, contactView(c, place, access))
		listed[c.ContactID] = true
	}
	if len(cs) == limit {
		v.ContactsNextAfter = cs[len(cs)-1].ContactID
	}
	if v.TechStack, err = s.store.ListTechStackByPlace(ctx, id); err != nil {
		return err
	}
	if v.TechStack == nil {
		v.TechStack = []pursuit.TechStack{}
	}
	ms, err := s.store.ListCustomerMappingsOfPlace(ctx, cid, id)
	if err != nil {
		return err
	}
	v.Mappings = []pursuit.CustomerMapping{}
	for _, m := range ms {
		// The place's own mappings, and those of the contacts listed on
		// this page.
		if m.PlaceID == id || m.ContactID != 0 && listed[m.ContactID] {
			v.Mappings = append(v.Mappings, m)
		}
	}
	s.record(r, action{searchID: p.str("search_id"), position: int(p.int64("position", 0))}, pursuit.EventOpenPlace, 0, id)
	writeJSON(w, http.StatusOK, v)
	return nil
}

// MappingView is the answer of a look-up by external_crm_id: the mapping
// and the place or the contact it maps, as the customer may see it.
type MappingView struct {
	Mapping pursuit.CustomerMapping `json:"mapping"`
	Place   *pursuit.Place          `json:"place,omitempty"`
	Contact *ContactView            `json:"contact,omitempty"`
}

func (s *Server) handleLookupMapping(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	ext := r.PathValue("external_crm_id")
	if err := pursuit.CheckText("external_crm_id", ext); err != nil {
		return err
	}
	ctx := r.Context()
	m, err := s.store.FindCustomerMapping(ctx, cid, ext)
	if err != nil {
		return err
	}
	v := MappingView{Mapping: m}
	switch {
	case m.PlaceID != 0:
		if _, err := s.store.PlaceAccess(ctx, cid, m.PlaceID); err != nil {
			return err
		}
		p, err := s.store.GetPlace(ctx, m.PlaceID)
		if err != nil {
			return err
		}
		v.Place = &p
	case m.ContactID != 0:
		c, err := s.visibleContact(ctx, cid, m.ContactID)
		if err != nil {
			return err
		}
		v.Contact = &c
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// AccountsView is "my accounts": the first page of the places and the
// contacts the customer's own CRM mappings assign to one account owner.
// The search routes' account_owner filter pages further.
type AccountsView struct {
	AccountOwner string               `json:"account_owner"`
	Places       search.PlaceResult   `json:"places"`
	Contacts     search.ContactResult `json:"contacts"`
}

func (s *Server) handleMyAccounts(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	p := newParams(r)
	p.only("owner", "limit")
	owner := p.str("owner")
	limit := int(p.int64("limit", search.DefaultLimit))
	if p.err != nil {
		return p.err
	}
	if owner == "" {
		return pursuit.FieldErrorf(pursuit.EINVALID, "owner", "is required: the account_owner whose accounts to list")
	}
	if limit < 1 || limit > search.MaxLimit {
		return pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be between 1 and %d", search.MaxLimit)
	}
	ix, err := s.searchIndex()
	if err != nil {
		return err
	}
	v := AccountsView{AccountOwner: owner}
	if v.Places, err = ix.SearchPlaces(cid, search.Request{AccountOwner: owner, Limit: limit}); err != nil {
		return err
	}
	if v.Contacts, err = ix.SearchContacts(cid, search.Request{AccountOwner: owner, Limit: limit}); err != nil {
		return err
	}
	if v.Places.Hits == nil {
		v.Places.Hits = []search.PlaceHit{}
	}
	if v.Contacts.Hits == nil {
		v.Contacts.Hits = []search.ContactHit{}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// MeView describes the caller: its key and its customer.
type MeView struct {
	APIKey   pursuit.APIKey   `json:"api_key"`
	Customer pursuit.Customer `json:"customer"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	k, cid := customerOf(r)
	c, err := s.store.GetCustomer(r.Context(), cid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MeView{APIKey: k, Customer: c})
	return nil
}

// RevealView is the answer of a reveal: the contact unmasked, whether a
// credit was taken, and the credits left.
type RevealView struct {
	ContactView
	Charged       bool  `json:"charged"`
	RevealCredits int64 `json:"reveal_credits"`
}

// handleReveal unmasks a contact for the customer: the first reveal of a
// masked contact takes one reveal credit, later ones are free, and each
// writes an audit row. A contact the customer sees in full is returned
// without a charge or an audit row.
func (s *Server) handleReveal(w http.ResponseWriter, r *http.Request) error {
	k, cid := customerOf(r)
	id, err := pathID(r, "contact_id")
	if err != nil {
		return err
	}
	act, err := actionParams(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v, err := s.visibleContact(ctx, cid, id)
	if err != nil {
		return err
	}
	s.record(r, act, pursuit.EventReveal, id, v.Contact.PlaceID)
	out := RevealView{ContactView: v}
	if v.AccessType != pursuit.AccessFull {
		rev := pursuit.Reveal{APIKeyID: k.APIKeyID, CustomerID: cid, ContactID: id, RevealedAt: s.now().UTC().Truncate(time.Microsecond)}
		charged, err := s.store.RevealContact(ctx, &rev)
		if pursuit.ErrorCode(err) == pursuit.EPAYMENT {
			return &pursuit.Error{Code: pursuit.EPAYMENT, Err: err, Message: "no reveal credits left: revealing a contact for the first time " +
				"takes one credit, and this customer has none; contacts already revealed stay free. Ask your Pursuit administrator for more credits."}
		} else if err != nil {
			return err
		}
		out.Charged = charged
		c, err := s.store.GetContact(ctx, id)
		if err != nil {
			return err
		}
		out.Contact = c
	}
	cust, err := s.store.GetCustomer(ctx, cid)
	if err != nil {
		return err
	}
	out.RevealCredits = cust.RevealCredits
	writeJSON(w, http.StatusOK, out)
	return nil
}
