// The Store port on one SQLite file: reads run directly, mutations go through the group-commit
// batcher. Owns its file exclusively (see lock.ts).
import Database from 'better-sqlite3';
import type { HistoryEvent } from '@endure/protocol';
import type { CreateWorkflow, RunKey, Store, TaskRow, TimerRow, UpdateWorkflow, WorkflowRecord } from '@endure/storage';
import { canonicalPath, claimInProcess, isLockBusy, lockedError, removeOwner, writeOwner } from './lock.js';
import { assertKnownVersion, migrate } from './migrations.js';
import { planCreate, planUpdate, type Apply } from './mutations.js';
import { fromTaskRow, fromTimerRow, fromWorkflowRow, keyParams, parseEvent, toTaskRow } from './rows.js';
import { Statements } from './statements.js';
import { WriteBatcher, type WriteStats } from './write-batcher.js';

export interface SqliteStoreOptions {
  /** How long a statement waits on a busy database before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** How long open waits for another process to let go of the file, in ms. Default 100. */
  lockTimeoutMs?: number;
  /** Most mutations committed in one transaction. Default 1000. */
  maxBatch?: number;
  /**
   * Least time between two commits, in ms. A commit blocks the event loop for its fsync, so a
   * busy store commits at most this often and everything issued meanwhile shares the next one;
   * an idle store commits at once. Acknowledgements still wait for their commit. Default
   * ENDURE_MIN_COMMIT_INTERVAL_MS or 0 (commit every tick).
   */
  minCommitIntervalMs?: number;
}

const MEMORY = ':memory:';

export class SqliteStore implements Store {
  /** The store is the only writer of its file: a second open, here or elsewhere, fails. */
  readonly exclusive = true;
  private closed = false;

  private constructor(
    /** Absolute path of the database file with symlinks resolved (or ':memory:'). */
    readonly path: string,
    private readonly db: Database.Database,
    private readonly st: Statements,
    private readonly batcher: WriteBatcher,
    private readonly release: () => void,
  ) {}

  /**
   * Opens (creating if needed) and migrates the database at `path`. Rejects with
   * DatabaseLockedError if another SqliteStore, in this process or another, has it open, and with
   * SchemaVersionError if the file was written by a newer version.
   */
  static open(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
    return new Promise((done) => {
      done(SqliteStore.openSync(path, opts));
    });
  }

  private static openSync(path: string, opts: SqliteStoreOptions): SqliteStore {
    const abs = path === MEMORY ? MEMORY : canonicalPath(path);
    const release = abs === MEMORY ? () => undefined : claimInProcess(abs);
    let db: Database.Database | undefined;
    try {
      db = new Database(abs, { timeout: opts.lockTimeoutMs ?? 100 });
      try {
        // Must precede the first access: the connection then keeps its file lock until closed,
        // and WAL runs without the shared-memory file.
        db.pragma('locking_mode = EXCLUSIVE');
        // Before anything writes: a file from a newer version is refused, not converted to WAL.
        assertKnownVersion(db, abs);
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (abs !== MEMORY && mode !== 'wal') throw new Error(`database ${abs} could not switch to WAL (got ${String(mode)})`);
        migrate(db, abs);
      } catch (e) {
        throw isLockBusy(e) ? lockedError(abs) : e;
      }
      // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      if (abs !== MEMORY) writeOwner(abs);
      return new SqliteStore(abs, db, new Statements(db), new WriteBatcher(db, opts.maxBatch, opts.minCommitIntervalMs ?? Number(process.env['ENDURE_MIN_COMMIT_INTERVAL_MS'] ?? 0)), release);
    } catch (e) {
      db?.close();
      release();
      throw e;
    }
  }

  createWorkflow(c: CreateWorkflow): Promise<void> {
    return this.mutate(() => planCreate(c));
  }

  updateWorkflow(u: UpdateWorkflow): Promise<void> {
    return this.mutate(() => planUpdate(u));
  }

  getWorkflow(key: RunKey): Promise<WorkflowRecord | undefined> {
    return this.read(() => {
      const row = this.st.getWorkflow.get(keyParams(key));
      return row && fromWorkflowRow(row);
    });
  }

  getCurrentRun(namespace: string, workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.read(() => {
      const row = this.st.getCurrentRun.get({ namespace, workflow_id: workflowId });
      return row && fromWorkflowRow(row);
    });
  }

  readHistory(key: RunKey, fromEventId = 1, limit?: number): Promise<HistoryEvent[]> {
    // LIMIT -1 is SQLite for "no limit".
    return this.read(() => this.st.readHistory.all({ ...keyParams(key), from: fromEventId, limit: limit ?? -1 }).map(parseEvent));
  }

  listTimers(before: number, limit: number): Promise<TimerRow[]> {
    return this.read(() => this.st.listTimers.all({ before, limit }).map(fromTimerRow));
  }

  listTasks(limit: number, after?: TaskRow): Promise<TaskRow[]> {
    return this.read(() =>
      (after ? this.st.listTasksAfter.all({ ...toTaskRow(after), limit }) : this.st.listTasks.all({ limit })).map(fromTaskRow),
    );
  }

  /** Write counters; `commits` counts transactions, i.e. fsyncs. */
  stats(): WriteStats {
    return this.batcher.stats();
  }

  /** Commits mutations already issued, then releases the file. Later calls reject. */
  close(): Promise<void> {
    return new Promise((done) => {
      if (!this.closed) {
        this.closed = true;
        try {
          this.batcher.close();
          this.db.close();
          if (this.path !== MEMORY) removeOwner(this.path);
        } finally {
          this.release();
        }
      }
      done();
    });
  }

  private mutate(plan: () => Apply): Promise<void> {
    try {
      if (this.closed) throw new Error(`store ${this.path} is closed`);
      const apply = plan();
      return this.batcher.submit(() => {
        apply(this.st);
      });
    } catch (e) {
      // Callers of the port only ever see failed promises, never synchronous throws.
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private read<T>(fn: () => T): Promise<T> {
    return new Promise((done) => {
      if (this.closed) throw new Error(`store ${this.path} is closed`);
      done(fn());
    });
  }
}
