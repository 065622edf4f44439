package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// runIndex builds the search index of a store and writes its snapshot:
// what pursuit serve loads at start-up instead of building. Serve runs it
// itself, in a child process, when it starts without a usable snapshot
// (childRebuild); operators can run it ahead of a restart.
func runIndex(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "index", "",
		"Build the search index of a store and write its snapshot file, atomically, for pursuit serve to load at start-up\n"+
			"(and catch up from change_log) instead of building. Serve runs this itself, in a child process, when it starts\n"+
			"without a usable snapshot; run it ahead of a restart to have the new servers ready in seconds.")
	db := dbFlag(fs, e)
	snap := fs.String("snapshot", envOr(e, "PURSUIT_SNAPSHOT", ""),
		"the snapshot file to write; default <db>.index beside a SQLite store, required for PostgreSQL (env PURSUIT_SNAPSHOT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("index: unexpected argument %q", fs.Arg(0))
	}
	path := (&serveOptions{snapshot: *snap}).snapshotPath(*db)
	switch {
	case *snap == "off":
		return usageErrorf("index: --snapshot off: want the file to write")
	case path == "":
		return usageErrorf("index: --snapshot is required for a PostgreSQL store (no default file)")
	case checkSnapshotPath(path) != nil:
		return usageErrorf("index: --snapshot %q: %v", path, checkSnapshotPath(path))
	}
	s, err := openExisting(ctx, e, *db)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	defer s.Close()
	if db, ok := s.(*sqlite.DB); ok {
		// This process only builds: its scans may map the file (the
		// mapped pages are resident while they run).
		db.ScanMmapBytes = 1 << 40
	}
	ix, err := search.Build(ctx, s, search.Options{Logger: e.log})
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	info, err := ix.SaveSnapshot(path)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	st := ix.Stats()
	fmt.Fprintf(e.stdout, "wrote %s: %d contacts, %d places, change_log seq %d, %d MB; built in %s, written in %s\n",
		info.Path, st.Contacts, st.Places, info.Seq, info.Bytes>>20,
		st.BuildDuration.Round(time.Millisecond), info.Elapsed.Round(time.Millisecond))
	return nil
}

// childRebuild returns serve's search.Options.Rebuild: run `pursuit index`
// in a child process, the same executable, to write the snapshot at path.
// The build's memory — a peak of twice the index and the heap it leaves
// behind — then belongs to a process that exits, and the server loads
// the snapshot as after a restart. The store's address and the log
// settings go to the child in its environment (not its arguments, which
// any user of the machine can read); its log lines go to serve's.
func childRebuild(e *env, dsn, path string) func(context.Context) error {
	return func(ctx context.Context) error {
		// A child that cannot write the snapshot would build for nothing,
		// and serve would build again: find out first.
		if err := checkWritableDir(filepath.Dir(path)); err != nil {
			return fmt.Errorf("the snapshot's directory: %w", err)
		}
		exe, err := selfExecutable()
		if err != nil {
			return fmt.Errorf("find this executable: %w", err)
		}
		cmd := exec.CommandContext(ctx, exe, "index")
		if name, err := os.Executable(); err == nil {
			cmd.Args[0] = name // what ps shows, rather than /proc/self/exe
		}
		cmd.Env = append(os.Environ(),
			"PURSUIT_DB="+dsn, "PURSUIT_SNAPSHOT="+path,
			"PURSUIT_LOG_LEVEL="+e.getenv("PURSUIT_LOG_LEVEL"), "PURSUIT_LOG_FORMAT="+e.getenv("PURSUIT_LOG_FORMAT"))
		// Its log lines (in serve's format) go to serve's log; its summary
		// line on stdout is not a log line, and its own log says the same.
		cmd.Stdout, cmd.Stderr = io.Discard, e.stderr
		// On shutdown the child is asked to stop (it cancels its build
		// and writes nothing), and killed if it has not within 10 s; if
		// serve dies without shutting down, the kernel asks it to stop
		// (dieWithParent).
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = 10 * time.Second
		unlock := dieWithParent(cmd)
		defer unlock()
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start %s index: %w", exe, err)
		}
		e.log.Info("building the search index in a child process", "pid", cmd.Process.Pid, "snapshot", path)
		err = cmd.Wait()
		var exit *exec.ExitError
		switch {
		case err == nil:
			e.log.Info("search index child done", "pid", cmd.Process.Pid, "elapsed", time.Since(start).Round(time.Millisecond))
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &exit):
			return fmt.Errorf("%s index (pid %d): %s", exe, cmd.Process.Pid, exit.ProcessState)
		}
		return fmt.Errorf("%s index: %w", exe, err)
	}
}

// checkWritableDir checks that a file can be created in dir (and removes
// it).
func checkWritableDir(dir string) error {
	f, err := os.CreateTemp(dir, ".pursuit-write-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
