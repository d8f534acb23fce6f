-- The demo project's sign-in details, written in the same transaction as the demo data (src/services/demo-data.ts):
-- a first start interrupted at any point leaves both or neither, and every later start shows them again.
CREATE TABLE demo_credentials (
  project_id text PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  password   text NOT NULL,
  accounts   jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
