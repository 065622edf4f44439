package main

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/sqlite"
)

func TestDBKind(t *testing.T) {
	tests := []struct {
		dsn, kind, err string
	}{
		{dsn: "./data/pursuit.db", kind: "sqlite"},
		{dsn: "pursuit.db", kind: "sqlite"},
		{dsn: "/var/lib/pursuit/pursuit.db", kind: "sqlite"},
		{dsn: "./a:b.db", kind: "sqlite"},
		{dsn: "dir/a:b.db", kind: "sqlite"},
		{dsn: "data base.db", kind: "sqlite"},
		{dsn: "postgres://u@127.0.0.1:5432/db?sslmode=disable", kind: "postgres"},
		{dsn: "postgresql://u@h/db", kind: "postgres"},
		{dsn: "", err: "empty"},
		{dsn: "postgres:/oops", err: "must start with postgres://"},
		{dsn: "postgres:oops", err: "must start with postgres://"},
		{dsn: "POSTGRES://u@h/db", err: "must start with postgres://"},
		{dsn: "mysql://u:secret@h/db", err: "mysql: URLs are not supported"},
		{dsn: "file://x.db", err: "file: URLs are not supported"},
		{dsn: "file:x.db", err: "(a file name with a colon is written ./file:x.db)"},
		{dsn: "sqlite:x.db", err: "sqlite: URLs are not supported"},
		{dsn: "sqlite3://x.db", err: "sqlite3: URLs are not supported"},
		{dsn: `C:\data\x.db`, err: "C: URLs are not supported"},
		{dsn: "a:b.db", err: "(a file name with a colon is written ./a:b.db)"},
		{dsn: "host=localhost dbname=pursuit password=secret", err: "looks like a PostgreSQL key=value DSN"},
		{dsn: "dbname=pursuit", err: "looks like a PostgreSQL key=value DSN"},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			kind, err := dbKind(tt.dsn)
			if tt.err == "" {
				if err != nil || kind != tt.kind {
					t.Errorf("dbKind(%q) = %q, %v; want %q", tt.dsn, kind, err, tt.kind)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("dbKind(%q) = %q, %v; want an error with %q", tt.dsn, kind, err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("dbKind(%q) error shows the password: %v", tt.dsn, err)
			}
		})
	}
}

func TestCheckSchema(t *testing.T) {
	tests := []struct {
		have, want int
		code, msg  string
	}{
		{have: 3, want: 3},
		{have: 0, want: 3, code: pursuit.ENOTFOUND, msg: `x.db: not a Pursuit database (it has no schema); create the schema with HOW`},
		{have: 2, want: 3, code: pursuit.ESCHEMA, msg: `x.db: the schema is at version 2, older than this binary's 3; upgrade it with "pursuit migrate --db x.db"`},
		{have: 4, want: 3, code: pursuit.ESCHEMA, msg: `x.db: the schema is at version 4, newer than this binary's 3: upgrade pursuit`},
	}
	for _, tt := range tests {
		err := checkSchema("x.db", "x.db", tt.have, tt.want, "HOW")
		if pursuit.ErrorCode(err) != tt.code || tt.msg != "" && err.Error() != tt.msg {
			t.Errorf("checkSchema(have %d, want %d) = %v (%s), want %s %q", tt.have, tt.want, err, pursuit.ErrorCode(err), tt.code, tt.msg)
		}
	}
}

// readCommands are every command that uses a store without creating it,
// with the arguments each needs; dbArg stands where --db goes.
func readCommands(t *testing.T) [][]string {
	dir := t.TempDir()
	return [][]string{
		{"search", dbArg, "--customer", "1", "director"},
		{"search", dbArg, "--customer", "1", "--places", "austin"},
		{"serve", dbArg, "--addr", "127.0.0.1:0"},
		{"export", dbArg, "--out", filepath.Join(dir, "out")},
		{"lake", "export", dbArg, "--lake", filepath.Join(dir, "lake")},
		{"lake", "sync", dbArg, "--lake", filepath.Join(dir, "lake")},
		{"lake", "check", dbArg, "--lake", filepath.Join(dir, "lake")},
		{"apikey", "create", dbArg, "--admin"},
		{"apikey", "list", dbArg},
		{"apikey", "revoke", dbArg, "1"},
		{"bench", "http", dbArg, "--duration", "1ms"},
		{"bench", "search", dbArg, "--memory-limit-mib", "0"},
		{"bench", "lake", dbArg, "--lake", filepath.Join(dir, "lake")},
		{"rank", "train", dbArg},
		{"rank", "rollback", dbArg},
		{"rank", "status", dbArg},
	}
}

// dbArg marks where runWithDB puts --db and its value.
const dbArg = "<--db>"

// runWithDB runs a command with --db dsn in place of dbArg.
func runWithDB(t *testing.T, args []string, dsn string) error {
	t.Helper()
	i := slices.Index(args, dbArg)
	if i < 0 {
		t.Fatalf("%v has no %s", args, dbArg)
	}
	full := slices.Concat(args[:i], []string{"--db", dsn}, args[i+1:])
	_, _, err := runCmd(t, full...)
	return err
}

// TestCommandsRefuseMissingDatabase runs every store-reading command on
// SQLite paths that do not exist: each fails (exit status 1), says there
// is no such database and how to create it, and creates nothing.
func TestCommandsRefuseMissingDatabase(t *testing.T) {
	for _, args := range readCommands(t) {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			for _, path := range []string{filepath.Join(dir, "typo.db"), filepath.Join(dir, "no", "such", "dir", "x.db")} {
				err := runWithDB(t, args, path)
				if err == nil || exitCode(err) != 1 || pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
					t.Fatalf("--db %s: err %v (exit %d), want not found", path, err, exitCode(err))
				}
				for _, want := range []string{"--db " + path + ": no such database", `"pursuit migrate --db ` + path + `"`, "pursuit generate", "pursuit import"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q lacks %q", err, want)
					}
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("the command created %v", entries)
			}
		})
	}
}

// TestCommandsRefuseUnusableDatabase runs every store-reading command on
// SQLite files that exist but are not usable: empty, another program's
// database, and one migrated by a newer binary. None is changed.
func TestCommandsRefuseUnusableDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite", "file:"+foreign+"?mode=rwc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	newer := filepath.Join(dir, "newer.db")
	s, err := sqlite.Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SQL().Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", sqlite.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, tc := range []struct {
		path, code, msg string
	}{
		{empty, pursuit.ENOTFOUND, "not a Pursuit database (it has no schema); create the schema with \"pursuit migrate --db " + empty + "\""},
		{foreign, pursuit.ENOTFOUND, "not a Pursuit database (it has no schema)"},
		{newer, pursuit.ESCHEMA, "newer than this binary's"},
	} {
		before, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range readCommands(t) {
			t.Run(filepath.Base(tc.path)+"/"+strings.Join(args, " "), func(t *testing.T) {
				err := runWithDB(t, args, tc.path)
				if pursuit.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("err = %v (%s), want %s with %q", err, pursuit.ErrorCode(err), tc.code, tc.msg)
				}
			})
		}
		if tc.path == newer {
			continue // a WAL database: its file changes at checkpoints
		}
		after, err := os.ReadFile(tc.path)
		if err != nil || string(before) != string(after) {
			t.Errorf("%s changed (%d bytes -> %d, %v)", tc.path, len(before), len(after), err)
		}
	}
}

// TestCommandsRefuseUnmigratedPostgres runs every store-reading command
// on an empty PostgreSQL database, and on one that does not exist.
func TestCommandsRefuseUnmigratedPostgres(t *testing.T) {
	dsn := testdb.PostgresDSN(t)
	missing := strings.Replace(dsn, "pursuit_test_", "pursuit_missing_", 1)
	for _, args := range readCommands(t) {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			err := runWithDB(t, args, dsn)
			if pursuit.ErrorCode(err) != pursuit.ENOTFOUND || !strings.Contains(err.Error(), "not a Pursuit database (it has no schema)") {
				t.Errorf("empty database: %v", err)
			}
			err = runWithDB(t, args, missing)
			if pursuit.ErrorCode(err) != pursuit.ENOTFOUND || !strings.Contains(err.Error(), "does not exist") {
				t.Errorf("missing database: %v", err)
			}
		})
	}
	s, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.(versioned).Version(context.Background()); err != nil || v != 0 {
		t.Errorf("after the refused commands the schema version is %d, %v; want 0 (nothing created)", v, err)
	}
}

// TestBadDBValues gives --db values that are neither a SQLite path nor a
// postgres:// URL to a command that creates a store and to one that
// reads one: both refuse with a usage error naming --db, and no file
// appears (under any name) in the working directory.
func TestBadDBValues(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, dsn := range []string{"postgres:/oops", "mysql://root@localhost/pursuit", "file://x.db", "file:x.db", "sqlite:x.db", `C:\x.db`, "host=localhost dbname=pursuit", ""} {
		for _, args := range [][]string{{"migrate", dbArg}, {"generate", dbArg, "--small"}, {"import", dbArg, "."}, {"apikey", "list", dbArg}, {"search", dbArg, "--customer", "1", "x"}} {
			t.Run(dsn+"/"+strings.Join(args, " "), func(t *testing.T) {
				err := runWithDB(t, args, dsn)
				if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--db") {
					t.Errorf("err = %v (exit %d), want a usage error naming --db", err, exitCode(err))
				}
			})
		}
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("files created: %v", entries)
	}
}

// TestCreatingCommands checks the commands that may create a store do,
// under the exact path given, a colon included, and that reading commands
// then work on it.
func TestCreatingCommands(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, path := range []string{"./a:b.db", "new/dir/pursuit.db"} {
		out, _, err := runCmd(t, "migrate", "--db", path)
		if err != nil || !strings.Contains(out, "applied migrations") {
			t.Fatalf("migrate --db %s: %v\n%s", path, err, out)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("migrate did not create %s: %v", path, err)
		}
		if _, _, err := runCmd(t, "apikey", "create", "--admin", "--db", path); err != nil {
			t.Errorf("apikey create on the migrated %s: %v", path, err)
		}
		out, _, err = runCmd(t, "migrate", "--db", path)
		if err != nil || !strings.Contains(out, "up to date") {
			t.Errorf("migrate again: %v\n%s", err, out)
		}
	}
	if _, _, err := runCmd(t, "generate", "--db", "gen.db", "--places", "20", "--contacts", "40", "--customers", "2"); err != nil {
		t.Fatalf("generate into a new file: %v", err)
	}
	out, _, err := runCmd(t, "search", "--db", "gen.db", "--customer", "1", "--places", "")
	if err != nil || !strings.Contains(out, "places match") {
		t.Errorf("search on the generated store: %v\n%s", err, out)
	}
	if _, err := os.Stat("data"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a default ./data directory appeared: %v", err)
	}
}
