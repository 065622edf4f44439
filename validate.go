package pursuit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field length limits, in characters. They bound what a row can carry into
// the stores, the index and the lake.
const (
	MaxNameLen   = 300
	MaxTextLen   = 300
	MaxEmailLen  = 254
	MaxPhoneLen  = 40
	MaxDomainLen = 253
	MaxIDLen     = 64
)

// validStateAbbr reports whether s is two upper-case ASCII letters.
func validStateAbbr(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// validEmail reports whether s looks like local@domain.tld: one '@' with
// something before it, a dot in the domain with something on both sides,
// and no white space. It is the check the old regular expression
// `^[^@\s]+@[^@\s]+\.[^@\s]+$` made, written out because it runs for
// every contact of an import.
func validEmail(s string) bool {
	at := -1
	for i, r := range s {
		switch {
		case r == '@':
			if at >= 0 {
				return false
			}
			at = i
		case unicode.IsSpace(r):
			return false
		}
	}
	if at <= 0 {
		return false
	}
	domain := s[at+1:]
	return len(domain) >= 3 && strings.IndexByte(domain[1:len(domain)-1], '.') >= 0
}

func checkText(field, v string, max int, required bool) error {
	if !utf8.ValidString(v) {
		return FieldErrorf(EINVALID, field, "is not valid UTF-8")
	}
	if required && strings.TrimSpace(v) == "" {
		return FieldErrorf(EINVALID, field, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return FieldErrorf(EINVALID, field, "is %d characters long, more than the limit of %d", n, max)
	}
	return nil
}

func checkEmail(field, v string) error {
	if err := checkText(field, v, MaxEmailLen, false); err != nil {
		return err
	}
	if v != "" && !validEmail(v) {
		return FieldErrorf(EINVALID, field, "%q is not an email address", v)
	}
	return nil
}

func checkAccess(v string) error {
	if v != AccessFull && v != AccessMasked {
		return FieldErrorf(EINVALID, "access_type", "must be %q or %q, not %q", AccessFull, AccessMasked, v)
	}
	return nil
}

func checkID(field string, v int64, required bool) error {
	if v < 0 || (required && v == 0) {
		return FieldErrorf(EINVALID, field, "must be a positive integer, not %d", v)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ValidPlaceType reports whether t is one of PlaceTypes.
func ValidPlaceType(t string) bool {
	for _, v := range PlaceTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Validate checks a customer's fields.
func (c *Customer) Validate() error {
	var credits error
	if c.RevealCredits < 0 {
		credits = FieldErrorf(EINVALID, "reveal_credits", "must not be negative")
	}
	return firstErr(
		checkID("customer_id", c.CustomerID, false),
		checkText("name", c.Name, MaxNameLen, true),
		checkEmail("email", c.Email),
		credits,
	)
}

// Validate checks a place's fields.
func (p *Place) Validate() error {
	var typ, state, pop error
	if !ValidPlaceType(p.PlaceType) {
		typ = FieldErrorf(EINVALID, "place_type", "%q is not one of %s", p.PlaceType, strings.Join(PlaceTypes, ", "))
	}
	if !validStateAbbr(p.StateAbbr) {
		state = FieldErrorf(EINVALID, "state_abbr", "%q is not a two-letter upper-case state abbreviation", p.StateAbbr)
	}
	if p.Population < 0 {
		pop = FieldErrorf(EINVALID, "population", "must not be negative")
	}
	return firstErr(
		checkID("place_id", p.PlaceID, false),
		checkText("name", p.Name, MaxNameLen, true),
		typ, state,
		checkText("county", p.County, MaxNameLen, false),
		pop,
		checkText("website", p.Website, MaxDomainLen, false),
		checkText("email_domain", p.EmailDomain, MaxDomainLen, false),
		checkText("geoid", p.GEOID, MaxIDLen, false),
		checkText("nces_id", p.NCESID, MaxIDLen, false),
		checkText("account_owner", p.AccountOwner, MaxNameLen, false),
	)
}

// Validate checks a contact's fields.
func (c *Contact) Validate() error {
	return firstErr(
		checkID("contact_id", c.ContactID, false),
		checkID("place_id", c.PlaceID, true),
		checkText("name", c.Name, MaxNameLen, true),
		checkText("first_name", c.FirstName, MaxNameLen, false),
		checkText("last_name", c.LastName, MaxNameLen, false),
		checkEmail("email", c.Email),
		checkText("phone", c.Phone, MaxPhoneLen, false),
		checkText("title", c.Title, MaxTextLen, false),
		checkText("department", c.Department, MaxTextLen, false),
		checkText("account_owner", c.AccountOwner, MaxNameLen, false),
	)
}

// Validate checks a tech_stack row.
func (t *TechStack) Validate() error {
	return firstErr(
		checkID("tech_stack_id", t.TechStackID, false),
		checkID("place_id", t.PlaceID, true),
		checkText("vendor", t.Vendor, MaxNameLen, true),
		checkText("product", t.Product, MaxNameLen, false),
		checkText("category", t.Category, MaxNameLen, true),
	)
}

// Validate checks a contact grant.
func (g *CustomerContactRelation) Validate() error {
	return firstErr(
		checkID("customer_id", g.CustomerID, true),
		checkID("contact_id", g.ContactID, true),
		checkAccess(g.AccessType),
	)
}

// Validate checks a place grant.
func (g *CustomerPlaceRelation) Validate() error {
	return firstErr(
		checkID("customer_id", g.CustomerID, true),
		checkID("place_id", g.PlaceID, true),
		checkAccess(g.AccessType),
	)
}

// Validate checks a CRM mapping: exactly one of place_id and contact_id.
func (m *CustomerMapping) Validate() error {
	var target error
	if (m.PlaceID == 0) == (m.ContactID == 0) {
		target = FieldErrorf(EINVALID, "place_id", "exactly one of place_id and contact_id must be set")
	}
	return firstErr(
		checkID("customer_mapping_id", m.CustomerMappingID, false),
		checkID("customer_id", m.CustomerID, true),
		checkText("external_crm_id", m.ExternalCRMID, MaxIDLen*2, true),
		checkID("place_id", m.PlaceID, false),
		checkID("contact_id", m.ContactID, false),
		target,
		checkText("account_owner", m.AccountOwner, MaxNameLen, false),
	)
}
