package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/postgres"
)

// sharedDSN is the database most tests of the package share: created and
// migrated once by TestMain, and emptied by openDB before each test.
// Creating, migrating and dropping a database of the schema's ~100
// relations per test took ~7s each on the shared CI machine; emptying one
// takes a fraction of a second. Tests that need a database of their own
// (TestMigrate) use testdb.PostgresDSN.
var sharedDSN string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	base := os.Getenv(testdb.EnvPostgres)
	if base == "" {
		// Every test here needs PostgreSQL: run none, so that even a
		// plain go test ./... shows "[no tests to run]" for the package.
		return testdb.SkipAll("postgres", testdb.PostgresSkipReason())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		fmt.Fprintf(os.Stderr, "connect to %s: %v\n", testdb.EnvPostgres, err)
		return 1
	}
	var b [6]byte
	rand.Read(b[:])
	name := "pursuit_test_pg_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		fmt.Fprintf(os.Stderr, "create database: %v\n", err)
		return 1
	}
	admin.Close(ctx)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if admin, err := pgx.Connect(ctx, base); err == nil {
			admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			admin.Close(ctx)
		}
	}()
	u, err := url.Parse(base)
	if err != nil {
		fmt.Fprintf(os.Stderr, "parse %s: %v\n", testdb.EnvPostgres, err)
		return 1
	}
	u.Path = "/" + name
	sharedDSN = u.String()
	db, err := postgres.Open(ctx, sharedDSN)
	if err != nil {
		fmt.Fprintf(os.Stderr, "open: %v\n", err)
		return 1
	}
	_, err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "migrate: %v\n", err)
		return 1
	}
	return m.Run()
}

// openDB returns a migrated, empty store: the shared database with every
// table emptied and every sequence restarted. Tests using it must not run
// in parallel.
func openDB(t testing.TB) *postgres.DB {
	t.Helper()
	if sharedDSN == "" {
		t.Skipf("%s is unset: skipping this PostgreSQL test (set it to e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)", testdb.EnvPostgres)
	}
	db, err := postgres.Open(ctx, sharedDSN)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	// DELETE rather than TRUNCATE: truncating the ~440 relations of the
	// partitioned schema fsyncs each new file and takes seconds.
	_, err = db.Pool().Exec(ctx, `DELETE FROM users; DELETE FROM customers; DELETE FROM places; DELETE FROM api_keys;
		DELETE FROM contact_reveals; DELETE FROM change_log; DELETE FROM secrets;
		SELECT setval(format('%I', sequencename)::regclass, 1, false) FROM pg_sequences WHERE schemaname = 'public'`)
	if err != nil {
		t.Fatalf("empty the shared test database: %v", err)
	}
	return db
}
