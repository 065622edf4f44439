// Command pursuit is the single binary of the Pursuit public-sector data
// system: it migrates and loads the store, serves the API, builds the search
// index, exports the lake and runs the benchmarks. Each subcommand lives in
// a file of its own; main only wires the process to run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// env is what a subcommand gets from the process: arguments aside, every
// input and output goes through it so tests can run commands in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists every subcommand; each one's run function lives in the
// file named after it.
func commands() []command {
	cmds := []command{
		{"migrate", "create or upgrade the database schema", runMigrate},
		{"version", "print the version of this binary and of its schemas", runVersion},
		{"generate", "generate a realistic dataset into files or a store", runGenerate},
		{"import", "load CSV or JSONL table files into a store", runImport},
		{"export", "write every table of a store as CSV or JSONL files", runExport},
		{"search", "search a customer's contacts or places from the terminal", runSearch},
		{"serve", "serve the HTTP JSON API", runServe},
		{"demo", "generate a small dataset, create a demo customer and key, and serve", runDemo},
		{"apikey", "create, list and revoke API keys", runAPIKey},
		{"lake", "export, sync, optimize and vacuum the Delta Lake tables", runLake},
		{"sql", "run SQL with DuckDB over the Delta Lake tables", runSQL},
		{"report", "ready analytical reports over the Delta Lake tables", runReport},
		{"bench", "measure load, search, HTTP and lake speed", runBench},
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pursuit:", err)
		os.Exit(1)
	}
}

// run is the whole program: main only gives it the process's arguments,
// environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, log: newLogger(getenv, stderr)}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, e, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "pursuit: public-sector contacts, places and tech stacks, searchable per customer.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: pursuit <command> [flags] [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'pursuit <command> --help' for a command's flags.")
}

// newLogger returns the process's structured logger: text on stderr, or
// JSON when PURSUIT_LOG_FORMAT=json; PURSUIT_LOG_LEVEL sets the level.
func newLogger(getenv func(string) string, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(getenv("PURSUIT_LOG_LEVEL")))
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(getenv("PURSUIT_LOG_FORMAT"), "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newFlagSet returns a flag set for a subcommand whose --help prints the
// summary, the usage line and the flags to stdout.
func newFlagSet(e *env, name, argsUsage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fs.SetOutput(e.stdout)
		fmt.Fprintf(e.stdout, "%s\n\nUsage: pursuit %s [flags] %s\n\nFlags:\n", summary, name, argsUsage)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// dbFlag adds the --db flag every store-using command shares: a SQLite file
// path or a postgres:// URL, defaulting to $PURSUIT_DB or ./data/pursuit.db.
func dbFlag(fs *flag.FlagSet, e *env) *string {
	return fs.String("db", envOr(e, "PURSUIT_DB", "./data/pursuit.db"),
		"database: a SQLite file path or a postgres:// URL (env PURSUIT_DB)")
}
