package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runCmd runs the CLI in-process and returns its stdout, stderr and error.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(string) string { return "" }
	err := run(context.Background(), args, getenv, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestImportExportCommands(t *testing.T) {
	corpus := filepath.Join("..", "..", "transfer", "testdata")
	tmp := t.TempDir()
	db := filepath.Join(tmp, "pursuit.db")

	out, _, err := runCmd(t, "import", "--db", db, filepath.Join(corpus, "base"))
	if err != nil {
		t.Fatalf("import base: %v", err)
	}
	if !strings.Contains(out, "6 rows applied, 0 rejected") {
		t.Errorf("import summary = %q, want it to say 6 rows applied", out)
	}

	// Strict: a broken directory fails, lists the rejects, applies nothing.
	_, stderr, err := runCmd(t, "import", "--db", db, "--strict", filepath.Join(corpus, "unknown_fk"))
	if err == nil {
		t.Fatal("strict import of a broken directory succeeded")
	}
	wantLine := filepath.Join(corpus, "unknown_fk", "contacts.csv") + ":4: place_id: 99 is not a key of places"
	if !strings.Contains(stderr, wantLine) {
		t.Errorf("stderr = %q, want it to contain %q", stderr, wantLine)
	}

	// Skip-invalid: the rest is applied, the rejects go to the file.
	rejects := filepath.Join(tmp, "rejects.csv")
	if _, _, err := runCmd(t, "import", "--db", db, "--skip-invalid", "--rejects", rejects, filepath.Join(corpus, "unknown_fk")); err != nil {
		t.Fatalf("skip-invalid import: %v", err)
	}
	b, err := os.ReadFile(rejects)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 4 {
		t.Errorf("rejects file has %d lines, want a header and 3 rejects:\n%s", n, b)
	}

	if _, _, err := runCmd(t, "import", "--db", db, "--strict", "--skip-invalid", corpus); err == nil {
		t.Error("--strict with --skip-invalid was accepted")
	}

	// Export, import the export into a new store, export again: same bytes.
	dump1, dump2 := filepath.Join(tmp, "dump1"), filepath.Join(tmp, "dump2")
	if _, _, err := runCmd(t, "export", "--db", db, "--out", dump1, "--format", "jsonl"); err != nil {
		t.Fatalf("export: %v", err)
	}
	db2 := filepath.Join(tmp, "copy.db")
	if _, _, err := runCmd(t, "import", "--db", db2, dump1); err != nil {
		t.Fatalf("import of the export: %v", err)
	}
	if _, _, err := runCmd(t, "export", "--db", db2, "--out", dump2, "--format", "jsonl"); err != nil {
		t.Fatalf("second export: %v", err)
	}
	for _, name := range []string{"customers.jsonl", "places.jsonl", "contacts.jsonl", "customer_mapping.jsonl"} {
		a, _ := os.ReadFile(filepath.Join(dump1, name))
		b, _ := os.ReadFile(filepath.Join(dump2, name))
		if diff := cmp.Diff(string(a), string(b)); diff != "" {
			t.Errorf("%s differs after a round trip (-first +second):\n%s", name, diff)
		}
	}
	places, _ := os.ReadFile(filepath.Join(dump1, "places.jsonl"))
	if n := strings.Count(string(places), "\n"); n != 3 {
		t.Errorf("exported %d places, want 3", n)
	}
}
