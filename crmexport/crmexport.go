// Package crmexport writes contacts as the CSV files CRMs import: a
// Salesforce Contact or Lead import (the Data Import Wizard's field labels,
// which Data Loader also maps by name) and a HubSpot contact import.
//
// Each row carries the account it belongs to in the customer's CRM: the
// external_crm_id of the customer_mapping row of the contact's place goes
// into Salesforce's "Account ID" column (the Import Wizard matches existing
// accounts by Salesforce ID) and HubSpot's "Company Record ID" column, so
// each contact lands under the right account. Rows without a mapping carry
// the place's name only, which both CRMs match by name.
//
// The package formats what it is given. Masking is the caller's: rows come
// from the store or the search index already masked for the customer, and a
// masked email or phone is written as it is ("j•••@springfield.gov"), so a
// file never holds more than the customer may see.
package crmexport

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// Format names a CSV layout.
type Format string

// The layouts Write knows.
const (
	SalesforceContact Format = "salesforce_contact"
	SalesforceLead    Format = "salesforce_lead"
	HubSpotContact    Format = "hubspot_contact"
)

// Formats lists every Format in a stable order.
var Formats = []Format{SalesforceContact, SalesforceLead, HubSpotContact}

// ParseFormat returns the Format named s, or an EINVALID error naming field.
func ParseFormat(field, s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", pursuit.FieldErrorf(pursuit.EINVALID, field, "unknown export format %q: use one of %s", s, strings.Join(names, ", "))
}

// Row is one contact to export with the place it works at. Contact is
// already masked for the customer when its access is masked.
type Row struct {
	Contact pursuit.Contact
	// PlaceName, StateAbbr and County describe the contact's place.
	PlaceName string
	StateAbbr string
	County    string
	// ExternalCRMID is the customer's CRM id of the contact's place (its
	// customer_mapping row), "" when the place is not mapped.
	ExternalCRMID string
	// AccountOwner is the owner of that mapping in the customer's CRM.
	AccountOwner string
	// Masked reports that email and phone are masked values.
	Masked bool
}

// column is one column of a layout: its header and its value of a row.
type column struct {
	header string
	value  func(r *Row) string
}

func email(r *Row) string { return r.Contact.Email }
func phone(r *Row) string { return r.Contact.Phone }

// pursuitID is the contact's id in Pursuit, so a later import can update
// the records this one created rather than duplicate them.
func pursuitID(r *Row) string { return fmt.Sprint(r.Contact.ContactID) }

var layouts = map[Format][]column{
	SalesforceContact: {
		{"First Name", func(r *Row) string { return r.Contact.FirstName }},
		{"Last Name", func(r *Row) string { return lastName(r) }},
		{"Title", func(r *Row) string { return r.Contact.Title }},
		{"Department", func(r *Row) string { return r.Contact.Department }},
		{"Email", email},
		{"Phone", phone},
		{"Account Name", func(r *Row) string { return r.PlaceName }},
		{"Account ID", func(r *Row) string { return r.ExternalCRMID }},
		{"Mailing State/Province", func(r *Row) string { return r.StateAbbr }},
		{"Mailing Country", country},
		{"Contact Owner", func(r *Row) string { return r.AccountOwner }},
		{"Pursuit Contact ID", pursuitID},
	},
	SalesforceLead: {
		{"First Name", func(r *Row) string { return r.Contact.FirstName }},
		{"Last Name", func(r *Row) string { return lastName(r) }},
		{"Title", func(r *Row) string { return r.Contact.Title }},
		{"Company", func(r *Row) string { return r.PlaceName }},
		{"Email", email},
		{"Phone", phone},
		{"State/Province", func(r *Row) string { return r.StateAbbr }},
		{"Country", country},
		{"Lead Source", func(*Row) string { return "Pursuit" }},
		{"Account ID", func(r *Row) string { return r.ExternalCRMID }},
		{"Pursuit Contact ID", pursuitID},
	},
	HubSpotContact: {
		{"First Name", func(r *Row) string { return r.Contact.FirstName }},
		{"Last Name", func(r *Row) string { return lastName(r) }},
		{"Email", email},
		{"Phone Number", phone},
		{"Job Title", func(r *Row) string { return r.Contact.Title }},
		{"Department", func(r *Row) string { return r.Contact.Department }},
		{"Company Name", func(r *Row) string { return r.PlaceName }},
		{"Company Record ID", func(r *Row) string { return r.ExternalCRMID }},
		{"State/Region", func(r *Row) string { return r.StateAbbr }},
		{"Country/Region", country},
		{"Contact owner", func(r *Row) string { return r.AccountOwner }},
		{"Pursuit Contact ID", pursuitID},
	},
}

func country(*Row) string { return "United States" }

// lastName is the contact's last name, or its whole name when the last
// name is empty: both CRMs refuse a contact without one.
func lastName(r *Row) string {
	if r.Contact.LastName != "" {
		return r.Contact.LastName
	}
	return r.Contact.Name
}

// Header returns the header row of a layout.
func Header(f Format) []string {
	cols := layouts[f]
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.header
	}
	return out
}

// Writer writes rows of one layout as CSV.
type Writer struct {
	cols []column
	csv  *csv.Writer
	rec  []string
}

// NewWriter writes the layout's header to w and returns a Writer for its
// rows. It fails for an unknown format.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	cols, ok := layouts[f]
	if !ok {
		return nil, pursuit.Errorf(pursuit.EINVALID, "unknown export format %q", f)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Header(f)); err != nil {
		return nil, err
	}
	return &Writer{cols: cols, csv: cw, rec: make([]string, len(cols))}, nil
}

// Write writes one row. Values that a spreadsheet would run as a formula
// (starting with =, +, - or @) are prefixed with an apostrophe.
func (w *Writer) Write(r *Row) error {
	for i, c := range w.cols {
		w.rec[i] = neutralize(c.value(r))
	}
	return w.csv.Write(w.rec)
}

// Flush writes any buffered data and returns the first error of any write.
func (w *Writer) Flush() error {
	w.csv.Flush()
	return w.csv.Error()
}

// neutralize defuses CSV formula injection: a cell a spreadsheet would
// evaluate gets a leading apostrophe, as OWASP recommends. Phone numbers
// like "+1 555 0100" are kept, since digits after a plus are not a formula.
func neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if len(s) > 1 && strings.IndexFunc(s[1:], func(r rune) bool {
			return !(r >= '0' && r <= '9' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.')
		}) < 0 {
			return s
		}
		return "'" + s
	}
	return s
}
