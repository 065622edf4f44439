package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const crmJobCols = `job_id, customer_id, status, apply, prune, accounts, done, matched, summary, report, error, created_at, updated_at, finished_at`

func scanCRMJob(row pgx.Row) (pursuit.CRMJob, error) {
	var j pursuit.CRMJob
	var summary, report string
	var finished *time.Time
	err := row.Scan(&j.JobID, &j.CustomerID, &j.Status, &j.Apply, &j.Prune, &j.Accounts, &j.Done, &j.Matched,
		&summary, &report, &j.Error, &j.CreatedAt, &j.UpdatedAt, &finished)
	if err != nil {
		return j, err
	}
	j.CreatedAt, j.UpdatedAt = j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	if finished != nil {
		j.FinishedAt = finished.UTC()
	}
	if summary != "" {
		j.Summary = []byte(summary)
	}
	if report != "" {
		j.Report = new(pursuit.SyncReport)
		if err := json.Unmarshal([]byte(report), j.Report); err != nil {
			return j, fmt.Errorf("crm job %d: report: %w", j.JobID, err)
		}
	}
	return j, nil
}

// jobReport is a job's report as stored: JSON, "" for none.
func jobReport(j *pursuit.CRMJob) (string, error) {
	if j.Report == nil {
		return "", nil
	}
	b, err := json.Marshal(j.Report)
	return string(b), err
}

// CreateCRMJob inserts a CRM match job (pursuit.CRMJobStore). Jobs are
// not seed data and have no change_log rows, so the write lock is not
// taken.
func (db *DB) CreateCRMJob(ctx context.Context, j *pursuit.CRMJob) error {
	if err := pursuit.ValidateCRMJob(j); err != nil {
		return err
	}
	report, err := jobReport(j)
	if err != nil {
		return err
	}
	now := db.now()
	err = db.pool.QueryRow(ctx, `INSERT INTO crm_jobs (customer_id, status, apply, prune, accounts, done, matched, summary, report, error, result, created_at, updated_at, finished_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING job_id`,
		j.CustomerID, j.Status, j.Apply, j.Prune, j.Accounts, j.Done, j.Matched, string(j.Summary), report, j.Error, j.Result,
		now, nullTime(j.FinishedAt)).Scan(&j.JobID)
	if err != nil {
		return dbErr(err)
	}
	j.CreatedAt, j.UpdatedAt = now, now
	if t := nullTime(j.FinishedAt); t != nil {
		j.FinishedAt = *t
	}
	return nil
}

// UpdateCRMJob writes a job's progress and outcome (pursuit.CRMJobStore).
func (db *DB) UpdateCRMJob(ctx context.Context, j *pursuit.CRMJob) error {
	if err := pursuit.ValidateCRMJob(j); err != nil {
		return err
	}
	report, err := jobReport(j)
	if err != nil {
		return err
	}
	now := db.now()
	tag, err := db.pool.Exec(ctx, `UPDATE crm_jobs SET status = $1, accounts = $2, done = $3, matched = $4, summary = $5, report = $6,
			error = $7, result = $8, updated_at = $9, finished_at = $10
		WHERE job_id = $11 AND customer_id = $12`,
		j.Status, j.Accounts, j.Done, j.Matched, string(j.Summary), report, j.Error, j.Result, now, nullTime(j.FinishedAt),
		j.JobID, j.CustomerID)
	if err != nil {
		return dbErr(err)
	}
	if tag.RowsAffected() == 0 {
		return pursuit.Errorf(pursuit.ENOTFOUND, "crm job %d not found", j.JobID)
	}
	j.UpdatedAt = now
	if t := nullTime(j.FinishedAt); t != nil {
		j.FinishedAt = *t
	}
	return nil
}

// GetCRMJob returns a job of the customer (pursuit.CRMJobStore).
func (db *DB) GetCRMJob(ctx context.Context, customerID, jobID int64) (pursuit.CRMJob, error) {
	j, err := scanCRMJob(db.pool.QueryRow(ctx, `SELECT `+crmJobCols+` FROM crm_jobs WHERE job_id = $1 AND customer_id = $2`, jobID, customerID))
	if errors.Is(err, pgx.ErrNoRows) {
		return pursuit.CRMJob{}, pursuit.Errorf(pursuit.ENOTFOUND, "crm job %d not found", jobID)
	}
	if err != nil {
		return pursuit.CRMJob{}, dbErr(err)
	}
	return j, nil
}

// CRMJobResult returns a job's result CSV (pursuit.CRMJobStore).
func (db *DB) CRMJobResult(ctx context.Context, customerID, jobID int64) ([]byte, error) {
	var b []byte
	err := db.pool.QueryRow(ctx, `SELECT result FROM crm_jobs WHERE job_id = $1 AND customer_id = $2`, jobID, customerID).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, pursuit.Errorf(pursuit.ENOTFOUND, "crm job %d not found", jobID)
	}
	if err != nil {
		return nil, dbErr(err)
	}
	return b, nil
}
