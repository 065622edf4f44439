package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/search"
)

// testServer is a real HTTP server over a real store and search index.
type testServer struct {
	t     testing.TB
	store pursuit.Store
	ix    *search.Index
	srv   *httpapi.Server
	http  *httptest.Server
	admin string // an admin API key
}

type serverOption func(*httpapi.Config)

// newTestServer builds the index of store, follows its change log, and
// serves the API on a loopback port until the test ends.
func newTestServer(t testing.TB, store pursuit.Store, opts ...serverOption) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ix, err := search.Build(ctx, store, search.Options{PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("build index: %v", err)
	}
	done := make(chan struct{})
	go func() { defer close(done); ix.Follow(ctx) }()
	cfg := httpapi.Config{Store: store, Index: ix, RateLimit: -1}
	for _, o := range opts {
		o(&cfg)
	}
	srv := httpapi.NewServer(cfg)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		cancel()
		<-done
	})
	ts := &testServer{t: t, store: store, ix: ix, srv: srv, http: hs}
	ts.admin = ts.createKey(pursuit.RoleAdmin, 0)
	return ts
}

// createKey stores a new API key and returns it.
func (ts *testServer) createKey(role string, customerID int64) string {
	ts.t.Helper()
	k, key, err := httpapi.NewAPIKey(role, customerID, "test", time.Now())
	if err != nil {
		ts.t.Fatal(err)
	}
	if err := ts.store.CreateAPIKey(context.Background(), &k); err != nil {
		ts.t.Fatalf("create API key: %v", err)
	}
	return key
}

// response is a decoded response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body is JSON-encoded unless it is a string or
// []byte, which are sent as they are.
func (ts *testServer) do(method, path, key string, body any) response {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.http.URL+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := ts.http.Client().Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// decode decodes the body into v.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiError decodes an error body.
func (r response) apiError(t testing.TB) httpapi.ErrorDetail {
	t.Helper()
	var e httpapi.ErrorBody
	r.decode(t, &e)
	return e.Error
}

// hangBound only bounds a wait that should end on its own, so that a bug
// fails the test instead of hanging it; no test asserts a speed.
const hangBound = 60 * time.Second

// caughtUp waits until the server's index has applied every change
// committed to the store so far (its own Follow, reading change_log),
// failing the test only if that takes more than hangBound.
func (ts *testServer) caughtUp(t testing.TB) time.Duration {
	t.Helper()
	start := time.Now()
	seq, err := ts.store.LastSeq(context.Background())
	if err != nil {
		t.Fatalf("LastSeq: %v", err)
	}
	for ts.ix.Stats().LastSeq < seq {
		if time.Since(start) > hangBound {
			t.Fatalf("the index applied change_log up to seq %d, not %d, after %v", ts.ix.Stats().LastSeq, seq, hangBound)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return time.Since(start)
}

// fixture is a small dataset with two customers.
type fixture struct {
	springfield, shelbyville, austinISD, travis pursuit.Place
	jane, bob, sam, ann, tom                    pursuit.Contact
	acme, beta                                  pursuit.Customer
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seed writes the fixture: Acme has Springfield masked, Ann in full and
// one reveal credit; Beta has Austin ISD in full and no credits.
func seed(t testing.TB, s pursuit.Store) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	place := func(p *pursuit.Place) { must(t, s.CreatePlace(ctx, p)) }
	f.springfield = pursuit.Place{Name: "City of Springfield", PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "IL", County: "Sangamon County", Population: 114000, EmailDomain: "springfield.gov"}
	f.shelbyville = pursuit.Place{Name: "Shelbyville School District", PlaceType: pursuit.PlaceTypeSchoolDistrict, StateAbbr: "IL", County: "Shelby County", Population: 4700}
	f.austinISD = pursuit.Place{Name: "Austin Independent School District", PlaceType: pursuit.PlaceTypeSchoolDistrict, StateAbbr: "TX", County: "Travis County", Population: 700000}
	f.travis = pursuit.Place{Name: "Travis County", PlaceType: pursuit.PlaceTypeCounty, StateAbbr: "TX", County: "Travis County", Population: 1300000}
	for _, p := range []*pursuit.Place{&f.springfield, &f.shelbyville, &f.austinISD, &f.travis} {
		place(p)
	}
	contact := func(c *pursuit.Contact) { must(t, s.CreateContact(ctx, c)) }
	f.jane = pursuit.Contact{PlaceID: f.springfield.PlaceID, Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Email: "jane.doe@springfield.gov", Phone: "(217) 555-0142", Title: "IT Director", Department: "Information Technology"}
	f.bob = pursuit.Contact{PlaceID: f.springfield.PlaceID, Name: "Bob Roe", FirstName: "Bob", LastName: "Roe", Email: "bob.roe@springfield.gov", Phone: "(217) 555-0199", Title: "Finance Director", Department: "Finance"}
	f.sam = pursuit.Contact{PlaceID: f.shelbyville.PlaceID, Name: "Sam Poe", Email: "spoe@shelbyville.k12.il.us", Phone: "(217) 555-0111", Title: "Superintendent", Department: "Administration"}
	f.ann = pursuit.Contact{PlaceID: f.austinISD.PlaceID, Name: "Ann Lee", Email: "ann.lee@austinisd.org", Phone: "(512) 555-0100", Title: "Chief Information Officer", Department: "Technology"}
	f.tom = pursuit.Contact{PlaceID: f.travis.PlaceID, Name: "Tom Kay", Email: "tom.kay@traviscountytx.gov", Phone: "(512) 555-0177", Title: "County Commissioner", Department: "Commissioners Court"}
	for _, c := range []*pursuit.Contact{&f.jane, &f.bob, &f.sam, &f.ann, &f.tom} {
		contact(c)
	}
	must(t, s.CreateTechStack(ctx, &pursuit.TechStack{PlaceID: f.springfield.PlaceID, Vendor: "Tyler Technologies", Product: "Munis", Category: "ERP"}))
	must(t, s.CreateTechStack(ctx, &pursuit.TechStack{PlaceID: f.austinISD.PlaceID, Vendor: "Microsoft", Product: "Microsoft 365", Category: "Productivity"}))
	f.acme = pursuit.Customer{Name: "Acme GovTech", Email: "ops@acme.example", RevealCredits: 1}
	f.beta = pursuit.Customer{Name: "Beta Systems", Email: "ops@beta.example"}
	must(t, s.CreateCustomer(ctx, &f.acme))
	must(t, s.CreateCustomer(ctx, &f.beta))
	must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: f.acme.CustomerID, PlaceID: f.springfield.PlaceID, AccessType: pursuit.AccessMasked}))
	must(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: f.acme.CustomerID, ContactID: f.ann.ContactID, AccessType: pursuit.AccessFull}))
	must(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: f.beta.CustomerID, PlaceID: f.austinISD.PlaceID, AccessType: pursuit.AccessFull}))
	must(t, s.CreateCustomerMapping(ctx, &pursuit.CustomerMapping{CustomerID: f.acme.CustomerID, ExternalCRMID: "SF-001", PlaceID: f.springfield.PlaceID, AccountOwner: "Bob"}))
	must(t, s.CreateCustomerMapping(ctx, &pursuit.CustomerMapping{CustomerID: f.acme.CustomerID, ExternalCRMID: "CT-9", ContactID: f.jane.ContactID, AccountOwner: "Bob"}))
	must(t, s.CreateCustomerMapping(ctx, &pursuit.CustomerMapping{CustomerID: f.acme.CustomerID, ExternalCRMID: "TX-1", PlaceID: f.travis.PlaceID, AccountOwner: "Alice"}))
	return f
}
