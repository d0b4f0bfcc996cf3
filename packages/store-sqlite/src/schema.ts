// The SQL of each schema version. Never edit a step that has shipped: add a new one to MIGRATIONS.

/** Version 1: runs, current runs, history, tasks and timers. */
export const V1_SCHEMA = `
CREATE TABLE workflows (
  namespace     TEXT    NOT NULL,
  workflow_id   TEXT    NOT NULL,
  run_id        TEXT    NOT NULL,
  workflow_type TEXT    NOT NULL,
  task_queue    TEXT    NOT NULL,
  status        TEXT    NOT NULL,
  start_time    INTEGER NOT NULL,
  close_time    INTEGER,
  next_event_id INTEGER NOT NULL,
  state         TEXT    NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id)
);
-- For listing/filtering runs (a later issue): by type and status, newest first.
CREATE INDEX workflows_by_type_status ON workflows (namespace, workflow_type, status, start_time);
CREATE INDEX workflows_by_status ON workflows (namespace, status, start_time);
CREATE INDEX workflows_by_start ON workflows (namespace, start_time);

CREATE TABLE current_runs (
  namespace   TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  run_id      TEXT NOT NULL,
  PRIMARY KEY (namespace, workflow_id),
  FOREIGN KEY (namespace, workflow_id, run_id) REFERENCES workflows ON DELETE CASCADE
) WITHOUT ROWID;

-- Clustered by run so readHistory is one range scan; big events spill to overflow pages.
CREATE TABLE history (
  namespace   TEXT    NOT NULL,
  workflow_id TEXT    NOT NULL,
  run_id      TEXT    NOT NULL,
  event_id    INTEGER NOT NULL,
  event       TEXT    NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id, event_id),
  FOREIGN KEY (namespace, workflow_id, run_id) REFERENCES workflows ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE tasks (
  namespace   TEXT    NOT NULL,
  workflow_id TEXT    NOT NULL,
  run_id      TEXT    NOT NULL,
  task_id     TEXT    NOT NULL,
  task_queue  TEXT    NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('workflow', 'activity')),
  visible_at  INTEGER NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id, task_id)
) WITHOUT ROWID;
-- listTasks order; also serves keyset pagination with a row-value comparison.
CREATE INDEX tasks_by_visible_at ON tasks (visible_at, namespace, workflow_id, run_id, task_id);
-- (No per-queue index: dispatch is in memory; the table is read in full, by time, at recovery.)

CREATE TABLE timers (
  namespace   TEXT    NOT NULL,
  workflow_id TEXT    NOT NULL,
  run_id      TEXT    NOT NULL,
  timer_id    TEXT    NOT NULL,
  fire_at     INTEGER NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id, timer_id)
) WITHOUT ROWID;
CREATE INDEX timers_by_fire_at ON timers (fire_at, namespace, workflow_id, run_id, timer_id);
`;

/**
 * Version 2: listing and search at scale, namespaces, retention.
 * - Listing order is (start_time, workflow_id, run_id) descending, so each listing index ends in
 *   those columns: a filter on its leading columns is one range scan read backwards, and a page
 *   token (the last row's sort key) seeks straight to where the next page starts.
 * - The runs' search attributes: as JSON on the run (what reads return) and one row per value
 *   (per element for a KeywordList) in search_attributes, which filters use. Its key puts
 *   (name, value) first and then the listing order, so `attr = value` is itself a listing index.
 * - Retention finds closed runs by close time (a partial index: open runs are not in it).
 */
export const V2_SCHEMA = `
ALTER TABLE workflows ADD COLUMN search_attributes TEXT;

DROP INDEX workflows_by_type_status;
DROP INDEX workflows_by_status;
DROP INDEX workflows_by_start;
CREATE INDEX workflows_by_type_status ON workflows (namespace, workflow_type, status, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_type ON workflows (namespace, workflow_type, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_status ON workflows (namespace, status, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_start ON workflows (namespace, start_time, workflow_id, run_id);
CREATE INDEX workflows_by_close ON workflows (namespace, close_time, workflow_id, run_id) WHERE close_time IS NOT NULL;

-- value has no declared type: SQLite keeps each value's own type (text, integer, real), and
-- booleans are stored as 0/1. start_time is the run's (it never changes).
CREATE TABLE search_attributes (
  namespace   TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  value               NOT NULL,
  start_time  INTEGER NOT NULL,
  workflow_id TEXT    NOT NULL,
  run_id      TEXT    NOT NULL,
  PRIMARY KEY (namespace, name, value, start_time, workflow_id, run_id)
) WITHOUT ROWID;
-- Per-run lookups: "does this run have name op value" inside filters, and replacing a run's set.
CREATE INDEX search_attributes_by_run ON search_attributes (namespace, workflow_id, run_id, name, value);

CREATE TABLE namespaces (
  name              TEXT    NOT NULL PRIMARY KEY,
  description       TEXT    NOT NULL,
  retention_ms      INTEGER NOT NULL,
  created_time      INTEGER NOT NULL,
  search_attributes TEXT    NOT NULL
) WITHOUT ROWID;
`;

/**
 * Version 3: the engine's task-token signing keys (issue 10). A small ring, the signing key at
 * position 0; replaced whole at each rotation.
 */
export const V3_SCHEMA = `
CREATE TABLE token_keys (
  position     INTEGER NOT NULL PRIMARY KEY,
  key_id       TEXT    NOT NULL UNIQUE,
  secret       TEXT    NOT NULL,
  created_time INTEGER NOT NULL
);
`;

/**
 * Version 4: API keys of the server (issue 10): role and namespaces per key, and the SHA-256 of
 * its secret, never the secret.
 */
export const V4_SCHEMA = `
CREATE TABLE api_keys (
  key_id       TEXT    NOT NULL PRIMARY KEY,
  secret_hash  TEXT    NOT NULL,
  role         TEXT    NOT NULL CHECK (role IN ('reader', 'writer', 'worker', 'admin')),
  namespaces   TEXT    NOT NULL,
  description  TEXT    NOT NULL,
  created_time INTEGER NOT NULL
) WITHOUT ROWID;
`;

/**
 * Version 5: checksums (integrity.ts). Each history event and run record carries a CRC-32 of its
 * content; rows written before this version have NULL and are read unchecked.
 */
export const V5_SCHEMA = `
ALTER TABLE history ADD COLUMN crc INTEGER;
ALTER TABLE workflows ADD COLUMN crc INTEGER;
`;

/**
 * Version 6, run properties (write amplification): each run's memo and search-attribute payloads,
 * as JSON, in a table of their own rather than in the run state. An UPDATE of a SQLite row writes
 * the whole row again, its overflow pages included, so a column of `workflows` would be rewritten
 * at every step like the state was; this row is written only when the properties change. A rowid
 * table (keyed like `workflows`): large rows are what WITHOUT ROWID tables do badly. No foreign
 * key, like tasks and timers: retention deletes the row with its run.
 * The step also moves the properties of existing runs out of their state (move-run-properties.ts).
 */
export const RUN_PROPERTIES_SCHEMA = `
CREATE TABLE run_properties (
  namespace   TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  run_id      TEXT NOT NULL,
  properties  TEXT NOT NULL,
  PRIMARY KEY (namespace, workflow_id, run_id)
);
`;

/**
 * Version 7, the cluster's coordination (the port's shard leases): each shard's owner, lease end
 * and fencing token, and the nodes as they last announced themselves.
 */
export const V7_SCHEMA = `
CREATE TABLE shard_leases (
  shard_id   INTEGER NOT NULL PRIMARY KEY,
  node_id    TEXT    NOT NULL,
  token      INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE cluster_nodes (
  node_id      TEXT    NOT NULL PRIMARY KEY,
  address      TEXT    NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
`;
