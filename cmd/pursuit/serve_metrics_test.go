package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestServeMetricsAddr runs serve with --metrics-addr: the metrics answer
// there without a key, /metrics on the API address wants an admin key, and
// /readyz tells the public only that the server is ready.
func TestServeMetricsAddr(t *testing.T) {
	db := testdb.SQLite(t).Path()
	stderr, exited := serveMetrics(t, db, func(string) string { return "" })
	get := func(url string) (int, string) {
		res, err := http.Get(url)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	apiRE := regexp.MustCompile(`msg=serving addr=(http://\S+)`)
	metricsRE := regexp.MustCompile(`msg="serving metrics" addr=(http://\S+)`)
	var api, metrics string
	// The minute is a safety net against a hang; the loop ends when the
	// server says it is ready.
	for deadline := time.Now().Add(time.Minute); ; {
		a, m := apiRE.FindStringSubmatch(stderr.String()), metricsRE.FindStringSubmatch(stderr.String())
		if a != nil && m != nil {
			if st, _ := get(a[1] + "/readyz"); st == 200 {
				api, metrics = a[1], m[1]
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("serve exited:\n%s", stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready:\n%s", stderr.String())
		}
	}
	if st, body := get(metrics); st != 200 || !strings.Contains(body, "pursuit_index_contacts 0") {
		t.Errorf("GET %s = %d, want 200 with the metrics", metrics, st)
	} else if !strings.Contains(body, "go_gc_gogc_percent 50\n") {
		t.Errorf("the server's collector is not at --gc-percent's default of 50:\n%s", grepLines(body, "gogc"))
	}
	if st, body := get(api + "/metrics"); st != 401 || strings.Contains(body, "pursuit_index") {
		t.Errorf("GET /metrics on the API address without a key = %d %.80s, want 401", st, body)
	}
	if st, body := get(api + "/readyz"); st != 200 || strings.TrimSpace(body) != `{"status":"ready"}` {
		t.Errorf("GET /readyz = %d %q, want only the status", st, body)
	}
	// The Go profiles are the operators' too: on the metrics listener,
	// never on the API address.
	base := strings.TrimSuffix(metrics, "/metrics")
	if st, body := get(base + "/debug/pprof/heap?debug=1"); st != 200 || !strings.Contains(body, "heap profile") {
		t.Errorf("GET /debug/pprof/heap on the metrics address = %d %.80s, want the heap profile", st, body)
	}
	if st, body := get(api + "/debug/pprof/heap?debug=1"); st == 200 || strings.Contains(body, "heap profile") {
		t.Errorf("GET /debug/pprof/heap on the API address = %d %.80s, want no profile", st, body)
	}
	// Not the command line: --db may hold a PostgreSQL password.
	if st, body := get(base + "/debug/pprof/cmdline"); st == 200 || strings.Contains(body, db) {
		t.Errorf("GET /debug/pprof/cmdline on the metrics address = %d %.80s, want no command line", st, body)
	}
}

// TestServeKeepsGOGC: with GOGC set and no --gc-percent or
// PURSUIT_GC_PERCENT, serve leaves the collector as GOGC set it.
func TestServeKeepsGOGC(t *testing.T) {
	prev := debug.SetGCPercent(77)
	defer debug.SetGCPercent(prev)
	stderr, _ := serveMetrics(t, testdb.SQLite(t).Path(), func(k string) string {
		if k == "GOGC" {
			return "77"
		}
		return ""
	})
	readyRE := regexp.MustCompile(`msg="search index ready"`)
	metricsRE := regexp.MustCompile(`msg="serving metrics" addr=(http://\S+)`)
	for deadline := time.Now().Add(time.Minute); !readyRE.MatchString(stderr.String()); {
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	m := metricsRE.FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no metrics address:\n%s", stderr.String())
	}
	// The index is set just after the ready line, and with it the
	// collector's pace; give it a moment.
	time.Sleep(100 * time.Millisecond)
	res, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "go_gc_gogc_percent 77\n") {
		t.Errorf("serve changed GOGC's 77:\n%s", grepLines(string(b), "gogc"))
	}
}

// serveMetrics runs serve on db with --metrics-addr and the environment
// getenv until the test ends (its error then fails the test); it returns
// serve's log and a channel closed when serve returns.
func serveMetrics(t *testing.T, db string, getenv func(string) string) (*syncBuffer, <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	exited := make(chan struct{})
	var err error
	go func() {
		defer close(exited)
		err = run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"},
			getenv, strings.NewReader(""), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &stderr, exited
}

// grepLines returns the lines of s that hold sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
