package pursuit

import (
	"context"
	"time"
)

// MaxHashLen bounds the length of a stored API key hash, in bytes.
const MaxHashLen = 128

// Validate checks an API key before a store saves it: a known role, a
// customer for customer keys and none for admin keys, and a hash.
func (k *APIKey) Validate() error {
	var role, customer, hash error
	switch k.Role {
	case RoleAdmin:
		if k.CustomerID != 0 {
			customer = FieldErrorf(EINVALID, "customer_id", "must be empty for an %s key", RoleAdmin)
		}
	case RoleCustomer:
		if k.CustomerID <= 0 {
			customer = FieldErrorf(EINVALID, "customer_id", "is required for a %s key", RoleCustomer)
		}
	default:
		role = FieldErrorf(EINVALID, "role", "must be %q or %q, not %q", RoleAdmin, RoleCustomer, k.Role)
	}
	if len(k.Hash) == 0 || len(k.Hash) > MaxHashLen {
		hash = FieldErrorf(EINVALID, "hash", "must be 1 to %d bytes, not %d", MaxHashLen, len(k.Hash))
	}
	return firstErr(
		checkID("api_key_id", k.APIKeyID, false),
		role, customer, hash,
		checkText("name", k.Name, MaxNameLen, false),
		checkText("prefix", k.Prefix, MaxIDLen, false),
	)
}

// Validate checks a reveal before a store records it.
func (r *Reveal) Validate() error {
	return firstErr(
		checkID("customer_id", r.CustomerID, true),
		checkID("contact_id", r.ContactID, true),
		checkID("api_key_id", r.APIKeyID, false),
	)
}

// CustomerKeyStore lists and revokes the API keys of one customer, for a
// customer admin's page: the scoping is in the query, so that page never
// reads another customer's keys.
type CustomerKeyStore interface {
	// ListCustomerAPIKeys returns the customer's own keys (role customer,
	// revoked or not) by api_key_id.
	ListCustomerAPIKeys(ctx context.Context, customerID int64) ([]APIKey, error)
	// RevokeCustomerAPIKey revokes key id when it is one of the customer's
	// and returns it; a key revoked before keeps its revoked_at. A key of
	// another customer, an admin key and a key that does not exist are
	// ENOTFOUND with the same message.
	RevokeCustomerAPIKey(ctx context.Context, customerID, id int64, at time.Time) (APIKey, error)
}
