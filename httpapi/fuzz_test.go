package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// FuzzSearchHandler sends the search routes any query string, cursors
// included (real ones, cut, stretched, with a flipped character, another
// customer's): every answer must be JSON with a status below 500, and an
// error must carry a code; a bad cursor is EINVALID on cursor.
func FuzzSearchHandler(f *testing.F) {
	s := testdb.SQLite(f)
	fx := seed(f, s)
	ts := newTestServer(f, s)
	acme := ts.createKey(pursuit.RoleCustomer, fx.acme.CustomerID)
	beta := ts.createKey(pursuit.RoleCustomer, fx.beta.CustomerID)
	cursorOf := func(key, path string) string {
		var res struct {
			NextCursor string `json:"next_cursor"`
		}
		ts.do("GET", path, key, nil).decode(f, &res)
		return res.NextCursor
	}
	acmeCur := cursorOf(acme, "/v1/contacts/search?limit=1")
	betaCur := cursorOf(beta, "/v1/contacts/search?limit=1&q=chief")
	if acmeCur == "" {
		f.Fatal("no cursor to start the corpus from")
	}
	for _, q := range []string{
		"", "q=director", "q=director&limit=1&cursor=" + acmeCur, "limit=1&cursor=" + acmeCur,
		"limit=1&cursor=" + acmeCur[:len(acmeCur)/2], "limit=1&cursor=" + acmeCur + "A",
		"limit=1&cursor=" + strings.Replace(acmeCur, acmeCur[5:6], "x", 1), "q=chief&limit=1&cursor=" + betaCur,
		"cursor=eyJoIjoxLCJzIjoxLCJpIjoxLCJ0Ijp7Im4iOjEsImEiOltdfX0", "cursor=%zz", "q=%22unclosed", "state=ZZ&facets=true",
		"population_min=99999999999999999999", "limit=-1", "facet_size=1000", "q=-only", "verified_since=yesterday",
		"q=" + strings.Repeat("a+", 300), "cursor=" + strings.Repeat("A", 70000),
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, route := range []string{"/v1/contacts/search", "/v1/places/search"} {
			req := &http.Request{Method: "GET", URL: &url.URL{Path: route, RawQuery: raw}, Header: http.Header{},
				Host: "example.test", RemoteAddr: "127.0.0.1:1234", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
			req.Header.Set("Authorization", "Bearer "+acme)
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("GET %s?%q = %d %s", route, raw, w.Code, w.Body)
			}
			if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("GET %s?%q: Content-Type %q", route, raw, w.Header().Get("Content-Type"))
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("GET %s?%q = %d, not JSON: %v\n%s", route, raw, w.Code, err, w.Body)
			}
			if w.Code >= 400 {
				var e httpapi.ErrorBody
				if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
					t.Fatalf("GET %s?%q = %d without an error code: %s", route, raw, w.Code, w.Body)
				}
			}
		}
	})
}

// TestBadCursorsAnswer400 sends cursors a client could make up or get
// wrong: each answers 400 with code invalid and field cursor, never 500.
func TestBadCursorsAnswer400(t *testing.T) {
	s := testdb.SQLite(t)
	fx := seed(t, s)
	ts := newTestServer(t, s)
	acme := ts.createKey(pursuit.RoleCustomer, fx.acme.CustomerID)
	beta := ts.createKey(pursuit.RoleCustomer, fx.beta.CustomerID)
	var res struct {
		NextCursor string `json:"next_cursor"`
	}
	ts.do("GET", "/v1/contacts/search?limit=1", acme, nil).decode(t, &res)
	cur := res.NextCursor
	if cur == "" {
		t.Fatal("no cursor")
	}
	if r := ts.do("GET", "/v1/contacts/search?limit=1&cursor="+cur, acme, nil); r.status != 200 {
		t.Fatalf("the cursor on its own search: %d %s", r.status, r.body)
	}
	for name, tc := range map[string]struct{ key, query string }{
		"another customer":          {beta, "limit=1&cursor=" + cur},
		"another query":             {acme, "q=director&limit=1&cursor=" + cur},
		"a places search":           {acme, "limit=1&cursor=" + cur},
		"cut":                       {acme, "limit=1&cursor=" + cur[:len(cur)-3]},
		"the old plain JSON format": {acme, "limit=1&cursor=eyJoIjoxLCJzIjoxLCJpIjoxLCJ0Ijp7Im4iOjEsImEiOltdfX0"},
		"huge numbers":              {acme, "limit=1&cursor=eyJzIjoxZTMwOCwiaSI6MSwidCI6eyJuIjoxZTMwOCwiYSI6WzEsMSwxLDFdfX0"},
		"not base64":                {acme, "limit=1&cursor=%FF%FE"},
	} {
		path := "/v1/contacts/search?"
		if name == "a places search" {
			path = "/v1/places/search?"
		}
		r := ts.do("GET", path+tc.query, tc.key, nil)
		if r.status != 400 {
			t.Errorf("%s: %d %s, want 400", name, r.status, r.body)
			continue
		}
		if e := r.apiError(t); e.Code != pursuit.EINVALID || e.Field != "cursor" {
			t.Errorf("%s: error %+v, want invalid on cursor", name, e)
		}
	}
}
