-- Per-project limit overrides set by the project's owner (within the operator's ceilings), read on every
-- request so a change applies at once on every node.
ALTER TABLE projects ADD COLUMN limits jsonb NOT NULL DEFAULT '{}';
