package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
)

func runAPIKey(ctx context.Context, e *env, args []string) error {
	usage := "Usage: pursuit apikey create --admin | --customer ID [--name NAME]\n" +
		"       pursuit apikey list\n" +
		"       pursuit apikey revoke ID\n\n" +
		"Only a SHA-256 hash of a key is stored: create prints the key once, as the last word of its output."
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return usageErrorf("apikey: no command given (create, list or revoke)")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stdout, usage)
		return nil
	}
	switch args[0] {
	case "create":
		return apiKeyCreate(ctx, e, args[1:])
	case "list":
		return apiKeyList(ctx, e, args[1:])
	case "revoke":
		return apiKeyRevoke(ctx, e, args[1:])
	}
	return usageErrorf("apikey: unknown command %q (create, list or revoke)", args[0])
}

func apiKeyCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "apikey create", "", "Create an API key and print it once, as the last word of the output.")
	db := dbFlag(fs, e)
	admin := fs.Bool("admin", false, "create an admin key (manages data)")
	customer := fs.Int64("customer", 0, "create a key of customer `ID` (reads only its grants)")
	name := fs.String("name", "", "a label to tell keys apart")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("apikey create: unexpected argument %q", fs.Arg(0))
	}
	if *admin == (*customer != 0) {
		return fmt.Errorf("apikey create: give exactly one of --admin and --customer ID")
	}
	if *customer < 0 {
		return fmt.Errorf("apikey create: --customer must be a positive customer id, not %d", *customer)
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("apikey create: %w", err)
	}
	defer s.Close()
	role := pursuit.RoleAdmin
	if *customer != 0 {
		role = pursuit.RoleCustomer
		if _, err := s.GetCustomer(ctx, *customer); err != nil {
			return fmt.Errorf("apikey create: --customer %d: %w", *customer, err)
		}
	}
	k, key, err := createAPIKey(ctx, s, role, *customer, *name)
	if err != nil {
		return fmt.Errorf("apikey create: %w", err)
	}
	who := "admin"
	if role == pursuit.RoleCustomer {
		who = fmt.Sprintf("customer %d", k.CustomerID)
	}
	fmt.Fprintf(e.stdout, "Created API key %d for %s. Store it now; it is shown only this once:\n%s\n", k.APIKeyID, who, key)
	return nil
}

// createAPIKey stores a new key and returns its row and the key itself.
func createAPIKey(ctx context.Context, s pursuit.Store, role string, customerID int64, name string) (pursuit.APIKey, string, error) {
	k, key, err := httpapi.NewAPIKey(role, customerID, name, time.Now())
	if err != nil {
		return k, "", err
	}
	if err := s.CreateAPIKey(ctx, &k); err != nil {
		return k, "", err
	}
	return k, key, nil
}

func apiKeyList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "apikey list", "", "List API keys (their prefixes; the keys themselves are not stored).")
	db := dbFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("apikey list: %w", err)
	}
	defer s.Close()
	keys, err := s.ListAPIKeys(ctx)
	if err != nil {
		return fmt.Errorf("apikey list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tCUSTOMER\tNAME\tPREFIX\tCREATED\tREVOKED")
	for _, k := range keys {
		cust, revoked := "-", "-"
		if k.CustomerID != 0 {
			cust = strconv.FormatInt(k.CustomerID, 10)
		}
		if !k.RevokedAt.IsZero() {
			revoked = k.RevokedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s…\t%s\t%s\n", k.APIKeyID, k.Role, cust, k.Name, k.Prefix, k.CreatedAt.Format(time.RFC3339), revoked)
	}
	return tw.Flush()
}

func apiKeyRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "apikey revoke", "ID", "Revoke an API key: it stops working at once on this server and within seconds on others.")
	db := dbFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("apikey revoke: give the id of the key to revoke (see pursuit apikey list)")
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("apikey revoke: %q is not a key id", fs.Arg(0))
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("apikey revoke: %w", err)
	}
	defer s.Close()
	if err := s.RevokeAPIKey(ctx, id, time.Now()); err != nil {
		return fmt.Errorf("apikey revoke: %w", err)
	}
	fmt.Fprintf(e.stdout, "Revoked API key %d.\n", id)
	return nil
}
