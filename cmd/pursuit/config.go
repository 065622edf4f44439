package main

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// envVar is one PURSUIT_* environment variable the binary reads: what it
// sets, and the check its value must pass. An unset or empty variable is
// never checked: it means the default.
type envVar struct {
	name  string
	sets  string
	check func(v string) error
}

// envVars lists every PURSUIT_* variable the binary reads. checkEnv runs
// their checks before any command, so that a bad value is an error at
// start-up for every command, not a silent default.
var envVars = []envVar{
	{"PURSUIT_DB", "the default of --db", func(v string) error { _, err := dbKind(v); return err }},
	{"PURSUIT_DEMO_DB", "the default of demo --db", checkSQLitePath},
	{"PURSUIT_LAKE", "the default of --lake", checkLake},
	{"PURSUIT_ADDR", "the default of serve --addr", checkAddr},
	{"PURSUIT_METRICS_ADDR", "the default of serve --metrics-addr", checkAddr},
	{"PURSUIT_RATE_LIMIT", "the default of serve --rate-limit", func(v string) error { _, err := parseRateLimit(v); return err }},
	{"PURSUIT_GC_PERCENT", "the default of serve --gc-percent", func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < 10 {
			return fmt.Errorf("want a whole number of percent, at least 10")
		}
		return nil
	}},
	{"PURSUIT_LOG_FORMAT", "the log format: text or json", func(v string) error { _, err := parseLogFormat(v); return err }},
	{"PURSUIT_LOG_LEVEL", "the log level: debug, info, warn or error", func(v string) error { _, err := parseLogLevel(v); return err }},
	{"PURSUIT_BUILD_CHILD", "the default of serve --build-child: true or false", func(v string) error { _, err := parseBool(v); return err }},
	{"PURSUIT_WEBHOOKS_ALLOW_PRIVATE", "the default of serve --webhooks-allow-private: true or false", func(v string) error { _, err := parseBool(v); return err }},
	{"PURSUIT_SNAPSHOT", "the default of serve --snapshot", func(v string) error {
		if v == "off" {
			return nil
		}
		return checkSnapshotPath(v)
	}},
	{"PURSUIT_SNAPSHOT_EVERY", "the default of serve --snapshot-every", checkPositiveDuration},
	{"PURSUIT_SESSION_SWEEP", "the default of serve --session-sweep", checkPositiveDuration},
	{"PURSUIT_BASE_URL", "the web app's address in printed sign-in links (user create, user link)", checkBaseURL},
	{"PURSUIT_USER_PASSWORD", "the password of user create --password", func(string) error { return nil }},
	{"PURSUIT_BENCH_POSTGRES", "the default of bench load --postgres", checkPostgresURL},
	{"PURSUIT_RANK_TRAIN_EVERY", "the default of serve --rank-train-every", func(v string) error { _, err := parseDuration(v); return err }},
	{"PURSUIT_EVENT_RETENTION", "the default of serve and rank train --event-retention", func(v string) error { _, err := parseDuration(v); return err }},
}

// testEnvVars are PURSUIT_* variables that only the test suite reads; the
// binary knows them so as not to warn about them.
var testEnvVars = []string{"PURSUIT_TEST_POSTGRES", "PURSUIT_DELTA_GOLDEN", "PURSUIT_SCREENSHOTS"}

// checkBaseURL checks a web address: http or https with a host.
func checkBaseURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an http:// or https:// address with a host, like http://127.0.0.1:8080")
	}
	return nil
}

// checkEnv checks the value of every PURSUIT_* variable the binary reads
// and returns the first bad one as an error naming the variable and value.
func checkEnv(getenv func(string) string) error {
	for _, v := range envVars {
		val := getenv(v.name)
		if val == "" {
			continue
		}
		if err := v.check(val); err != nil {
			return fmt.Errorf("environment variable %s=%q (%s): %w", v.name, val, v.sets, err)
		}
	}
	return nil
}

// unknownEnv returns the PURSUIT_* variables of environ that the binary
// does not read, sorted: most likely misspellings of ones it does.
func unknownEnv(environ []string) []string {
	known := map[string]bool{}
	for _, v := range envVars {
		known[v.name] = true
	}
	for _, n := range testEnvVars {
		known[n] = true
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PURSUIT_") && !known[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// knownEnvNames returns the names of the variables the binary reads.
func knownEnvNames() string {
	names := make([]string, len(envVars))
	for i, v := range envVars {
		names[i] = v.name
	}
	return strings.Join(names, ", ")
}

// newLogger returns the process's structured logger on w: text, or JSON
// when PURSUIT_LOG_FORMAT=json, at the level PURSUIT_LOG_LEVEL names
// (info by default). Every log line of the process, the HTTP access log
// included, goes through it.
func newLogger(getenv func(string) string, w io.Writer) (*slog.Logger, error) {
	level, err := parseLogLevel(getenv("PURSUIT_LOG_LEVEL"))
	if err != nil {
		return nil, fmt.Errorf("environment variable PURSUIT_LOG_LEVEL=%q: %w", getenv("PURSUIT_LOG_LEVEL"), err)
	}
	format, err := parseLogFormat(getenv("PURSUIT_LOG_FORMAT"))
	if err != nil {
		return nil, fmt.Errorf("environment variable PURSUIT_LOG_FORMAT=%q: %w", getenv("PURSUIT_LOG_FORMAT"), err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

// parseLogLevel parses a level name: debug, info, warn or error (any
// case, optionally with an offset like info+2); empty is info.
func parseLogLevel(v string) (slog.Level, error) {
	level := slog.LevelInfo
	if v == "" {
		return level, nil
	}
	if err := level.UnmarshalText([]byte(v)); err != nil {
		return level, fmt.Errorf("not a log level: want debug, info, warn or error")
	}
	return level, nil
}

// parseLogFormat parses a log format: text or json (any case); empty is
// text.
func parseLogFormat(v string) (string, error) {
	switch strings.ToLower(v) {
	case "", "text":
		return "text", nil
	case "json":
		return "json", nil
	}
	return "", fmt.Errorf("not a log format: want text or json")
}

// parseRateLimit parses a per-key rate limit: a positive number of
// requests per second, or -1 for no limit.
func parseRateLimit(v string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a number: want requests per second, or -1 for no limit")
	}
	if f <= 0 && f != -1 {
		return 0, fmt.Errorf("want a positive number of requests per second, or -1 for no limit")
	}
	return f, nil
}

// checkAddr checks a listen address: host:port with a port from 0 to 65535
// (an empty host listens on every interface).
func checkAddr(v string) error {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("not a listen address like 127.0.0.1:8080: %v", err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}

// checkSQLitePath checks a value that must name a SQLite file.
func checkSQLitePath(v string) error {
	kind, err := dbKind(v)
	if err != nil {
		return err
	}
	if kind != "sqlite" {
		return fmt.Errorf("must be a SQLite file path, not a PostgreSQL URL")
	}
	return nil
}

// checkPostgresURL checks a value that must be a postgres:// URL.
func checkPostgresURL(v string) error {
	kind, err := dbKind(v)
	if err != nil {
		return err
	}
	if kind != "postgres" {
		return fmt.Errorf("must be a postgres:// URL")
	}
	return nil
}

// lakeSchemes are the URL schemes a lake location may have (see
// lake.OpenLocation); a value without :// is a directory.
var lakeSchemes = []string{"file", "s3", "mem"}

// checkLake checks a lake location: a directory, or a URL of a scheme
// lakeSchemes lists.
func checkLake(v string) error {
	scheme, _, ok := strings.Cut(v, "://")
	if !ok {
		return nil
	}
	for _, s := range lakeSchemes {
		if scheme == s {
			return nil
		}
	}
	return fmt.Errorf("scheme %q is not supported: give a directory or an s3://bucket/prefix URL", scheme)
}

// parseBool reads a boolean setting: true or false (1 and 0 too).
func parseBool(v string) (bool, error) {
	switch v {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, not %q", v)
}

// checkSnapshotPath checks an index snapshot path: a file in a directory
// that exists.
func checkSnapshotPath(v string) error {
	if strings.HasSuffix(v, "/") {
		return fmt.Errorf("names a directory: want a file path")
	}
	dir := filepath.Dir(v)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("directory %q does not exist", dir)
	}
	return nil
}

// checkPositiveDuration checks a positive duration like 10m.
func checkPositiveDuration(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("not a duration like 10m: %v", err)
	}
	if d <= 0 {
		return fmt.Errorf("must be positive")
	}
	return nil
}
