package crm

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// ResultHeader is the header of a match result file.
var ResultHeader = []string{"external_crm_id", "place_id", "confidence", "method", "candidates"}

// WriteResults writes results as CSV, one row per account in the order
// given: place_id empty without a confident match, candidates as
// "place_id:score" separated by ";". Values a spreadsheet would run as a
// formula are prefixed with an apostrophe.
func WriteResults(w io.Writer, results []Result) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ResultHeader); err != nil {
		return err
	}
	rec := make([]string, len(ResultHeader))
	for i := range results {
		r := &results[i]
		rec[0] = defuse(r.Account.ExternalCRMID)
		rec[1], rec[2] = "", ""
		if r.PlaceID != 0 {
			rec[1] = strconv.FormatInt(r.PlaceID, 10)
			rec[2] = strconv.FormatFloat(r.Confidence, 'f', 2, 64)
		}
		rec[3] = r.Method
		rec[4] = FormatCandidates(r.Candidates)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatCandidates writes candidates as "12:0.90;15:0.90".
func FormatCandidates(cs []Candidate) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.FormatInt(c.PlaceID, 10))
		b.WriteByte(':')
		b.WriteString(strconv.FormatFloat(c.Score, 'f', 2, 64))
	}
	return b.String()
}

// defuse prefixes a value a spreadsheet would evaluate with an apostrophe.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func sortStrings(s []string) { sort.Strings(s) }

// accountHeaders are the columns WriteAccounts writes per shape, in Account
// field order.
var accountHeaders = map[Shape][numFields]string{
	ShapeSalesforce: {"Account ID", "Account Name", "Billing City", "Billing State/Province", "Billing County", "Website", "Account Owner", "NCES District ID", "FIPS Code"},
	ShapeHubSpot:    {"Record ID", "Company name", "City", "State/Region", "County", "Company Domain Name", "Company owner", "NCES District ID", "FIPS Code"},
	ShapeGeneric:    {"external_crm_id", "name", "city", "state", "county", "website", "account_owner", "nces_id", "geoid"},
}

// WriteAccounts writes accounts as an export of the given shape, the way
// the CRM would: what NoisyExport makes becomes a file for
// `pursuit crm match`.
func WriteAccounts(w io.Writer, shape Shape, accounts []Account) error {
	head, ok := accountHeaders[shape]
	if !ok {
		return fmt.Errorf("unknown account export shape %q", shape)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(head[:]); err != nil {
		return err
	}
	for i := range accounts {
		a := &accounts[i]
		if err := cw.Write([]string{a.ExternalCRMID, a.Name, a.City, a.State, a.County, a.Website, a.Owner, a.NCESID, a.GEOID}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
