package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

func TestAuth(t *testing.T) {
	s := testdb.SQLite(t)
	f := seed(t, s)
	ts := newTestServer(t, s)
	acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	revoked := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	k, err := s.APIKeyByHash(context.Background(), httpapi.HashKey(revoked))
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.RevokeAPIKey(context.Background(), k.APIKeyID, time.Now()))
	tests := []struct {
		name   string
		method string
		path   string
		header string
		status int
		code   string
	}{
		{"no header", "GET", "/v1/me", "", 401, pursuit.EUNAUTHORIZED},
		{"not bearer", "GET", "/v1/me", "Basic " + acme, 401, pursuit.EUNAUTHORIZED},
		{"empty bearer", "GET", "/v1/me", "Bearer ", 401, pursuit.EUNAUTHORIZED},
		{"unknown key", "GET", "/v1/me", "Bearer pk_" + strings.Repeat("A", 43), 401, pursuit.EUNAUTHORIZED},
		{"wrong prefix", "GET", "/v1/me", "Bearer sk_" + acme[3:], 401, pursuit.EUNAUTHORIZED},
		{"truncated key", "GET", "/v1/me", "Bearer " + acme[:len(acme)-1], 401, pursuit.EUNAUTHORIZED},
		{"huge key", "GET", "/v1/me", "Bearer pk_" + strings.Repeat("x", 5000), 401, pursuit.EUNAUTHORIZED},
		{"revoked key", "GET", "/v1/me", "Bearer " + revoked, 401, pursuit.EUNAUTHORIZED},
		{"customer key on admin route", "GET", "/v1/admin/customers", "Bearer " + acme, 403, pursuit.EFORBIDDEN},
		{"customer key on admin write", "POST", "/v1/admin/customers", "Bearer " + acme, 403, pursuit.EFORBIDDEN},
		{"admin key on customer route", "GET", "/v1/contacts/search", "Bearer " + ts.admin, 403, pursuit.EFORBIDDEN},
		{"valid customer key", "GET", "/v1/me", "Bearer " + acme, 200, ""},
		{"valid admin key", "GET", "/v1/admin/customers", "Bearer " + ts.admin, 200, ""},
		{"unknown route", "GET", "/v1/nothing", "", 404, pursuit.ENOTFOUND},
		{"wrong method", "DELETE", "/v1/contacts/search", "Bearer " + acme, 405, pursuit.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.http.URL+tt.path, nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var body httpapi.ErrorBody
			json.NewDecoder(res.Body).Decode(&body)
			if res.StatusCode != tt.status || body.Error.Code != tt.code {
				t.Errorf("%s %s = %d %q, want %d %q (%s)", tt.method, tt.path, res.StatusCode, body.Error.Code, tt.status, tt.code, body.Error.Message)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	s := testdb.SQLite(t)
	f := seed(t, s)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ts := newTestServer(t, s, func(c *httpapi.Config) { c.RateLimit, c.RateBurst, c.Now = 2, 3, clock })
	acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	beta := ts.createKey(pursuit.RoleCustomer, f.beta.CustomerID)
	for i := 0; i < 3; i++ {
		if r := ts.do("GET", "/v1/me", acme, nil); r.status != 200 {
			t.Fatalf("request %d within the burst = %d %s", i, r.status, r.body)
		}
	}
	r := ts.do("GET", "/v1/me", acme, nil)
	if r.status != 429 || r.apiError(t).Code != pursuit.ERATELIMIT {
		t.Fatalf("request over the burst = %d %s, want 429", r.status, r.body)
	}
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After = %q, want a positive number of seconds", r.header.Get("Retry-After"))
	}
	if r := ts.do("GET", "/v1/me", beta, nil); r.status != 200 {
		t.Errorf("another key is limited too: %d", r.status)
	}
	now = now.Add(time.Second) // two tokens back
	if r := ts.do("GET", "/v1/me", acme, nil); r.status != 200 {
		t.Errorf("after a second = %d, want 200", r.status)
	}

	// Failed authentications are limited per address.
	bad := "pk_" + strings.Repeat("Z", 43)
	for i := 0; i < httpapi.FailedAuthBurst; i++ {
		if r := ts.do("GET", "/v1/me", bad, nil); r.status != 401 {
			t.Fatalf("failed authentication %d = %d, want 401", i, r.status)
		}
	}
	r = ts.do("GET", "/v1/me", bad, nil)
	if r.status != 429 || r.header.Get("Retry-After") == "" {
		t.Errorf("failed authentication over the burst = %d, want 429 with Retry-After", r.status)
	}
	now = now.Add(2 * time.Second)
	if r := ts.do("GET", "/v1/me", beta, nil); r.status != 200 {
		t.Errorf("a valid key after the address recovered = %d, want 200", r.status)
	}
}

func TestMalformedRequests(t *testing.T) {
	s := testdb.SQLite(t)
	f := seed(t, s)
	ts := newTestServer(t, s, func(c *httpapi.Config) { c.MaxBodyBytes = 4096 })
	customers := "/v1/admin/customers"
	grants := fmt.Sprintf("/v1/admin/customers/%d/grants/bulk", f.acme.CustomerID)
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		ctype  string
		status int
		field  string
	}{
		{"syntax error", "POST", customers, `{"name": "x",}`, "", 400, "body"},
		{"truncated", "POST", customers, `{"name": "x"`, "", 400, "body"},
		{"empty body", "POST", customers, ``, "", 400, "body"},
		{"not an object", "POST", customers, `[1,2]`, "", 400, "body"},
		{"wrong type", "POST", customers, `{"name": 123}`, "", 400, "name"},
		{"wrong type number", "POST", customers, `{"name": "x", "reveal_credits": "lots"}`, "", 400, "reveal_credits"},
		{"float for integer", "POST", customers, `{"name": "x", "reveal_credits": 1.5}`, "", 400, "reveal_credits"},
		{"unknown field", "POST", customers, `{"name": "x", "colour": "red"}`, "", 400, "colour"},
		{"nested wrong type", "POST", grants, `{"place_grants": [{"place_id": "one", "access_type": "full"}]}`, "", 400, "place_grants.place_id"},
		{"nested unknown field", "POST", grants, `{"contact_grants": [{"contact_id": 1, "acces_type": "full"}]}`, "", 400, "acces_type"},
		{"two values", "POST", customers, `{"name": "x"} {"name": "y"}`, "", 400, "body"},
		{"huge body", "POST", customers, `{"name": "` + strings.Repeat("x", 10000) + `"}`, "", 413, "body"},
		{"wrong content type", "POST", customers, `{"name": "x"}`, "text/plain", 400, "Content-Type"},
		{"bad time", "PUT", fmt.Sprintf("/v1/admin/contacts/%d", f.jane.ContactID), `{"place_id": 1, "name": "x", "verified_at": "yesterday"}`, "", 400, "verified_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.http.URL+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer "+ts.admin)
			ct := tt.ctype
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var body httpapi.ErrorBody
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatalf("decode error body: %v", err)
			}
			if res.StatusCode != tt.status || body.Error.Field != tt.field {
				t.Errorf("= %d field %q (%s), want %d field %q", res.StatusCode, body.Error.Field, body.Error.Message, tt.status, tt.field)
			}
		})
	}
}

func TestOperations(t *testing.T) {
	s := testdb.SQLite(t)
	f := seed(t, s)
	srv := httpapi.NewServer(httpapi.Config{Store: s})
	rec := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", path, nil)
		w := &recorder{header: http.Header{}}
		srv.ServeHTTP(w, req)
		return w.status, w.body.String()
	}
	if st, _ := rec("/healthz"); st != 200 {
		t.Errorf("/healthz = %d", st)
	}
	req, _ := http.NewRequest("GET", "/healthz", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	w := &recorder{header: http.Header{}}
	srv.ServeHTTP(w, req)
	if got := w.header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the client's abc-123", got)
	}
	w = &recorder{header: http.Header{}}
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/healthz", nil))
	if got := w.header.Get("X-Request-ID"); len(got) < 10 {
		t.Errorf("X-Request-ID = %q, want a generated id", got)
	}
	if st, body := rec("/readyz"); st != 503 || !strings.Contains(body, pursuit.EUNAVAILABLE) {
		t.Errorf("/readyz before the index = %d %s, want 503", st, body)
	}
	ts := newTestServer(t, s)
	acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	// Readiness is a yes or no: no count of the store's rows for the
	// public.
	if r := ts.do("GET", "/readyz", "", nil); r.status != 200 || string(r.body) != `{"status":"ready"}`+"\n" {
		t.Errorf("/readyz = %d %q, want 200 and only the status", r.status, r.body)
	}
	ts.do("GET", "/v1/contacts/search?q=director", acme, nil)
	ts.do("GET", "/v1/contacts/999", acme, nil)
	// The metrics hold the counts: an admin key, or the separate handler.
	for key, want := range map[string]int{"": 401, "pk_nonsense": 401, acme: 403} {
		if r := ts.do("GET", "/metrics", key, nil); r.status != want || strings.Contains(string(r.body), "pursuit_index_contacts") {
			t.Errorf("/metrics with key %q = %d, want %d and no metrics", key, r.status, want)
		}
	}
	mw := httptest.NewRecorder()
	ts.srv.MetricsHandler().ServeHTTP(mw, httptest.NewRequest("GET", "/metrics", nil))
	if mw.Code != 200 || !strings.Contains(mw.Body.String(), "pursuit_index_contacts 5") {
		t.Errorf("MetricsHandler = %d, want 200 with the metrics", mw.Code)
	}
	r := ts.do("GET", "/metrics", ts.admin, nil)
	for _, want := range []string{
		`pursuit_http_requests_total{route="GET /v1/contacts/search",status="200"} 1`,
		`pursuit_http_requests_total{route="GET /v1/contacts/{contact_id}",status="404"} 1`,
		`pursuit_http_request_duration_seconds_bucket{route="GET /v1/contacts/search"`,
		`pursuit_index_contacts 5`,
		`pursuit_index_change_lag`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestOpenAPIMatchesRoutes checks that openapi.json documents every route
// and that every documented operation is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	srv := httpapi.NewServer(httpapi.Config{Store: testdb.SQLite(t)})
	routes := srv.Patterns()
	slices.Sort(documented)
	slices.Sort(routes)
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %s, which is not a route", d)
		}
	}
}

// recorder is a minimal http.ResponseWriter.
type recorder struct {
	header http.Header
	status int
	body   strings.Builder
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(s int) { r.status = s }
