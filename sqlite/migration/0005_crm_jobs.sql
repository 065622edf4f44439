-- Migration 4: crm_jobs, the CRM account match jobs of the API.
--
-- A POSTed account file is matched by a job of the server that received
-- it; its state lives here so that any server over the store answers its
-- progress and serves its result (the match CSV) after the job is done,
-- also after a restart. A job still 'running' whose updated_at stopped
-- moving (its server went away) is reported failed by the API. It is not
-- seed data: no change_log triggers (nothing follows it), no export. Ids
-- are never reused (AUTOINCREMENT): a job id names one job for good.
CREATE TABLE crm_jobs (
    job_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    apply       INTEGER NOT NULL DEFAULT 0,
    prune       INTEGER NOT NULL DEFAULT 0,
    accounts    INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    matched     INTEGER NOT NULL DEFAULT 0,
    summary     TEXT    NOT NULL DEFAULT '',
    report      TEXT    NOT NULL DEFAULT '',
    error       TEXT    NOT NULL DEFAULT '',
    result      BLOB,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX idx_crm_jobs_customer_id ON crm_jobs (customer_id);
