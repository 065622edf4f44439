package pursuit

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEndpoint is a customer's receiver of feed events, signed per the
// Standard Webhooks specification with Secret ("whsec_" + base64). After
// a rotation the previous secret signs too until OldSecretExpiresAt.
type WebhookEndpoint struct {
	EndpointID  int64  `json:"endpoint_id"`
	CustomerID  int64  `json:"customer_id"`
	URL         string `json:"url"`
	Description string `json:"description"`
	// EventTypes are the types delivered; empty means every type.
	EventTypes         []string  `json:"event_types"`
	Secret             string    `json:"-"`
	OldSecret          string    `json:"-"`
	OldSecretExpiresAt time.Time `json:"old_secret_expires_at,omitzero"`
	// DisabledAt is set when deliveries kept failing (DisabledReason says
	// why) or the customer disabled it; a disabled endpoint gets nothing.
	DisabledAt     time.Time `json:"disabled_at,omitzero"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Takes reports whether the endpoint is enabled and takes events of type t.
func (e *WebhookEndpoint) Takes(t string) bool {
	return e.DisabledAt.IsZero() && (len(e.EventTypes) == 0 || slices.Contains(e.EventTypes, t))
}

// Validate checks an endpoint's URL, description and event types. Whether
// the URL's host may be dialled (SSRF) is the sender's check, at creation
// and at every dial.
func (e *WebhookEndpoint) Validate() error {
	if e.CustomerID <= 0 {
		return FieldErrorf(EINVALID, "customer_id", "an endpoint needs a customer")
	}
	if len(e.URL) > 2000 {
		return FieldErrorf(EINVALID, "url", "at most 2000 bytes, not %d", len(e.URL))
	}
	u, err := url.Parse(e.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return FieldErrorf(EINVALID, "url", "%q is not an http(s) URL without credentials or fragment", e.URL)
	}
	if len(e.Description) > 500 {
		return FieldErrorf(EINVALID, "description", "at most 500 bytes, not %d", len(e.Description))
	}
	for _, t := range e.EventTypes {
		if !slices.Contains(EventTypes, t) {
			return FieldErrorf(EINVALID, "event_types", "unknown event type %q; one of %s", t, strings.Join(EventTypes, ", "))
		}
	}
	return nil
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // gave up: retries exhausted or endpoint disabled
)

// WebhookDelivery is one event queued for one endpoint. Its MessageID
// (the webhook-id header) is the same on every attempt and redelivery.
type WebhookDelivery struct {
	DeliveryID    int64     `json:"delivery_id"`
	EndpointID    int64     `json:"endpoint_id"`
	CustomerID    int64     `json:"customer_id"`
	EventID       int64     `json:"-"`
	MessageID     string    `json:"message_id"`
	Type          string    `json:"type"`
	Status        string    `json:"status"`
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	// LastStatus is the HTTP status of the last attempt (0: no response),
	// LastError what went wrong, LastLatency how long it took, and
	// Response the start of the response body.
	LastStatus  int           `json:"last_status,omitempty"`
	LastError   string        `json:"last_error,omitempty"`
	LastLatency time.Duration `json:"last_latency_ns,omitempty"`
	Response    string        `json:"response_excerpt,omitempty"`
	CreatedAt   time.Time     `json:"created_at"`
	DeliveredAt time.Time     `json:"delivered_at,omitzero"`
	// Payload is the body sent: the event envelope, and Endpoint the
	// endpoint; both filled by ClaimDeliveries.
	Payload  []byte           `json:"-"`
	Endpoint *WebhookEndpoint `json:"-"`
}

// DeliveryResult is the outcome of one attempt, recorded by
// FinishDelivery.
type DeliveryResult struct {
	DeliveryID int64
	At         time.Time
	Status     int
	Error      string
	Latency    time.Duration
	Response   string
	// Delivered ends the delivery; otherwise it is retried at Next, or
	// given up (Failed) when Next is zero.
	Delivered bool
	Next      time.Time
	// DisableReason, when set, disables the endpoint with this reason
	// (and fails its pending deliveries).
	DisableReason string
}

// WebhookStore keeps webhook endpoints and deliveries.
type WebhookStore interface {
	CreateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	// GetWebhookEndpoint returns a customer's endpoint; another customer's
	// is ENOTFOUND.
	GetWebhookEndpoint(ctx context.Context, customerID, id int64) (WebhookEndpoint, error)
	// UpdateWebhookEndpoint replaces URL, description, event types,
	// secrets and the disabled state.
	UpdateWebhookEndpoint(ctx context.Context, e *WebhookEndpoint) error
	DeleteWebhookEndpoint(ctx context.Context, customerID, id int64) error
	ListWebhookEndpoints(ctx context.Context, customerID int64) ([]WebhookEndpoint, error)
	// ClaimDeliveries leases up to limit pending deliveries due at now
	// until now+lease, so that no other sender takes them meanwhile, and
	// returns them with their payload and endpoint.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]WebhookDelivery, error)
	// FinishDeliveries records attempts, in one transaction: each one's
	// delivery log row, its delivery's new state, and its endpoint's
	// disabling if asked.
	FinishDeliveries(ctx context.Context, rs []DeliveryResult) error
	// ListDeliveries returns an endpoint's deliveries, newest first, with
	// DeliveryID < before (0: from the newest).
	ListDeliveries(ctx context.Context, customerID, endpointID, before int64, limit int) ([]WebhookDelivery, error)
	// Redeliver makes a customer's delivery pending again, due at once,
	// with the same message id.
	Redeliver(ctx context.Context, customerID, deliveryID int64, now time.Time) error
	// PendingDeliveries counts deliveries still pending.
	PendingDeliveries(ctx context.Context) (int64, error)
}
