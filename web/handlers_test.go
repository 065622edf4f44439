package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// TestPages signs in on both stores and walks every page a member and an
// admin reach, checking the security headers, the masking and the scoping.
func TestPages(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		srv := newWebServer(t, s)
		c := newClient(t, srv.http.URL)
		if r := c.do("GET", "/search", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/signin") {
			t.Fatalf("signed out /search: %d %s", r.status, r.header.Get("Location"))
		}
		c.signIn(w.userA.Email, w.password)
		r := c.do("GET", "/search?q=director", nil)
		if r.status != 200 {
			t.Fatalf("search: %d\n%s", r.status, r.body)
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") ||
			r.header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("headers: CSP %q, XFO %q", csp, r.header.Get("X-Frame-Options"))
		}
		if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") || strings.Contains(r.body, "onclick") {
			t.Errorf("inline script or style in the page")
		}
		// The masked contact's full email is nowhere on a page before a
		// reveal: search results, its page, its place.
		for _, p := range []string{"/search?state=NM", fmt.Sprintf("/contacts/%d", w.maskedID), fmt.Sprintf("/places/%d", w.nm[0].PlaceID)} {
			r := c.do("GET", p, nil)
			if r.status != 200 {
				t.Fatalf("%s: %d", p, r.status)
			}
			if strings.Contains(r.body, w.maskedEm) {
				t.Errorf("%s shows the masked email %s", p, w.maskedEm)
			}
		}
		// A bad search is a 400 page that names the parameter.
		if r := c.do("GET", "/search?population_min=lots", nil); r.status != 400 || !strings.Contains(r.body, "population_min") {
			t.Errorf("bad search: %d", r.status)
		}
		// Another customer's contact, place, list and saved search are the
		// same 404 page as ids that do not exist.
		cb := newClient(t, srv.http.URL)
		cb.signIn(w.userB.Email, w.password)
		l := pursuit.List{CustomerID: w.a.CustomerID, Name: "A's list"}
		must(t, s.CreateList(ctx, &l))
		ss := pursuit.SavedSearch{CustomerID: w.a.CustomerID, Name: "A's search", Query: "q=director"}
		must(t, s.CreateSavedSearch(ctx, &ss))
		for _, pair := range [][2]string{
			{fmt.Sprintf("/contacts/%d", w.maskedID), "/contacts/99999999"},
			{fmt.Sprintf("/places/%d", w.tx[0].PlaceID), "/places/99999999"},
			{fmt.Sprintf("/lists/%d", l.ListID), "/lists/99999999"},
			{fmt.Sprintf("/saved/%d", ss.SavedSearchID), "/saved/99999999"},
			{fmt.Sprintf("/export?list=%d", l.ListID), "/export?list=99999999"},
		} {
			other, missing := cb.do("GET", pair[0], nil), cb.do("GET", pair[1], nil)
			if other.status != 404 || missing.status != 404 || stripCSRF(other.body) != stripCSRF(missing.body) {
				t.Errorf("%s: %d vs %s: %d; bodies equal: %v", pair[0], other.status, pair[1], missing.status, stripCSRF(other.body) == stripCSRF(missing.body))
			}
		}
		// B's search never counts A's contacts.
		if r := cb.do("GET", "/search?q=director", nil); strings.Contains(r.body, "Austin Springs") || strings.Contains(r.body, "Mesa Verde") {
			t.Errorf("customer B's search shows customer A's places")
		}
		// Members cannot open the admin or operator pages.
		if r := c.do("GET", "/admin", nil); r.status != 403 {
			t.Errorf("member /admin: %d", r.status)
		}
		if r := c.do("GET", "/ops", nil); r.status != 403 {
			t.Errorf("member /ops: %d", r.status)
		}
		for _, p := range []string{"/lists", "/saved", "/accounts", fmt.Sprintf("/places/%d", w.tx[0].PlaceID), fmt.Sprintf("/contacts/%d", w.fullID)} {
			if r := c.do("GET", p, nil); r.status != 200 {
				t.Errorf("%s: %d", p, r.status)
			}
		}
		if r := c.do("GET", "/accounts?owner=Bob", nil); !strings.Contains(r.body, w.tx[0].Name) {
			t.Errorf("Bob's accounts do not list %s", w.tx[0].Name)
		}
	})
}

var csrfValueRE = regexp.MustCompile(`name="csrf" value="[^"]*"`)

func stripCSRF(s string) string { return csrfValueRE.ReplaceAllString(s, "") }

// TestCSRF attacks every kind of state-changing request: without a
// token, with another session's token, with a foreign Origin. All are
// refused and change nothing; the same request with the token works.
func TestCSRF(t *testing.T) {
	t.Parallel()
	s := testdb.SQLite(t)
	w := newWorld(t, s)
	srv := newWebServer(t, s)
	c := newClient(t, srv.http.URL)
	c.signIn(w.userA.Email, w.password)
	other := newClient(t, srv.http.URL)
	other.signIn(w.adminA.Email, w.password)
	otherTok := csrf(t, other.do("GET", "/lists", nil).body)
	tok := csrf(t, c.do("GET", "/lists", nil).body)
	reveal := fmt.Sprintf("/contacts/%d/reveal", w.maskedID)
	for _, tc := range []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no token", url.Values{"name": {"x"}}, nil},
		{"empty token", url.Values{"name": {"x"}, "csrf": {""}}, nil},
		{"another session's token", url.Values{"name": {"x"}, "csrf": {otherTok}}, nil},
		{"forged token", url.Values{"name": {"x"}, "csrf": {strings.Repeat("A", 43)}}, nil},
		{"foreign origin", url.Values{"name": {"x"}, "csrf": {tok}}, []string{"Origin", "https://evil.example"}},
	} {
		for _, path := range []string{"/lists", "/saved", reveal, "/signout", "/lists/add"} {
			r := c.do("POST", path, tc.form, tc.header...)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "forbidden") {
				t.Errorf("%s POST %s: %d, want 403 with code forbidden", tc.name, path, r.status)
			}
		}
	}
	ls, err := s.ListLists(ctx, w.a.CustomerID, pursuit.ListOptions{})
	must(t, err)
	cust, err := s.GetCustomer(ctx, w.a.CustomerID)
	must(t, err)
	if len(ls) != 0 || cust.RevealCredits != 3 {
		t.Fatalf("refused posts changed data: %d lists, %d credits", len(ls), cust.RevealCredits)
	}
	if r := c.do("GET", "/search", nil); r.status != 200 {
		t.Fatalf("the session was ended by a refused sign-out: %d", r.status)
	}
	// The sign-in form needs its pre-session token too.
	anon := newClient(t, srv.http.URL)
	if r := anon.do("POST", "/signin", url.Values{"email": {w.userA.Email}, "password": {w.password}}); r.status != 403 {
		t.Errorf("sign-in without a token: %d", r.status)
	}
	// With the token it works.
	if r := c.do("POST", "/lists", url.Values{"name": {"Q3"}, "csrf": {tok}}); r.status != http.StatusSeeOther {
		t.Fatalf("create list with token: %d\n%s", r.status, r.body)
	}
}

// TestSignOutEverywhere signs in on one server, uses the session on a
// second server over the same database (its own store handle and index),
// signs out on the first, and requires the second to refuse the cookie at
// once; removing a user ends its sessions the same way.
func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		w := newWorld(t, s)
		one := newWebServer(t, s)
		two := newWebServer(t, s)
		c := newClient(t, one.http.URL)
		c.signIn(w.userA.Email, w.password)
		u1, _ := url.Parse(one.http.URL)
		u2, _ := url.Parse(two.http.URL)
		c.jar.SetCookies(u2, c.jar.Cookies(u1))
		c2 := &client{t: t, base: two.http.URL, jar: c.jar, c: c.c}
		if r := c2.do("GET", "/search", nil); r.status != 200 {
			t.Fatalf("session on server two: %d", r.status)
		}
		var cookie string
		for _, ck := range c.jar.Cookies(u1) {
			if ck.Name == "pursuit_session" {
				cookie = ck.Value
			}
		}
		if cookie == "" {
			t.Fatal("no session cookie")
		}
		tok := csrf(t, c.do("GET", "/search", nil).body)
		if r := c.do("POST", "/signout", url.Values{"csrf": {tok}}); r.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", r.status)
		}
		// Replay the old cookie on server two: it is dead there too.
		bare := newClient(t, two.http.URL)
		if r := bare.do("GET", "/search", nil, "Cookie", "pursuit_session="+cookie); r.status != http.StatusSeeOther ||
			!strings.HasPrefix(r.header.Get("Location"), "/signin") {
			t.Fatalf("signed-out session on server two: %d %s", r.status, r.header.Get("Location"))
		}
		// Sign in again, then remove the user: every session ends.
		c.signIn(w.userA.Email, w.password)
		c.jar.SetCookies(u2, c.jar.Cookies(u1))
		if r := c2.do("GET", "/search", nil); r.status != 200 {
			t.Fatalf("new session on server two: %d", r.status)
		}
		must(t, s.DeleteUser(ctx, w.userA.UserID))
		if r := c2.do("GET", "/search", nil); r.status != http.StatusSeeOther {
			t.Fatalf("removed user's session on server two: %d", r.status)
		}
	})
}
