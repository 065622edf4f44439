package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
)

// listFlag is a repeatable flag whose values may also be comma-separated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// triBool is an optional boolean flag: unset, true or false.
type triBool struct{ v *bool }

func (b *triBool) String() string {
	if b == nil || b.v == nil {
		return ""
	}
	return strconv.FormatBool(*b.v)
}

func (b *triBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.v = &v
	return nil
}

func (b *triBool) IsBoolFlag() bool { return true }

// optInt is an optional integer flag.
type optInt struct{ v *int64 }

func (o *optInt) String() string {
	if o == nil || o.v == nil {
		return ""
	}
	return strconv.FormatInt(*o.v, 10)
}

func (o *optInt) Set(s string) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return err
	}
	o.v = &v
	return nil
}

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "search", "'query'",
		"Search one customer's contacts (or, with --places, places) from the terminal: build the index\n"+
			"from the store, run one search and print the hits, the total and the facets. The query uses\n"+
			"the search syntax: words, \"quoted phrases\", -excluded, title:, dept:, email:, name:.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "customer id whose grants scope the search (required)")
	places := fs.Bool("places", false, "search places instead of contacts")
	var states, types, depts, funcs, seniors, vendors, products, cats, placeIDs listFlag
	fs.Var(&states, "state", "state_abbr filter (repeatable or comma-separated)")
	fs.Var(&types, "type", "place_type filter")
	fs.Var(&placeIDs, "place-id", "place_id filter")
	fs.Var(&depts, "department", "department filter (exact, any case)")
	fs.Var(&funcs, "function", "title function filter (it, finance, public_works, …)")
	fs.Var(&seniors, "seniority", "seniority filter (elected, executive, director, manager, staff)")
	fs.Var(&vendors, "vendor", "tech stack vendor of the place")
	fs.Var(&products, "product", "tech stack product of the place")
	fs.Var(&cats, "category", "tech stack category of the place")
	var popMin, popMax optInt
	fs.Var(&popMin, "population-min", "smallest place population")
	fs.Var(&popMax, "population-max", "largest place population")
	verified := fs.String("verified-since", "", "contacts verified on or after this date (2006-01-02)")
	var hasEmail, hasPhone, mapped triBool
	fs.Var(&hasEmail, "has-email", "only contacts with (true) or without (false) an email")
	fs.Var(&hasPhone, "has-phone", "only contacts with (true) or without (false) a phone")
	fs.Var(&mapped, "mapped", "only rows the customer has (true) or has not (false) mapped to its CRM")
	owner := fs.String("owner", "", "account_owner of the customer's CRM mapping")
	limit := fs.Int("limit", 20, "hits to print")
	cursor := fs.String("cursor", "", "next_cursor of a previous search")
	facetN := fs.Int("facets", 5, "buckets per facet to print (0 for none)")
	useSQL := fs.Bool("sql", false, "answer from the store's own full-text index (SQLite FTS5, PostgreSQL tsvector) without\n"+
		"building the search index: plain words in name, title and department (a place's name), contact_id order;\n"+
		"only --customer, --places, --state, --limit and --after apply")
	after := fs.Int64("after", 0, "with --sql: the last id of the previous page")
	// Flags may come after the query too: pursuit search 'it director' --state NY.
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *customer <= 0 {
		return errors.New("search: --customer is required")
	}
	if *useSQL {
		return runSearchSQL(ctx, e, fs, *db, *customer, *places, strings.Join(words, " "), states, *limit, *after)
	}
	if *after != 0 {
		return errors.New("search: --after pages --sql results; the search index pages with --cursor")
	}
	req := search.Request{
		Q: strings.Join(words, " "), States: states, PlaceTypes: types, Departments: depts,
		Functions: funcs, Seniorities: seniors, Vendors: vendors, Products: products, Categories: cats,
		PopulationMin: popMin.v, PopulationMax: popMax.v, HasEmail: hasEmail.v, HasPhone: hasPhone.v,
		Mapped: mapped.v, AccountOwner: *owner, Limit: *limit, Cursor: *cursor, Facets: *facetN > 0, FacetSize: max(*facetN, 0),
	}
	for _, s := range placeIDs {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("search: --place-id %q is not a number", s)
		}
		req.PlaceIDs = append(req.PlaceIDs, id)
	}
	if *verified != "" {
		t, err := time.Parse("2006-01-02", *verified)
		if err != nil {
			return fmt.Errorf("search: --verified-since %q is not a date like 2006-01-02", *verified)
		}
		req.VerifiedSince = t
	}
	// Everything that can be checked without the index is checked before
	// it is built: the request, then the customer (a look-up by key).
	validate := req.ValidateContacts
	if *places {
		validate = req.ValidatePlaces
	}
	if err := validate(); err != nil {
		return fmt.Errorf("search: %w", flagError(err))
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.GetCustomer(ctx, *customer); pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
		return fmt.Errorf("search: %w", &pursuit.Error{Code: pursuit.ENOTFOUND, Field: "--customer", Message: fmt.Sprintf("no such customer %d", *customer), Err: err})
	} else if err != nil {
		return fmt.Errorf("search: look up customer %d: %w", *customer, err)
	}
	start := time.Now()
	ix, err := search.Build(ctx, s, search.Options{Logger: e.log})
	if err != nil {
		return err
	}
	e.log.Debug("index built", "elapsed", time.Since(start))
	if *places {
		res, err := ix.SearchPlaces(*customer, req)
		if err != nil {
			return fmt.Errorf("search: %w", flagError(err))
		}
		printPlaces(e.stdout, res)
		return nil
	}
	t0 := time.Now()
	res, err := ix.SearchContacts(*customer, req)
	if err != nil {
		return fmt.Errorf("search: %w", flagError(err))
	}
	took := time.Since(t0)
	printContacts(e.stdout, res, took)
	return nil
}

// searchFlags maps the parameter names of search errors to the flags of
// this command.
var searchFlags = map[string]string{
	"q": "query", "state": "--state", "place_type": "--type", "place_id": "--place-id",
	"population_min": "--population-min", "population_max": "--population-max",
	"department": "--department", "function": "--function", "seniority": "--seniority",
	"verified_since": "--verified-since", "has_email": "--has-email", "has_phone": "--has-phone",
	"mapped": "--mapped", "account_owner": "--owner", "limit": "--limit", "facet_size": "--facets",
	"cursor": "--cursor", "after": "--after",
}

// flagError renames the field of a search error to the flag that set it,
// so that the message speaks of --type rather than place_type.
func flagError(err error) error {
	var e *pursuit.Error
	if !errors.As(err, &e) {
		return err
	}
	name, ok := searchFlags[e.Field]
	if !ok {
		return err
	}
	return &pursuit.Error{Code: e.Code, Field: name, Message: e.Message, Err: e.Err}
}

// sqlFlags are the flags runSearchSQL honours; any other one set is an
// error rather than a filter silently dropped.
var sqlFlags = map[string]bool{"db": true, "customer": true, "places": true, "state": true, "limit": true, "after": true, "sql": true}

// runSearchSQL answers a search with the store's text search
// (pursuit.TextSearchStore): no index build, so it answers in
// milliseconds on a store of any size.
func runSearchSQL(ctx context.Context, e *env, fs *flag.FlagSet, db string, customer int64, places bool, q string, states []string, limit int, after int64) error {
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		if !sqlFlags[f.Name] {
			bad = append(bad, "--"+f.Name)
		}
	})
	if len(bad) > 0 {
		return fmt.Errorf("search: %s cannot be used with --sql, which takes plain words, --state, --limit and --after (drop --sql for the search index's filters)", strings.Join(bad, ", "))
	}
	words, err := pursuit.ParseTextWords(q)
	if err != nil {
		return fmt.Errorf("search: %w", flagError(err))
	}
	tq := pursuit.TextQuery{Words: words, States: states, After: after, Limit: limit}
	if err := tq.Validate(); err != nil {
		return fmt.Errorf("search: %w", flagError(err))
	}
	s, err := openExisting(ctx, e, db)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.GetCustomer(ctx, customer); pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
		return fmt.Errorf("search: %w", &pursuit.Error{Code: pursuit.ENOTFOUND, Field: "--customer", Message: fmt.Sprintf("no such customer %d", customer), Err: err})
	} else if err != nil {
		return fmt.Errorf("search: look up customer %d: %w", customer, err)
	}
	t0 := time.Now()
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	var total int64
	var shown int
	var last int64
	if places {
		res, err := s.SearchPlacesText(ctx, customer, tq)
		if err != nil {
			return fmt.Errorf("search: %w", flagError(err))
		}
		fmt.Fprintln(tw, "ID\tNAME\tTYPE\tSTATE\tCOUNTY\tPOPULATION")
		for _, p := range res.Places {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\n", p.PlaceID, cut(p.Name, 40), p.PlaceType, p.StateAbbr, cut(p.County, 24), p.Population)
			last = p.PlaceID
		}
		total, shown = res.Total, len(res.Places)
	} else {
		res, err := s.SearchContactsText(ctx, customer, tq)
		if err != nil {
			return fmt.Errorf("search: %w", flagError(err))
		}
		fmt.Fprintln(tw, "ID\tNAME\tTITLE\tDEPARTMENT\tPLACE_ID\tEMAIL\tPHONE\tACCESS")
		for i, c := range res.Contacts {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", c.ContactID, cut(c.Name, 28), cut(c.Title, 36),
				cut(c.Department, 24), c.PlaceID, c.Email, c.Phone, res.Access[i])
			last = c.ContactID
		}
		total, shown = res.Total, len(res.Contacts)
	}
	tw.Flush()
	what := "contacts"
	if places {
		what = "places"
	}
	fmt.Fprintf(e.stdout, "\n%d %s match (%d shown, %s text search took %s)\n", total, what, shown, s.Kind(), time.Since(t0).Round(time.Microsecond))
	if shown == limit {
		fmt.Fprintf(e.stdout, "next page: --after %d\n", last)
	}
	return nil
}

func printContacts(w io.Writer, res search.ContactResult, took time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTITLE\tDEPARTMENT\tPLACE\tSTATE\tEMAIL\tPHONE\tACCESS\tSCORE")
	for _, h := range res.Hits {
		c := h.Contact
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\n", c.ContactID, cut(c.Name, 28), cut(c.Title, 36),
			cut(c.Department, 24), cut(h.PlaceName, 30), h.StateAbbr, c.Email, c.Phone, h.AccessType, h.Score)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d contacts match (%d shown, search took %s)\n", res.Total, len(res.Hits), took.Round(time.Microsecond))
	if res.NextCursor != "" {
		fmt.Fprintf(w, "next page: --cursor %s\n", res.NextCursor)
	}
	printFacets(w, res.Facets, []string{search.FacetState, search.FacetPlaceType, search.FacetFunction, search.FacetSeniority, search.FacetDepartment, search.FacetVendor})
}

func printPlaces(w io.Writer, res search.PlaceResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTYPE\tSTATE\tCOUNTY\tPOPULATION\tCONTACTS\tACCESS\tSCORE")
	for _, h := range res.Hits {
		p := h.Place
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%.3f\n", p.PlaceID, cut(p.Name, 40), p.PlaceType, p.StateAbbr,
			cut(p.County, 24), p.Population, h.Contacts, h.AccessType, h.Score)
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d places match (%d shown)\n", res.Total, len(res.Hits))
	if res.NextCursor != "" {
		fmt.Fprintf(w, "next page: --cursor %s\n", res.NextCursor)
	}
	printFacets(w, res.Facets, []string{search.FacetState, search.FacetPlaceType, search.FacetVendor})
}

func printFacets(w io.Writer, facets map[string][]search.Bucket, order []string) {
	if facets == nil {
		return
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, name := range order {
		var parts []string
		for _, b := range facets[name] {
			parts = append(parts, fmt.Sprintf("%s (%d)", b.Value, b.Count))
		}
		fmt.Fprintf(tw, "%s:\t%s\n", name, strings.Join(parts, ", "))
	}
	tw.Flush()
}

// cut shortens s to n characters for a table cell.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
