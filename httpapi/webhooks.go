package httpapi

import (
	"net/http"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
)

// DefaultRotationGrace is how long a rotated-out secret keeps signing.
const DefaultRotationGrace = 24 * time.Hour

// EndpointBody is the body of creating or changing a webhook endpoint;
// absent fields are kept on PATCH.
type EndpointBody struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	EventTypes  *[]string `json:"event_types"`
	// Enabled false disables the endpoint; true enables a disabled one
	// and clears its reason.
	Enabled *bool `json:"enabled"`
}

// EndpointView is an endpoint as the API shows it; Secret only in the
// answers that create or rotate it.
type EndpointView struct {
	pursuit.WebhookEndpoint
	Enabled bool   `json:"enabled"`
	Secret  string `json:"secret,omitempty"`
}

func endpointView(e pursuit.WebhookEndpoint, secret bool) EndpointView {
	if e.EventTypes == nil {
		e.EventTypes = []string{}
	}
	v := EndpointView{WebhookEndpoint: e, Enabled: e.DisabledAt.IsZero()}
	if secret {
		v.Secret = e.Secret
	}
	return v
}

// apply copies the given fields of b into e and checks the URL against
// the SSRF rule.
func (s *Server) applyEndpoint(r *http.Request, e *pursuit.WebhookEndpoint, b EndpointBody) error {
	if b.URL != nil {
		e.URL = *b.URL
	}
	if b.Description != nil {
		e.Description = *b.Description
	}
	if b.EventTypes != nil {
		e.EventTypes = *b.EventTypes
	}
	if b.Enabled != nil {
		switch {
		case *b.Enabled:
			e.DisabledAt, e.DisabledReason = time.Time{}, ""
		case e.DisabledAt.IsZero():
			e.DisabledAt, e.DisabledReason = s.now(), "disabled by the customer"
		}
	}
	if err := e.Validate(); err != nil {
		return err
	}
	return feed.CheckURL(r.Context(), e.URL, s.cfg.WebhooksAllowPrivate)
}

func (s *Server) handleCreateEndpoint(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	var b EndpointBody
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &b); err != nil {
		return err
	}
	if b.URL == nil {
		return pursuit.FieldErrorf(pursuit.EINVALID, "url", "is required")
	}
	e := pursuit.WebhookEndpoint{CustomerID: cid, Secret: feed.NewSecret()}
	if err := s.applyEndpoint(r, &e, b); err != nil {
		return err
	}
	if err := s.store.CreateWebhookEndpoint(r.Context(), &e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, endpointView(e, true))
	return nil
}

func (s *Server) handleListEndpoints(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	eps, err := s.store.ListWebhookEndpoints(r.Context(), cid)
	if err != nil {
		return err
	}
	out := []EndpointView{}
	for _, e := range eps {
		out = append(out, endpointView(e, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"endpoints": out})
	return nil
}

// endpointOf reads the path's endpoint of the request's customer;
// another customer's is ENOTFOUND.
func (s *Server) endpointOf(r *http.Request) (pursuit.WebhookEndpoint, error) {
	_, cid := customerOf(r)
	id, err := pathID(r, "endpoint_id")
	if err != nil {
		return pursuit.WebhookEndpoint{}, err
	}
	return s.store.GetWebhookEndpoint(r.Context(), cid, id)
}

func (s *Server) handleGetEndpoint(w http.ResponseWriter, r *http.Request) error {
	e, err := s.endpointOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endpointView(e, false))
	return nil
}

func (s *Server) handleUpdateEndpoint(w http.ResponseWriter, r *http.Request) error {
	e, err := s.endpointOf(r)
	if err != nil {
		return err
	}
	var b EndpointBody
	if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &b); err != nil {
		return err
	}
	if err := s.applyEndpoint(r, &e, b); err != nil {
		return err
	}
	if err := s.store.UpdateWebhookEndpoint(r.Context(), &e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endpointView(e, false))
	return nil
}

func (s *Server) handleDeleteEndpoint(w http.ResponseWriter, r *http.Request) error {
	e, err := s.endpointOf(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteWebhookEndpoint(r.Context(), e.CustomerID, e.EndpointID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// RotateBody is the body of rotating an endpoint's secret.
type RotateBody struct {
	// GraceSeconds is how long the old secret keeps signing (default a
	// day, at most a week; 0 ends it at once).
	GraceSeconds *int64 `json:"grace_seconds"`
}

// handleRotateEndpoint gives the endpoint a new secret; the old one signs
// too until the grace period ends, so receivers can switch without
// losing a message.
func (s *Server) handleRotateEndpoint(w http.ResponseWriter, r *http.Request) error {
	e, err := s.endpointOf(r)
	if err != nil {
		return err
	}
	var b RotateBody
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &b); err != nil {
			return err
		}
	}
	grace := DefaultRotationGrace
	if b.GraceSeconds != nil {
		if *b.GraceSeconds < 0 || *b.GraceSeconds > 7*86400 {
			return pursuit.FieldErrorf(pursuit.EINVALID, "grace_seconds", "must be 0 to %d, not %d", 7*86400, *b.GraceSeconds)
		}
		grace = time.Duration(*b.GraceSeconds) * time.Second
	}
	RotateSecret(&e, s.now(), grace)
	if err := s.store.UpdateWebhookEndpoint(r.Context(), &e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, endpointView(e, true))
	return nil
}

// RotateSecret gives e a new secret, keeping the current one signing
// until now+grace (none when grace is 0).
func RotateSecret(e *pursuit.WebhookEndpoint, now time.Time, grace time.Duration) {
	e.OldSecret, e.OldSecretExpiresAt = "", time.Time{}
	if grace > 0 {
		e.OldSecret, e.OldSecretExpiresAt = e.Secret, now.Add(grace).UTC().Truncate(time.Microsecond)
	}
	e.Secret = feed.NewSecret()
}

func (s *Server) handleListDeliveries(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	id, err := pathID(r, "endpoint_id")
	if err != nil {
		return err
	}
	p := newParams(r)
	p.only("before", "limit")
	before, limit := p.int64("before", 0), p.int64("limit", 50)
	if p.err != nil {
		return p.err
	}
	if limit < 1 || limit > 1000 {
		return pursuit.FieldErrorf(pursuit.EINVALID, "limit", "must be 1 to 1000, not %d", limit)
	}
	ds, err := s.store.ListDeliveries(r.Context(), cid, id, before, int(limit))
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []pursuit.WebhookDelivery{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
	return nil
}

func (s *Server) handleRedeliver(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	id, err := pathID(r, "delivery_id")
	if err != nil {
		return err
	}
	if err := s.store.Redeliver(r.Context(), cid, id, s.now()); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"delivery_id": id, "status": pursuit.DeliveryPending})
	return nil
}
