package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/web"
)

// demoCustomerName names the customer pursuit demo creates (and finds
// again on later runs).
const demoCustomerName = "Pursuit Demo Customer"

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", "",
		"Generate a small realistic dataset (about 20,000 contacts) into a SQLite file, or reuse it; create\n"+
			"a demo customer with grants, CRM mappings and API keys; print ready curl examples; and serve.")
	db := fs.String("db", envOr(e, "PURSUIT_DEMO_DB", "./data/demo.db"), "SQLite file of the demo, reused when present (env PURSUIT_DEMO_DB)")
	o := serveFlags(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo: unexpected argument %q", fs.Arg(0))
	}
	if err := checkSQLitePath(*db); err != nil {
		return fmt.Errorf("demo: --db %w; use pursuit serve for PostgreSQL", err)
	}
	if err := o.check(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(*db), 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	s, err := openMigrated(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer s.Close()
	n, err := s.Count(ctx, pursuit.TableContacts)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if n == 0 {
		cfg := gen.SmallConfig()
		e.log.Info("generating the demo dataset", "db", *db, "places", cfg.Places, "contacts", cfg.Contacts)
		start := time.Now()
		err := s.Bulk(ctx, func(w pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, w, nil) })
		if err != nil {
			return fmt.Errorf("demo: generate: %w", err)
		}
		e.log.Info("generated", "took", time.Since(start).Round(time.Millisecond))
	} else {
		e.log.Info("reusing the demo dataset", "db", *db, "contacts", n)
	}
	d, err := setUpDemo(ctx, s)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return serveAPI(ctx, e, s, o, func(addr string) { printDemo(e, d, addr) })
}

// demo is what setUpDemo created, for the printed examples.
type demo struct {
	customer             pursuit.Customer
	customerKey          string
	adminKey             string
	fullState, maskState string
	placeID, contactID   int64
	crmID                string
	// userEmail and userPassword sign in to the web app; the password is
	// new on every run.
	userEmail, userPassword string
}

// demoUserEmail is the web app's demo user, an admin of the demo
// customer.
const demoUserEmail = "demo@pursuit.example"

// setUpDemo finds or creates the demo customer, grants it every place of
// one state in full and of another masked, maps a few places to its CRM
// with account owner Bob, and creates a fresh customer and admin key (keys
// cannot be shown again, so every run makes new ones).
func setUpDemo(ctx context.Context, s pursuit.Store) (demo, error) {
	var d demo
	found := false
	opt := pursuit.ListOptions{Limit: pursuit.MaxListLimit}
	for !found {
		cs, err := s.ListCustomers(ctx, opt)
		if err != nil {
			return d, err
		}
		for _, c := range cs {
			if c.Name == demoCustomerName {
				d.customer, found = c, true
			}
		}
		if len(cs) < opt.Limit {
			break
		}
		opt.After = cs[len(cs)-1].CustomerID
	}
	// Pick the two states with the most places.
	perState := map[string][]int64{}
	err := s.ScanPlaces(ctx, func(p pursuit.Place) error {
		perState[p.StateAbbr] = append(perState[p.StateAbbr], p.PlaceID)
		return nil
	})
	if err != nil {
		return d, err
	}
	states := make([]string, 0, len(perState))
	for st := range perState {
		states = append(states, st)
	}
	sort.Slice(states, func(i, j int) bool {
		if len(perState[states[i]]) != len(perState[states[j]]) {
			return len(perState[states[i]]) > len(perState[states[j]])
		}
		return states[i] < states[j]
	})
	if len(states) < 2 {
		return d, fmt.Errorf("the demo needs places in at least two states")
	}
	d.fullState, d.maskState = states[0], states[1]
	d.placeID = perState[d.maskState][0]
	if !found {
		d.customer = pursuit.Customer{Name: demoCustomerName, Email: "demo@pursuit.example", RevealCredits: 25}
		if err := s.CreateCustomer(ctx, &d.customer); err != nil {
			return d, err
		}
		now := time.Now().UTC()
		var grants []pursuit.CustomerPlaceRelation
		for _, id := range perState[d.fullState] {
			grants = append(grants, pursuit.CustomerPlaceRelation{CustomerID: d.customer.CustomerID, PlaceID: id, AccessType: pursuit.AccessFull, GrantedAt: now})
		}
		for _, id := range perState[d.maskState] {
			grants = append(grants, pursuit.CustomerPlaceRelation{CustomerID: d.customer.CustomerID, PlaceID: id, AccessType: pursuit.AccessMasked, GrantedAt: now})
		}
		if err := s.Bulk(ctx, func(w pursuit.BulkWriter) error { return w.UpsertPlaceGrants(ctx, grants) }); err != nil {
			return d, err
		}
		for i, id := range perState[d.maskState][:min(5, len(perState[d.maskState]))] {
			m := pursuit.CustomerMapping{CustomerID: d.customer.CustomerID, ExternalCRMID: fmt.Sprintf("DEMO-%03d", i+1), PlaceID: id, AccountOwner: "Bob"}
			if err := s.CreateCustomerMapping(ctx, &m); err != nil {
				return d, err
			}
		}
	}
	d.crmID = "DEMO-001"
	cs, err := s.ListContactsByPlace(ctx, d.placeID, pursuit.ListOptions{Limit: 1})
	if err != nil {
		return d, err
	}
	if len(cs) > 0 {
		d.contactID = cs[0].ContactID
	}
	if _, d.customerKey, err = createAPIKey(ctx, s, pursuit.RoleCustomer, d.customer.CustomerID, "demo"); err != nil {
		return d, err
	}
	if _, d.adminKey, err = createAPIKey(ctx, s, pursuit.RoleAdmin, 0, "demo admin"); err != nil {
		return d, err
	}
	if d.userPassword, err = demoUser(ctx, s, d.customer.CustomerID); err != nil {
		return d, err
	}
	d.userEmail = demoUserEmail
	return d, nil
}

// demoUser finds or creates the demo user (an admin of the demo customer)
// and gives it a new random password, which it returns.
func demoUser(ctx context.Context, s pursuit.Store, customerID int64) (string, error) {
	var b [9]byte
	rand.Read(b[:])
	pw := "demo-" + base64.RawURLEncoding.EncodeToString(b[:])
	hash, err := web.HashPassword(pw)
	if err != nil {
		return "", err
	}
	u, err := s.UserByEmail(ctx, demoUserEmail)
	switch {
	case pursuit.ErrorCode(err) == pursuit.ENOTFOUND:
		u = pursuit.User{CustomerID: customerID, Email: demoUserEmail, Role: pursuit.UserRoleAdmin, PasswordHash: hash}
		return pw, s.CreateUser(ctx, &u)
	case err != nil:
		return "", err
	}
	u.PasswordHash, u.Disabled = hash, false
	return pw, s.UpdateUser(ctx, &u)
}

func printDemo(e *env, d demo, addr string) {
	base := "http://" + addr
	c := fmt.Sprintf("curl -s -H 'Authorization: Bearer %s'", d.customerKey)
	a := fmt.Sprintf("curl -s -H 'Authorization: Bearer %s'", d.adminKey)
	fmt.Fprintf(e.stdout, `
Pursuit demo is ready on %[1]s

Open the web app at %[1]s/ and sign in:
  Email:    %[14]s
  Password: %[15]s

Customer %[2]d (%[3]q) sees every place in %[4]s in full and in %[5]s masked, with %[6]d reveal credits.

Customer key: %[7]s
Admin key:    %[8]s

Or the JSON API. Try:
  %[9]s '%[1]s/v1/contacts/search?q=director&state=%[4]s&facets=true'
  %[9]s '%[1]s/v1/contacts/search?q=title:cio&function=it&seniority=executive'
  %[9]s '%[1]s/v1/places/search?state=%[5]s&place_type=school_district'
  %[9]s '%[1]s/v1/places/%[11]d'
  %[9]s '%[1]s/v1/contacts/%[12]d'
  %[9]s -X POST '%[1]s/v1/contacts/%[12]d/reveal'
  %[9]s '%[1]s/v1/mappings/%[13]s'
  %[9]s '%[1]s/v1/accounts?owner=Bob'
  %[10]s '%[1]s/v1/admin/customers'
  curl -s '%[1]s/v1/openapi.json'
  %[10]s '%[1]s/metrics'

Press Ctrl-C to stop.
`, base, d.customer.CustomerID, d.customer.Name, d.fullState, d.maskState, d.customer.RevealCredits,
		d.customerKey, d.adminKey, c, a, d.placeID, d.contactID, d.crmID, d.userEmail, d.userPassword)
}
