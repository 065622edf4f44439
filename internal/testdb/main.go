package testdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// What `go test ./...` shows of a skip. In package list mode go test
// discards everything a passing test binary prints, -v aside: a skipped
// half of a package is invisible, and only the package's "ok" line is
// shown. The one thing that line says about the tests is a trailing
// "[no tests to run]", which go test adds when the binary printed
// "testing: warning: no tests to run". So the tests that need something
// from outside the repository live in packages where all tests need it
// (postgres, lake/deltagolden), and those packages run no test at all
// when it is missing, with that mark: SkipAll. Packages with a PostgreSQL
// half next to a SQLite one say which half they skipped with Main, which
// go test -v, go test in the package's directory and a failing run show.

// SkipAll runs none of a package's tests, because what every one of them
// needs is missing, and prints why followed by the marker that makes go
// test print the package's line as "ok … [no tests to run]". It returns
// the exit code for os.Exit. Call it from TestMain instead of m.Run.
func SkipAll(pkg, reason string) int {
	fmt.Printf("%s: %s\ntesting: warning: no tests to run\nPASS\n", pkg, reason)
	return 0
}

// PostgresSkipReason says why PostgreSQL tests skip, or "" when
// PURSUIT_TEST_POSTGRES is set.
func PostgresSkipReason() string {
	if os.Getenv(EnvPostgres) != "" {
		return ""
	}
	return fmt.Sprintf("%s is unset: the PostgreSQL tests were skipped (set it to e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable, as .ci/run does)", EnvPostgres)
}

// Main runs the tests of a package that has PostgreSQL halves next to
// SQLite ones and returns the exit code for os.Exit. When
// PURSUIT_TEST_POSTGRES is unset, it prints one line after the tests
// saying the PostgreSQL halves were skipped.
func Main(m *testing.M, pkg string) int {
	code := m.Run()
	if reason := PostgresSkipReason(); reason != "" {
		fmt.Printf("%s: %s\n", pkg, reason)
	}
	return code
}

// EnvDeltaGolden names the environment variable holding the directory of
// the Delta tables Apache Spark wrote (the delta-io/delta project's golden
// tables), which the repository does not hold. Unset, GoldenDir looks for
// shared/delta-golden next to the repository's root.
const EnvDeltaGolden = "PURSUIT_DELTA_GOLDEN"

// GoldenDir returns the directory of the golden Delta tables: the value of
// PURSUIT_DELTA_GOLDEN, or ../shared/delta-golden from the repository's
// root (the directory holding go.mod, found upwards from the test's
// working directory). It is an error when the directory does not exist.
func GoldenDir() (string, error) {
	if dir := os.Getenv(EnvDeltaGolden); dir != "" {
		return checkDir(dir, EnvDeltaGolden+"="+dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for root := wd; ; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			dir := filepath.Join(filepath.Dir(root), "shared", "delta-golden")
			return checkDir(dir, fmt.Sprintf("%s is unset and %s", EnvDeltaGolden, dir))
		}
		if filepath.Dir(root) == root {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

func checkDir(dir, what string) (string, error) {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("%s does not exist", what)
	case err != nil:
		return "", fmt.Errorf("%s: %w", what, err)
	case !fi.IsDir():
		return "", fmt.Errorf("%s is not a directory", what)
	}
	return filepath.Abs(dir)
}
