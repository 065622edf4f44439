package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

const crmJobCols = `job_id, customer_id, status, apply, prune, accounts, done, matched, summary, report, error, created_at, updated_at, finished_at`

func scanCRMJob(s scanner) (pursuit.CRMJob, error) {
	var j pursuit.CRMJob
	var summary, report string
	var created, updated, finished sql.NullInt64
	err := s.Scan(&j.JobID, &j.CustomerID, &j.Status, &j.Apply, &j.Prune, &j.Accounts, &j.Done, &j.Matched,
		&summary, &report, &j.Error, &created, &updated, &finished)
	if err != nil {
		return j, err
	}
	j.CreatedAt, j.UpdatedAt, j.FinishedAt = fromMicros(created), fromMicros(updated), fromMicros(finished)
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

// CreateCRMJob inserts a CRM match job (pursuit.CRMJobStore).
func (db *DB) CreateCRMJob(ctx context.Context, j *pursuit.CRMJob) error {
	if err := pursuit.ValidateCRMJob(j); err != nil {
		return err
	}
	report, err := jobReport(j)
	if err != nil {
		return err
	}
	now := db.now()
	return db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO crm_jobs (customer_id, status, apply, prune, accounts, done, matched, summary, report, error, result, created_at, updated_at, finished_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING job_id`,
			j.CustomerID, j.Status, j.Apply, j.Prune, j.Accounts, j.Done, j.Matched, string(j.Summary), report, j.Error, j.Result,
			micros(now), micros(now), micros(normTime(j.FinishedAt))).Scan(&j.JobID)
		if err != nil {
			return writeErr(ctx, tx, err, "crm_jobs", "job_id", "crm job exists", ref{"customer_id", pursuit.TableCustomers, j.CustomerID})
		}
		j.CreatedAt, j.UpdatedAt, j.FinishedAt = now, now, normTime(j.FinishedAt)
		return nil
	})
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
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE crm_jobs SET status = ?, accounts = ?, done = ?, matched = ?, summary = ?, report = ?, error = ?,
				result = ?, updated_at = ?, finished_at = ?
			WHERE job_id = ? AND customer_id = ?`,
			j.Status, j.Accounts, j.Done, j.Matched, string(j.Summary), report, j.Error, j.Result, micros(now), micros(normTime(j.FinishedAt)),
			j.JobID, j.CustomerID)
		if err != nil {
			return dbErr(err)
		}
		if err := affected(res, "crm job", j.JobID); err != nil {
			return err
		}
		j.UpdatedAt, j.FinishedAt = now, normTime(j.FinishedAt)
		return nil
	})
}

// GetCRMJob returns a job of the customer (pursuit.CRMJobStore).
func (db *DB) GetCRMJob(ctx context.Context, customerID, jobID int64) (pursuit.CRMJob, error) {
	j, err := scanCRMJob(db.r.QueryRowContext(ctx, `SELECT `+crmJobCols+` FROM crm_jobs WHERE job_id = ? AND customer_id = ?`, jobID, customerID))
	if errors.Is(err, sql.ErrNoRows) {
		return pursuit.CRMJob{}, notFound("crm job", jobID)
	}
	if err != nil {
		return pursuit.CRMJob{}, dbErr(err)
	}
	return j, nil
}

// CRMJobResult returns a job's result CSV (pursuit.CRMJobStore).
func (db *DB) CRMJobResult(ctx context.Context, customerID, jobID int64) ([]byte, error) {
	var b []byte
	err := db.r.QueryRowContext(ctx, `SELECT result FROM crm_jobs WHERE job_id = ? AND customer_id = ?`, jobID, customerID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("crm job", jobID)
	}
	if err != nil {
		return nil, dbErr(err)
	}
	return b, nil
}
