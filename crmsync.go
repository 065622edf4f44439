package pursuit

import (
	"context"
	"time"
)

// CRMStore keeps a customer's CRM accounts in step with customer_mapping
// (CRM account matching, package crm). It is part of Store.
type CRMStore interface {
	// SyncAccountMappings writes one account file's confident matches
	// into the customer's place mappings in one transaction, keyed by
	// (customer_id, external_crm_id): a new id is added, an id whose place
	// or account_owner differs is changed (a contact mapping of that id
	// becomes a place mapping), and an id whose mapping is the same is
	// not written at all, so applying the same file twice writes nothing
	// (no change_log rows either). Added and changed rows get
	// last_synced_time s.Now. With s.Prune, the customer's place mappings
	// whose external_crm_id is in neither s.Rows nor s.Present are
	// deleted; contact mappings are never pruned. A customer that does not
	// exist is ENOTFOUND; a row naming a missing place is a *RowError.
	SyncAccountMappings(ctx context.Context, customerID int64, s AccountSync) (SyncReport, error)
	CRMJobStore
}

// AccountSync is the input of CRMStore.SyncAccountMappings.
type AccountSync struct {
	// Rows are the matches to keep: ExternalCRMID, PlaceID and
	// AccountOwner of each (other fields are ignored). An ExternalCRMID
	// appears once.
	Rows []CustomerMapping
	// Present lists the external ids of the file's other accounts, those
	// left unmatched: their existing mappings are kept by Prune.
	Present []string
	// Prune deletes the customer's place mappings no longer in the file.
	Prune bool
	// Now is the last_synced_time of the rows written.
	Now time.Time
}

// SyncReport counts what SyncAccountMappings did.
type SyncReport struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

// ValidateAccountSync checks the rows of an AccountSync for the customer:
// each must be a valid place mapping and name its external id once. It
// returns a *RowError naming the row.
func ValidateAccountSync(customerID int64, s *AccountSync) error {
	seen := make(map[string]bool, len(s.Rows))
	for i := range s.Rows {
		r := &s.Rows[i]
		r.CustomerID = customerID
		r.ContactID = 0
		r.CustomerMappingID = 0
		r.LastSyncedTime = s.Now
		if err := r.Validate(); err != nil {
			return &RowError{Row: i, Err: err}
		}
		if r.PlaceID == 0 {
			return &RowError{Row: i, Err: FieldErrorf(EINVALID, "place_id", "an account mapping needs a place_id")}
		}
		if seen[r.ExternalCRMID] {
			return &RowError{Row: i, Err: FieldErrorf(EINVALID, "external_crm_id", "external_crm_id %q is given twice", r.ExternalCRMID)}
		}
		seen[r.ExternalCRMID] = true
	}
	return nil
}

// AccountSyncPlan is what a sync writes: the stores compute it with
// PlanAccountSync inside their transaction and carry it out.
type AccountSyncPlan struct {
	Insert []CustomerMapping
	// Update rows carry the id of the mapping they replace.
	Update []CustomerMapping
	Delete []int64
	Report SyncReport
}

// PlanAccountSync compares a validated sync (ValidateAccountSync) with the
// customer's existing mappings and returns the writes it takes.
func PlanAccountSync(existing []CustomerMapping, s *AccountSync) AccountSyncPlan {
	var p AccountSyncPlan
	byID := make(map[string]*CustomerMapping, len(existing))
	for i := range existing {
		byID[existing[i].ExternalCRMID] = &existing[i]
	}
	keep := make(map[string]bool, len(s.Rows)+len(s.Present))
	for i := range s.Rows {
		r := s.Rows[i]
		keep[r.ExternalCRMID] = true
		old, ok := byID[r.ExternalCRMID]
		switch {
		case !ok:
			p.Insert = append(p.Insert, r)
			p.Report.Added++
		case old.PlaceID == r.PlaceID && old.ContactID == 0 && old.AccountOwner == r.AccountOwner:
			p.Report.Unchanged++
		default:
			r.CustomerMappingID = old.CustomerMappingID
			p.Update = append(p.Update, r)
			p.Report.Changed++
		}
	}
	if s.Prune {
		for _, id := range s.Present {
			keep[id] = true
		}
		for i := range existing {
			if m := &existing[i]; m.PlaceID != 0 && !keep[m.ExternalCRMID] {
				p.Delete = append(p.Delete, m.CustomerMappingID)
				p.Report.Removed++
			}
		}
	}
	return p
}

// Statuses of a CRMJob.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// CRMJob is an account file being matched for a customer through the API
// (table crm_jobs). Its state is in the store, so any server answers its
// progress and serves its result.
type CRMJob struct {
	JobID      int64  `json:"job_id"`
	CustomerID int64  `json:"customer_id"`
	Status     string `json:"status"`
	// Apply and Prune are what the job does with its matches.
	Apply bool `json:"apply"`
	Prune bool `json:"prune"`
	// Accounts is the number of accounts in the file, Done how many are
	// matched so far, Matched how many of those have a place.
	Accounts int `json:"accounts"`
	Done     int `json:"done"`
	Matched  int `json:"matched"`
	// Summary is the match summary as JSON (by method and state), Report
	// what applying changed; both set when the job is done.
	Summary []byte      `json:"-"`
	Report  *SyncReport `json:"report,omitempty"`
	Error   string      `json:"error,omitempty"`
	// Result is the match CSV of a done job; GetCRMJob leaves it nil.
	Result     []byte    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// CRMJobStore keeps the API's CRM match jobs. It is part of CRMStore.
type CRMJobStore interface {
	// CreateCRMJob inserts a job, setting its JobID, CreatedAt and
	// UpdatedAt. A missing customer is EFOREIGNKEY.
	CreateCRMJob(ctx context.Context, j *CRMJob) error
	// UpdateCRMJob writes a job's status, counts, summary, report, error,
	// result and finished_at, and sets UpdatedAt to now: a running job's
	// updates are its heartbeat.
	UpdateCRMJob(ctx context.Context, j *CRMJob) error
	// GetCRMJob returns a job of the customer, without its Result. A job
	// of another customer is ENOTFOUND, exactly like one that does not
	// exist.
	GetCRMJob(ctx context.Context, customerID, jobID int64) (CRMJob, error)
	// CRMJobResult returns the result CSV of the customer's job (nil until
	// it is done), ENOTFOUND as GetCRMJob.
	CRMJobResult(ctx context.Context, customerID, jobID int64) ([]byte, error)
}

// ValidateCRMJob checks a job before it is written.
func ValidateCRMJob(j *CRMJob) error {
	switch {
	case j.CustomerID <= 0:
		return FieldErrorf(EINVALID, "customer_id", "a crm job needs a customer_id")
	case j.Status != JobRunning && j.Status != JobDone && j.Status != JobFailed:
		return FieldErrorf(EINVALID, "status", "a crm job's status is running, done or failed, not %q", j.Status)
	case j.Accounts < 0 || j.Done < 0 || j.Matched < 0 || j.Done > j.Accounts || j.Matched > j.Done:
		return FieldErrorf(EINVALID, "done", "a crm job's counts must satisfy 0 <= matched <= done <= accounts, not %d, %d, %d", j.Matched, j.Done, j.Accounts)
	case j.Prune && !j.Apply:
		return FieldErrorf(EINVALID, "prune", "prune needs apply")
	}
	return nil
}
