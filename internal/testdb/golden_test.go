package testdb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGoldenDir(t *testing.T) {
	// A clone in root/repo with the tables in root/shared/delta-golden.
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	pkg := filepath.Join(repo, "lake", "deltagolden")
	golden := filepath.Join(root, "shared", "delta-golden")
	for _, d := range []string{pkg, golden} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(pkg)
	t.Setenv(EnvDeltaGolden, "")
	if dir, err := GoldenDir(); err != nil || dir != golden {
		t.Errorf("GoldenDir() next to the clone = %q, %v; want %q", dir, err, golden)
	}
	other := t.TempDir()
	t.Setenv(EnvDeltaGolden, other)
	if dir, err := GoldenDir(); err != nil || dir != other {
		t.Errorf("GoldenDir() with %s set = %q, %v; want %q", EnvDeltaGolden, dir, err, other)
	}
	t.Setenv(EnvDeltaGolden, filepath.Join(other, "missing"))
	if _, err := GoldenDir(); err == nil || !strings.Contains(err.Error(), EnvDeltaGolden) {
		t.Errorf("GoldenDir() with a missing %s = %v, want an error naming it", EnvDeltaGolden, err)
	}
	t.Setenv(EnvDeltaGolden, "")
	if err := os.RemoveAll(golden); err != nil {
		t.Fatal(err)
	}
	if _, err := GoldenDir(); err == nil || !strings.Contains(err.Error(), golden) {
		t.Errorf("GoldenDir() without the tables = %v, want an error naming %s", err, golden)
	}
}
