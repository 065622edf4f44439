package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// testSyncAccountMappings pins SyncAccountMappings: idempotent re-apply,
// added/changed/removed, prune limited to the customer's place mappings,
// and all-or-nothing.
func testSyncAccountMappings(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	cu2 := mustCustomer(t, s, "globex")
	var places []pursuit.Place
	for i := range 6 {
		places = append(places, mustPlace(t, s, fmt.Sprintf("Place %d", i)))
	}
	c := mustContact(t, s, places[0].PlaceID, "Jane", "Doe")
	contactMap := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "contact-1", ContactID: c.ContactID}
	ok(t, s.CreateCustomerMapping(ctx, &contactMap), "CreateCustomerMapping contact")
	otherCustomer := pursuit.CustomerMapping{CustomerID: cu2.CustomerID, ExternalCRMID: "A", PlaceID: places[5].PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &otherCustomer), "CreateCustomerMapping other customer")

	t1 := t0.Add(time.Hour)
	first := pursuit.AccountSync{Now: t0, Rows: []pursuit.CustomerMapping{
		{ExternalCRMID: "A", PlaceID: places[0].PlaceID, AccountOwner: "Bob"},
		{ExternalCRMID: "B", PlaceID: places[1].PlaceID, AccountOwner: "Bob"},
		{ExternalCRMID: "C", PlaceID: places[2].PlaceID, AccountOwner: "Alice"},
	}}
	rep, err := s.SyncAccountMappings(ctx, cu.CustomerID, first)
	ok(t, err, "SyncAccountMappings first")
	diff(t, "first report", pursuit.SyncReport{Added: 3}, rep)

	// The same file again, later: nothing is written, not even a log row.
	seq, err := s.LastSeq(ctx)
	ok(t, err, "LastSeq")
	again := first
	again.Now = t1
	again.Prune = true
	rep, err = s.SyncAccountMappings(ctx, cu.CustomerID, again)
	ok(t, err, "SyncAccountMappings again")
	diff(t, "re-apply report", pursuit.SyncReport{Unchanged: 3}, rep)
	if got, _ := s.LastSeq(ctx); got != seq {
		t.Errorf("re-applying the same file logged changes: seq %d -> %d", seq, got)
	}
	m, err := s.FindCustomerMapping(ctx, cu.CustomerID, "A")
	ok(t, err, "FindCustomerMapping A")
	if !m.LastSyncedTime.Equal(t0) {
		t.Errorf("unchanged mapping's last_synced_time %v, want %v", m.LastSyncedTime, t0)
	}

	// A new file: A's owner changes, B's place changes, C is gone, D is
	// new, E is in the file but unmatched. Without prune C stays.
	second := pursuit.AccountSync{Now: t1, Present: []string{"E"}, Rows: []pursuit.CustomerMapping{
		{ExternalCRMID: "A", PlaceID: places[0].PlaceID, AccountOwner: "Carol"},
		{ExternalCRMID: "B", PlaceID: places[3].PlaceID, AccountOwner: "Bob"},
		{ExternalCRMID: "D", PlaceID: places[4].PlaceID},
		{ExternalCRMID: "contact-1", PlaceID: places[4].PlaceID},
	}}
	rep, err = s.SyncAccountMappings(ctx, cu.CustomerID, second)
	ok(t, err, "SyncAccountMappings second")
	diff(t, "second report", pursuit.SyncReport{Added: 1, Changed: 3}, rep)
	_, err = s.FindCustomerMapping(ctx, cu.CustomerID, "C")
	ok(t, err, "C is kept without prune")

	// With prune, C goes; E (present, unmatched) would be kept, and the
	// other customer's mapping and contact mappings are never touched.
	cm2 := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "contact-2", ContactID: c.ContactID}
	ok(t, s.CreateCustomerMapping(ctx, &cm2), "CreateCustomerMapping contact-2")
	eMap := pursuit.CustomerMapping{CustomerID: cu.CustomerID, ExternalCRMID: "E", PlaceID: places[2].PlaceID}
	ok(t, s.CreateCustomerMapping(ctx, &eMap), "CreateCustomerMapping E")
	second.Prune = true
	rep, err = s.SyncAccountMappings(ctx, cu.CustomerID, second)
	ok(t, err, "SyncAccountMappings prune")
	diff(t, "prune report", pursuit.SyncReport{Removed: 1, Unchanged: 4}, rep)
	got := mappingsOf(t, s, cu.CustomerID)
	diff(t, "mappings after prune", []string{"A Carol", "B Bob", "D ", "E ", "contact-1 ", "contact-2 "}, got)
	_, err = s.FindCustomerMapping(ctx, cu2.CustomerID, "A")
	ok(t, err, "the other customer's mapping")
	m, err = s.FindCustomerMapping(ctx, cu.CustomerID, "B")
	ok(t, err, "FindCustomerMapping B")
	if m.PlaceID != places[3].PlaceID || !m.LastSyncedTime.Equal(t1) {
		t.Errorf("B is %+v, want place %d synced at %v", m, places[3].PlaceID, t1)
	}

	// All or nothing: a missing place fails the whole sync.
	seq, _ = s.LastSeq(ctx)
	bad := pursuit.AccountSync{Now: t1, Prune: true, Rows: []pursuit.CustomerMapping{
		{ExternalCRMID: "X", PlaceID: places[1].PlaceID},
		{ExternalCRMID: "Y", PlaceID: 99999999},
	}}
	_, err = s.SyncAccountMappings(ctx, cu.CustomerID, bad)
	wantCode(t, err, pursuit.EFOREIGNKEY, "place_id")
	var re *pursuit.RowError
	if !errors.As(err, &re) || re.Row != 1 {
		t.Errorf("error %v, want a RowError of row 1", err)
	}
	if s2, _ := s.LastSeq(ctx); s2 != seq {
		t.Errorf("a failed sync logged changes: seq %d -> %d", seq, s2)
	}
	diff(t, "mappings after a failed sync", got, mappingsOf(t, s, cu.CustomerID))

	// Invalid input is named before anything is written.
	_, err = s.SyncAccountMappings(ctx, cu.CustomerID, pursuit.AccountSync{Rows: []pursuit.CustomerMapping{{ExternalCRMID: "A", PlaceID: places[0].PlaceID}, {ExternalCRMID: "A", PlaceID: places[1].PlaceID}}})
	wantCode(t, err, pursuit.EINVALID, "external_crm_id")
	_, err = s.SyncAccountMappings(ctx, 424242, pursuit.AccountSync{Rows: []pursuit.CustomerMapping{{ExternalCRMID: "A", PlaceID: places[0].PlaceID}}})
	wantCode(t, err, pursuit.ENOTFOUND, "")

	// Property: any sequence of random files converges; re-applying the
	// last one writes nothing, and the mappings equal the last file's
	// rows plus what prune keeps.
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	cu3 := mustCustomer(t, s, "initech")
	var last pursuit.AccountSync
	for round := range 5 {
		last = pursuit.AccountSync{Now: t0.Add(time.Duration(round) * time.Minute), Prune: true}
		for i := range 12 {
			if r.IntN(3) == 0 {
				continue
			}
			last.Rows = append(last.Rows, pursuit.CustomerMapping{ExternalCRMID: fmt.Sprint("acct-", i), PlaceID: places[r.IntN(len(places))].PlaceID, AccountOwner: []string{"", "Bob", "Ann"}[r.IntN(3)]})
		}
		_, err := s.SyncAccountMappings(ctx, cu3.CustomerID, last)
		ok(t, err, "SyncAccountMappings random")
	}
	seq, _ = s.LastSeq(ctx)
	rep, err = s.SyncAccountMappings(ctx, cu3.CustomerID, last)
	ok(t, err, "SyncAccountMappings random again")
	if rep != (pursuit.SyncReport{Unchanged: len(last.Rows)}) {
		t.Errorf("re-applying the last random file: %+v, want %d unchanged", rep, len(last.Rows))
	}
	if s2, _ := s.LastSeq(ctx); s2 != seq {
		t.Errorf("re-applying the last random file logged changes")
	}
	var want []string
	for _, r := range last.Rows {
		want = append(want, r.ExternalCRMID+" "+r.AccountOwner)
	}
	sort.Strings(want)
	diff(t, "mappings after random files", want, mappingsOf(t, s, cu3.CustomerID))
}

// mappingsOf lists a customer's mappings as "external_crm_id owner",
// sorted.
func mappingsOf(t *testing.T, s pursuit.Store, customerID int64) []string {
	t.Helper()
	ms, err := s.ListCustomerMappings(ctx, customerID, pursuit.ListOptions{Limit: pursuit.MaxListLimit})
	ok(t, err, "ListCustomerMappings")
	var out []string
	for _, m := range ms {
		out = append(out, m.ExternalCRMID+" "+m.AccountOwner)
	}
	sort.Strings(out)
	return out
}

// testCRMJobs pins the CRM job rows: create, update as a heartbeat, read
// back, result only when set, and a job of another customer is ENOTFOUND
// with the same message as a job that does not exist.
func testCRMJobs(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	cu2 := mustCustomer(t, s, "globex")
	j := pursuit.CRMJob{CustomerID: cu.CustomerID, Status: pursuit.JobRunning, Apply: true, Accounts: 10}
	ok(t, s.CreateCRMJob(ctx, &j), "CreateCRMJob")
	if j.JobID == 0 || j.CreatedAt.IsZero() || !j.UpdatedAt.Equal(j.CreatedAt) {
		t.Fatalf("created job %+v, want an id and times", j)
	}
	got, err := s.GetCRMJob(ctx, cu.CustomerID, j.JobID)
	ok(t, err, "GetCRMJob")
	diff(t, "job as created", j, got)
	if res, err := s.CRMJobResult(ctx, cu.CustomerID, j.JobID); err != nil || res != nil {
		t.Errorf("result of a running job = %q, %v; want nil", res, err)
	}

	j.Done, j.Matched = 10, 7
	j.Status = pursuit.JobDone
	j.Summary = []byte(`{"accounts":10}`)
	j.Report = &pursuit.SyncReport{Added: 7}
	j.Result = []byte("external_crm_id,place_id\n")
	j.FinishedAt = t0
	ok(t, s.UpdateCRMJob(ctx, &j), "UpdateCRMJob")
	got, err = s.GetCRMJob(ctx, cu.CustomerID, j.JobID)
	ok(t, err, "GetCRMJob done")
	want := j
	want.Result = nil
	diff(t, "job as done", want, got)
	res, err := s.CRMJobResult(ctx, cu.CustomerID, j.JobID)
	ok(t, err, "CRMJobResult")
	if string(res) != "external_crm_id,place_id\n" {
		t.Errorf("result %q", res)
	}

	// Another customer cannot see it: same code and message as no job.
	_, errOther := s.GetCRMJob(ctx, cu2.CustomerID, j.JobID)
	wantCode(t, errOther, pursuit.ENOTFOUND, "")
	_, errNone := s.GetCRMJob(ctx, cu2.CustomerID, j.JobID+1000)
	if pursuit.ErrorMessage(errOther) != strings.Replace(pursuit.ErrorMessage(errNone), fmt.Sprint(j.JobID+1000), fmt.Sprint(j.JobID), 1) {
		t.Errorf("another customer's job says %q, a missing job %q: they must not differ", errOther, errNone)
	}
	_, err = s.CRMJobResult(ctx, cu2.CustomerID, j.JobID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	other := j
	other.CustomerID = cu2.CustomerID
	wantCode(t, s.UpdateCRMJob(ctx, &other), pursuit.ENOTFOUND, "")

	// Invalid jobs and missing customers.
	wantCode(t, s.CreateCRMJob(ctx, &pursuit.CRMJob{CustomerID: cu.CustomerID, Status: "paused"}), pursuit.EINVALID, "status")
	wantCode(t, s.CreateCRMJob(ctx, &pursuit.CRMJob{CustomerID: cu.CustomerID, Status: pursuit.JobRunning, Prune: true}), pursuit.EINVALID, "prune")
	wantCode(t, s.CreateCRMJob(ctx, &pursuit.CRMJob{CustomerID: 987654, Status: pursuit.JobRunning}), pursuit.EFOREIGNKEY, "customer_id")

	// Deleting the customer deletes its jobs; ids are never reused.
	ok(t, s.DeleteCustomer(ctx, cu.CustomerID), "DeleteCustomer")
	_, err = s.GetCRMJob(ctx, cu.CustomerID, j.JobID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	j2 := pursuit.CRMJob{CustomerID: cu2.CustomerID, Status: pursuit.JobRunning}
	ok(t, s.CreateCRMJob(ctx, &j2), "CreateCRMJob after delete")
	if j2.JobID <= j.JobID {
		t.Errorf("a new job got id %d, not above the deleted job's %d", j2.JobID, j.JobID)
	}
}
