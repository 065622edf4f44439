package main

import (
	"path/filepath"
	"regexp"
	"testing"
)

// TestBenchWebCommand runs a very short pursuit bench web on a small
// generated store and checks that each customer's row has the wall and
// CPU columns.
func TestBenchWebCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a dataset")
	}
	db := filepath.Join(t.TempDir(), "bench.db")
	if _, _, err := runCmd(t, "generate", "--db", db, "--places", "30", "--contacts", "400", "--customers", "2"); err != nil {
		t.Fatalf("generate: %v", err)
	}
	out, _, err := runCmd(t, "bench", "web", "--db", db, "--requests", "20", "--cpuprofile", filepath.Join(t.TempDir(), "cpu.prof"))
	if err != nil {
		t.Fatalf("bench web: %v", err)
	}
	d := `\d+(?:\.\d+)?(?:µs|ms|s)`
	row := regexp.MustCompile(`(?m)^\s+\d+\s+\d+\s+20(?:\s+` + d + `){7}\s*$`)
	if !row.MatchString(out) || !regexp.MustCompile(`load average [0-9.]+ `).MatchString(out) {
		t.Errorf("bench web output has no customer row of 20 requests with wall and CPU columns, or no load average:\n%s", out)
	}
	if _, _, err := runCmd(t, "bench", "web", "--db", db, "--requests", "0"); err == nil {
		t.Error("bench web --requests 0 succeeded")
	}
}
