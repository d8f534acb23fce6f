-- Owners, admins and supervisors take chats only when they opt in (agents always do): the "can take chats now" rule
-- of src/domain/chat-availability.ts. Off for every existing row: a supervising member who used to be routed to
-- turns it on (PUT /:pid/project_users or the admin route).
ALTER TABLE project_users ADD COLUMN takes_chats boolean NOT NULL DEFAULT false;
-- Re-routing a department's waiting requests to an agent who becomes able to take them reads them oldest first.
CREATE INDEX requests_waiting_by_department ON requests (project_id, department_id, created_at)
  WHERE status = 100 AND cardinality(participants_agents) = 0;
