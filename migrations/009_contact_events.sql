-- Tiledesk's events API: what happened around a contact (a lead, a project user), newest first per contact.
-- Named contact_events because "events" is the outbox.
CREATE TABLE contact_events (
  id              text PRIMARY KEY,
  project_id      text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name            text NOT NULL,
  attributes      jsonb NOT NULL DEFAULT '{}',
  lead_id         text REFERENCES leads (id) ON DELETE CASCADE,
  project_user_id text REFERENCES project_users (id) ON DELETE CASCADE,
  created_by      text NOT NULL,
  -- The project seq of the outbox event that announced it: a strict order even within one millisecond.
  seq             bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (lead_id IS NOT NULL OR project_user_id IS NOT NULL)
);
CREATE INDEX contact_events_by_lead ON contact_events (project_id, lead_id, seq DESC) WHERE lead_id IS NOT NULL;
CREATE INDEX contact_events_by_project_user ON contact_events (project_id, project_user_id, seq DESC) WHERE project_user_id IS NOT NULL;
CREATE INDEX contact_events_by_project ON contact_events (project_id, seq DESC);

-- Who may see a contact's events depends on the requests of that contact (their visitor's requests).
CREATE INDEX requests_by_project_requester ON requests (project_id, requester_user_id) WHERE requester_user_id IS NOT NULL;

-- The visibility facts of a contact event travel with it in the outbox, as a request's scope does: every
-- subscriber is authorized without a query.
ALTER TABLE events ADD COLUMN contact jsonb;
