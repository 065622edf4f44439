package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/httpapi"
	"github.com/pursuit-gov/pursuit/internal/testdb"
)

// postCSV posts a CSV body.
func (ts *testServer) postCSV(path, key, body string) response {
	ts.t.Helper()
	req, err := http.NewRequest("POST", ts.http.URL+path, strings.NewReader(body))
	if err != nil {
		ts.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "text/csv")
	res, err := ts.http.Client().Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// crmAccounts is a Salesforce export for the seed fixture: Springfield by
// its inverted name, Austin ISD by name, Travis County by name, and a
// company.
const crmAccounts = "Account ID,Account Name,Billing State/Province,Account Owner,Website\n" +
	"A1,\"Springfield, City of\",Illinois,Bob,\n" +
	"A2,Austin ISD,TX,Carol,\n" +
	"A3,Travis Co.,TX,Alice,\n" +
	"A4,Initech LLC,TX,Bob,initech.com\n"

type jobView struct {
	httpapi.CRMJobView
	Summary struct {
		Accounts int            `json:"accounts"`
		Matched  int            `json:"matched"`
		ByMethod map[string]int `json:"by_method"`
	} `json:"summary"`
}

// TestCRMMatchAPI: an admin and a customer match and apply a file; the
// result CSV is in input order; applying twice changes nothing; a big
// file runs as a background job with the same outcome.
func TestCRMMatchAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s, func(c *httpapi.Config) { c.CRMSyncAccounts = 3 })
		acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)

		// Four accounts are more than CRMSyncAccounts: a background job.
		r := ts.postCSV("/v1/crm/match?apply=true", acme, crmAccounts)
		if r.status != http.StatusAccepted {
			t.Fatalf("POST /v1/crm/match: %d %s", r.status, r.body)
		}
		var j jobView
		r.decode(t, &j)
		if j.Status != pursuit.JobRunning || j.Accounts != 4 || r.header.Get("Location") != fmt.Sprintf("/v1/crm/jobs/%d", j.JobID) {
			t.Fatalf("job %+v, Location %q", j, r.header.Get("Location"))
		}
		ts.srv.WaitCRMJobs()
		r = ts.do("GET", fmt.Sprintf("/v1/crm/jobs/%d", j.JobID), acme, nil)
		r.decode(t, &j)
		if j.Status != pursuit.JobDone || j.Done != 4 || j.Matched != 3 || j.Report == nil {
			t.Fatalf("done job: %s", r.body)
		}
		// SF-001 and TX-1 were the seed's mappings; the file's ids are new.
		if *j.Report != (pursuit.SyncReport{Added: 3}) || j.Summary.ByMethod["name"] != 3 || j.Summary.ByMethod["none"] != 1 {
			t.Errorf("job report %+v summary %+v", *j.Report, j.Summary)
		}
		r = ts.do("GET", j.ResultURL, acme, nil)
		want := "external_crm_id,place_id,confidence,method,candidates\n" +
			fmt.Sprintf("A1,%d,0.93,name,\nA2,%d,0.93,name,\nA3,%d,0.93,name,\nA4,,,none,\n", f.springfield.PlaceID, f.austinISD.PlaceID, f.travis.PlaceID)
		if r.status != 200 || string(r.body) != want || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Errorf("result: %d %q\nwant %q", r.status, r.body, want)
		}
		m, err := s.FindCustomerMapping(context.Background(), f.acme.CustomerID, "A2")
		if err != nil || m.PlaceID != f.austinISD.PlaceID || m.AccountOwner != "Carol" {
			t.Errorf("mapping A2 = %+v, %v", m, err)
		}

		// The admin applies the same file for Acme, with prune: nothing
		// changes but the seed's SF-001 and TX-1 mappings, absent from the
		// file, go. Three accounts or fewer answer at once.
		small := strings.Join(strings.Split(crmAccounts, "\n")[:4], "\n") + "\n"
		r = ts.postCSV(fmt.Sprintf("/v1/admin/customers/%d/crm/match?apply=true&prune=true", f.acme.CustomerID), ts.admin, small)
		if r.status != http.StatusCreated {
			t.Fatalf("admin match: %d %s", r.status, r.body)
		}
		r.decode(t, &j)
		if j.Status != pursuit.JobDone || *j.Report != (pursuit.SyncReport{Unchanged: 3, Removed: 2}) {
			t.Errorf("admin re-apply with prune: %s", r.body)
		}
		if !strings.HasPrefix(j.ResultURL, fmt.Sprintf("/v1/admin/customers/%d/crm/jobs/", f.acme.CustomerID)) {
			t.Errorf("admin result_url %q", j.ResultURL)
		}
		r = ts.do("GET", j.ResultURL, ts.admin, nil)
		if r.status != 200 || !strings.HasPrefix(string(r.body), "external_crm_id,place_id") {
			t.Errorf("admin result: %d %s", r.status, r.body)
		}
		// Matching names a place Acme is not granted (Austin ISD); its
		// contact Ann stays behind the grants: Acme sees Ann through its
		// contact grant only, and nothing else of Austin ISD.
		r = ts.do("GET", fmt.Sprintf("/v1/places/%d", f.austinISD.PlaceID), acme, nil)
		if r.status != http.StatusNotFound {
			t.Errorf("a matched but ungranted place answers %d to the customer", r.status)
		}
	})
}

// TestCRMMatchAPITenantScoping: another customer can neither read a job
// nor its result, nor tell it exists; nor can the admin route of another
// customer.
func TestCRMMatchAPITenantScoping(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s)
		acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
		beta := ts.createKey(pursuit.RoleCustomer, f.beta.CustomerID)
		r := ts.postCSV("/v1/crm/match", acme, crmAccounts)
		var j jobView
		r.decode(t, &j)
		if r.status != http.StatusCreated || j.Status != pursuit.JobDone {
			t.Fatalf("match: %d %s", r.status, r.body)
		}
		missing := j.JobID + 1000
		for _, suffix := range []string{"", "/result"} {
			theirs := ts.do("GET", fmt.Sprintf("/v1/crm/jobs/%d%s", j.JobID, suffix), beta, nil)
			none := ts.do("GET", fmt.Sprintf("/v1/crm/jobs/%d%s", missing, suffix), beta, nil)
			if theirs.status != http.StatusNotFound || none.status != http.StatusNotFound {
				t.Fatalf("another customer's job%s: %d %s; a missing one: %d", suffix, theirs.status, theirs.body, none.status)
			}
			a, b := theirs.apiError(t), none.apiError(t)
			b.Message = strings.ReplaceAll(b.Message, fmt.Sprint(missing), fmt.Sprint(j.JobID))
			if a != b {
				t.Errorf("another customer's job%s says %+v, a missing job %+v: they must not differ", suffix, a, b)
			}
			if strings.Contains(string(theirs.body), "A1") {
				t.Errorf("the other customer's answer shows the file: %s", theirs.body)
			}
			r := ts.do("GET", fmt.Sprintf("/v1/admin/customers/%d/crm/jobs/%d%s", f.beta.CustomerID, j.JobID, suffix), ts.admin, nil)
			if r.status != http.StatusNotFound {
				t.Errorf("admin route of the wrong customer: %d %s", r.status, r.body)
			}
			if r := ts.do("GET", fmt.Sprintf("/v1/crm/jobs/%d%s", j.JobID, suffix), acme, nil); r.status != 200 {
				t.Errorf("owner reads its job%s: %d", suffix, r.status)
			}
			// A customer key cannot use the admin routes.
			if r := ts.do("GET", fmt.Sprintf("/v1/admin/customers/%d/crm/jobs/%d%s", f.acme.CustomerID, j.JobID, suffix), beta, nil); r.status != http.StatusForbidden {
				t.Errorf("customer key on the admin route: %d", r.status)
			}
		}
		// Coverage is the caller's own.
		var cov struct {
			CustomerID    int64 `json:"customer_id"`
			GrantedPlaces int   `json:"granted_places"`
		}
		ts.do("GET", "/v1/crm/coverage", beta, nil).decode(t, &cov)
		if cov.CustomerID != f.beta.CustomerID || cov.GrantedPlaces != 1 {
			t.Errorf("beta's coverage: %+v", cov)
		}
	})
}

// TestCRMMatchAPIErrors: bad files and parameters are 400s naming the
// line or parameter; nothing is created.
func TestCRMMatchAPIErrors(t *testing.T) {
	s := testdb.SQLite(t)
	f := seed(t, s)
	ts := newTestServer(t, s)
	acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	cases := []struct {
		path, body, field, msg string
		status                 int
	}{
		{"/v1/crm/match", "Account Name,Billing State/Province\nX,IL\n", "external_crm_id", `body:1: this Salesforce Accounts export has no "Account ID" column`, 400},
		{"/v1/crm/match", "foo,bar\n", "", "body:1: the header", 400},
		{"/v1/crm/match", "Account ID,Account Name\n1,A\n1,B\n", "external_crm_id", `body:3: Account ID "1" is also on line 2`, 400},
		{"/v1/crm/match?prune=true", crmAccounts, "prune", "needs apply=true", 400},
		{"/v1/crm/match?apply=maybe", crmAccounts, "apply", "true or false", 400},
		{"/v1/crm/match?force=1", crmAccounts, "force", "not a known parameter", 400},
		{"/v1/admin/customers/999/crm/match", crmAccounts, "", "customer 999", 404},
	}
	for _, c := range cases {
		key := acme
		if strings.HasPrefix(c.path, "/v1/admin") {
			key = ts.admin
		}
		r := ts.postCSV(c.path, key, c.body)
		e := r.apiError(t)
		if r.status != c.status || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%s %q: %d %+v, want %d field %q message containing %q", c.path, c.body, r.status, e, c.status, c.field, c.msg)
		}
	}
	if j, err := s.GetCRMJob(context.Background(), f.acme.CustomerID, 1); err == nil {
		t.Errorf("a refused file created job %+v", j)
	}
	r := ts.do("POST", "/v1/crm/match", acme, map[string]string{"a": "b"})
	if e := r.apiError(t); r.status != 400 || e.Field != "Content-Type" {
		t.Errorf("JSON body: %d %+v", r.status, e)
	}
}

// TestCRMJobStaleAfterRestart: a job left running by a server that went
// away is reported failed once it made no progress for CRMJobStale; a
// done job's result survives a restart (it is in the store).
func TestCRMJobStaleAfterRestart(t *testing.T) {
	s := testdb.SQLite(t)
	f := seed(t, s)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := newTestServer(t, s, func(c *httpapi.Config) { c.Now = clock; c.CRMJobStale = time.Minute })
	acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
	// A job as a server that stopped mid-way left it.
	j := pursuit.CRMJob{CustomerID: f.acme.CustomerID, Status: pursuit.JobRunning, Accounts: 100, Done: 40}
	must(t, s.CreateCRMJob(context.Background(), &j))
	mu.Lock()
	now = j.UpdatedAt.Add(30 * time.Second)
	mu.Unlock()
	var v jobView
	ts.do("GET", fmt.Sprintf("/v1/crm/jobs/%d", j.JobID), acme, nil).decode(t, &v)
	if v.Status != pursuit.JobRunning || v.Done != 40 {
		t.Errorf("a job 30 s without progress: %+v", v)
	}
	r := ts.do("GET", fmt.Sprintf("/v1/crm/jobs/%d/result", j.JobID), acme, nil)
	if e := r.apiError(t); r.status != http.StatusConflict || !strings.Contains(e.Message, "is running (40 of 100") {
		t.Errorf("result of a running job: %d %+v", r.status, e)
	}
	mu.Lock()
	now = j.UpdatedAt.Add(2 * time.Minute)
	mu.Unlock()
	ts.do("GET", fmt.Sprintf("/v1/crm/jobs/%d", j.JobID), acme, nil).decode(t, &v)
	if v.Status != pursuit.JobFailed || !strings.Contains(v.Error, "submit the file again") {
		t.Errorf("a stale job: %+v", v)
	}
	got, err := s.GetCRMJob(context.Background(), f.acme.CustomerID, j.JobID)
	if err != nil || got.Status != pursuit.JobFailed {
		t.Errorf("the stale job is stored as %+v, %v", got, err)
	}

	// A done job read by a new server over the same store.
	r = ts.postCSV("/v1/crm/match", acme, crmAccounts)
	r.decode(t, &v)
	ts2 := newTestServer(t, s)
	r = ts2.do("GET", v.ResultURL, acme, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "A4,,,none,") {
		t.Errorf("result after a restart: %d %s", r.status, r.body)
	}
}

// TestCRMExportAPI: exports carry the account's CRM id, write only granted
// contacts, and mask what is masked unless the customer revealed it.
func TestCRMExportAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, s pursuit.Store) {
		f := seed(t, s)
		ts := newTestServer(t, s)
		acme := ts.createKey(pursuit.RoleCustomer, f.acme.CustomerID)
		// Acme reveals Bob.
		if r := ts.do("POST", fmt.Sprintf("/v1/contacts/%d/reveal", f.bob.ContactID), acme, nil); r.status != 200 {
			t.Fatalf("reveal: %d %s", r.status, r.body)
		}
		r := ts.do("GET", "/v1/crm/export/accounts?format=salesforce_contact", acme, nil)
		body := string(r.body)
		if r.status != 200 || !strings.Contains(body, "j•••@springfield.gov") || !strings.Contains(body, "bob.roe@springfield.gov") || !strings.Contains(body, ",SF-001,IL,") {
			t.Errorf("accounts export: %d\n%s", r.status, body)
		}
		// TX-1 maps Travis County, which Acme is not granted: Tom stays out.
		if strings.Contains(body, "Tom") || strings.Contains(body, "jane.doe@") || strings.Contains(body, "traviscounty") {
			t.Errorf("accounts export leaks:\n%s", body)
		}
		ts.caughtUp(t)
		r = ts.do("GET", "/v1/crm/export/search?format=hubspot_contact&q=director", acme, nil)
		body = string(r.body)
		if r.status != 200 || !strings.Contains(body, "j•••@springfield.gov") || !strings.Contains(body, "bob.roe@springfield.gov") || !strings.Contains(body, "SF-001") || strings.Contains(body, "jane.doe@") {
			t.Errorf("search export: %d\n%s", r.status, body)
		}
		r = ts.do("GET", fmt.Sprintf("/v1/admin/customers/%d/crm/export?format=salesforce_lead&accounts=TX-1", f.acme.CustomerID), ts.admin, nil)
		if r.status != 200 || strings.Count(string(r.body), "\n") != 1 {
			t.Errorf("admin export of an ungranted account: %d\n%s", r.status, r.body)
		}
		for path, field := range map[string]string{
			"/v1/crm/export/accounts?format=excel":                  "format",
			"/v1/crm/export/accounts?format=hubspot_contact&x=1":    "x",
			"/v1/crm/export/search?q=director":                      "format",
			"/v1/crm/export/search?format=hubspot_contact&cursor=x": "cursor",
		} {
			r := ts.do("GET", path, acme, nil)
			if e := r.apiError(t); r.status != 400 || e.Field != field {
				t.Errorf("%s: %d %+v, want 400 on %s", path, r.status, e, field)
			}
		}
		r = ts.do("GET", "/v1/crm/export/accounts?format=hubspot_contact&accounts=NOPE", acme, nil)
		if r.status != 404 {
			t.Errorf("export of an unknown account: %d %s", r.status, r.body)
		}
	})
}
