// Package crm matches a customer's CRM accounts to Pursuit's places and
// keeps the result in customer_mapping.
//
// A customer hands over its CRM's account export (Salesforce Accounts,
// HubSpot Companies, or the generic header below); ReadAccounts recognises
// the shape by its header. A Matcher, built once from every place, matches
// each account the most certain way first: a public id (NCES district id,
// Census GEOID/FIPS), then the website's domain (a domain several places
// share decides nothing by itself), then the normalised name within the
// state (and county or city when given), then a fuzzy comparison of the
// name within small blocks of the same state and kind, never every account
// against every place. Precision comes first: an account two places fit
// equally well is left unmatched with its candidates for a person to
// review, and names that are not public bodies stay unmatched.
//
// Sync (sync.go) writes the confident matches into customer_mapping in one
// transaction; Coverage reports what the mappings cover. NoisyExport makes
// realistic account exports with ground truth, for tests and
// `pursuit bench crm`. docs/crm.md describes the rules and the measured
// quality.
package crm

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// Account is one row of a CRM account export.
type Account struct {
	// Line is the row's line number in its file (the header is line 1).
	Line int
	// ExternalCRMID is the CRM's record id (Salesforce Account ID, HubSpot
	// Record ID).
	ExternalCRMID string
	Name          string
	City          string
	State         string
	County        string
	Website       string
	Owner         string
	NCESID        string
	GEOID         string
}

// Shape names a recognised export layout.
type Shape string

// The layouts ReadAccounts recognises.
const (
	ShapeSalesforce Shape = "salesforce"
	ShapeHubSpot    Shape = "hubspot"
	ShapeGeneric    Shape = "generic"
)

// field is one Account field and the headers that may carry it.
type field int

const (
	fID field = iota
	fName
	fCity
	fState
	fCounty
	fWebsite
	fOwner
	fNCES
	fGEOID
	numFields
)

var fieldNames = [numFields]string{"external_crm_id", "name", "city", "state", "county", "website", "owner", "nces_id", "geoid"}

// layout is the headers of one Shape, per field; the first header of a
// required field is the one named in errors.
type layout struct {
	shape    Shape
	label    string
	headers  [numFields][]string
	required []field
	// marks are headers whose presence identifies the shape.
	marks []string
}

var layouts = []layout{
	{
		shape: ShapeSalesforce, label: "Salesforce Accounts export",
		marks: []string{"account id", "account name", "billing state/province", "account owner"},
		headers: [numFields][]string{
			fID:      {"Account ID", "Id"},
			fName:    {"Account Name", "Name"},
			fCity:    {"Billing City"},
			fState:   {"Billing State/Province", "Billing State", "Billing State Code", "State"},
			fCounty:  {"Billing County", "County", "County Name"},
			fWebsite: {"Website"},
			fOwner:   {"Account Owner", "Account Owner Name", "Owner"},
			fNCES:    {"NCES District ID", "NCES ID", "NCES LEA ID", "NCES_District_ID__c"},
			fGEOID:   {"FIPS Code", "GEOID", "Census GEOID", "FIPS", "FIPS_Code__c", "GEOID__c"},
		},
		required: []field{fID, fName},
	},
	{
		shape: ShapeHubSpot, label: "HubSpot Companies export",
		marks: []string{"record id", "company name", "company domain name", "company owner"},
		headers: [numFields][]string{
			fID:      {"Record ID", "Company ID"},
			fName:    {"Company name", "Name"},
			fCity:    {"City"},
			fState:   {"State/Region", "State"},
			fCounty:  {"County"},
			fWebsite: {"Company Domain Name", "Website URL", "Website"},
			fOwner:   {"Company owner", "HubSpot Owner"},
			fNCES:    {"NCES District ID", "NCES ID"},
			fGEOID:   {"FIPS Code", "GEOID", "FIPS"},
		},
		required: []field{fID, fName},
	},
	{
		shape: ShapeGeneric, label: "generic account file",
		marks: []string{"external_crm_id"},
		headers: [numFields][]string{
			fID: {"external_crm_id"}, fName: {"name"}, fCity: {"city"}, fState: {"state"},
			fCounty: {"county"}, fWebsite: {"website"}, fOwner: {"account_owner", "owner"},
			fNCES: {"nces_id"}, fGEOID: {"geoid", "fips"},
		},
		required: []field{fID, fName},
	},
}

// GenericHeader is the documented generic header; only external_crm_id and
// name are required, columns may come in any order.
var GenericHeader = []string{"external_crm_id", "name", "state", "county", "city", "website", "account_owner", "nces_id", "geoid"}

// Limits of an accounts file.
const (
	MaxAccounts   = 2_000_000
	MaxFieldBytes = 1000
)

// ReadAccounts reads an accounts export. It recognises the layout by its
// header and fails with an EINVALID error naming the file and line for a
// header of no known layout, a missing required column, an account
// without an id, an id given twice, or a value too long. file names the
// input in errors.
func ReadAccounts(r io.Reader, file string) ([]Account, Shape, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, "", pursuit.Errorf(pursuit.EINVALID, "%s: the file is empty; it needs a header line (see docs/crm.md)", file)
	}
	if err != nil {
		return nil, "", csvErr(file, err)
	}
	head = append([]string(nil), head...)
	for i := range head {
		head[i] = strings.TrimSpace(strings.TrimPrefix(head[i], "\ufeff"))
	}
	lay, cols, err := recognise(file, head)
	if err != nil {
		return nil, "", err
	}
	var out []Account
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", csvErr(file, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		var v [numFields]string
		for f := field(0); f < numFields; f++ {
			if c := cols[f]; c >= 0 && c < len(rec) {
				v[f] = strings.TrimSpace(rec[c])
				if len(v[f]) > MaxFieldBytes {
					return nil, "", pursuit.FieldErrorf(pursuit.EINVALID, fieldNames[f], "%s:%d: %s is %d bytes, more than %d", file, line, lay.headers[f][0], len(v[f]), MaxFieldBytes)
				}
			}
		}
		a := Account{Line: line, ExternalCRMID: v[fID], Name: v[fName], City: v[fCity], State: v[fState], County: v[fCounty],
			Website: v[fWebsite], Owner: v[fOwner], NCESID: v[fNCES], GEOID: v[fGEOID]}
		if a.ExternalCRMID == "" {
			return nil, "", pursuit.FieldErrorf(pursuit.EINVALID, "external_crm_id", "%s:%d: the %q column is empty; every account needs its CRM id", file, line, lay.headers[fID][0])
		}
		if prev, ok := seen[a.ExternalCRMID]; ok {
			return nil, "", pursuit.FieldErrorf(pursuit.EINVALID, "external_crm_id", "%s:%d: %s %q is also on line %d; each account must appear once", file, line, lay.headers[fID][0], a.ExternalCRMID, prev)
		}
		seen[a.ExternalCRMID] = line
		if len(out) == MaxAccounts {
			return nil, "", pursuit.Errorf(pursuit.EINVALID, "%s:%d: more than %d accounts; split the file", file, line, MaxAccounts)
		}
		out = append(out, a)
	}
	return out, lay.shape, nil
}

// recognise picks the layout whose marks the header has most of and maps
// each field to its column (-1 when absent).
func recognise(file string, head []string) (*layout, [numFields]int, error) {
	var cols [numFields]int
	index := map[string]int{}
	for i, h := range head {
		k := strings.ToLower(h)
		if _, dup := index[k]; !dup {
			index[k] = i
		}
	}
	var best *layout
	bestN := 0
	for i := range layouts {
		n := 0
		for _, m := range layouts[i].marks {
			if _, ok := index[m]; ok {
				n++
			}
		}
		if n > bestN {
			best, bestN = &layouts[i], n
		}
	}
	if best == nil {
		return nil, cols, pursuit.Errorf(pursuit.EINVALID, "%s:1: the header %q is no known account export: expected a Salesforce Accounts export (\"Account ID\", \"Account Name\", …), a HubSpot Companies export (\"Record ID\", \"Company name\", …) or the generic header %q",
			file, strings.Join(head, ","), strings.Join(GenericHeader, ","))
	}
	for f := field(0); f < numFields; f++ {
		cols[f] = -1
		for _, h := range best.headers[f] {
			if i, ok := index[strings.ToLower(h)]; ok {
				cols[f] = i
				break
			}
		}
	}
	for _, f := range best.required {
		if cols[f] < 0 {
			return nil, cols, pursuit.FieldErrorf(pursuit.EINVALID, fieldNames[f], "%s:1: this %s has no %q column (required)", file, best.label, best.headers[f][0])
		}
	}
	return best, cols, nil
}

// csvErr names the file and line of a CSV syntax error.
func csvErr(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pursuit.Errorf(pursuit.EINVALID, "%s:%d: %v", file, pe.StartLine, pe.Err)
	}
	return fmt.Errorf("%s: %w", file, err)
}
