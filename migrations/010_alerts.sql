-- Alerts (docs/metrics.md, "Alerts"): a rule of a project raised when its metric crosses the threshold, cleared when
-- it no longer does. A raised alert is one row; clearing sets state and cleared_at on the same row.
CREATE TABLE alerts (
  id          text PRIMARY KEY,
  project_id  text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  rule        text NOT NULL,
  state       text NOT NULL CHECK (state IN ('raised', 'cleared')),
  value       double precision NOT NULL,
  threshold   double precision NOT NULL,
  message     text NOT NULL,
  raised_at   timestamptz NOT NULL DEFAULT now(),
  cleared_at  timestamptz,
  CHECK ((state = 'cleared') = (cleared_at IS NOT NULL))
);
-- At most one raised alert per project and rule: two nodes evaluating the same change raise it once.
CREATE UNIQUE INDEX alerts_one_raised ON alerts (project_id, rule) WHERE state = 'raised';
-- GET /:pid/alerts?state=all: the newest first.
CREATE INDEX alerts_by_project ON alerts (project_id, raised_at DESC, id DESC);
