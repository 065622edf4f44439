package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestLakeCommands runs the lake, sql and report commands end to end on a
// small generated store.
func TestLakeCommands(t *testing.T) {
	tmp := t.TempDir()
	db, dir := filepath.Join(tmp, "pursuit.db"), filepath.Join(tmp, "lake")
	if _, _, err := runCmd(t, "generate", "--small", "--db", db); err != nil {
		t.Fatalf("generate: %v", err)
	}
	out, _, err := runCmd(t, "lake", "export", "--db", db, "--to", dir)
	if err != nil || !strings.Contains(out, "exported 7 tables") {
		t.Fatalf("lake export: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "lake", "check", "--lake", dir, "--db", db)
	if err != nil || strings.Count(out, "checksum equals the store's") != 7 {
		t.Fatalf("lake check: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "sql", "--lake", dir, "--format", "json", "SELECT count(*) AS n FROM contacts WHERE email LIKE '%•••@%'")
	var rows []map[string]int64
	if err != nil || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0]["n"] < 10000 {
		t.Errorf("sql masked emails: %v %s", err, out)
	}
	out, _, err = runCmd(t, "report", "coverage", "--by", "state", "--lake", dir, "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "state,places,") || strings.Count(out, "\n") < 40 {
		t.Errorf("report coverage: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, "report", "nope", "--lake", dir); err == nil {
		t.Error("report nope: no error")
	}
	if _, _, err := runCmd(t, "sql", "--lake", dir, "--format", "xml", "SELECT 1"); err == nil {
		t.Error("sql --format xml: no error")
	}
	out, _, err = runCmd(t, "lake", "sync", "--db", db, "--lake", dir)
	if err != nil || !strings.Contains(out, "lake is current") {
		t.Errorf("lake sync with no changes: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "lake", "optimize", "--lake", dir, "--zorder-by", "place_id,contact_id")
	if err != nil || !strings.Contains(out, "contacts") {
		t.Errorf("lake optimize: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "lake", "vacuum", "--lake", dir, "--retain", "0s", "--table", "contacts")
	if err != nil || !strings.Contains(out, "deleted") {
		t.Errorf("lake vacuum: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "lake", "skipping", "--lake", dir, "--lookups", "50")
	if err != nil || !strings.Contains(out, "files skipped") {
		t.Errorf("lake skipping: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, "lake", "history", "--lake", dir, "--table", "contacts")
	if err != nil || !strings.Contains(out, "OPTIMIZE") || !strings.Contains(out, "WRITE") {
		t.Errorf("lake history: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, "lake", "export", "--db", db, "--to", dir, "--customer", "-3"); err == nil {
		t.Error("--customer -3: no error")
	}
}
