package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

var prefixRE = regexp.MustCompile(`<code>([^<]+)…</code>`)

// TestAdminKeysScoped attacks the admin page's API keys as an admin of
// customer A: the page lists A's keys only (the store lists them by
// customer), and posting B's key id to the revoke route is the same 404
// page as an id that does not exist, and leaves B's key working.
func TestAdminKeysScoped(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		srv := newWebServer(t, s)
		now := w.a.CreatedAt
		bKey, _, err := httpapi.NewAPIKey(pursuit.RoleCustomer, w.b.CustomerID, "B's CRM sync", now)
		must(t, err)
		must(t, s.CreateAPIKey(ctx, &bKey))
		adminKey, _, err := httpapi.NewAPIKey(pursuit.RoleAdmin, 0, "ops key", now)
		must(t, err)
		must(t, s.CreateAPIKey(ctx, &adminKey))

		c := newClient(t, srv.http.URL)
		c.signIn(w.adminA.Email, w.password)
		page := c.do("GET", "/admin", nil)
		r := c.do("POST", "/admin/keys", url.Values{"csrf": {csrf(t, page.body)}, "name": {"A's key"}})
		if r.status != http.StatusCreated || !strings.Contains(r.body, `id="new-key"`) {
			t.Fatalf("create key: %d\n%.600s", r.status, r.body)
		}
		aKeys, err := s.ListCustomerAPIKeys(ctx, w.a.CustomerID)
		must(t, err)
		if len(aKeys) != 1 {
			t.Fatalf("A's keys: %+v", aKeys)
		}
		page = c.do("GET", "/admin", nil)
		var shown []string
		for _, m := range prefixRE.FindAllStringSubmatch(page.body, -1) {
			shown = append(shown, m[1])
		}
		if len(shown) != 1 || shown[0] != aKeys[0].Prefix {
			t.Fatalf("admin page shows keys %v, want only A's %s", shown, aKeys[0].Prefix)
		}
		for _, leak := range []string{bKey.Prefix, bKey.Name, adminKey.Prefix, adminKey.Name} {
			if strings.Contains(page.body, leak) {
				t.Errorf("A's admin page shows %q of another key", leak)
			}
		}

		tok := csrf(t, page.body)
		for _, id := range []int64{bKey.APIKeyID, adminKey.APIKeyID} {
			other := c.do("POST", fmt.Sprintf("/admin/keys/%d/revoke", id), url.Values{"csrf": {tok}})
			missing := c.do("POST", "/admin/keys/99999999/revoke", url.Values{"csrf": {tok}})
			if other.status != 404 || missing.status != 404 || stripCSRF(other.body) != stripCSRF(missing.body) {
				t.Errorf("revoke key %d: %d vs missing %d; same page: %v", id, other.status, missing.status, stripCSRF(other.body) == stripCSRF(missing.body))
			}
		}
		for _, k := range []pursuit.APIKey{bKey, adminKey} {
			got, err := s.APIKeyByHash(ctx, k.Hash)
			must(t, err)
			if !got.RevokedAt.IsZero() {
				t.Fatalf("A's admin revoked key %d (%s)", k.APIKeyID, k.Name)
			}
		}
		// A's own key is revoked.
		r = c.do("POST", fmt.Sprintf("/admin/keys/%d/revoke", aKeys[0].APIKeyID), url.Values{"csrf": {tok}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("revoke own key: %d\n%.600s", r.status, r.body)
		}
		if got, _ := s.APIKeyByHash(ctx, aKeys[0].Hash); got.RevokedAt.IsZero() {
			t.Fatal("A's own key is not revoked")
		}
		// A member cannot revoke at all.
		m := newClient(t, srv.http.URL)
		m.signIn(w.userA.Email, w.password)
		mt := csrf(t, m.do("GET", "/lists", nil).body)
		if r := m.do("POST", fmt.Sprintf("/admin/keys/%d/revoke", aKeys[0].APIKeyID), url.Values{"csrf": {mt}}); r.status != http.StatusForbidden {
			t.Errorf("member revoke: %d", r.status)
		}
	})
}
