-- Live metrics (src/metrics) read the last hour of a project's requests by when they arrived, were first answered
-- and were closed; without these, every metrics tick would scan all of the project's history.
CREATE INDEX requests_by_project_created ON requests (project_id, created_at);
CREATE INDEX requests_by_project_first_response ON requests (project_id, first_response_at) WHERE first_response_at IS NOT NULL;
CREATE INDEX requests_by_project_closed ON requests (project_id, closed_at) WHERE closed_at IS NOT NULL;
