package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// wantMainEnv makes this test binary run main instead of the tests, so
// that tests can check what the real process prints and how it exits.
const wantMainEnv = "GO_WANT_PURSUIT_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(wantMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	// The processes pursuit starts itself (serve's index build in a child,
	// childRebuild) run this executable: make them run main too.
	os.Setenv(wantMainEnv, "1")
	os.Exit(testdb.Main(m, "cmd/pursuit"))
}

// runMain runs pursuit's main in a child process with args and, besides
// PATH and HOME, only the environment variables env, and returns its
// stdout, stderr and exit status.
func runMain(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append([]string{wantMainEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Dir = t.TempDir()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}
