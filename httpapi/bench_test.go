package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// BenchmarkSearchHandler measures the API's own cost per search request
// (authentication, routing, parameter parsing, JSON encoding, metrics, the
// access log) on a five-contact index, where the search itself is nearly
// free; no network.
func BenchmarkSearchHandler(b *testing.B) {
	s := testdb.SQLite(b)
	f := seed(b, s)
	ts := newTestServer(b, s)
	key := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	req := httptest.NewRequest("GET", "/v1/contacts/search?q=director&state=IL&facets=true", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
