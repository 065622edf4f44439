package pursuit

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
