package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestSavedSearchAlert: the search page saves a search with an alert, the
// saved-search page changes it, a bad value is a 400 page naming "alert",
// and another customer's saved search is the 404 of one that does not
// exist, left unchanged.
func TestSavedSearchAlert(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		srv := newWebServer(t, s)
		c := newClient(t, srv.http.URL)
		c.signIn(w.userA.Email, w.password)
		page := c.do("GET", "/search?q=director", nil)
		if !strings.Contains(page.body, `id="save-alert"`) || !strings.Contains(page.body, `<option value="hourly">Hourly</option>`) {
			t.Fatalf("the save form offers no alert:\n%.2000s", page.body)
		}
		tok := csrf(t, page.body)
		if r := c.do("POST", "/saved", url.Values{"csrf": {tok}, "query": {"q=director"}, "name": {"Directors"}, "alert": {"instant"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		list, err := s.ListSavedSearches(ctx, w.a.CustomerID, pursuit.ListOptions{Limit: 10})
		must(t, err)
		if len(list) != 1 || list[0].Alert != pursuit.AlertInstant {
			t.Fatalf("saved: %+v", list)
		}
		id := list[0].SavedSearchID
		path := fmt.Sprintf("/saved/%d/alert", id)
		if r := c.do("POST", path, url.Values{"csrf": {tok}, "alert": {"daily"}}); r.status != http.StatusSeeOther {
			t.Fatalf("set alert: %d %s", r.status, r.body)
		}
		if r := c.do("GET", "/saved", nil); !strings.Contains(r.body, `<option value="daily" selected>Daily</option>`) {
			t.Fatalf("the saved page does not show the daily alert:\n%s", r.body)
		}
		for _, bad := range []string{"weekly", ""} {
			if r := c.do("POST", path, url.Values{"csrf": {tok}, "alert": {bad}}); r.status != 400 || !strings.Contains(r.body, "alert") {
				t.Fatalf("alert %q: %d\n%.1500s", bad, r.status, r.body)
			}
		}
		// Customer B cannot change A's alert: the same 404 as a missing id.
		cb := newClient(t, srv.http.URL)
		cb.signIn(w.userB.Email, w.password)
		tokB := csrf(t, cb.do("GET", "/saved", nil).body)
		other := cb.do("POST", path, url.Values{"csrf": {tokB}, "alert": {"off"}})
		missing := cb.do("POST", "/saved/99999999/alert", url.Values{"csrf": {tokB}, "alert": {"off"}})
		if other.status != 404 || missing.status != 404 || stripCSRF(other.body) != stripCSRF(missing.body) {
			t.Fatalf("B on A's saved search: %d vs missing %d", other.status, missing.status)
		}
		got, err := s.GetSavedSearch(ctx, w.a.CustomerID, id)
		must(t, err)
		if got.Alert != pursuit.AlertDaily {
			t.Fatalf("alert after the attempts: %q", got.Alert)
		}
	})
}
