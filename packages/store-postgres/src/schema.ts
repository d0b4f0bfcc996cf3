// The SQL of each schema version. Never edit a step that has shipped: add a new one to MIGRATIONS.
//
// Text columns that are compared or sorted use COLLATE "C": byte order of UTF-8, i.e. code-point
// order, which is what filters and listing order mean (whatever the database's own collation).
// Times are float8: the port's times are JavaScript numbers and may carry fractions of a ms.
// Events, run state and properties are text, not jsonb: jsonb refuses \u0000 and reorders keys.

/** Version 1: everything the port stores. */
export const V1_SCHEMA = `
CREATE TABLE owner (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  pid         integer NOT NULL,
  host        text    NOT NULL,
  program     text,
  server      text,
  backend_pid integer NOT NULL,
  since       timestamptz NOT NULL DEFAULT now()
);

-- fillfactor: room on each page, so the rewrite at every step (state, next_event_id: columns no
-- index covers) is a HOT update that touches no index.
CREATE TABLE workflows (
  namespace         text COLLATE "C" NOT NULL,
  workflow_id       text COLLATE "C" NOT NULL,
  run_id            text COLLATE "C" NOT NULL,
  workflow_type     text COLLATE "C" NOT NULL,
  task_queue        text COLLATE "C" NOT NULL,
  status            text COLLATE "C" NOT NULL,
  start_time        float8  NOT NULL,
  close_time        float8,
  next_event_id     integer NOT NULL,
  state             text    NOT NULL,
  crc               integer NOT NULL,
  -- JSON of the typed search attributes (what reads return); the index rows are search_attributes.
  search_attributes text,
  -- JSON of the memo and search-attribute payloads. Large values live in TOAST, which an UPDATE
  -- that does not set this column leaves in place, so steps do not rewrite them.
  properties        text,
  PRIMARY KEY (namespace, workflow_id, run_id)
) WITH (fillfactor = 80);
-- Listing order is (start_time, workflow_id, run_id) descending: every listing index ends in it.
CREATE INDEX workflows_by_start ON workflows (namespace, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_type_status ON workflows (namespace, workflow_type, status, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_type ON workflows (namespace, workflow_type, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_status ON workflows (namespace, status, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_close ON workflows (namespace, close_time, workflow_id, run_id) WHERE close_time IS NOT NULL;

CREATE TABLE current_runs (
  namespace   text COLLATE "C" NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  run_id      text COLLATE "C" NOT NULL,
  PRIMARY KEY (namespace, workflow_id)
);

CREATE TABLE history (
  namespace   text COLLATE "C" NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  run_id      text COLLATE "C" NOT NULL,
  event_id    integer NOT NULL,
  event       text    NOT NULL,
  crc         integer NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id, event_id)
);

CREATE TABLE tasks (
  namespace   text COLLATE "C" NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  run_id      text COLLATE "C" NOT NULL,
  task_id     text COLLATE "C" NOT NULL,
  task_queue  text COLLATE "C" NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('workflow', 'activity')),
  visible_at  float8 NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id, task_id)
);
CREATE INDEX tasks_by_visible_at ON tasks (visible_at, namespace, workflow_id, run_id, task_id);

CREATE TABLE timers (
  namespace   text COLLATE "C" NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  run_id      text COLLATE "C" NOT NULL,
  timer_id    text COLLATE "C" NOT NULL,
  fire_at     float8 NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id, timer_id)
);
CREATE INDEX timers_by_fire_at ON timers (fire_at, namespace, workflow_id, run_id, timer_id);

-- One row per custom search attribute value (per element of a KeywordList), in the column of its
-- type, so a comparison only ever meets values of its own type. Each index puts (name, value)
-- first and then the listing order: "attribute = value" is itself a listing index.
CREATE TABLE search_attributes (
  namespace   text COLLATE "C" NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  run_id      text COLLATE "C" NOT NULL,
  name        text COLLATE "C" NOT NULL,
  str         text COLLATE "C",
  num         float8,
  bool        boolean,
  start_time  float8 NOT NULL,
  CHECK (num_nonnulls(str, num, bool) = 1)
);
CREATE INDEX search_attributes_str ON search_attributes (namespace, name, str, start_time, workflow_id, run_id) WHERE str IS NOT NULL;
CREATE INDEX search_attributes_num ON search_attributes (namespace, name, num, start_time, workflow_id, run_id) WHERE num IS NOT NULL;
CREATE INDEX search_attributes_bool ON search_attributes (namespace, name, bool, start_time, workflow_id, run_id) WHERE bool IS NOT NULL;
CREATE INDEX search_attributes_by_run ON search_attributes (namespace, workflow_id, run_id, name);

CREATE TABLE namespaces (
  name              text PRIMARY KEY,
  description       text   NOT NULL,
  retention_ms      float8 NOT NULL,
  created_time      float8 NOT NULL,
  search_attributes text   NOT NULL
);

CREATE TABLE token_keys (
  position     integer PRIMARY KEY,
  key_id       text    NOT NULL UNIQUE,
  secret       text    NOT NULL,
  created_time float8  NOT NULL
);

CREATE TABLE api_keys (
  key_id       text COLLATE "C" PRIMARY KEY,
  secret_hash  text   NOT NULL,
  role         text   NOT NULL CHECK (role IN ('reader', 'writer', 'worker', 'admin')),
  namespaces   text   NOT NULL,
  description  text   NOT NULL,
  created_time float8 NOT NULL
);
`;

/**
 * Version 2, the cluster's coordination (the port's shard leases): each shard's owner, lease end
 * (ms on the database's clock) and fencing token, and the nodes as they last announced themselves.
 */
export const V2_SCHEMA = `
CREATE TABLE shard_leases (
  shard_id   integer PRIMARY KEY,
  node_id    text COLLATE "C" NOT NULL,
  token      bigint NOT NULL,
  expires_at float8 NOT NULL
);
CREATE TABLE cluster_nodes (
  node_id      text COLLATE "C" PRIMARY KEY,
  address      text   NOT NULL,
  started_at   float8 NOT NULL,
  heartbeat_at float8 NOT NULL,
  expires_at   float8 NOT NULL
);
`;
