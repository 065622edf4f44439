package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// Which commands may create a store: only migrate, generate --db and
// import (openStore, openMigrated), and demo on its own file. Every other
// command opens an existing store whose schema is exactly this binary's
// (openExisting): a missing, empty or older database is refused with a
// message saying which command creates or upgrades it, so a mistyped --db
// never answers with empty results. Migrating is never a side effect of
// serving or reading: several servers may share one PostgreSQL database,
// and an upgrade should be a step someone takes on purpose.

// uriScheme matches the scheme of a URL or URI: letters first, then
// letters, digits, +, - or ., then a colon (RFC 3986).
var uriScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)

// libpqKeywords start a PostgreSQL key=value DSN, which --db does not take.
var libpqKeywords = []string{"host=", "hostaddr=", "port=", "dbname=", "user=", "password=", "sslmode=", "service="}

// dbKind classifies a --db value: "postgres" for a postgres:// or
// postgresql:// URL, "sqlite" for a file path. Anything that starts like a
// URL of another scheme ("mysql://…", "file:x.db", "postgres:/oops",
// "sqlite:x") or like a key=value DSN is an error: a value is read as a
// URL when it starts with letters and a colon, so a SQLite file whose name
// has a colon before any slash must be written with a directory, as in
// ./a:b.db.
func dbKind(dsn string) (string, error) {
	switch {
	case dsn == "":
		return "", fmt.Errorf("empty: give a SQLite file path or a postgres:// URL")
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		return "postgres", nil
	}
	if m := uriScheme.FindStringSubmatch(dsn); m != nil {
		scheme := strings.ToLower(m[1])
		if scheme == "postgres" || scheme == "postgresql" {
			return "", fmt.Errorf("%q is not a PostgreSQL URL: it must start with postgres:// (for example postgres://user@127.0.0.1:5432/pursuit)", redactURL(dsn))
		}
		msg := fmt.Sprintf("%q: %s: URLs are not supported: give a SQLite file path or a postgres:// URL", redactURL(dsn), m[1])
		if !strings.HasPrefix(dsn[len(m[0]):], "//") {
			msg += fmt.Sprintf(" (a file name with a colon is written ./%s)", dsn)
		}
		return "", errors.New(msg)
	}
	for _, k := range libpqKeywords {
		if strings.HasPrefix(dsn, k) {
			return "", fmt.Errorf("%q looks like a PostgreSQL key=value DSN: write it as a postgres:// URL", dsn[:strings.IndexByte(dsn, '=')+1]+"…")
		}
	}
	return "sqlite", nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// redactURL hides a password in anything that parses as a URL.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// dbOrigin names where a --db value came from, for messages.
func dbOrigin(e *env, dsn string) string {
	if dsn != "" && dsn == e.getenv("PURSUIT_DB") {
		return "--db (PURSUIT_DB)"
	}
	return "--db"
}

// openStore opens the store a --db value names, creating an empty SQLite
// file when there is none. It does not migrate. Only migrate uses it.
func openStore(ctx context.Context, dsn string) (pursuit.Store, error) {
	kind, err := dbKind(dsn)
	if err != nil {
		return nil, &usageError{fmt.Errorf("--db %w", err)}
	}
	if kind == "postgres" {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// openMigrated opens the store, creating it when it is a SQLite file that
// does not exist, and brings its schema up to date. Only the commands that
// load data (generate --db, import, demo) use it.
func openMigrated(ctx context.Context, e *env, dsn string) (pursuit.Store, error) {
	s, err := openStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	applied, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if len(applied) > 0 {
		e.log.Info("migrated", "store", s.Kind(), "versions", applied)
	}
	return s, nil
}

// versioned is a store that reports the schema version recorded in it.
type versioned interface {
	Version(ctx context.Context) (int, error)
}

// openExisting opens the store a --db value names for every command that
// neither migrates nor loads data. It never creates anything: a SQLite
// file that does not exist, a database without Pursuit's schema, and one
// whose schema is older or newer than this binary's are errors that say
// what to run.
func openExisting(ctx context.Context, e *env, dsn string) (pursuit.Store, error) {
	origin := dbOrigin(e, dsn)
	kind, err := dbKind(dsn)
	if err != nil {
		return nil, &usageError{fmt.Errorf("%s %w", origin, err)}
	}
	show, arg := redactDSN(dsn), shellQuote(redactDSN(dsn))
	create := fmt.Sprintf(`"pursuit migrate --db %s" (an empty store), or load data into it with pursuit generate or pursuit import and the same --db`, arg)
	var s pursuit.Store
	var want int
	if kind == "postgres" {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", origin, show, err)
		}
		s, want = db, postgres.SchemaVersion()
	} else {
		db, err := sqlite.OpenExisting(ctx, dsn)
		switch {
		case errors.Is(err, sqlite.ErrNoSchema):
			return nil, checkSchema(origin+" "+show, arg, 0, sqlite.SchemaVersion(), create)
		case pursuit.ErrorCode(err) == pursuit.ENOTFOUND:
			return nil, &pursuit.Error{Code: pursuit.ENOTFOUND, Err: err, Message: fmt.Sprintf(
				"%s %s: no such database; create it with %s", origin, show, create)}
		case err != nil:
			return nil, fmt.Errorf("%s %s: %w", origin, show, err)
		}
		s, want = db, sqlite.SchemaVersion()
	}
	have, err := s.(versioned).Version(ctx)
	if err != nil {
		err = fmt.Errorf("%s %s: read the schema version: %w", origin, show, err)
	} else {
		err = checkSchema(origin+" "+show, arg, have, want, create)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// checkSchema compares the schema version a database records (have) with
// this binary's (want). what names the database in messages, arg is its
// --db value for a shell, create says how to create a store.
func checkSchema(what, arg string, have, want int, create string) error {
	switch {
	case have == 0:
		return &pursuit.Error{Code: pursuit.ENOTFOUND, Message: fmt.Sprintf(
			"%s: not a Pursuit database (it has no schema); create the schema with %s", what, create)}
	case have < want:
		return &pursuit.Error{Code: pursuit.ESCHEMA, Message: fmt.Sprintf(
			`%s: the schema is at version %d, older than this binary's %d; upgrade it with "pursuit migrate --db %s"`,
			what, have, want, arg)}
	case have > want:
		return &pursuit.Error{Code: pursuit.ESCHEMA, Message: fmt.Sprintf(
			"%s: the schema is at version %d, newer than this binary's %d: upgrade pursuit", what, have, want)}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters that are safe unquoted.
func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:@%+=,", r)) {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
