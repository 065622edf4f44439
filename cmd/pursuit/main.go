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
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

// env is what a subcommand gets from the process: arguments aside, every
// input and output goes through it so tests can run commands in-process.
type env struct {
	getenv func(string) string
	// environ lists the process's environment, to warn about unknown
	// PURSUIT_* variables; nil in tests.
	environ func() []string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	log     *slog.Logger

	// usage prints the usage of the command whose flags were being parsed
	// when the flag package or the command asked for it (a parse error,
	// --help, a missing argument); usageOf is that command's name. run
	// prints it once the command returns: to stdout for --help, to stderr
	// with the error otherwise.
	usage   func(w io.Writer)
	usageOf string
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
		{"serve", "serve the HTTP JSON API and the web app", runServe},
		{"index", "build the search index of a store and write its snapshot for serve", runIndex},
		{"demo", "generate a small dataset, create a demo customer and key, and serve", runDemo},
		{"apikey", "create, list and revoke API keys", runAPIKey},
		{"user", "create, list and remove web app users; print sign-in links", runUser},
		{"lake", "export, sync, optimize and vacuum the Delta Lake tables", runLake},
		{"sql", "run SQL with DuckDB over the Delta Lake tables", runSQL},
		{"report", "ready analytical reports over the Delta Lake tables", runReport},
		{"bench", "measure load, search, HTTP and lake speed", runBench},
		{"rank", "train, roll back and show the learned ranking model", runRank},
		{"changes", "print a customer's change feed, optionally following it", runChanges},
		{"webhooks", "manage webhook endpoints and deliveries; listen for signed events locally", runWebhooks},
		{"crm", "match CRM account exports to places, report coverage, export contacts to CRMs", runCRM},
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := runEnv(ctx, os.Args[1:], &env{getenv: os.Getenv, environ: os.Environ, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pursuit:", err)
		os.Exit(exitCode(err))
	}
}

// usageError is an error in how pursuit was called: an unknown command or
// flag, a bad flag or PURSUIT_* value, a missing argument. The process
// exits with status 2 for it and 1 for every other error.
type usageError struct{ err error }

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

// usageErrorf returns a usageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitCode is the exit status of the process for err.
func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// run is the whole program: main only gives it the process's arguments,
// environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runEnv(ctx, args, &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr})
}

// runEnv checks the environment, sets up logging and runs the command
// args name. A panic becomes an error with a short message; its stack
// goes to the log.
func runEnv(ctx context.Context, args []string, e *env) (err error) {
	if err := checkEnv(e.getenv); err != nil {
		return &usageError{err}
	}
	if e.log, err = newLogger(e.getenv, e.stderr); err != nil {
		return &usageError{err}
	}
	defer recoverPanic(e, &err)
	if e.environ != nil {
		for _, name := range unknownEnv(e.environ()) {
			e.log.Warn("unknown environment variable ignored", "name", name, "known", knownEnvNames())
		}
	}
	if len(args) == 0 {
		usage(e.stderr)
		return usageErrorf("no command given")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(e.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return finishCommand(e, c.name, c.run(ctx, e, args[1:]))
		}
	}
	usage(e.stderr)
	return usageErrorf("unknown command %q", args[0])
}

// recoverPanic, deferred, turns a panic into *err: a short message for
// the user, and the panic with its stack in the log.
func recoverPanic(e *env, err *error) {
	if r := recover(); r != nil {
		e.log.Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		*err = fmt.Errorf("internal error: %v (this is a bug; its stack trace is in the log above)", r)
	}
}

// finishCommand prints the usage a command's flag set asked for, if any:
// to stdout after --help (which is no error), to stderr before the error
// of a bad call, which it marks as a usage error named after the command.
func finishCommand(e *env, name string, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		if e.usage != nil {
			e.usage(e.stdout)
		}
		return nil
	}
	if err == nil || e.usage == nil {
		return err
	}
	e.usage(e.stderr)
	fmt.Fprintln(e.stderr)
	var u *usageError
	if errors.As(err, &u) {
		return err
	}
	if of := e.usageOf; of != "" && !strings.HasPrefix(err.Error(), of+":") && !strings.HasPrefix(err.Error(), name+":") {
		err = fmt.Errorf("%s: %w", of, err)
	}
	return &usageError{err}
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

// newFlagSet returns a flag set for a subcommand. The flag package prints
// nothing: a parse error is returned once, and the usage (summary, usage
// line, flags) is printed by run, to stdout for --help and to stderr
// before an error.
func newFlagSet(e *env, name, argsUsage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		e.usageOf = name
		e.usage = func(w io.Writer) {
			fmt.Fprintf(w, "%s\n\nUsage: pursuit %s", summary, name)
			nflags := 0
			fs.VisitAll(func(*flag.Flag) { nflags++ })
			if nflags > 0 {
				fmt.Fprint(w, " [flags]")
			}
			if argsUsage != "" {
				fmt.Fprint(w, " "+argsUsage)
			}
			fmt.Fprintln(w)
			if nflags > 0 {
				fmt.Fprint(w, "\nFlags:\n")
				fs.SetOutput(w)
				fs.PrintDefaults()
				fs.SetOutput(io.Discard)
			}
		}
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
