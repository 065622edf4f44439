package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// serveOnce runs pursuit serve until /readyz answers 200, then stops it
// gracefully and returns its log.
func serveOnce(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--poll", "20ms"}, args...),
			func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	addr := regexp.MustCompile(`msg=serving addr=(http://[0-9.:]+)`)
	deadline := time.Now().Add(hangBound)
	for ready := false; !ready; {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			if res, err := http.Get(m[1] + "/readyz"); err == nil {
				res.Body.Close()
				ready = res.StatusCode == 200
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready within %v:\n%s", hangBound, stderr.String())
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
	case <-time.After(hangBound):
		t.Fatalf("serve did not stop")
	}
	return stderr.String()
}

// TestServeSnapshot restarts serve over one SQLite store: the first start
// builds the index and writes the snapshot beside the store (the
// default), the second loads it, a corrupt one is refused with the reason
// logged and rebuilt, and --snapshot off never touches one.
func TestServeSnapshot(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	if _, _, err := runCmd(t, "generate", "--db", db, "--places", "20", "--contacts", "200", "--customers", "2"); err != nil {
		t.Fatal(err)
	}
	snap := db + ".index"
	want := func(what, logs string, has, hasNot []string) {
		t.Helper()
		for _, s := range has {
			if !strings.Contains(logs, s) {
				t.Fatalf("%s: no %q in the log:\n%s", what, s, logs)
			}
		}
		for _, s := range hasNot {
			if strings.Contains(logs, s) {
				t.Fatalf("%s: %q in the log:\n%s", what, s, logs)
			}
		}
	}
	// A first start builds in a child process (pursuit index), which
	// writes the snapshot, and loads it.
	logs := serveOnce(t, nil, "--db", db)
	want("first start", logs, []string{"no snapshot yet", "in a child process", "search index built", "snapshot written",
		"search index child done", "loaded from snapshot", "loaded the snapshot it rebuilt"}, nil)
	if _, err := os.Stat(snap); err != nil {
		t.Fatalf("no snapshot beside the store: %v", err)
	}
	logs = serveOnce(t, nil, "--db", db)
	want("restart", logs, []string{"loaded from snapshot", "caught up"}, []string{"search index built", "child process"})

	// --build-child=false (or PURSUIT_BUILD_CHILD) builds in the server's
	// own process, and writes the snapshot after.
	os.Remove(snap)
	logs = serveOnce(t, map[string]string{"PURSUIT_BUILD_CHILD": "false"}, "--db", db)
	want("in process", logs, []string{"no snapshot yet", "search index built", "snapshot written"}, []string{"child process", "loaded from snapshot"})
	if _, err := os.Stat(snap); err != nil {
		t.Fatalf("no snapshot after an in-process build: %v", err)
	}

	data, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(snap, data, 0o600); err != nil {
		t.Fatal(err)
	}
	logs = serveOnce(t, nil, "--db", db)
	want("corrupt", logs, []string{"cannot use the snapshot", "corrupt", "in a child process", "search index built", "snapshot written", "loaded the snapshot it rebuilt"}, nil)

	// Off: no snapshot read or written, whatever is there.
	os.Remove(snap)
	logs = serveOnce(t, map[string]string{"PURSUIT_SNAPSHOT": "off"}, "--db", db)
	want("off", logs, []string{"search index built"}, []string{"snapshot"})
	if _, err := os.Stat(snap); err == nil {
		t.Fatal("--snapshot off wrote a snapshot")
	}

	// Elsewhere, by flag.
	other := filepath.Join(dir, "elsewhere.snap")
	serveOnce(t, nil, "--db", db, "--snapshot", other)
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("no snapshot at --snapshot: %v", err)
	}
}

// TestIndexCommand: pursuit index writes the snapshot serve then loads
// without building; its bad calls are usage errors that name the flag.
func TestIndexCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	if _, _, err := runCmd(t, "generate", "--db", db, "--places", "15", "--contacts", "120", "--customers", "2"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "index", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "wrote "+db+".index: 120 contacts, 15 places") {
		t.Fatalf("index printed %q", out)
	}
	logs := serveOnce(t, nil, "--db", db)
	if !strings.Contains(logs, "loaded from snapshot") || strings.Contains(logs, "search index built") {
		t.Fatalf("serve after pursuit index did not load its snapshot:\n%s", logs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", "postgres://nobody@127.0.0.1:1/none"}, "--snapshot is required for a PostgreSQL store"},
		{[]string{"--db", db, "--snapshot", "off"}, "--snapshot off"},
		{[]string{"--db", db, "--snapshot", filepath.Join(dir, "no", "such", "x.index")}, "does not exist"},
		{[]string{"--db", db, "extra"}, `unexpected argument "extra"`},
	} {
		_, _, err := runCmd(t, append([]string{"index"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("index %v: %v, want an error with %q", c.args, err, c.want)
		}
	}
}

// TestChildRebuildUnwritable: the child is not started when the
// snapshot's directory cannot be written (it would build for nothing and
// serve build again); the error says so. The directory is gone (removed
// after serve started): a read-only one would not do, tests may run as
// root.
func TestChildRebuildUnwritable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	var stderr bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stderr: &stderr, log: slog.New(slog.DiscardHandler)}
	err := childRebuild(e, filepath.Join(dir, "s.db"), filepath.Join(dir, "s.db.index"))(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the snapshot's directory") {
		t.Fatalf("childRebuild into a missing directory: %v", err)
	}
	if stderr.Len() != 0 {
		t.Fatalf("a child ran: %s", stderr.String())
	}
}

// TestServePostgresChildBuild: serve over PostgreSQL, which has no
// snapshot file by default, builds in a child process too, into a
// temporary directory it removes once the snapshot is loaded; --snapshot
// off builds in the server's process.
func TestServePostgresChildBuild(t *testing.T) {
	dsn := testdb.PostgresDSN(t)
	if _, _, err := runCmd(t, "generate", "--db", dsn, "--places", "15", "--contacts", "120", "--customers", "2"); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	logs := serveOnce(t, map[string]string{"TMPDIR": tmp}, "--db", dsn)
	for _, want := range []string{"temporary_snapshot=" + tmp, "in a child process", "loaded the snapshot it rebuilt"} {
		if !strings.Contains(logs, want) {
			t.Fatalf("no %q in the log:\n%s", want, logs)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("the temporary snapshot was left behind: %v", left)
	}
	logs = serveOnce(t, nil, "--db", dsn, "--snapshot", "off")
	if strings.Contains(logs, "child process") || !strings.Contains(logs, "search index built") {
		t.Fatalf("--snapshot off did not build in the server's process:\n%s", logs)
	}
}
