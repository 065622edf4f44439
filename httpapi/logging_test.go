package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// logBuffer collects JSON log records written by the server's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// records decodes every JSON record logged so far.
func (l *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	text := l.b.String()
	l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, rec)
	}
	return out
}

// panickingStore is a real store whose GetPlace panics, the way a bug in a
// handler's call path would.
type panickingStore struct{ pursuit.Store }

func (panickingStore) GetPlace(context.Context, int64) (pursuit.Place, error) {
	panic("boom: a bug in the place handler")
}

// TestPanicLoggedWithStack makes a handler panic: the client gets a short
// JSON 500 with the stable code internal and nothing of the panic, and the
// log gets the panic with its stack.
func TestPanicLoggedWithStack(t *testing.T) {
	var logs logBuffer
	ts := newTestServer(t, panickingStore{testdb.SQLite(t)}, func(c *httpapi.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	r := ts.do("GET", "/v1/admin/places/1", ts.admin, nil)
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status = %d %s, want 500", r.status, r.body)
	}
	if e := r.apiError(t); e.Code != pursuit.EINTERNAL || e.Message != "internal error" {
		t.Errorf("error = %+v, want code internal and message \"internal error\"", e)
	}
	if strings.Contains(string(r.body), "boom") || strings.Contains(string(r.body), "goroutine") {
		t.Errorf("the response shows the panic: %s", r.body)
	}
	var found bool
	for _, rec := range logs.records(t) {
		if rec["msg"] != "panic" {
			continue
		}
		found = true
		stack, _ := rec["stack"].(string)
		if rec["level"] != "ERROR" || !strings.Contains(fmt.Sprint(rec["panic"]), "boom") ||
			!strings.Contains(stack, "goroutine") || !strings.Contains(stack, "panickingStore.GetPlace") {
			t.Errorf("panic record = %v, want an ERROR with the panic and a stack through GetPlace", rec)
		}
	}
	if !found {
		t.Errorf("no panic record in the log:\n%s", logs.b.String())
	}
}

// TestStartupUnavailableNotAnError asks a server whose index is not built
// yet: its 503s are how start-up looks, logged at INFO, never as ERROR.
func TestStartupUnavailableNotAnError(t *testing.T) {
	var logs logBuffer
	store := testdb.SQLite(t)
	srv := httpapi.NewServer(httpapi.Config{Store: store, RateLimit: -1,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	cust := pursuit.Customer{Name: "Acme"}
	must(t, store.CreateCustomer(context.Background(), &cust))
	k, key, err := httpapi.NewAPIKey(pursuit.RoleCustomer, cust.CustomerID, "x", time.Now())
	must(t, err)
	must(t, store.CreateAPIKey(context.Background(), &k))
	for _, path := range []string{"/readyz", "/v1/contacts/search?q=clerk"} {
		req, _ := http.NewRequest("GET", hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := hs.Client().Do(req)
		must(t, err)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("GET %s before the index is built = %d, want 503", path, res.StatusCode)
		}
	}
	recs := logs.records(t)
	if len(recs) == 0 {
		t.Fatal("nothing logged")
	}
	for _, rec := range recs {
		if rec["level"] == "ERROR" {
			t.Errorf("a 503 during start-up was logged as an error: %v", rec)
		}
	}
}

// TestForbiddenMessage checks the message of a key of the wrong role.
func TestForbiddenMessage(t *testing.T) {
	store := testdb.SQLite(t)
	ts := newTestServer(t, store)
	f := seed(t, store)
	cases := []struct {
		name, path, key, want string
	}{
		{"customer key on an admin route", "/v1/admin/customers", ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID),
			"this route needs an admin API key; this key is a customer key"},
		{"admin key on a customer route", "/v1/me", ts.admin,
			"this route needs a customer API key; this key is an admin key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.do("GET", tc.path, tc.key, nil)
			if e := r.apiError(t); r.status != http.StatusForbidden || e.Message != tc.want {
				t.Errorf("GET %s = %d %q, want 403 %q", tc.path, r.status, e.Message, tc.want)
			}
		})
	}
}
