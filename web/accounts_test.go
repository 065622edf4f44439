package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/gen"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/web"
)

// genWorld is a small generated dataset (package gen, fixed seed) with a
// member and an admin of its first customer that has CRM mappings.
type genWorld struct {
	store         pursuit.Store
	cust          pursuit.Customer
	other         pursuit.Customer
	member, admin pursuit.User
	password      string
}

func newGenWorld(t testing.TB, s pursuit.Store, cfg gen.Config) *genWorld {
	t.Helper()
	must(t, s.Bulk(ctx, func(bw pursuit.BulkWriter) error { return gen.Generate(ctx, cfg, bw, nil) }))
	g := &genWorld{store: s, password: "correct horse battery"}
	cs, err := s.ListCustomers(ctx, pursuit.ListOptions{Limit: 100})
	must(t, err)
	for _, c := range cs {
		ms, err := s.ListCustomerMappings(ctx, c.CustomerID, pursuit.ListOptions{Limit: 1})
		must(t, err)
		gs, err := s.ListPlaceGrants(ctx, c.CustomerID, pursuit.ListOptions{Limit: 1})
		must(t, err)
		if len(ms) > 0 && len(gs) > 0 && g.cust.CustomerID == 0 {
			g.cust = c
		} else if g.other.CustomerID == 0 {
			g.other = c
		}
	}
	if g.cust.CustomerID == 0 || g.other.CustomerID == 0 {
		t.Fatalf("generated data %+v has no customer with mappings and grants, or no second customer", cfg)
	}
	hash, err := web.HashPassword(g.password)
	must(t, err)
	g.member = pursuit.User{CustomerID: g.cust.CustomerID, Email: "rep@" + strconv.FormatInt(g.cust.CustomerID, 10) + ".example", Role: pursuit.UserRoleMember, PasswordHash: hash}
	must(t, s.CreateUser(ctx, &g.member))
	g.admin = pursuit.User{CustomerID: g.cust.CustomerID, Email: "admin@" + strconv.FormatInt(g.cust.CustomerID, 10) + ".example", Role: pursuit.UserRoleAdmin, PasswordHash: hash}
	must(t, s.CreateUser(ctx, &g.admin))
	return g
}

// coverageWant computes a customer's coverage straight from its rows in
// the store, independently of crm.CoverageOf: place mappings, place
// grants, and per state [accounts, granted, covered, whitespace].
type coverageWant struct {
	accounts, places, granted, covered, whitespace int
	states                                         map[string][4]int
	owners                                         []string
	uncovered                                      []pursuit.Place
}

func wantCoverage(t *testing.T, s pursuit.Store, cid int64) coverageWant {
	t.Helper()
	var w coverageWant
	w.states = map[string][4]int{}
	mapped := map[int64]int{}
	owners := map[string]bool{}
	ms, err := s.ListCustomerMappings(ctx, cid, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	must(t, err)
	for _, m := range ms {
		if m.CustomerID != cid {
			t.Fatalf("ListCustomerMappings(%d) returned a mapping of %d", cid, m.CustomerID)
		}
		if m.AccountOwner != "" {
			owners[m.AccountOwner] = true
		}
		if m.PlaceID != 0 {
			mapped[m.PlaceID]++
			w.accounts++
		}
	}
	w.places = len(mapped)
	gs, err := s.ListPlaceGrants(ctx, cid, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	must(t, err)
	granted := map[int64]bool{}
	for _, g := range gs {
		granted[g.PlaceID] = true
	}
	w.granted = len(granted)
	seen := map[int64]bool{}
	for id := range mapped {
		seen[id] = true
	}
	for id := range granted {
		seen[id] = true
	}
	places := map[int64]pursuit.Place{}
	must(t, s.ScanPlaces(ctx, func(p pursuit.Place) error {
		if seen[p.PlaceID] {
			places[p.PlaceID] = p
		}
		return nil
	}))
	for id := range seen {
		p := places[id]
		x := w.states[p.StateAbbr]
		x[0] += mapped[id]
		if granted[id] {
			x[1]++
			if mapped[id] > 0 {
				x[2]++
				w.covered++
			} else {
				x[3]++
				w.whitespace++
				w.uncovered = append(w.uncovered, p)
			}
		}
		w.states[p.StateAbbr] = x
	}
	for o := range owners {
		w.owners = append(w.owners, o)
	}
	slices.Sort(w.owners)
	return w
}

var (
	covRE      = regexp.MustCompile(`id="cov-([a-z-]+)">([0-9,]+)<`)
	stateRowRE = regexp.MustCompile(`<tr data-state="([A-Z]*)"><th scope="row">[^<]*</th><td>([0-9,]+)</td><td>([0-9,]+)</td><td>([0-9,]+)</td><td>([0-9,]+)</td></tr>`)
	ownerRE    = regexp.MustCompile(`<option[^>]*>([^<]+)</option>`)
)

func num(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	must(t, err)
	return n
}

// checkCoverage reads the coverage of an /accounts page and compares it
// with w.
func checkCoverage(t *testing.T, body string, w coverageWant) {
	t.Helper()
	got := map[string]int{}
	for _, m := range covRE.FindAllStringSubmatch(body, -1) {
		got[m[1]] = num(t, m[2])
	}
	want := map[string]int{"mapped-accounts": w.accounts, "mapped-places": w.places, "granted": w.granted, "covered": w.covered, "whitespace": w.whitespace}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("coverage %s = %d (shown: %v), want %d from the store", k, g, ok, v)
		}
	}
	states := map[string][4]int{}
	for _, m := range stateRowRE.FindAllStringSubmatch(body, -1) {
		states[m[1]] = [4]int{num(t, m[2]), num(t, m[3]), num(t, m[4]), num(t, m[5])}
	}
	if fmt.Sprint(states) != fmt.Sprint(w.states) {
		t.Errorf("coverage by state\n got %v\nwant %v", states, w.states)
	}
}

// TestAccountsCoverage checks the My accounts page's CRM coverage against
// the store on generated data (both stores): the counts, the counts by
// state, the whitespace; another customer's mappings (even one on a place
// this customer is granted) never show or count. An admin uploads an
// account file, sees the outcome by method and state, and applies it; a
// member sees the coverage but its upload and apply posts are refused
// with the HTML error page, changing nothing.
func TestAccountsCoverage(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		g := newGenWorld(t, s, gen.Config{Seed: 7, Places: 150, Contacts: 600, Customers: 4})
		before := wantCoverage(t, s, g.cust.CustomerID)
		if before.whitespace < 3 || before.covered == 0 {
			t.Fatalf("generated customer %d: covered %d, whitespace %d; the test needs both", g.cust.CustomerID, before.covered, before.whitespace)
		}
		// The other customer maps a place of this customer's whitespace,
		// with an owner name that must never show here.
		leak := before.uncovered[0]
		must(t, s.CreateCustomerMapping(ctx, &pursuit.CustomerMapping{CustomerID: g.other.CustomerID, ExternalCRMID: "LEAK-1", PlaceID: leak.PlaceID, AccountOwner: "Zed Leakowner"}))
		srv := newWebServer(t, s)

		m := newClient(t, srv.http.URL)
		m.signIn(g.member.Email, g.password)
		r := m.do("GET", "/accounts", nil)
		if r.status != 200 {
			t.Fatalf("/accounts: %d\n%.800s", r.status, r.body)
		}
		checkCoverage(t, r.body, before)
		for _, leakText := range []string{"Zed Leakowner", "LEAK-1"} {
			if strings.Contains(r.body, leakText) {
				t.Errorf("the page shows another customer's mapping (%s)", leakText)
			}
		}
		var owners []string
		for _, o := range ownerRE.FindAllStringSubmatch(r.body, -1) {
			owners = append(owners, o[1])
		}
		if !slices.Equal(owners, before.owners) {
			t.Errorf("owners %v, want this customer's %v", owners, before.owners)
		}
		if strings.Contains(r.body, `id="match-form"`) {
			t.Errorf("a member is offered the account upload")
		}

		// A member's upload and apply are refused with the HTML error page.
		tok := csrf(t, r.body)
		csvBody := "external_crm_id,name,state,account_owner\n"
		var names []pursuit.Place
		sameName := map[string]int{}
		must(t, s.ScanPlaces(ctx, func(q pursuit.Place) error { sameName[q.StateAbbr+"|"+strings.ToLower(q.Name)]++; return nil }))
		for _, p := range before.uncovered {
			if len(names) < 3 && sameName[p.StateAbbr+"|"+strings.ToLower(p.Name)] == 1 {
				names = append(names, p)
				csvBody += fmt.Sprintf("NEW-%d,%q,%s,Una Owner\n", len(names), p.Name, p.StateAbbr)
			}
		}
		if len(names) < 2 {
			t.Fatalf("too few uniquely named whitespace places: %d", len(names))
		}
		csvBody += "NEW-X,Acme Widgets LLC,TX,Una Owner\n"
		for _, post := range []resp{
			m.upload("/accounts/match", tok, "accounts.csv", csvBody),
			m.do("POST", "/accounts/apply", url.Values{"csrf": {tok}, "accounts_csv": {csvBody}}),
		} {
			if post.status != http.StatusForbidden || !strings.Contains(post.body, `id="error-code"`) || !strings.Contains(post.body, "only an admin") {
				t.Errorf("member post: %d\n%.600s", post.status, post.body)
			}
		}
		if after := wantCoverage(t, s, g.cust.CustomerID); after.accounts != before.accounts {
			t.Fatalf("a member's refused post changed the mappings: %d -> %d", before.accounts, after.accounts)
		}

		// The admin matches: nothing changes yet; the outcome by method.
		a := newClient(t, srv.http.URL)
		a.signIn(g.admin.Email, g.password)
		page := a.do("GET", "/accounts", nil)
		if !strings.Contains(page.body, `id="match-form"`) {
			t.Fatalf("the admin is not offered the account upload")
		}
		// Bad uploads say what is wrong: too large, empty, not an export.
		atok := csrf(t, page.body)
		for _, bad := range []struct {
			body, want string
			status     int
		}{
			{strings.Repeat("x", 1<<20+10), "larger than 1 MiB", http.StatusRequestEntityTooLarge},
			{"", "is empty", http.StatusBadRequest},
			{"foo,bar\n1,2\n", "accounts.csv:1", http.StatusBadRequest},
		} {
			if r := a.upload("/accounts/match", atok, "accounts.csv", bad.body); r.status != bad.status || !strings.Contains(r.body, bad.want) {
				t.Errorf("upload of %d bytes: %d, want %d with %q\n%.600s", len(bad.body), r.status, bad.status, bad.want, r.body)
			}
		}
		r = a.upload("/accounts/match", atok, "accounts.csv", csvBody)
		if r.status != 200 {
			t.Fatalf("match: %d\n%.800s", r.status, r.body)
		}
		if got := textBetween(r.body, `id="match-matched">`, "<"); num(t, got) != len(names) {
			t.Errorf("matched %s, want %d", got, len(names))
		}
		if got := textBetween(r.body, `<tr data-method="none"><th scope="row">none</th><td>`, "<"); got != "1" {
			t.Errorf("method none: %q, want 1 (the company)", got)
		}
		if after := wantCoverage(t, s, g.cust.CustomerID); after.accounts != before.accounts {
			t.Fatalf("matching without applying changed the mappings")
		}
		// Apply: the matches become this customer's mappings.
		r = a.do("POST", "/accounts/apply", url.Values{"csrf": {csrf(t, r.body)}, "file": {"accounts.csv"},
			"accounts_csv": {textBetweenAttr(r.body, `name="accounts_csv" value="`)}})
		if r.status != 200 || !strings.Contains(r.body, `id="match-applied"`) {
			t.Fatalf("apply: %d\n%.800s", r.status, r.body)
		}
		after := wantCoverage(t, s, g.cust.CustomerID)
		if after.accounts != before.accounts+len(names) || after.covered != before.covered+len(names) {
			t.Errorf("after apply: %d accounts, %d covered; want %d, %d", after.accounts, after.covered, before.accounts+len(names), before.covered+len(names))
		}
		checkCoverage(t, r.body, after)
		for i, p := range names {
			m, err := s.FindCustomerMapping(ctx, g.cust.CustomerID, fmt.Sprintf("NEW-%d", i+1))
			must(t, err)
			if m.PlaceID != p.PlaceID || m.AccountOwner != "Una Owner" {
				t.Errorf("mapping NEW-%d = %+v, want place %d of Una Owner", i+1, m, p.PlaceID)
			}
		}
		if _, err := s.FindCustomerMapping(ctx, g.other.CustomerID, "NEW-1"); pursuit.ErrorCode(err) != pursuit.ENOTFOUND {
			t.Errorf("applying wrote a mapping of the other customer: %v", err)
		}
	})
}

func textBetween(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

// textBetweenAttr reads an attribute value that starts after start,
// unescaping the HTML entities the template wrote.
func textBetweenAttr(s, start string) string {
	v := textBetween(s, start, `"`)
	r := strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#10;", "\n", "&#43;", "+")
	return r.Replace(v)
}

// upload posts a file as multipart/form-data field "accounts".
func (c *client) upload(path, csrfTok, name, content string) resp {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	must(c.t, mw.WriteField("csrf", csrfTok))
	fw, err := mw.CreateFormFile("accounts", name)
	must(c.t, err)
	io.WriteString(fw, content)
	must(c.t, mw.Close())
	req, err := http.NewRequest("POST", c.base+path, &b)
	must(c.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r, err := c.c.Do(req)
	must(c.t, err)
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	return resp{status: r.StatusCode, header: r.Header, body: string(body)}
}
