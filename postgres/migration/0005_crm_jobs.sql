-- Migration 4: crm_jobs, the CRM account match jobs of the API.
--
-- A POSTed account file is matched by a job of the server that received
-- it; its state lives here so that any server over the database answers
-- its progress and serves its result (the match CSV) after the job is
-- done, also after a restart. A job still 'running' whose updated_at
-- stopped moving (its server went away) is reported failed by the API. It
-- is not seed data: no change_log triggers, no export. Ids come from an
-- identity sequence and are never reused.
CREATE TABLE crm_jobs (
    job_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint      NOT NULL REFERENCES customers (customer_id) ON DELETE CASCADE,
    status      text        NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    apply       boolean     NOT NULL DEFAULT false,
    prune       boolean     NOT NULL DEFAULT false,
    accounts    integer     NOT NULL DEFAULT 0,
    done        integer     NOT NULL DEFAULT 0,
    matched     integer     NOT NULL DEFAULT 0,
    summary     text        NOT NULL DEFAULT '',
    report      text        NOT NULL DEFAULT '',
    error       text        NOT NULL DEFAULT '',
    result      bytea,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX idx_crm_jobs_customer_id ON crm_jobs (customer_id);
