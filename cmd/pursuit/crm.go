package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/crm"
	"github.com/pursuit-gov/pursuit/crmexport"
)

// runCRM is `pursuit crm`: match a customer's CRM account export to
// places (and apply the matches to customer_mapping), report its coverage,
// and export contacts back in CRM import shape.
func runCRM(ctx context.Context, e *env, args []string) error {
	usage := "Usage: pursuit crm match --customer ID [--out matches.csv] [--apply [--prune]] ACCOUNTS.csv\n" +
		"       pursuit crm coverage --customer ID [--whitespace N] [--json] [ACCOUNTS.csv]\n" +
		"       pursuit crm export --customer ID --format FORMAT [--accounts ID,ID,...] [--out contacts.csv]\n\n" +
		"ACCOUNTS.csv is a Salesforce Accounts export, a HubSpot Companies export or the generic header\n" +
		strings.Join(crm.GenericHeader, ",") + " (docs/crm.md)."
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return usageErrorf("crm: no command given (match, coverage or export)")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stdout, usage)
		return nil
	}
	switch args[0] {
	case "match":
		return crmMatch(ctx, e, args[1:])
	case "coverage":
		return crmCoverage(ctx, e, args[1:])
	case "export":
		return crmExport(ctx, e, args[1:])
	}
	return usageErrorf("crm: unknown command %q (match, coverage or export)", args[0])
}

// readAccountsFile reads an accounts export from path ("-" is stdin).
func readAccountsFile(e *env, path string) ([]crm.Account, crm.Shape, error) {
	if path == "-" {
		return crm.ReadAccounts(e.stdin, "stdin")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", pursuit.Errorf(pursuit.EINVALID, "open the accounts file: %v", err)
	}
	defer f.Close()
	return crm.ReadAccounts(f, path)
}

// matchFile reads an accounts file and matches it against every place of
// the store, logging progress.
func matchFile(ctx context.Context, e *env, s pursuit.Store, path string) ([]crm.Result, *crm.Matcher, error) {
	accounts, shape, err := readAccountsFile(e, path)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	m, err := crm.NewMatcher(ctx, s.ScanPlaces)
	if err != nil {
		return nil, nil, err
	}
	e.log.Info("places loaded", "places", m.Len(), "accounts", len(accounts), "shape", shape, "elapsed", time.Since(start).Round(time.Millisecond))
	last := time.Now()
	results, err := m.MatchAll(ctx, accounts, func(done int) {
		if time.Since(last) >= 2*time.Second {
			last = time.Now()
			e.log.Info("matching", "done", done, "of", len(accounts))
		}
	})
	if err != nil {
		return nil, nil, err
	}
	e.log.Info("matched", "accounts", len(accounts), "elapsed", time.Since(start).Round(time.Millisecond))
	return results, m, nil
}

func crmMatch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "crm match", "ACCOUNTS.csv", "Match a customer's CRM account export to places; with --apply, write the confident matches into customer_mapping.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID` whose accounts these are (required)")
	out := fs.String("out", "", "write the match CSV to `FILE` instead of stdout")
	apply := fs.Bool("apply", false, "write the confident matches into customer_mapping (one transaction)")
	prune := fs.Bool("prune", false, "with --apply, delete the customer's account mappings whose id is not in the file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("crm match: give exactly one accounts file (or - for stdin), not %d arguments", fs.NArg())
	}
	if *customer <= 0 {
		return fmt.Errorf("crm match: --customer ID is required (a positive customer id)")
	}
	if *prune && !*apply {
		return fmt.Errorf("crm match: --prune needs --apply")
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("crm match: %w", err)
	}
	defer s.Close()
	if _, err := s.GetCustomer(ctx, *customer); err != nil {
		return fmt.Errorf("crm match: --customer %d: %w", *customer, err)
	}
	results, m, err := matchFile(ctx, e, s, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("crm match: %w", err)
	}
	if err := writeTo(e, *out, func(w io.Writer) error { return crm.WriteResults(w, results) }); err != nil {
		return fmt.Errorf("crm match: %w", err)
	}
	sum := crm.Summarize(results, m.PlaceState)
	report := e.stderr
	if *out != "" {
		report = e.stdout
	}
	fmt.Fprintf(report, "%d accounts: %d matched (%s)\n", sum.Accounts, sum.Matched, methodCounts(sum.ByMethod))
	if !*apply {
		return nil
	}
	rep, err := crm.Apply(ctx, s, *customer, results, *prune, time.Now())
	if err != nil {
		return fmt.Errorf("crm match: apply: %w", err)
	}
	fmt.Fprintf(report, "applied to customer %d: %d added, %d changed, %d removed, %d unchanged\n", *customer, rep.Added, rep.Changed, rep.Removed, rep.Unchanged)
	return nil
}

// methodCounts writes "nces_id 3, name 7, …" in Methods order.
func methodCounts(by map[string]int) string {
	var parts []string
	for _, m := range crm.Methods {
		parts = append(parts, fmt.Sprintf("%s %d", m, by[m]))
	}
	return strings.Join(parts, ", ")
}

// writeTo calls write with the file path names (created or truncated), or
// with stdout when path is "".
func writeTo(e *env, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(e.stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func crmCoverage(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "crm coverage", "[ACCOUNTS.csv]", "Report how many of a customer's CRM accounts are mapped, by state, and its whitespace: granted places no account covers. With an accounts file, also how its accounts match, by method and state.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID` (required)")
	limit := fs.Int("whitespace", 20, "list the `N` largest whitespace places")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("crm coverage: give at most one accounts file, not %d arguments", fs.NArg())
	}
	if *customer <= 0 {
		return fmt.Errorf("crm coverage: --customer ID is required (a positive customer id)")
	}
	if *limit < 0 || *limit > pursuit.MaxListLimit {
		return fmt.Errorf("crm coverage: --whitespace must be between 0 and %d, not %d", pursuit.MaxListLimit, *limit)
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("crm coverage: %w", err)
	}
	defer s.Close()
	cov, err := crm.CoverageOf(ctx, s, *customer, *limit)
	if err != nil {
		return fmt.Errorf("crm coverage: --customer %d: %w", *customer, err)
	}
	var sum *crm.Summary
	if fs.NArg() == 1 {
		results, m, err := matchFile(ctx, e, s, fs.Arg(0))
		if err != nil {
			return fmt.Errorf("crm coverage: %w", err)
		}
		x := crm.Summarize(results, m.PlaceState)
		sum = &x
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			crm.Coverage
			Match *crm.Summary `json:"match,omitempty"`
		}{cov, sum})
	}
	w := e.stdout
	fmt.Fprintf(w, "Customer %d: %d CRM accounts mapped to %d places; %d granted places, %d covered, %d whitespace.\n\n",
		cov.CustomerID, cov.MappedAccounts, cov.MappedPlaces, cov.GrantedPlaces, cov.Covered, cov.Whitespace)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "state\taccounts\tgranted\tcovered\twhitespace\t")
	for _, x := range cov.ByState {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", x.State, x.MappedAccounts, x.GrantedPlaces, x.Covered, x.Whitespace)
	}
	tw.Flush()
	if len(cov.WhitespacePlaces) > 0 {
		fmt.Fprintf(w, "\nLargest whitespace places:\n")
		for _, p := range cov.WhitespacePlaces {
			fmt.Fprintf(w, "  %d\t%s, %s (population %d)\n", p.PlaceID, p.Name, p.StateAbbr, p.Population)
		}
	}
	if sum != nil {
		fmt.Fprintf(w, "\nThe file's %d accounts: %d matched (%s)\n", sum.Accounts, sum.Matched, methodCounts(sum.ByMethod))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "state\taccounts\tmatched\t")
		for _, x := range sum.ByState {
			st := x.State
			if st == "" {
				st = "(none)"
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t\n", st, x.Total, x.Matched)
		}
		tw.Flush()
	}
	return nil
}

func crmExport(ctx context.Context, e *env, args []string) error {
	names := make([]string, len(crmexport.Formats))
	for i, f := range crmexport.Formats {
		names[i] = string(f)
	}
	fs := newFlagSet(e, "crm export", "", "Write the contacts of a customer's mapped accounts as a CRM import file carrying each account's external_crm_id; only contacts the customer is granted, masked unless full access or revealed.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID` (required)")
	format := fs.String("format", "", "the file's layout: "+strings.Join(names, ", ")+" (required)")
	accounts := fs.String("accounts", "", "only these accounts: comma-separated external_crm_ids (default: every mapped account)")
	out := fs.String("out", "", "write to `FILE` instead of stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("crm export: unexpected argument %q", fs.Arg(0))
	}
	if *customer <= 0 {
		return fmt.Errorf("crm export: --customer ID is required (a positive customer id)")
	}
	f, err := crmexport.ParseFormat("format", *format)
	if err != nil {
		return fmt.Errorf("crm export: --format: %w", err)
	}
	var ids []string
	if *accounts != "" {
		for _, id := range strings.Split(*accounts, ",") {
			if id = strings.TrimSpace(id); id == "" {
				return fmt.Errorf("crm export: --accounts has an empty id")
			}
			ids = append(ids, id)
		}
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("crm export: %w", err)
	}
	defer s.Close()
	if _, err := s.GetCustomer(ctx, *customer); err != nil {
		return fmt.Errorf("crm export: --customer %d: %w", *customer, err)
	}
	var n int
	err = writeTo(e, *out, func(w io.Writer) error {
		var err error
		n, err = crm.ExportAccounts(ctx, s, *customer, ids, f, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("crm export: %w", err)
	}
	e.log.Info("exported", "contacts", n, "format", f)
	return nil
}
