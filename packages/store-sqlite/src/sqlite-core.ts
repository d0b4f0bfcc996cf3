// The synchronous SQLite side of the store: one connection, its statements and the group-commit
// batcher. It runs on the store thread, so commits (and their fsyncs) never block the caller.
import Database from 'better-sqlite3';
import { isLockBusy, lockedError } from './lock.js';
import { explainStorageError } from './storage-errors.js';
import { assertKnownVersion, migrate } from './migrations.js';
import { applyPlan, type Plan } from './mutations.js';
import { fromTaskRow, fromTimerRow, fromWorkflowRow, keyParams, toTaskRow, type WorkflowRow } from './rows.js';
import { Statements } from './statements.js';
import { DEFAULT_STRUCTURE_CHECK_MAX_BYTES, checkStructure, checkedHistory } from './integrity.js';
import { WriteBatcher, type WriteStats } from './write-batcher.js';
import { Visibility, isVisibilityPlan, type VisibilityPlan, type VisibilityReadOp } from './visibility.js';
import { SecurityTables, isSecurityPlan, type SecurityPlan, type SecurityReadOp } from './security.js';
import { ClusterTables, isClusterPlan, type ClusterPlan, type ClusterReadOp } from './cluster.js';
import type { RunKey, TaskRow, TimerRow, WorkflowRecord } from '@endure/storage';

export const MEMORY = ':memory:';

export interface CoreOptions {
  busyTimeoutMs?: number;
  lockTimeoutMs?: number;
  maxBatch?: number;
  minCommitIntervalMs?: number;
  structureCheckMaxBytes?: number;
}

/** Read operations, by name, as the store thread serves them. */
export type ReadOp =
  | { op: 'getWorkflow'; key: RunKey }
  | { op: 'getCurrentRun'; namespace: string; workflowId: string }
  | { op: 'readHistory'; key: RunKey; fromEventId: number; limit: number }
  | { op: 'listTimers'; before: number; limit: number }
  | { op: 'listTasks'; limit: number; after?: TaskRow }
  | VisibilityReadOp
  | SecurityReadOp
  | ClusterReadOp;

export class SqliteCore {
  private constructor(
    /** The database file (absolute), or ':memory:'. */
    private readonly path: string,
    private readonly db: Database.Database,
    private readonly st: Statements,
    private readonly batcher: WriteBatcher,
    private readonly visibility: Visibility,
    private readonly security: SecurityTables,
    private readonly cluster: ClusterTables,
  ) {}

  /** Opens, locks and migrates `abs` (an absolute path, or ':memory:'). */
  static open(abs: string, opts: CoreOptions): SqliteCore {
    let db: Database.Database | undefined;
    try {
      db = new Database(abs, { timeout: opts.lockTimeoutMs ?? 100 });
      // Must precede the first access: the connection then keeps its file lock until closed,
      // and WAL runs without the shared-memory file.
      db.pragma('locking_mode = EXCLUSIVE');
      // Before anything writes: a file from a newer version is refused, not converted to WAL.
      assertKnownVersion(db, abs);
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (abs !== MEMORY && mode !== 'wal') throw new Error(`database ${abs} could not switch to WAL (got ${String(mode)})`);
      // Before migrating: a damaged file is never written to.
      if (abs !== MEMORY) checkStructure(db, abs, opts.structureCheckMaxBytes ?? DEFAULT_STRUCTURE_CHECK_MAX_BYTES);
      migrate(db, abs);
      // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      return new SqliteCore(abs, db, new Statements(db), new WriteBatcher(db, opts.maxBatch, opts.minCommitIntervalMs ?? 0), new Visibility(db), new SecurityTables(db), new ClusterTables(db));
    } catch (e) {
      db?.close();
      throw isLockBusy(e) ? lockedError(abs) : abs === MEMORY ? e : explainStorageError(e, abs);
    }
  }

  /** The error to report for `e`, a failure of an operation on this database: it names the file and, when known, the cause and the fix. */
  explain(e: unknown): unknown {
    return this.path === MEMORY ? e : explainStorageError(e, this.path);
  }

  /** Queues a mutation for the next group commit; resolves when it is durable. */
  mutate(plan: Plan | VisibilityPlan | SecurityPlan | ClusterPlan): Promise<unknown> {
    if (isSecurityPlan(plan)) return this.batcher.submit(() => this.security.apply(plan));
    if (isClusterPlan(plan)) return this.batcher.submit(() => this.cluster.apply(plan));
    if (isVisibilityPlan(plan)) return this.batcher.submit(() => this.visibility.apply(plan));
    return this.batcher.submit(() => applyPlan(this.st, plan, (fence) => this.cluster.checkFence(fence)));
  }

  read(r: ReadOp): unknown {
    const st = this.st;
    const wf = (row: WorkflowRow | undefined): WorkflowRecord | undefined => row && fromWorkflowRow(row);
    switch (r.op) {
      case 'getWorkflow':
        return wf(st.getWorkflow.get(keyParams(r.key)));
      case 'getCurrentRun':
        return wf(st.getCurrentRun.get({ namespace: r.namespace, workflow_id: r.workflowId }));
      case 'readHistory': {
        // Raw JSON text: the caller parses it (cheaper than cloning parsed objects across threads).
        // Checked first: a damaged or partial history is refused, never returned as whole.
        const k = keyParams(r.key);
        const rows = st.readHistory.all({ ...k, from: r.fromEventId, limit: r.limit });
        return checkedHistory(k, rows, r.fromEventId, r.limit, st.getNextEventId.get(k));
      }
      case 'listTimers':
        return st.listTimers.all({ before: r.before, limit: r.limit }).map(fromTimerRow) satisfies TimerRow[];
      case 'listTasks':
        return (r.after ? st.listTasksAfter.all({ ...toTaskRow(r.after), limit: r.limit }) : st.listTasks.all({ limit: r.limit })).map(fromTaskRow);
      case 'getTokenKeys':
      case 'listApiKeys':
        return this.security.read(r);
      case 'listShardLeases':
      case 'listNodes':
        return this.cluster.read(r);
      default:
        return this.visibility.read(r);
    }
  }

  stats(): WriteStats {
    return this.batcher.stats();
  }

  /** Commits what is queued, then closes the connection (and so drops the file lock). */
  close(): void {
    this.batcher.close();
    this.db.close();
  }
}
