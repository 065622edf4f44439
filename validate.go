package pursuit

import (
	"slices"
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

// StateAbbrs lists every valid state_abbr, in alphabetical order: the
// USPS codes of the 50 states, the District of Columbia (DC) and the five
// inhabited territories (AS, GU, MP, PR, VI).
var StateAbbrs = []string{
	"AK", "AL", "AR", "AS", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "GU", "HI",
	"IA", "ID", "IL", "IN", "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MP",
	"MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR", "PA",
	"PR", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VI", "VT", "WA", "WI", "WV", "WY",
}

// ValidStateAbbr reports whether s is one of StateAbbrs (upper case).
func ValidStateAbbr(s string) bool {
	_, ok := slices.BinarySearch(StateAbbrs, s)
	return ok
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

// controlAt returns the byte offset of the first control character of s
// that text may not hold, or -1. Tab, line feed and carriage return are
// allowed (an address or a note may span lines); every other C0 control
// (U+0000 to U+001F), DEL (U+007F) and every C1 control (U+0080 to U+009F)
// is not: they are invisible, PostgreSQL cannot store U+0000 at all, and
// the C1 ones are nearly always text decoded with the wrong charset.
func controlAt(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			return i
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
			return i
		}
	}
	return -1
}

// CheckText checks a text value the way Validate checks every text field:
// valid UTF-8 and no control character but tab, line feed and carriage
// return. The error is EINVALID on field. Callers outside this package
// use it for text that is no field of a row, such as a look-up key.
func CheckText(field, v string) error {
	if !utf8.ValidString(v) {
		return FieldErrorf(EINVALID, field, "is not valid UTF-8")
	}
	if i := controlAt(v); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return FieldErrorf(EINVALID, field, "holds the control character %U at character %d: text may hold tab, line feed and carriage return, no other control characters",
			r, utf8.RuneCountInString(v[:i])+1)
	}
	return nil
}

func checkText(field, v string, max int, required bool) error {
	if err := CheckText(field, v); err != nil {
		return err
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

// checkEnum checks that v is one of values, or empty when the column has a
// default.
func checkEnum(field, v string, values []string, emptyOK bool) error {
	if v == "" && emptyOK {
		return nil
	}
	for _, ok := range values {
		if v == ok {
			return nil
		}
	}
	return FieldErrorf(EINVALID, field, "%q is not one of %s", v, strings.Join(values, ", "))
}

// checkMonth checks an optional month number: 0 (unknown) or 1 to 12.
func checkMonth(field string, v int64) error {
	if v < 0 || v > 12 {
		return FieldErrorf(EINVALID, field, "must be a month from 1 to 12 (or 0 for unknown), not %d", v)
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
	if !ValidStateAbbr(p.StateAbbr) {
		state = FieldErrorf(EINVALID, "state_abbr", "%q is not the upper-case USPS code of a US state, DC or territory", p.StateAbbr)
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
		checkMonth("fiscal_year_start", p.FiscalYearStart),
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
		checkEnum("email_status", c.EmailStatus, EmailStatuses, true),
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
