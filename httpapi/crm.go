package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pursuit-gov/pursuit"
	"github.com/pursuit-gov/pursuit/crm"
)

// Defaults of the CRM match jobs (Config.CRMSyncAccounts,
// Config.CRMJobStale, Config.CRMJobTimeout).
const (
	DefaultCRMSyncAccounts = 2000
	DefaultCRMJobStale     = 10 * time.Minute
	DefaultCRMJobTimeout   = 30 * time.Minute
	// crmHeartbeat is how often a running job writes its progress.
	crmHeartbeat = time.Second
)

// crmJobs tracks the CRM jobs this server runs in the background.
type crmJobs struct {
	wg sync.WaitGroup
}

// WaitCRMJobs returns when every CRM match job this server started in the
// background has finished (tests, graceful shutdown).
func (s *Server) WaitCRMJobs() { s.crm.wg.Wait() }

// CRMJobView is a CRM match job as the API shows it.
type CRMJobView struct {
	pursuit.CRMJob
	// Summary counts the results by method and state once the job is done.
	Summary json.RawMessage `json:"summary,omitempty"`
	// ResultURL is where the match CSV is downloaded once the job is done.
	ResultURL string `json:"result_url"`
}

// jobView returns the job as shown under base (the job's URL).
func jobView(j pursuit.CRMJob, base string) CRMJobView {
	v := CRMJobView{CRMJob: j, ResultURL: base + "/result"}
	if len(j.Summary) > 0 {
		v.Summary = json.RawMessage(j.Summary)
	}
	return v
}

// handleAdminCRMMatch matches a customer's account file: POST
// /v1/admin/customers/{customer_id}/crm/match.
func (s *Server) handleAdminCRMMatch(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "customer_id")
	if err != nil {
		return err
	}
	return s.startCRMJob(w, r, cid, fmt.Sprintf("/v1/admin/customers/%d/crm/jobs/", cid))
}

// handleCRMMatch matches the calling customer's account file: POST
// /v1/crm/match.
func (s *Server) handleCRMMatch(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	return s.startCRMJob(w, r, cid, "/v1/crm/jobs/")
}

// startCRMJob reads an account file from the body and matches it as a job:
// a file of at most CRMSyncAccounts accounts is done before the answer
// (201), a bigger one runs in the background (202) and is followed at the
// job's URL.
func (s *Server) startCRMJob(w http.ResponseWriter, r *http.Request, cid int64, jobsURL string) error {
	p := newParams(r)
	p.only("apply", "prune")
	apply, prune := p.boolp("apply"), p.boolp("prune")
	if p.err != nil {
		return p.err
	}
	j := pursuit.CRMJob{CustomerID: cid, Status: pursuit.JobRunning, Apply: apply != nil && *apply, Prune: prune != nil && *prune}
	if j.Prune && !j.Apply {
		return pursuit.FieldErrorf(pursuit.EINVALID, "prune", "prune=true needs apply=true")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "text/csv") && !strings.HasPrefix(ct, "application/octet-stream") && !strings.HasPrefix(ct, "text/plain") {
		return pursuit.FieldErrorf(pursuit.EINVALID, "Content-Type", "must be text/csv (an account export), not %q", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBulkBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return pursuit.FieldErrorf(pursuit.ETOOLARGE, "body", "request body is larger than the limit of %d bytes", s.cfg.MaxBulkBodyBytes)
		}
		return &pursuit.Error{Code: pursuit.EINVALID, Field: "body", Message: "the request body could not be read", Err: err}
	}
	accounts, _, err := crm.ReadAccounts(bytes.NewReader(body), "body")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := s.store.GetCustomer(ctx, cid); err != nil {
		return err
	}
	j.Accounts = len(accounts)
	if err := s.store.CreateCRMJob(ctx, &j); err != nil {
		return err
	}
	base := fmt.Sprintf("%s%d", jobsURL, j.JobID)
	w.Header().Set("Location", base)
	if len(accounts) <= s.cfg.CRMSyncAccounts {
		s.runCRMJob(ctx, &j, accounts)
		writeJSON(w, http.StatusCreated, jobView(j, base))
		return nil
	}
	s.crm.wg.Add(1)
	go func(j pursuit.CRMJob) {
		defer s.crm.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.CRMJobTimeout)
		defer cancel()
		s.runCRMJob(ctx, &j, accounts)
	}(j)
	writeJSON(w, http.StatusAccepted, jobView(j, base))
	return nil
}

// runCRMJob matches accounts, applies the matches when the job says so,
// and records the outcome in the job; it writes the job's progress at
// most every crmHeartbeat while matching.
func (s *Server) runCRMJob(ctx context.Context, j *pursuit.CRMJob, accounts []crm.Account) {
	err := func() error {
		m, err := crm.NewMatcher(ctx, s.store.ScanPlaces)
		if err != nil {
			return err
		}
		last := s.now()
		results, err := m.MatchAll(ctx, accounts, func(done int) {
			if now := s.now(); now.Sub(last) >= crmHeartbeat {
				last = now
				j.Done = done
				if err := s.store.UpdateCRMJob(ctx, j); err != nil {
					s.log.Warn("crm job progress", "job_id", j.JobID, "error", err.Error())
				}
			}
		})
		if err != nil {
			return err
		}
		sum := crm.Summarize(results, m.PlaceState)
		var buf bytes.Buffer
		if err := crm.WriteResults(&buf, results); err != nil {
			return err
		}
		if j.Apply {
			rep, err := crm.Apply(ctx, s.store, j.CustomerID, results, j.Prune, s.now())
			if err != nil {
				return err
			}
			j.Report = &rep
			s.notify()
		}
		j.Summary, err = json.Marshal(sum)
		if err != nil {
			return err
		}
		j.Done, j.Matched, j.Result = len(accounts), sum.Matched, buf.Bytes()
		return nil
	}()
	j.Status, j.FinishedAt = pursuit.JobDone, s.now()
	if err != nil {
		j.Status, j.Error = pursuit.JobFailed, jobError(err)
		j.Result, j.Summary, j.Report = nil, nil, nil
		s.log.Error("crm job failed", "job_id", j.JobID, "customer_id", j.CustomerID, "error", err.Error())
	}
	// The outcome is written even when ctx ended (a request that went
	// away, a job over its timeout).
	if err := s.store.UpdateCRMJob(context.WithoutCancel(ctx), j); err != nil {
		s.log.Error("crm job outcome", "job_id", j.JobID, "error", err.Error())
	}
	j.Result = nil
}

// jobError is the message a failed job shows: the error's own message for
// the caller's errors (a row the store refused), a generic one for the
// server's.
func jobError(err error) string {
	switch pursuit.ErrorCode(err) {
	case pursuit.EINTERNAL, "":
		return "internal error; the job's log entry has the cause"
	}
	return err.Error()
}

// crmJob reads a job of the customer and reports a running job whose
// progress stopped (its server restarted or went away) as failed.
func (s *Server) crmJob(ctx context.Context, cid, id int64) (pursuit.CRMJob, error) {
	j, err := s.store.GetCRMJob(ctx, cid, id)
	if err != nil {
		return j, err
	}
	if j.Status == pursuit.JobRunning && s.now().Sub(j.UpdatedAt) > s.cfg.CRMJobStale {
		j.Status = pursuit.JobFailed
		j.FinishedAt = s.now()
		j.Error = fmt.Sprintf("the job made no progress for %s (its server restarted or stopped); submit the file again", s.cfg.CRMJobStale)
		if err := s.store.UpdateCRMJob(ctx, &j); err != nil {
			return j, err
		}
	}
	return j, nil
}

func (s *Server) handleAdminCRMJob(w http.ResponseWriter, r *http.Request) error {
	cid, id, err := pathIDs(r, "customer_id", "job_id")
	if err != nil {
		return err
	}
	return s.writeCRMJob(w, r, cid, id, fmt.Sprintf("/v1/admin/customers/%d/crm/jobs/%d", cid, id))
}

func (s *Server) handleCRMJob(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	id, err := pathID(r, "job_id")
	if err != nil {
		return err
	}
	return s.writeCRMJob(w, r, cid, id, fmt.Sprintf("/v1/crm/jobs/%d", id))
}

func (s *Server) writeCRMJob(w http.ResponseWriter, r *http.Request, cid, id int64, base string) error {
	if err := newParams(r).err; err != nil {
		return err
	}
	j, err := s.crmJob(r.Context(), cid, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, jobView(j, base))
	return nil
}

func (s *Server) handleAdminCRMJobResult(w http.ResponseWriter, r *http.Request) error {
	cid, id, err := pathIDs(r, "customer_id", "job_id")
	if err != nil {
		return err
	}
	return s.writeCRMJobResult(w, r, cid, id)
}

func (s *Server) handleCRMJobResult(w http.ResponseWriter, r *http.Request) error {
	_, cid := customerOf(r)
	id, err := pathID(r, "job_id")
	if err != nil {
		return err
	}
	return s.writeCRMJobResult(w, r, cid, id)
}

// writeCRMJobResult sends a done job's match CSV; a job not done yet is
// ECONFLICT saying its status.
func (s *Server) writeCRMJobResult(w http.ResponseWriter, r *http.Request, cid, id int64) error {
	ctx := r.Context()
	j, err := s.crmJob(ctx, cid, id)
	if err != nil {
		return err
	}
	if j.Status != pursuit.JobDone {
		msg := fmt.Sprintf("crm job %d is %s (%d of %d accounts matched); its result is ready when it is done", id, j.Status, j.Done, j.Accounts)
		if j.Status == pursuit.JobFailed {
			msg = fmt.Sprintf("crm job %d failed: %s", id, j.Error)
		}
		return pursuit.Errorf(pursuit.ECONFLICT, "%s", msg)
	}
	b, err := s.store.CRMJobResult(ctx, cid, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="crm-matches-%d.csv"`, id))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}
