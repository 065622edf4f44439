package main

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/web"
)

func runUser(ctx context.Context, e *env, args []string) error {
	usage := "Usage: pursuit user create --customer ID --email E [--admin] [--password] [--base-url URL]\n" +
		"       pursuit user create --operator --email E [--password]\n" +
		"       pursuit user link --email E [--base-url URL]\n" +
		"       pursuit user list [--customer ID]\n" +
		"       pursuit user remove --email E\n\n" +
		"Users sign in to the web app. create prints a one-time sign-in link (valid for a day); with\n" +
		"--password it also sets a password read from stdin (or PURSUIT_USER_PASSWORD). remove deletes the\n" +
		"user and ends every session of it on every server at once."
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return usageErrorf("user: no command given (create, link, list or remove)")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, usage)
		return nil
	case "create":
		return userCreate(ctx, e, args[1:])
	case "link":
		return userLink(ctx, e, args[1:])
	case "list":
		return userList(ctx, e, args[1:])
	case "remove":
		return userRemove(ctx, e, args[1:])
	}
	return usageErrorf("user: unknown command %q (create, link, list or remove)", args[0])
}

func userCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user create", "", "Create a web app user and print a one-time sign-in link.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the user's customer `ID`")
	email := fs.String("email", "", "the user's email (unique, any case)")
	admin := fs.Bool("admin", false, "make the user an admin of its customer (manages its users and API keys)")
	operator := fs.Bool("operator", false, "make the user an operator (Pursuit staff: customers, grants, credits; no customer)")
	password := fs.Bool("password", false, "also set a password, read from PURSUIT_USER_PASSWORD or the first line of stdin")
	base := fs.String("base-url", envOr(e, "PURSUIT_BASE_URL", "http://127.0.0.1:8080"), "the web app's address, for the printed link (env PURSUIT_BASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user create: unexpected argument %q", fs.Arg(0))
	}
	role := pursuit.UserRoleMember
	switch {
	case *operator && (*admin || *customer != 0):
		return fmt.Errorf("user create: --operator takes no --customer and no --admin: operators belong to no customer")
	case *operator:
		role = pursuit.UserRoleOperator
	case *customer <= 0:
		return fmt.Errorf("user create: --customer must be a positive customer id (or give --operator)")
	case *admin:
		role = pursuit.UserRoleAdmin
	}
	u := pursuit.User{CustomerID: *customer, Email: strings.TrimSpace(*email), Role: role}
	if *password {
		pw, err := readPassword(e)
		if err != nil {
			return fmt.Errorf("user create: %w", err)
		}
		if u.PasswordHash, err = web.HashPassword(pw); err != nil {
			return fmt.Errorf("user create: --password: %w", err)
		}
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	defer s.Close()
	if err := s.CreateUser(ctx, &u); err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	link, err := web.NewSignInLink(ctx, s, u.UserID, web.DefaultSignInLinkTTL, time.Now())
	if err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	fmt.Fprintf(e.stdout, "Created %s user %d (%s). One-time sign-in link, valid for a day:\n%s%s\n", role, u.UserID, u.Email, strings.TrimSuffix(*base, "/"), link)
	return nil
}

// readPassword reads a password from PURSUIT_USER_PASSWORD or the first
// line of stdin.
func readPassword(e *env) (string, error) {
	if pw := e.getenv("PURSUIT_USER_PASSWORD"); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("--password: no password on stdin (%v) and PURSUIT_USER_PASSWORD is unset", err)
		}
		return "", fmt.Errorf("--password: the first line of stdin is empty")
	}
	return line, nil
}

func userLink(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user link", "", "Print a new one-time sign-in link for a user.")
	db := dbFlag(fs, e)
	email := fs.String("email", "", "the user's email")
	base := fs.String("base-url", envOr(e, "PURSUIT_BASE_URL", "http://127.0.0.1:8080"), "the web app's address (env PURSUIT_BASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("user link: %w", err)
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("user link: --email %q: %w", *email, err)
	}
	link, err := web.NewSignInLink(ctx, s, u.UserID, web.DefaultSignInLinkTTL, time.Now())
	if err != nil {
		return fmt.Errorf("user link: %w", err)
	}
	fmt.Fprintf(e.stdout, "One-time sign-in link for %s, valid for a day:\n%s%s\n", u.Email, strings.TrimSuffix(*base, "/"), link)
	return nil
}

func userList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user list", "", "List a customer's users, or the operators without --customer.")
	db := dbFlag(fs, e)
	customer := fs.Int64("customer", 0, "the customer `ID` (0: operators)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("user list: %w", err)
	}
	defer s.Close()
	us, err := s.ListUsers(ctx, *customer, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	if err != nil {
		return fmt.Errorf("user list: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tROLE\tPASSWORD\tDISABLED\tCREATED")
	for _, u := range us {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%v\t%s\n", u.UserID, u.Email, u.Role, u.PasswordHash != "", u.Disabled, u.CreatedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}

func userRemove(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user remove", "", "Delete a user; its sessions end at once on every server.")
	db := dbFlag(fs, e)
	email := fs.String("email", "", "the user's email")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("user remove: %w", err)
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("user remove: --email %q: %w", *email, err)
	}
	if err := s.DeleteUser(ctx, u.UserID); err != nil {
		return fmt.Errorf("user remove: %w", err)
	}
	fmt.Fprintf(e.stdout, "Removed user %s (%s); its sessions are ended.\n", strconv.FormatInt(u.UserID, 10), u.Email)
	return nil
}
