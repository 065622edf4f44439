package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// Page is the body of admin list responses: the rows and the key to pass
// as after= for the next page (0 when this page is the last).
type Page[T any] struct {
	Items     []T   `json:"items"`
	NextAfter int64 `json:"next_after,omitempty"`
}

func page[T any](items []T, limit int, key func(T) int64) Page[T] {
	p := Page[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(items) == limit && limit > 0 {
		p.NextAfter = key(items[len(items)-1])
	}
	return p
}

// servePage answers a list route: it reads after= and limit= (and no other
// query parameter), lists one page and writes it as a Page keyed by key.
func servePage[T any](w http.ResponseWriter, r *http.Request, list func(context.Context, pursuit.ListOptions) ([]T, error), key func(T) int64) error {
	p := newParams(r)
	p.only("after", "limit")
	opt := p.listOptions()
	if p.err != nil {
		return p.err
	}
	items, err := list(r.Context(), opt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(items, opt.Limit, key))
	return nil
}

// serveCustomerPage is servePage for a list of one customer's rows, the
// customer named by the customer_id path parameter.
func serveCustomerPage[T any](w http.ResponseWriter, r *http.Request, list func(context.Context, int64, pursuit.ListOptions) ([]T, error), key func(T) int64) error {
	id, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	return servePage(w, r, func(ctx context.Context, opt pursuit.ListOptions) ([]T, error) {
		return list(ctx, id, opt)
	}, key)
}

// pathIDs reads two positive integer path parameters.
func pathIDs(r *http.Request, name1, name2 string) (int64, int64, error) {
	id1, err := pathID(r, name1)
	if err != nil {
		return 0, 0, err
	}
	id2, err := pathID(r, name2)
	if err != nil {
		return 0, 0, err
	}
	return id1, id2, nil
}

// customerInput is the body of POST /v1/admin/customers.
type customerInput struct {
	CustomerID    int64  `json:"customer_id"`
	Name          string `json:"name"`
	Email         string `json:"email"`
	RevealCredits int64  `json:"reveal_credits"`
}

// customerPatch is the body of PATCH /v1/admin/customers/{id}: only the
// fields present change.
type customerPatch struct {
	Name          *string `json:"name"`
	Email         *string `json:"email"`
	RevealCredits *int64  `json:"reveal_credits"`
}

func (s *Server) handleListCustomers(w http.ResponseWriter, r *http.Request) error {
	return servePage(w, r, s.store.ListCustomers, func(c pursuit.Customer) int64 { return c.CustomerID })
}

func (s *Server) handleCreateCustomer(w http.ResponseWriter, r *http.Request) error {
	var in customerInput
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	c := pursuit.Customer{CustomerID: in.CustomerID, Name: in.Name, Email: in.Email, RevealCredits: in.RevealCredits}
	if err := s.store.CreateCustomer(r.Context(), &c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) handleGetCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	c, err := s.store.GetCustomer(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleUpdateCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	var in customerPatch
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	c, err := s.store.GetCustomer(r.Context(), id)
	if err != nil {
		return err
	}
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.Email != nil {
		c.Email = *in.Email
	}
	if in.RevealCredits != nil {
		c.RevealCredits = *in.RevealCredits
	}
	if err := s.store.UpdateCustomer(r.Context(), &c); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) handleDeleteCustomer(w http.ResponseWriter, r *http.Request) error {
	return s.serveDelete(w, r, "customer_id", func(ctx context.Context, id int64) error {
		if err := s.store.DeleteCustomer(ctx, id); err != nil {
			return err
		}
		s.forget(ctx, 0, id)
		return nil
	})
}

// serveDelete answers a delete route: it deletes the row named by the
// idParam path parameter and answers 204 No Content.
func (s *Server) serveDelete(w http.ResponseWriter, r *http.Request, idParam string, del func(context.Context, int64) error) error {
	id, err := pathID(r, idParam)
	if err != nil {
		return err
	}
	if err := del(r.Context(), id); err != nil {
		return err
	}
	s.notify()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// accessInput is the body of the single-grant routes.
type accessInput struct {
	AccessType string `json:"access_type"`
}

func (s *Server) handleListPlaceGrants(w http.ResponseWriter, r *http.Request) error {
	return serveCustomerPage(w, r, s.store.ListPlaceGrants, func(g pursuit.CustomerPlaceRelation) int64 { return g.PlaceID })
}

func (s *Server) handlePutPlaceGrant(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := pathIDs(r, "customer_id", "place_id")
	if err != nil {
		return err
	}
	var in accessInput
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	g := pursuit.CustomerPlaceRelation{CustomerID: cid, PlaceID: pid, AccessType: in.AccessType}
	if err := s.store.PutPlaceGrant(r.Context(), &g); err != nil {
		return err
	}
	s.notify()
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) handleDeletePlaceGrant(w http.ResponseWriter, r *http.Request) error {
	cid, pid, err := pathIDs(r, "customer_id", "place_id")
	if err != nil {
		return err
	}
	if err := s.store.DeletePlaceGrant(r.Context(), cid, pid); err != nil {
		return err
	}
	s.notify()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleListContactGrants(w http.ResponseWriter, r *http.Request) error {
	return serveCustomerPage(w, r, s.store.ListContactGrants, func(g pursuit.CustomerContactRelation) int64 { return g.ContactID })
}

func (s *Server) handlePutContactGrant(w http.ResponseWriter, r *http.Request) error {
	cid, kid, err := pathIDs(r, "customer_id", "contact_id")
	if err != nil {
		return err
	}
	var in accessInput
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	g := pursuit.CustomerContactRelation{CustomerID: cid, ContactID: kid, AccessType: in.AccessType}
	if err := s.store.PutContactGrant(r.Context(), &g); err != nil {
		return err
	}
	s.notify()
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) handleDeleteContactGrant(w http.ResponseWriter, r *http.Request) error {
	cid, kid, err := pathIDs(r, "customer_id", "contact_id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteContactGrant(r.Context(), cid, kid); err != nil {
		return err
	}
	s.notify()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiKeyInput is the body of POST /v1/admin/api-keys.
type apiKeyInput struct {
	Role       string `json:"role"`
	CustomerID int64  `json:"customer_id"`
	Name       string `json:"name"`
}

// CreatedKey is the response of creating an API key: the row and the key
// itself, shown this once.
type CreatedKey struct {
	pursuit.APIKey
	Key string `json:"key"`
}

func (s *Server) handleListAPIKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.store.ListAPIKeys(r.Context())
	if err != nil {
		return err
	}
	if ks == nil {
		ks = []pursuit.APIKey{}
	}
	writeJSON(w, http.StatusOK, Page[pursuit.APIKey]{Items: ks})
	return nil
}

func (s *Server) handleCreateAPIKey(w http.ResponseWriter, r *http.Request) error {
	var in apiKeyInput
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &in); err != nil {
		return err
	}
	switch in.Role {
	case pursuit.RoleAdmin:
		if in.CustomerID != 0 {
			return pursuit.FieldErrorf(pursuit.EINVALID, "customer_id", "must be absent for an admin key")
		}
	case pursuit.RoleCustomer:
		if in.CustomerID <= 0 {
			return pursuit.FieldErrorf(pursuit.EINVALID, "customer_id", "is required for a customer key")
		}
	default:
		return pursuit.FieldErrorf(pursuit.EINVALID, "role", "must be %q or %q, not %q", pursuit.RoleAdmin, pursuit.RoleCustomer, in.Role)
	}
	k, key, err := NewAPIKey(in.Role, in.CustomerID, strings.TrimSpace(in.Name), s.now())
	if err != nil {
		return err
	}
	if err := s.store.CreateAPIKey(r.Context(), &k); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, CreatedKey{APIKey: k, Key: key})
	return nil
}

func (s *Server) handleRevokeAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "api_key_id")
	if err != nil {
		return err
	}
	if err := s.store.RevokeAPIKey(r.Context(), id, s.now().UTC().Truncate(time.Microsecond)); err != nil {
		return err
	}
	s.forget(r.Context(), id, 0)
	s.notify()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
