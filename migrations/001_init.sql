-- deskwire schema, version 1. Plain PostgreSQL: runs unchanged on PGlite and on PostgreSQL.

CREATE TABLE users (
  id            text PRIMARY KEY,
  email         text,
  password_hash text,
  firstname     text NOT NULL DEFAULT '',
  lastname      text NOT NULL DEFAULT '',
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE projects (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  settings       jsonb NOT NULL DEFAULT '{}',
  -- Last event number of the project; advanced under this row's lock so commit order = seq order.
  seq            bigint NOT NULL DEFAULT 0,
  epoch          text NOT NULL,
  -- Events up to this seq have been pruned: a resume from below it gets a fresh snapshot.
  pruned_through bigint NOT NULL DEFAULT 0,
  ticket_seq     bigint NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_users (
  id                       text PRIMARY KEY,
  project_id               text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id                  text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role                     text NOT NULL CHECK (role IN ('owner', 'admin', 'supervisor', 'agent', 'user', 'guest')),
  user_available           boolean NOT NULL DEFAULT true,
  profile_status           text NOT NULL DEFAULT 'available',
  max_assigned_chat        integer CHECK (max_assigned_chat IS NULL OR max_assigned_chat >= 0),
  number_assigned_requests integer NOT NULL DEFAULT 0 CHECK (number_assigned_requests >= 0),
  presence                 text NOT NULL DEFAULT 'offline' CHECK (presence IN ('online', 'offline')),
  presence_changed_at      timestamptz,
  status                   text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  last_ip                  text,
  attributes               jsonb NOT NULL DEFAULT '{}',
  -- Round-robin among equally loaded agents: the one assigned longest ago goes first.
  last_assigned_at         timestamptz,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, user_id)
);

CREATE TABLE departments (
  id         text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name       text NOT NULL,
  routing    text NOT NULL CHECK (routing IN ('pooled', 'assigned')),
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX departments_one_default ON departments (project_id) WHERE is_default;

CREATE TABLE department_members (
  department_id text NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
  user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (department_id, user_id)
);

CREATE TABLE leads (
  id           text PRIMARY KEY,
  project_id   text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  lead_user_id text NOT NULL,
  fullname     text NOT NULL DEFAULT '',
  email        text,
  attributes   jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, lead_user_id)
);

CREATE TABLE requests (
  id                 text PRIMARY KEY,
  project_id         text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  request_id         text NOT NULL,
  ticket_id          bigint NOT NULL,
  status             integer NOT NULL,
  subject            text,
  first_text         text NOT NULL DEFAULT '',
  participants_agents text[] NOT NULL DEFAULT '{}',
  participants_bots  text[] NOT NULL DEFAULT '{}',
  department_id      text REFERENCES departments (id) ON DELETE SET NULL,
  lead_id            text REFERENCES leads (id) ON DELETE SET NULL,
  requester_id       text,
  requester_user_id  text,
  assigned_at        timestamptz,
  first_response_at  timestamptz,
  waiting_time       bigint,
  closed_at          timestamptz,
  closed_by          text,
  duration           bigint,
  tags               jsonb NOT NULL DEFAULT '[]',
  notes              jsonb NOT NULL DEFAULT '[]',
  priority           text NOT NULL DEFAULT 'medium',
  channel            text NOT NULL DEFAULT 'chat21',
  preflight          boolean NOT NULL DEFAULT false,
  draft              boolean NOT NULL DEFAULT false,
  attributes         jsonb NOT NULL DEFAULT '{}',
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, request_id),
  UNIQUE (project_id, ticket_id)
);
CREATE INDEX requests_by_project_updated ON requests (project_id, updated_at DESC, id DESC);
CREATE INDEX requests_by_project_status ON requests (project_id, status);

CREATE TABLE messages (
  id              text PRIMARY KEY,
  project_id      text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  request_id      text NOT NULL,
  -- The project seq of the event that created the message: a strict order even within one millisecond.
  seq             bigint NOT NULL,
  sender          text NOT NULL,
  sender_fullname text NOT NULL DEFAULT '',
  sender_role     text NOT NULL,
  text            text NOT NULL DEFAULT '',
  type            text NOT NULL DEFAULT 'text',
  status          integer NOT NULL DEFAULT 100,
  attributes      jsonb NOT NULL DEFAULT '{}',
  metadata        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (project_id, request_id) REFERENCES requests (project_id, request_id) ON DELETE CASCADE
);
CREATE INDEX messages_by_request ON messages (project_id, request_id, seq);

-- The transactional outbox: one row per change, gap-free per project, in commit order.
CREATE TABLE events (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  seq        bigint NOT NULL,
  epoch      text NOT NULL,
  kind       text NOT NULL,
  method     text NOT NULL CHECK (method IN ('CREATE', 'UPDATE', 'DELETE')),
  entity_id  text NOT NULL,
  request_id text,
  -- Visibility facts after and before the change, so every subscriber is authorized without a query.
  scope      jsonb,
  prev_scope jsonb,
  data       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, seq)
);
CREATE INDEX events_by_created ON events (created_at);
