package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/feed"
	"github.com/pursuit-gov/pursuit/httpapi"
)

const webhooksUsage = `Usage: pursuit webhooks create --customer ID --url URL [--types T,…] [--description D] [--allow-private]
       pursuit webhooks list --customer ID
       pursuit webhooks enable|disable --customer ID ENDPOINT_ID
       pursuit webhooks delete --customer ID ENDPOINT_ID
       pursuit webhooks rotate --customer ID [--grace 24h] ENDPOINT_ID
       pursuit webhooks deliveries --customer ID [--limit N] ENDPOINT_ID
       pursuit webhooks redeliver --customer ID DELIVERY_ID
       pursuit webhooks listen --secret whsec_… [--addr 127.0.0.1:8787] [--forward URL]

Endpoints receive the customer's change feed signed per the Standard Webhooks specification
(docs/feed.md). create and rotate print the signing secret; it is not shown again.`

func runWebhooks(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, webhooksUsage)
		return usageErrorf("webhooks: no command given")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stdout, webhooksUsage)
		return nil
	}
	switch args[0] {
	case "create":
		return webhooksCreate(ctx, e, args[1:])
	case "list":
		return webhooksList(ctx, e, args[1:])
	case "enable", "disable", "delete", "rotate", "deliveries":
		return webhooksOne(ctx, e, args[0], args[1:])
	case "redeliver":
		return webhooksRedeliver(ctx, e, args[1:])
	case "listen":
		return webhooksListen(ctx, e, args[1:])
	}
	return usageErrorf("webhooks: unknown command %q (create, list, enable, disable, delete, rotate, deliveries, redeliver, listen)", args[0])
}

// webhookStore opens the store and checks the --customer flag.
func webhookStore(ctx context.Context, e *env, name, db string, customer int64) (pursuit.Store, error) {
	if customer <= 0 {
		return nil, usageErrorf("webhooks %s: --customer ID is required (a positive customer id)", name)
	}
	s, err := openExisting(ctx, e, db)
	if err != nil {
		return nil, fmt.Errorf("webhooks %s: %w", name, err)
	}
	if _, err := s.GetCustomer(ctx, customer); err != nil {
		s.Close()
		return nil, fmt.Errorf("webhooks %s: --customer %d: %w", name, customer, err)
	}
	return s, nil
}

func webhooksCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "webhooks create", "", "Create a webhook endpoint and print its signing secret once.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID`")
	url := fs.String("url", "", "the endpoint's `URL` (http or https)")
	types := fs.String("types", "", "comma-separated event `types` to deliver (default: all): "+strings.Join(pursuit.EventTypes, ", "))
	desc := fs.String("description", "", "a label")
	allow, _ := parseBool(envOr(e, "PURSUIT_WEBHOOKS_ALLOW_PRIVATE", "false"))
	allowPrivate := fs.Bool("allow-private", allow, "accept a URL that resolves to a loopback, private or link-local address (env PURSUIT_WEBHOOKS_ALLOW_PRIVATE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("webhooks create: unexpected argument %q", fs.Arg(0))
	}
	s, err := webhookStore(ctx, e, "create", *db, *customer)
	if err != nil {
		return err
	}
	defer s.Close()
	ep := pursuit.WebhookEndpoint{CustomerID: *customer, URL: *url, Description: *desc, Secret: feed.NewSecret()}
	if *types != "" {
		ep.EventTypes = strings.Split(*types, ",")
	}
	if err := ep.Validate(); err != nil {
		return fmt.Errorf("webhooks create: %w", err)
	}
	if err := feed.CheckURL(ctx, ep.URL, *allowPrivate); err != nil {
		return fmt.Errorf("webhooks create: %w", err)
	}
	if err := s.CreateWebhookEndpoint(ctx, &ep); err != nil {
		return fmt.Errorf("webhooks create: %w", err)
	}
	fmt.Fprintf(e.stdout, "Created webhook endpoint %d for customer %d → %s. Its signing secret, shown only this once:\n%s\n",
		ep.EndpointID, ep.CustomerID, ep.URL, ep.Secret)
	return nil
}

func webhooksList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "webhooks list", "", "List a customer's webhook endpoints.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := webhookStore(ctx, e, "list", *db, *customer)
	if err != nil {
		return err
	}
	defer s.Close()
	eps, err := s.ListWebhookEndpoints(ctx, *customer)
	if err != nil {
		return fmt.Errorf("webhooks list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tURL\tTYPES\tSTATE\tDESCRIPTION")
	for _, ep := range eps {
		types, state := "all", "enabled"
		if len(ep.EventTypes) > 0 {
			types = strings.Join(ep.EventTypes, ",")
		}
		if !ep.DisabledAt.IsZero() {
			state = "disabled " + ep.DisabledAt.Format(time.RFC3339) + ": " + ep.DisabledReason
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", ep.EndpointID, ep.URL, types, state, ep.Description)
	}
	return tw.Flush()
}

// idArg reads the one id argument of a command.
func idArg(fs *flag.FlagSet, cmd, what string) (int64, error) {
	if fs.NArg() != 1 {
		return 0, usageErrorf("webhooks %s: give the %s", cmd, what)
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("webhooks %s: %q is not a %s", cmd, fs.Arg(0), what)
	}
	return id, nil
}

// webhooksOne runs the commands on one endpoint.
func webhooksOne(ctx context.Context, e *env, cmd string, args []string) error {
	fs := newFlagSet(e, "webhooks "+cmd, "ENDPOINT_ID", map[string]string{
		"enable":     "Enable an endpoint (clears the reason it was disabled).",
		"disable":    "Disable an endpoint: it gets no deliveries until enabled.",
		"delete":     "Delete an endpoint and its delivery log.",
		"rotate":     "Give an endpoint a new signing secret; the old one keeps signing for --grace.",
		"deliveries": "Print an endpoint's delivery log, newest first.",
	}[cmd])
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID`")
	grace := fs.Duration("grace", httpapi.DefaultRotationGrace, "rotate: how long the old secret keeps signing (at most 168h)")
	limit := fs.Int("limit", 50, "deliveries: how many")
	if err := fs.Parse(args); err != nil {
		return err
	}
	id, err := idArg(fs, cmd, "endpoint id")
	if err != nil {
		return err
	}
	if *grace < 0 || *grace > 7*24*time.Hour {
		return fmt.Errorf("webhooks rotate: --grace %s: must be 0 to 168h", *grace)
	}
	if *limit < 1 || *limit > 1000 {
		return fmt.Errorf("webhooks deliveries: --limit %d: must be 1 to 1000", *limit)
	}
	s, err := webhookStore(ctx, e, cmd, *db, *customer)
	if err != nil {
		return err
	}
	defer s.Close()
	ep, err := s.GetWebhookEndpoint(ctx, *customer, id)
	if err != nil {
		return fmt.Errorf("webhooks %s: %w", cmd, err)
	}
	now := time.Now()
	switch cmd {
	case "delete":
		if err := s.DeleteWebhookEndpoint(ctx, *customer, id); err != nil {
			return fmt.Errorf("webhooks delete: %w", err)
		}
		fmt.Fprintf(e.stdout, "Deleted webhook endpoint %d.\n", id)
		return nil
	case "deliveries":
		ds, err := s.ListDeliveries(ctx, *customer, id, 0, *limit)
		if err != nil {
			return fmt.Errorf("webhooks deliveries: %w", err)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tMESSAGE\tTYPE\tSTATUS\tATTEMPTS\tHTTP\tLATENCY\tNEXT\tERROR")
		for _, d := range ds {
			next := "-"
			if !d.NextAttemptAt.IsZero() && d.Status == pursuit.DeliveryPending {
				next = d.NextAttemptAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", d.DeliveryID, d.MessageID, d.Type, d.Status, d.Attempts,
				d.LastStatus, d.LastLatency.Round(time.Millisecond), next, d.LastError)
		}
		return tw.Flush()
	case "enable":
		ep.DisabledAt, ep.DisabledReason = time.Time{}, ""
	case "disable":
		if ep.DisabledAt.IsZero() {
			ep.DisabledAt, ep.DisabledReason = now, "disabled by the operator"
		}
	case "rotate":
		httpapi.RotateSecret(&ep, now, *grace)
	}
	if err := s.UpdateWebhookEndpoint(ctx, &ep); err != nil {
		return fmt.Errorf("webhooks %s: %w", cmd, err)
	}
	if cmd == "rotate" {
		fmt.Fprintf(e.stdout, "Rotated the secret of endpoint %d; the old one signs too until %s. The new secret, shown only this once:\n%s\n",
			id, ep.OldSecretExpiresAt.Format(time.RFC3339), ep.Secret)
		return nil
	}
	fmt.Fprintf(e.stdout, "Endpoint %d %sd.\n", id, cmd)
	return nil
}

func webhooksRedeliver(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "webhooks redeliver", "DELIVERY_ID", "Send a delivery again (same webhook-id) at the dispatcher's next step.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	id, err := idArg(fs, "redeliver", "delivery id")
	if err != nil {
		return err
	}
	s, err := webhookStore(ctx, e, "redeliver", *db, *customer)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Redeliver(ctx, *customer, id, time.Now()); err != nil {
		return fmt.Errorf("webhooks redeliver: %w", err)
	}
	fmt.Fprintf(e.stdout, "Delivery %d queued again.\n", id)
	return nil
}
