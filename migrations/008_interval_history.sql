-- Interval history (docs/metrics.md, "Interval history"): per project, per department and for the whole project,
-- one row per 15-minute interval of ARRIVAL. A request's figures (answered, abandoned, service level, first
-- response, handle time, rating) all land in the interval it arrived in, and are kept exact as the request changes:
-- every write adds what the request contributes after it and takes away what it contributed before, in the same
-- transaction. Imported history (POST /:pid/history/import) adds to the same rows.
CREATE TABLE history_intervals (
  project_id                 text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- '' is the whole project; otherwise a department id (kept after the department is deleted, unreachable by the API).
  department_id              text NOT NULL,
  interval_start             timestamptz NOT NULL,
  arrivals                   integer NOT NULL DEFAULT 0,
  answered                   integer NOT NULL DEFAULT 0,
  abandoned                  integer NOT NULL DEFAULT 0,
  sl_met                     integer NOT NULL DEFAULT 0,
  sl_missed                  integer NOT NULL DEFAULT 0,
  first_response_count       integer NOT NULL DEFAULT 0,
  first_response_seconds     double precision NOT NULL DEFAULT 0,
  handle_count               integer NOT NULL DEFAULT 0,
  handle_seconds             double precision NOT NULL DEFAULT 0,
  abandoned_wait_seconds     double precision NOT NULL DEFAULT 0,
  rating_count               integer NOT NULL DEFAULT 0,
  rating_sum                 integer NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, department_id, interval_start)
);

-- The visitor's satisfaction, Tiledesk's names: 1–5 and a short comment.
ALTER TABLE requests ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE requests ADD COLUMN rating_message text;
