package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
	"github.com/pursuit-gov/pursuit/postgres"
	"github.com/pursuit-gov/pursuit/sqlite"
)

// twoStores returns two handles on one store, as two `pursuit serve`
// processes have: two SQLite connections pools on one file, or two
// PostgreSQL pools on one database.
func twoStores(t *testing.T, kind string) (pursuit.Store, pursuit.Store) {
	t.Helper()
	ctx := context.Background()
	switch kind {
	case "sqlite":
		a := testdb.SQLite(t)
		b, err := sqlite.Open(ctx, a.Path())
		if err != nil {
			t.Fatalf("open the SQLite file again: %v", err)
		}
		t.Cleanup(func() { b.Close() })
		return a, b
	default:
		dsn := testdb.PostgresDSN(t)
		open := func() pursuit.Store {
			db, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Fatalf("open postgres: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		a, b := open(), open()
		if _, err := a.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

// try sends a request without failing the test on a transport error, for
// goroutines other than the test's.
func (ts *testServer) try(method, path, key string) (int, string, error) {
	req, err := http.NewRequest(method, ts.http.URL+path, nil)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := ts.http.Client().Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, string(body), err
}

// waitApplied waits until server ts has applied the change log up to what
// is committed now: its own sync, no clock (the minute is a safety net
// against a hang, not a deadline the test relies on).
func (ts *testServer) waitApplied() {
	ts.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	seq, err := ts.store.LastSeq(ctx)
	if err != nil {
		ts.t.Fatal(err)
	}
	if err := ts.srv.WaitApplied(ctx, seq); err != nil {
		ts.t.Fatalf("wait for the server to apply seq %d: %v", seq, err)
	}
}

// TestDeletedCustomersKeyAcrossServers is the attack of issue 10: customer
// D gets a key, which is used once on server B (so B has looked it up);
// D is deleted through server A; customer N is created (SQLite used to
// give it D's id) and granted a place whose contacts have real emails.
// D's old key, tried on B all along by an attacker, must never answer
// with N's data, and once B has applied the log up to the delete it must
// be refused (401) on every route, without any timer. A key revoked
// through A is likewise refused by B once B has applied the revoke, and
// by A at once. Several rounds, on both stores.
func TestDeletedCustomersKeyAcrossServers(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			storeA, storeB := twoStores(t, kind)
			a := newTestServer(t, storeA)
			b := newTestServer(t, storeB)
			r := rand.New(rand.NewPCG(uint64(len(kind)), 10))
			for round := range 4 {
				keyLeakRound(t, a, b, r, round)
			}
		})
	}
}

func keyLeakRound(t *testing.T, a, b *testServer, r *rand.Rand, round int) {
	// A place with contacts whose emails are real: what N will see.
	var place pursuit.Place
	resp := a.do("POST", "/v1/admin/places", a.admin, pursuit.Place{Name: fmt.Sprintf("Secretville %d", round),
		PlaceType: pursuit.PlaceTypeMunicipality, StateAbbr: "OH", EmailDomain: "secretville.gov"})
	if resp.status != 201 {
		t.Fatalf("create place: %d %s", resp.status, resp.body)
	}
	resp.decode(t, &place)
	var secrets []string
	for i := range 3 {
		email := fmt.Sprintf("n.secret.%d.r%d@secretville.gov", i, round)
		secrets = append(secrets, email)
		c := pursuit.Contact{PlaceID: place.PlaceID, Name: fmt.Sprintf("Nora%c Secret", 'A'+i), Title: "City Manager", Email: email, Phone: "(614) 555-0100"}
		if resp := a.do("POST", "/v1/admin/contacts", a.admin, c); resp.status != 201 {
			t.Fatalf("create contact: %d %s", resp.status, resp.body)
		}
	}

	createCustomer := func(name string) pursuit.Customer {
		var c pursuit.Customer
		resp := a.do("POST", "/v1/admin/customers", a.admin, map[string]any{"name": name})
		if resp.status != 201 {
			t.Fatalf("create customer: %d %s", resp.status, resp.body)
		}
		resp.decode(t, &c)
		return c
	}
	createKey := func(cid int64) httpapi.CreatedKey {
		var k httpapi.CreatedKey
		resp := a.do("POST", "/v1/admin/api-keys", a.admin, map[string]any{"role": "customer", "customer_id": cid, "name": "crm"})
		if resp.status != 201 {
			t.Fatalf("create key: %d %s", resp.status, resp.body)
		}
		resp.decode(t, &k)
		return k
	}
	d := createCustomer(fmt.Sprintf("Doomed %d", round))
	keyD := createKey(d.CustomerID)
	if resp := b.do("GET", "/v1/me", keyD.Key, nil); resp.status != 200 {
		t.Fatalf("D's key on B: %d %s", resp.status, resp.body)
	}

	// The attacker keeps trying D's key on B from here on.
	routes := []string{"/v1/me", "/v1/contacts/search?q=secret", "/v1/places/search", "/v1/accounts",
		fmt.Sprintf("/v1/places/%d", place.PlaceID)}
	type seen struct {
		route  string
		status int
		body   string
	}
	var (
		mu    sync.Mutex
		tries []seen
		stop  = make(chan struct{})
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			route := routes[i%len(routes)]
			status, body, err := b.try("GET", route, keyD.Key)
			if err != nil {
				continue // the test is ending
			}
			mu.Lock()
			tries = append(tries, seen{route, status, body})
			mu.Unlock()
		}
	}()
	stopped := false
	halt := func() {
		if !stopped {
			stopped = true
			close(stop)
			<-done
		}
	}
	defer halt()

	if resp := a.do("DELETE", fmt.Sprintf("/v1/admin/customers/%d", d.CustomerID), a.admin, nil); resp.status != 204 {
		t.Fatalf("delete D through A: %d %s", resp.status, resp.body)
	}
	n := createCustomer(fmt.Sprintf("Newcomer %d", round))
	if n.CustomerID == d.CustomerID {
		t.Fatalf("the new customer got the deleted customer's id %d", d.CustomerID)
	}
	if resp := a.do("PUT", fmt.Sprintf("/v1/admin/customers/%d/place-grants/%d", n.CustomerID, place.PlaceID), a.admin,
		map[string]string{"access_type": "full"}); resp.status != 200 {
		t.Fatalf("grant N the place: %d %s", resp.status, resp.body)
	}
	// Some tries on a B that may not have read the delete yet, then B
	// catches up on its own log.
	for range r.IntN(20) {
		b.do("GET", "/v1/me", keyD.Key, nil)
	}
	b.waitApplied()
	for _, route := range routes {
		if resp := b.do("GET", route, keyD.Key, nil); resp.status != 401 {
			t.Fatalf("round %d: D's key on %s on B after B applied the delete: %d %s, want 401", round, route, resp.status, resp.body)
		}
	}
	halt()
	for _, s := range tries {
		leaked := strings.Contains(s.body, fmt.Sprintf(`"customer_id":%d`, n.CustomerID)) || strings.Contains(s.body, "Newcomer")
		for _, e := range secrets {
			leaked = leaked || strings.Contains(s.body, e)
		}
		if leaked {
			t.Fatalf("round %d: D's key on %s answered %d with N's data: %s", round, s.route, s.status, s.body)
		}
		if s.status >= 500 {
			t.Fatalf("round %d: D's key on %s answered %d: %s", round, s.route, s.status, s.body)
		}
	}
	t.Logf("round %d: %d tries of D's key on B during the delete, none answered with N's data", round, len(tries))

	// N's own key works on B and sees the emails; revoked through A, it
	// is refused by A at once and by B once B has applied the revoke.
	keyN := createKey(n.CustomerID)
	b.waitApplied()
	resp = b.do("GET", "/v1/contacts/search?q=secret", keyN.Key, nil)
	if resp.status != 200 || !strings.Contains(string(resp.body), secrets[0]) {
		t.Fatalf("N's key on B: %d %s", resp.status, resp.body)
	}
	if resp := a.do("DELETE", fmt.Sprintf("/v1/admin/api-keys/%d", keyN.APIKeyID), a.admin, nil); resp.status != 204 {
		t.Fatalf("revoke through A: %d %s", resp.status, resp.body)
	}
	if resp := a.do("GET", "/v1/me", keyN.Key, nil); resp.status != 401 {
		t.Fatalf("a key revoked through A, on A: %d %s", resp.status, resp.body)
	}
	b.waitApplied()
	if resp := b.do("GET", "/v1/contacts/search?q=secret", keyN.Key, nil); resp.status != 401 {
		t.Fatalf("a key revoked through A, on B after B applied the revoke: %d %s", resp.status, resp.body)
	}
}
