package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestUsage runs the real process the ways a new user might call it
// wrongly or for help: help goes to stdout with status 0; a wrong call
// prints the usage to stderr once, the error once, and exits 2.
func TestUsage(t *testing.T) {
	tests := []struct {
		name       string
		env        []string
		args       []string
		code       int
		stdout     []string // substrings of stdout; nil: stdout must be empty
		stderr     []string // substrings of stderr, each exactly once
		notStdout  []string
		stderrNone bool // stderr must be empty
	}{
		{name: "no command", code: 2, stderr: []string{"Usage: pursuit <command>", "pursuit: no command given"}},
		{name: "help", args: []string{"help"}, stdout: []string{"Usage: pursuit <command>"}, stderrNone: true},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: []string{"Usage: pursuit <command>", `unknown command "frobnicate"`}},
		{name: "lake without a command", args: []string{"lake"}, code: 2, stderr: []string{"Usage: pursuit lake <command>", "lake: no command given"}},
		{name: "lake --help", args: []string{"lake", "--help"}, stdout: []string{"Usage: pursuit lake <command>", "history"}, stderrNone: true},
		{name: "unknown lake command", args: []string{"lake", "explode"}, code: 2, stderr: []string{`lake: unknown command "explode"`}},
		{name: "apikey without a command", args: []string{"apikey"}, code: 2, stderr: []string{"Usage: pursuit apikey create", "apikey: no command given"}},
		{name: "bench without a benchmark", args: []string{"bench"}, code: 2, stderr: []string{"Usage: pursuit bench <benchmark>", "bench: no benchmark given"}},
		{name: "unknown flag", args: []string{"serve", "--nope"}, code: 2,
			stderr: []string{"Usage: pursuit serve [flags]", "-rate-limit", "pursuit: serve: flag provided but not defined: -nope"}},
		{name: "unknown flag of a lake command", args: []string{"lake", "export", "--nope"}, code: 2,
			stderr: []string{"Usage: pursuit lake export [flags]", "pursuit: lake export: flag provided but not defined: -nope"}},
		{name: "bad flag value", args: []string{"generate", "--places", "many"}, code: 2,
			stderr: []string{"Usage: pursuit generate [flags]", `invalid value "many" for flag -places`}},
		{name: "missing argument", args: []string{"import"}, code: 2,
			stderr: []string{"Usage: pursuit import [flags] DIR|FILE…", "import: give at least one directory or table file"}},
		{name: "serve --help", args: []string{"serve", "--help"}, stdout: []string{"Usage: pursuit serve [flags]", "Flags:", "-addr"}, stderrNone: true},
		{name: "version --help has no empty Flags section", args: []string{"version", "--help"},
			stdout: []string{"Usage: pursuit version\n"}, notStdout: []string{"Flags", "[flags]"}, stderrNone: true},
		{name: "bad PURSUIT_LOG_LEVEL", env: []string{"PURSUIT_LOG_LEVEL=loud"}, args: []string{"version"}, code: 2,
			stderr: []string{`PURSUIT_LOG_LEVEL="loud"`}},
		{name: "bad PURSUIT_RATE_LIMIT before any command", env: []string{"PURSUIT_RATE_LIMIT=fast"}, args: []string{"version"}, code: 2,
			stderr: []string{`PURSUIT_RATE_LIMIT="fast"`}},
		{name: "unknown PURSUIT_ variable", env: []string{"PURSUIT_LOG_LEVL=debug"}, args: []string{"version"},
			stdout: []string{"pursuit "}, stderr: []string{"unknown environment variable ignored", "PURSUIT_LOG_LEVL"}},
		{name: "bad --db value", args: []string{"migrate", "--db", "mysql://u@h/db"}, code: 2,
			stderr: []string{`--db "mysql://u@h/db": mysql: URLs are not supported`}},
		{name: "missing database", args: []string{"apikey", "list", "--db", "nope.db"}, code: 1,
			stderr: []string{"no such database", `"pursuit migrate --db nope.db"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runMain(t, tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			if tt.stdout == nil && stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, not := range tt.notStdout {
				if strings.Contains(stdout, not) {
					t.Errorf("stdout has %q:\n%s", not, stdout)
				}
			}
			if tt.stderrNone && stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
			for _, want := range tt.stderr {
				if n := strings.Count(stderr, want); n != 1 {
					t.Errorf("stderr has %q %d times, want once:\n%s", want, n, stderr)
				}
			}
			errLines := 0
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, "pursuit: ") && !strings.HasPrefix(l, "pursuit: public-sector") {
					errLines++
				}
			}
			if code != 0 && errLines != 1 {
				t.Errorf("stderr has %d error lines, want one:\n%s", errLines, stderr)
			}
		})
	}
}

// TestEnvValues runs commands with a good or a bad value of each PURSUIT_*
// variable: a bad one is an error naming the variable and the value before
// any command runs, whichever the command.
func TestEnvValues(t *testing.T) {
	tests := []struct {
		name, value string
		ok          bool
	}{
		{"PURSUIT_DB", "./data/x.db", true},
		{"PURSUIT_DB", "postgres://u@h/db", true},
		{"PURSUIT_DB", "mysql://u@h/db", false},
		{"PURSUIT_DB", "postgres:/oops", false},
		{"PURSUIT_DB", "file:x.db", false},
		{"PURSUIT_DEMO_DB", "./demo.db", true},
		{"PURSUIT_RANK_TRAIN_EVERY", "24h", true},
		{"PURSUIT_RANK_TRAIN_EVERY", "0", true},
		{"PURSUIT_RANK_TRAIN_EVERY", "daily", false},
		{"PURSUIT_RANK_TRAIN_EVERY", "-1h", false},
		{"PURSUIT_EVENT_RETENTION", "180d", true},
		{"PURSUIT_EVENT_RETENTION", "-3d", false},
		{"PURSUIT_EVENT_RETENTION", "d", false},
		{"PURSUIT_DEMO_DB", "postgres://u@h/db", false},
		{"PURSUIT_LAKE", "./lake", true},
		{"PURSUIT_LAKE", "s3://bucket/prefix", true},
		{"PURSUIT_LAKE", "gs://bucket", false},
		{"PURSUIT_ADDR", ":8080", true},
		{"PURSUIT_ADDR", "127.0.0.1:0", true},
		{"PURSUIT_ADDR", "localhost", false},
		{"PURSUIT_ADDR", "127.0.0.1:99999", false},
		{"PURSUIT_ADDR", "127.0.0.1:http", false},
		{"PURSUIT_GC_PERCENT", "50", true},
		{"PURSUIT_GC_PERCENT", "200", true},
		{"PURSUIT_GC_PERCENT", "5", false},
		{"PURSUIT_GC_PERCENT", "off", false},
		{"PURSUIT_GC_PERCENT", "-1", false},
		{"PURSUIT_RATE_LIMIT", "12.5", true},
		{"PURSUIT_RATE_LIMIT", "-1", true},
		{"PURSUIT_RATE_LIMIT", "fast", false},
		{"PURSUIT_RATE_LIMIT", "0", false},
		{"PURSUIT_RATE_LIMIT", "-3", false},
		{"PURSUIT_RATE_LIMIT", "NaN", false},
		{"PURSUIT_RATE_LIMIT", "+Inf", false},
		{"PURSUIT_SESSION_SWEEP", "30m", true},
		{"PURSUIT_SESSION_SWEEP", "0s", false},
		{"PURSUIT_SESSION_SWEEP", "hourly", false},
		{"PURSUIT_LOG_FORMAT", "JSON", true},
		{"PURSUIT_LOG_FORMAT", "text", true},
		{"PURSUIT_LOG_FORMAT", "xml", false},
		{"PURSUIT_LOG_LEVEL", "DEBUG", true},
		{"PURSUIT_LOG_LEVEL", "warn", true},
		{"PURSUIT_LOG_LEVEL", "loud", false},
		{"PURSUIT_BENCH_POSTGRES", "postgres://u@h/db", true},
		{"PURSUIT_BENCH_POSTGRES", "./bench.db", false},
	}
	commands := [][]string{{"version"}, {"serve", "--help"}, {"lake", "history", "--help"}}
	for _, tt := range tests {
		for _, args := range commands {
			t.Run(tt.name+"="+tt.value+"/"+strings.Join(args, " "), func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				getenv := func(k string) string {
					if k == tt.name {
						return tt.value
					}
					return ""
				}
				err := run(context.Background(), args, getenv, strings.NewReader(""), &stdout, &stderr)
				if tt.ok {
					if err != nil {
						t.Fatalf("%s=%q: %v", tt.name, tt.value, err)
					}
					return
				}
				if err == nil || exitCode(err) != 2 {
					t.Fatalf("%s=%q: err %v (exit %d), want a usage error", tt.name, tt.value, err, exitCode(err))
				}
				if want := fmt.Sprintf("%s=%q", tt.name, tt.value); !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
				if stdout.Len() > 0 {
					t.Errorf("the command ran despite the bad value: %s", stdout.String())
				}
			})
		}
	}
}

// TestEnvListComplete checks that every PURSUIT_* variable named in the
// command's source is one checkEnv knows, so a new one cannot be read
// without a check.
func TestEnvListComplete(t *testing.T) {
	known := slices.Clone(testEnvVars)
	for _, v := range envVars {
		known = append(known, v.name)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(PURSUIT_[A-Z0-9_]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !slices.Contains(known, m[1]) {
				t.Errorf("%s reads %s, which envVars does not list", f, m[1])
			}
		}
	}
}

// TestServeFlagValues gives serve flag values it must refuse before
// opening anything.
func TestServeFlagValues(t *testing.T) {
	for _, tc := range []struct{ flag, value string }{
		{"--rate-limit", "0"}, {"--rate-limit", "-2"}, {"--rate-burst", "0"}, {"--max-body", "0"},
		{"--request-timeout", "0s"}, {"--poll", "-1ms"}, {"--addr", "nowhere"},
		{"--rank-reload", "0s"}, {"--rank-candidates", "0"}, {"--rank-candidates", "1001"},
		// Refused by the flag package, which names flags with one dash.
		{"-rank-train-every", "-1h"}, {"-event-retention", "soon"},
		{"--snapshot-every", "0s"}, {"--snapshot", "/no/such/dir/x.index"}, {"--snapshot", "/tmp/"},
		{"--session-sweep", "0s"}, {"--session-sweep", "-1h"},
		{"--gc-percent", "5"}, {"--gc-percent", "-1"},
	} {
		t.Run(tc.flag+"="+tc.value, func(t *testing.T) {
			_, _, err := runCmd(t, "serve", "--db", filepath.Join(t.TempDir(), "x.db"), tc.flag, tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.flag) {
				t.Errorf("serve %s %s = %v, want an error naming %s", tc.flag, tc.value, err, tc.flag)
			}
		})
	}
}

// TestPanicIsShortWithStackInLog turns a panic into an error: the user
// reads one short line, the log gets the stack.
func TestPanicIsShortWithStackInLog(t *testing.T) {
	var logs bytes.Buffer
	e := &env{log: slog.New(slog.NewTextHandler(&logs, nil))}
	err := func() (err error) {
		defer recoverPanic(e, &err)
		var m map[string]int
		m["boom"]++ // a nil map: the kind of bug that panics
		return nil
	}()
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "internal error: assignment to entry in nil map") {
		t.Errorf("error = %q, want one short line", err)
	}
	if !strings.Contains(logs.String(), "level=ERROR msg=panic") || !strings.Contains(logs.String(), "goroutine") ||
		!strings.Contains(logs.String(), "TestPanicIsShortWithStackInLog") {
		t.Errorf("log lacks the panic's stack:\n%s", logs.String())
	}
}

// TestDemoExamples checks the printed examples: one command per line,
// every line after "Try:" a curl command.
func TestDemoExamples(t *testing.T) {
	var out bytes.Buffer
	printDemo(&env{stdout: &out}, demo{customerKey: "pk_c", adminKey: "pk_a", fullState: "TX", maskState: "CA", placeID: 3, contactID: 4, crmID: "DEMO-001"}, "127.0.0.1:8080")
	_, try, ok := strings.Cut(out.String(), "Try:\n")
	if !ok {
		t.Fatalf("no examples:\n%s", out.String())
	}
	try, _, _ = strings.Cut(try, "\n\n")
	lines := strings.Split(try, "\n")
	if len(lines) < 10 {
		t.Fatalf("only %d example lines:\n%s", len(lines), try)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "  curl -s ") || strings.Count(l, "curl") != 1 {
			t.Errorf("example line %q is not one curl command", l)
		}
	}
}

// TestAccessLogObeysLogSettings serves a few requests with each log
// format and level: the access log uses the process's logger, so it is
// text or JSON as PURSUIT_LOG_FORMAT says and is silent below the level
// PURSUIT_LOG_LEVEL sets.
func TestAccessLogObeysLogSettings(t *testing.T) {
	store := testdb.SQLite(t)
	for _, tc := range []struct {
		format, level string
		want          *regexp.Regexp // an access log line; nil: none
	}{
		{"", "", regexp.MustCompile(`(?m)^time=\S+ level=INFO msg=http method=GET path=/healthz route="GET /healthz" status=200 `)},
		{"json", "", regexp.MustCompile(`(?m)^\{"time":"[^"]+","level":"INFO","msg":"http","method":"GET","path":"/healthz","route":"GET /healthz","status":200,`)},
		{"json", "debug", regexp.MustCompile(`(?m)^\{"time":"[^"]+","level":"INFO","msg":"http","method":"GET","path":"/healthz"`)},
		{"text", "warn", nil},
	} {
		t.Run(tc.format+"/"+tc.level, func(t *testing.T) {
			vars := map[string]string{"PURSUIT_LOG_FORMAT": tc.format, "PURSUIT_LOG_LEVEL": tc.level}
			var logs syncBuffer
			log, err := newLogger(func(k string) string { return vars[k] }, &logs)
			if err != nil {
				t.Fatal(err)
			}
			e := &env{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: &logs, log: log}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ready := make(chan string, 1)
			done := make(chan error, 1)
			o := &serveOptions{addr: "127.0.0.1:0", rateLimit: -1, rateBurst: 1, maxBody: httpapi.DefaultMaxBodyBytes,
				timeout: time.Minute, pollInterval: 20 * time.Millisecond}
			go func() { done <- serveAPI(ctx, e, store, o, func(addr string) { ready <- addr }) }()
			var addr string
			select {
			case addr = <-ready:
			case err := <-done:
				t.Fatalf("serve: %v", err)
			case <-time.After(hangBound):
				t.Fatal("serve not ready")
			}
			for _, path := range []string{"/healthz", "/v1/me"} {
				res, err := http.Get("http://" + addr + path)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("serve: %v", err)
			}
			switch text := logs.String(); {
			case tc.want == nil && strings.Contains(text, "http"):
				t.Errorf("access log lines at level %s:\n%s", tc.level, text)
			case tc.want != nil && !tc.want.MatchString(text):
				t.Errorf("no access log line like %s:\n%s", tc.want, text)
			case strings.Contains(text, "ERROR"):
				t.Errorf("errors logged:\n%s", text)
			}
		})
	}
}
