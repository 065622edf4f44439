package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/search"
	"github.com/pursuit-gov/pursuit/web"
)

// world is the data every web test uses: customer A sees the TX places in
// full and the NM places masked; customer B sees one place of its own.
type world struct {
	store    pursuit.Store
	a, b     pursuit.Customer
	tx, nm   []pursuit.Place
	bPlace   pursuit.Place
	maskedID int64 // a contact of A's masked place
	maskedEm string
	fullID   int64
	bContact int64
	userA    pursuit.User
	userB    pursuit.User
	adminA   pursuit.User
	password string
}

var ctx = context.Background()

var titles = []string{"Finance Director", "Chief Information Officer", "IT Director", "City Clerk", "Public Works Director", "Deputy Finance Director", "Police Chief", "HR Manager"}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newWorld fills s with the test data.
func newWorld(t testing.TB, s pursuit.Store) *world {
	t.Helper()
	w := &world{store: s, password: "correct horse battery"}
	w.a = pursuit.Customer{Name: "Acme Gov Sales", RevealCredits: 3}
	must(t, s.CreateCustomer(ctx, &w.a))
	w.b = pursuit.Customer{Name: "Other Co", RevealCredits: 5}
	must(t, s.CreateCustomer(ctx, &w.b))
	n := 0
	addPlace := func(name, st string, pop int64) pursuit.Place {
		p := pursuit.Place{Name: name, PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: st, County: "Test County",
			Population: pop, Website: "www." + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".gov"}
		must(t, s.CreatePlace(ctx, &p))
		must(t, s.CreateTechStack(ctx, &pursuit.TechStack{PlaceID: p.PlaceID, Vendor: "Tyler Technologies", Product: "Munis", Category: "erp"}))
		for i := range 12 {
			first := []string{"Ana", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lin"}[i]
			last := fmt.Sprintf("Tester%d", n)
			n++
			c := pursuit.Contact{PlaceID: p.PlaceID, Name: first + " " + last, FirstName: first, LastName: last,
				Title: titles[(i+n)%len(titles)], Department: "Administration",
				Email: strings.ToLower(first+"."+last) + "@" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".gov",
				Phone: fmt.Sprintf("(512) 555-%04d", n), VerifiedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}
			must(t, s.CreateContact(ctx, &c))
		}
		return p
	}
	for i := range 3 {
		w.tx = append(w.tx, addPlace(fmt.Sprintf("Austin Springs %d", i), "TX", int64(10000*(i+1))))
		w.nm = append(w.nm, addPlace(fmt.Sprintf("Mesa Verde %d", i), "NM", int64(5000*(i+1))))
	}
	w.bPlace = addPlace("Lakeside", "OR", 7000)
	for _, p := range w.tx {
		must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: w.a.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull}))
	}
	for _, p := range w.nm {
		must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: w.a.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}))
	}
	must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: w.b.CustomerID, PlaceID: w.bPlace.PlaceID, AccessType: pursuit.AccessFull}))
	m := pursuit.CustomerMapping{CustomerID: w.a.CustomerID, ExternalCRMID: "001A000001", PlaceID: w.tx[0].PlaceID, AccountOwner: "Bob",
		LastSyncedTime: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	must(t, s.CreateCustomerMapping(ctx, &m))
	cs, err := s.ListContactsByPlace(ctx, w.nm[0].PlaceID, pursuit.ListOptions{Limit: 1})
	must(t, err)
	w.maskedID, w.maskedEm = cs[0].ContactID, cs[0].Email
	cs, err = s.ListContactsByPlace(ctx, w.tx[0].PlaceID, pursuit.ListOptions{Limit: 1})
	must(t, err)
	w.fullID = cs[0].ContactID
	cs, err = s.ListContactsByPlace(ctx, w.bPlace.PlaceID, pursuit.ListOptions{Limit: 1})
	must(t, err)
	w.bContact = cs[0].ContactID
	hash, err := web.CheapHash(w.password)
	must(t, err)
	w.userA = pursuit.User{CustomerID: w.a.CustomerID, Email: "rep@acme.example", Role: pursuit.UserRoleMember, PasswordHash: hash}
	must(t, s.CreateUser(ctx, &w.userA))
	w.adminA = pursuit.User{CustomerID: w.a.CustomerID, Email: "admin@acme.example", Role: pursuit.UserRoleAdmin, PasswordHash: hash}
	must(t, s.CreateUser(ctx, &w.adminA))
	w.userB = pursuit.User{CustomerID: w.b.CustomerID, Email: "rep@other.example", Role: pursuit.UserRoleMember, PasswordHash: hash}
	must(t, s.CreateUser(ctx, &w.userB))
	return w
}

// webServer is one server of the web app over a store, with its own
// search index following the store's change log.
type webServer struct {
	ix   *search.Index
	http *httptest.Server
}

func newWebServer(t testing.TB, s pursuit.Store) *webServer {
	t.Helper()
	cctx, cancel := context.WithCancel(ctx)
	ix, err := search.Build(cctx, s, search.Options{PollInterval: 10 * time.Millisecond})
	must(t, err)
	done := make(chan struct{})
	go func() { defer close(done); ix.Follow(cctx) }()
	app, err := web.NewServer(web.Config{Store: s, Index: func() *search.Index { return ix }})
	must(t, err)
	hs := httptest.NewServer(app)
	t.Cleanup(func() { hs.Close(); cancel(); <-done })
	return &webServer{ix: ix, http: hs}
}

// client is a browser-less client with its own cookie jar; it does not
// follow redirects, so tests see them.
type client struct {
	t    testing.TB
	base string
	jar  *cookiejar.Jar
	c    *http.Client
}

func newClient(t testing.TB, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, jar: jar, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(method, path string, form url.Values, header ...string) resp {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	must(c.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	r, err := c.c.Do(req)
	must(c.t, err)
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{status: r.StatusCode, header: r.Header, body: string(b)}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of a page's forms.
func csrf(t testing.TB, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf token in page:\n%.500s", body)
	}
	return m[1]
}

// signIn signs the client in with a password.
func (c *client) signIn(email, password string) {
	c.t.Helper()
	page := c.do("GET", "/signin", nil)
	r := c.do("POST", "/signin", url.Values{"csrf": {csrf(c.t, page.body)}, "email": {email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("sign in as %s: %d\n%.800s", email, r.status, r.body)
	}
}
