package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/sqlite"
)

func TestAPIKeyCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "keys.db")
	if _, _, err := runCmd(t, "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "apikey", "create", "--admin", "--name", "ops", "--db", db)
	if err != nil {
		t.Fatalf("apikey create --admin: %v", err)
	}
	fields := strings.Fields(out)
	key := fields[len(fields)-1]
	if !strings.HasPrefix(key, "pk_") || len(key) != 46 {
		t.Fatalf("last word of %q is not a key", out)
	}
	if _, _, err := runCmd(t, "apikey", "create", "--customer", "7", "--db", db); err == nil {
		t.Error("apikey create --customer of a missing customer succeeded")
	}
	if _, _, err := runCmd(t, "apikey", "create", "--db", db); err == nil {
		t.Error("apikey create without --admin or --customer succeeded")
	}
	if _, _, err := runCmd(t, "apikey", "create", "--admin", "--customer", "1", "--db", db); err == nil {
		t.Error("apikey create with both --admin and --customer succeeded")
	}
	out, _, err = runCmd(t, "apikey", "list", "--db", db)
	if err != nil {
		t.Fatalf("apikey list: %v", err)
	}
	if !strings.Contains(out, "admin") || !strings.Contains(out, key[:9]) || strings.Contains(out, key) {
		t.Errorf("apikey list = %q: want the admin key's prefix and never the key", out)
	}
	if _, _, err := runCmd(t, "apikey", "revoke", "--db", db, "1"); err != nil {
		t.Fatalf("apikey revoke: %v", err)
	}
	if _, _, err := runCmd(t, "apikey", "revoke", "--db", db, "99"); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
		t.Errorf("apikey revoke 99 = %v, want not found", err)
	}
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keys, err := s.ListAPIKeys(context.Background())
	if err != nil || len(keys) != 1 || keys[0].RevokedAt.IsZero() {
		t.Errorf("keys after revoke = %+v, %v", keys, err)
	}
}

// syncBuffer is an io.Writer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestDemo runs pursuit demo on a free port: it generates the small
// dataset, prints working curl examples, serves them, and stops cleanly
// when its context ends.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the 20,000-contact demo dataset")
	}
	db := filepath.Join(t.TempDir(), "demo.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--db", db, "--addr", "127.0.0.1:0"}, func(string) string { return "" },
			strings.NewReader(""), &stdout, &stderr)
	}()
	ready := regexp.MustCompile(`ready on (http://\S+)`)
	var base string
	deadline := time.Now().Add(hangBound)
	for base == "" {
		if m := ready.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("demo exited early: %v\n%s", err, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo not ready within %v:\n%s", hangBound, stderr.String())
		}
	}
	key := regexp.MustCompile(`Customer key: (pk_\S+)`).FindStringSubmatch(stdout.String())
	if key == nil {
		t.Fatalf("no customer key in %s", stdout.String())
	}
	// Every printed customer curl example answers 200.
	urls := regexp.MustCompile(`curl -s -H 'Authorization: Bearer (pk_\S+)'( -X POST)? '([^']+)'`).FindAllStringSubmatch(stdout.String(), -1)
	if len(urls) < 8 {
		t.Fatalf("only %d curl examples in %s", len(urls), stdout.String())
	}
	for _, m := range urls {
		method := "GET"
		if m[2] != "" {
			method = "POST"
		}
		req, _ := http.NewRequest(method, m[3], nil)
		req.Header.Set("Authorization", "Bearer "+m[1])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s %s = %d %s", method, m[3], res.StatusCode, body)
		}
		if strings.Contains(m[3], "/v1/contacts/search?q=director") {
			var r struct{ Total int }
			json.Unmarshal(body, &r)
			if r.Total == 0 {
				t.Errorf("%s found nothing", m[3])
			}
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo after cancel: %v", err)
		}
	case <-time.After(hangBound):
		t.Fatalf("demo did not shut down within %v", hangBound)
	}
	if !strings.Contains(stderr.String(), "msg=http ") {
		t.Errorf("no access log lines in the default text format in stderr")
	}
}

// hangBound only bounds a wait that should end on its own, so that a bug
// fails the test instead of hanging it; no test here asserts a speed.
const hangBound = 2 * time.Minute

// startServe runs pursuit serve in-process on a free port, with the
// environment env, and returns its base URL once /readyz answers 200 and
// the server's stderr; the server stops when the test ends.
func startServe(t *testing.T, dsn string, env map[string]string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0", "--poll", "20ms"}, func(k string) string { return env[k] },
			strings.NewReader(""), &stdout, &stderr)
	}()
	var exited error
	stopped := false
	t.Cleanup(func() {
		cancel()
		if stopped {
			return
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(hangBound):
			t.Errorf("serve did not stop within %v", hangBound)
		}
	})
	addr := regexp.MustCompile(`(?:msg=serving addr=|"msg":"serving","addr":")(http://[0-9.:]+)`)
	deadline := time.Now().Add(hangBound)
	for {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			if res, err := http.Get(m[1] + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return m[1], &stderr
				}
			}
		}
		select {
		case exited = <-done:
			stopped = true
			t.Fatalf("serve exited: %v\n%s", exited, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready within %v:\n%s", hangBound, stderr.String())
		}
	}
}

// call sends a JSON request and decodes the JSON answer into out.
func call(t *testing.T, method, url, key string, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, url, data, err)
		}
	}
	return res.StatusCode
}

// TestTwoServeCommandsOnePostgres runs two pursuit serve commands on one
// PostgreSQL database: writes through one become searchable through the
// other, and a saved search with an instant alert, made through the other,
// tells the customer of the new contact in its change feed (the one
// elected dispatcher runs the alerts through its own index).
func TestTwoServeCommandsOnePostgres(t *testing.T) {
	dsn := testdb.PostgresDSN(t)
	if _, _, err := runCmd(t, "migrate", "--db", dsn); err != nil {
		t.Fatal(err)
	}
	a, _ := startServe(t, dsn, nil)
	b, _ := startServe(t, dsn, nil)
	out, _, err := runCmd(t, "apikey", "create", "--admin", "--db", dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin := strings.Fields(out)[len(strings.Fields(out))-1]

	var cust pursuit.Customer
	var place pursuit.Place
	if st := call(t, "POST", a+"/v1/admin/customers", admin, `{"name": "Acme"}`, &cust); st != 201 {
		t.Fatalf("create customer: %d", st)
	}
	if st := call(t, "POST", a+"/v1/admin/places", admin, `{"name": "Town of Vale", "place_type": "municipality", "state_abbr": "VT"}`, &place); st != 201 {
		t.Fatalf("create place: %d", st)
	}
	if st := call(t, "PUT", fmt.Sprintf("%s/v1/admin/customers/%d/place-grants/%d", a, cust.CustomerID, place.PlaceID), admin, `{"access_type": "masked"}`, nil); st != 200 {
		t.Fatalf("grant: %d", st)
	}
	out, _, err = runCmd(t, "apikey", "create", "--customer", fmt.Sprint(cust.CustomerID), "--db", dsn)
	if err != nil {
		t.Fatal(err)
	}
	key := strings.Fields(out)[len(strings.Fields(out))-1]
	var ss pursuit.SavedSearch
	if st := call(t, "POST", b+"/v1/saved-searches", key, `{"name": "clerks", "query": "q=clerk", "alert": "instant"}`, &ss); st != 201 {
		t.Fatalf("create saved search: %d", st)
	}
	// The alert starts (takes its baseline) before the contact comes.
	store, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for started := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		searches, err := store.AlertSearches(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(searches) == 1 && searches[0].State != nil {
			break
		}
		if time.Since(started) > hangBound {
			t.Fatalf("the saved search's alert did not start within %v", hangBound)
		}
	}
	start := time.Now()
	body := fmt.Sprintf(`{"place_id": %d, "name": "Rowan Ash", "title": "Town Clerk", "email": "rash@vale.vt.us"}`, place.PlaceID)
	if st := call(t, "POST", a+"/v1/admin/contacts", admin, body, nil); st != 201 {
		t.Fatalf("create contact: %d", st)
	}
	for {
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				Contact pursuit.Contact `json:"contact"`
			} `json:"hits"`
		}
		if st := call(t, "GET", b+"/v1/contacts/search?q=clerk", key, "", &res); st != 200 {
			t.Fatalf("search through B: %d", st)
		}
		if res.Total == 1 {
			if res.Hits[0].Contact.Email != "r•••@vale.vt.us" {
				t.Errorf("email through B = %q, want it masked", res.Hits[0].Contact.Email)
			}
			break
		}
		if time.Since(start) > hangBound {
			t.Fatalf("contact written through A not searchable through B within %v", hangBound)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("written through A, searchable through B after %v", time.Since(start))
	for cursor := ""; ; {
		var page struct {
			Events []struct {
				Type string          `json:"type"`
				Data json.RawMessage `json:"data"`
			} `json:"events"`
			NextCursor string `json:"next_cursor"`
		}
		if st := call(t, "GET", a+"/v1/changes?wait=2s&after="+url.QueryEscape(cursor), key, "", &page); st != 200 {
			t.Fatalf("changes through A: %d", st)
		}
		for _, e := range page.Events {
			if e.Type != pursuit.EventSavedSearchMatched {
				continue
			}
			d := string(e.Data)
			if !strings.Contains(d, fmt.Sprintf(`"saved_search_id":%d`, ss.SavedSearchID)) || !strings.Contains(d, "r•••@vale.vt.us") || strings.Contains(d, "rash@") {
				t.Fatalf("saved_search.matched: %s", d)
			}
			t.Logf("alerted after %v", time.Since(start))
			return
		}
		cursor = page.NextCursor
		if time.Since(start) > hangBound {
			t.Fatalf("no saved_search.matched event within %v", hangBound)
		}
	}
}

// TestBenchHTTPCommand runs a very short pursuit bench http on a small
// generated store.
func TestBenchHTTPCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a dataset")
	}
	db := filepath.Join(t.TempDir(), "bench.db")
	if _, _, err := runCmd(t, "generate", "--db", db, "--places", "60", "--contacts", "1200", "--customers", "3"); err != nil {
		t.Fatalf("generate: %v", err)
	}
	out, _, err := runCmd(t, "bench", "http", "--db", db, "--duration", "300ms", "--concurrency", "4")
	if err != nil {
		t.Fatalf("bench http: %v", err)
	}
	row := regexp.MustCompile(`(?m)^\s+\d+\s+\d+\s+(\d+)\s+0\s+\d+`)
	if m := row.FindStringSubmatch(out); m == nil || m[1] == "0" {
		t.Errorf("bench http output has no customer row with successful requests and no failures:\n%s", out)
	}
	mixed := regexp.MustCompile(`(?m)^\s+all \d+, mixed\s+\d+\s+(\d+)\s+0\s+\d+`)
	if m := mixed.FindStringSubmatch(out); m == nil || m[1] == "0" {
		t.Errorf("bench http output has no mixed row with successful requests and no failures:\n%s", out)
	}
	if _, _, err := runCmd(t, "bench", "http", "--db", db, "--customers", "x"); err == nil {
		t.Error("bench http --customers x succeeded")
	}
}
