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
