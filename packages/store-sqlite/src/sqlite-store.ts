// The Store port on one SQLite file. The connection lives on a store thread of its own, so a
// commit's fsync never blocks this thread: mutations are validated and planned here, posted in
// call order, group-committed there, and acknowledged when durable. Owns its file exclusively
// (see lock.ts).
import { Worker as Thread } from 'node:worker_threads';
import type { HistoryEvent } from '@endure/protocol';
import type { CreateWorkflow, ListWorkflowsPage, NamespaceRecord, RunKey, Store, TaskRow, TimerRow, UpdateWorkflow, WorkflowRecord } from '@endure/storage';
import { canonicalPath, claimInProcess, removeOwner, writeOwner } from './lock.js';
import { planCreate, planUpdate, type Plan } from './mutations.js';
import { fromWire } from './errors.js';
import { MEMORY, type CoreOptions, type ReadOp } from './sqlite-core.js';
import type { FromStore, ToStore } from './store-thread-protocol.js';
import type { WriteStats } from './write-batcher.js';

export interface SqliteStoreOptions {
  /** How long a statement waits on a busy database before failing, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** How long open waits for another process to let go of the file, in ms. Default 100. */
  lockTimeoutMs?: number;
  /** Most mutations committed in one transaction. Default 1000. */
  maxBatch?: number;
  /**
   * Least time between two commits, in ms: a busy store then batches more per fsync. An idle
   * store commits at once. Default ENDURE_MIN_COMMIT_INTERVAL_MS or 0 (every tick of the store thread).
   */
  minCommitIntervalMs?: number;
}

interface Waiter {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class SqliteStore implements Store {
  /** The store is the only writer of its file: a second open, here or elsewhere, fails. */
  readonly exclusive = true;
  private closed = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private lastStats: WriteStats = { commits: 0, mutations: 0, rejected: 0, failedBatches: 0, largestBatch: 0 };
  private broken: Error | undefined;
  /** Requests of this tick, posted together: each postMessage has a fixed cost of its own. */
  private outbox: ToStore[] = [];

  private constructor(
    /** Absolute path of the database file with symlinks resolved (or ':memory:'). */
    readonly path: string,
    private readonly thread: Thread,
    private readonly release: () => void,
  ) {
    thread.on('message', (m: FromStore) => this.onMessage(m));
    thread.on('error', (err) => this.breakWith(new Error(`store thread failed: ${err.message}`)));
    thread.on('exit', () => this.breakWith(new Error(`store ${path} is closed`)));
    thread.unref(); // referenced only while something waits on it (see track)
  }

  /**
   * Opens (creating if needed) and migrates the database at `path`. Rejects with
   * DatabaseLockedError if another SqliteStore, in this process or another, has it open, and with
   * SchemaVersionError if the file was written by a newer version.
   */
  static async open(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const abs = path === MEMORY ? MEMORY : canonicalPath(path);
    const release = abs === MEMORY ? () => undefined : claimInProcess(abs);
    const thread = new Thread(new URL('./store-thread.js', import.meta.url));
    try {
      const core: CoreOptions = { ...opts, minCommitIntervalMs: opts.minCommitIntervalMs ?? Number(process.env['ENDURE_MIN_COMMIT_INTERVAL_MS'] ?? 0) };
      await new Promise<void>((resolve, reject) => {
        thread.once('message', (m: FromStore) => (m.type === 'opened' ? resolve() : reject(m.type === 'openFailed' ? fromWire(m.error) : new Error('store thread: unexpected reply'))));
        thread.once('error', reject);
        thread.postMessage({ type: 'open', path: abs, opts: core } satisfies ToStore);
      });
    } catch (e) {
      await thread.terminate();
      release();
      throw e;
    }
    if (abs !== MEMORY) writeOwner(abs);
    return new SqliteStore(abs, thread, release);
  }

  createWorkflow(c: CreateWorkflow): Promise<void> {
    return this.mutate(() => planCreate(c));
  }

  updateWorkflow(u: UpdateWorkflow): Promise<void> {
    return this.mutate(() => planUpdate(u));
  }

  getWorkflow(key: RunKey): Promise<WorkflowRecord | undefined> {
    return this.read({ op: 'getWorkflow', key }) as Promise<WorkflowRecord | undefined>;
  }

  getCurrentRun(namespace: string, workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.read({ op: 'getCurrentRun', namespace, workflowId }) as Promise<WorkflowRecord | undefined>;
  }

  async readHistory(key: RunKey, fromEventId = 1, limit?: number): Promise<HistoryEvent[]> {
    // LIMIT -1 is SQLite for "no limit".
    const texts = (await this.read({ op: 'readHistory', key, fromEventId, limit: limit ?? -1 })) as string[];
    return texts.map((t) => JSON.parse(t) as HistoryEvent);
  }

  listTimers(before: number, limit: number): Promise<TimerRow[]> {
    return this.read({ op: 'listTimers', before, limit }) as Promise<TimerRow[]>;
  }

  listTasks(limit: number, after?: TaskRow): Promise<TaskRow[]> {
    return this.read({ op: 'listTasks', limit, after }) as Promise<TaskRow[]>;
  }

  /** Write counters as of the last acknowledged mutation; `commits` counts transactions, i.e. fsyncs. */
  stats(): WriteStats {
    return { ...this.lastStats };
  }

  /** Commits mutations already issued, then releases the file. Later calls reject. */
  // TODO(issue 4, visibility helper): implement; placeholders so the tree compiles meanwhile.
  listWorkflows(): Promise<ListWorkflowsPage> {
    return Promise.reject(new Error('listWorkflows: not implemented yet'));
  }
  countWorkflows(): Promise<number> {
    return Promise.reject(new Error('countWorkflows: not implemented yet'));
  }
  putNamespace(): Promise<void> {
    return Promise.reject(new Error('putNamespace: not implemented yet'));
  }
  getNamespace(): Promise<NamespaceRecord | undefined> {
    return Promise.resolve(undefined);
  }
  listNamespaces(): Promise<NamespaceRecord[]> {
    return Promise.resolve([]);
  }
  deleteClosedRuns(): Promise<number> {
    return Promise.resolve(0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.broken) await this.call((id) => ({ type: 'close', id }));
      await this.thread.terminate();
      if (this.path !== MEMORY) removeOwner(this.path);
    } finally {
      this.release();
    }
  }

  private mutate(plan: () => Plan): Promise<void> {
    try {
      this.check();
      const p = plan();
      return this.call((id) => ({ type: 'mutate', id, plan: p })) as Promise<void>;
    } catch (e) {
      // Callers of the port only ever see failed promises, never synchronous throws.
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private read(r: ReadOp): Promise<unknown> {
    try {
      this.check();
      return this.call((id) => ({ type: 'read', id, read: r }));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private check(): void {
    if (this.broken) throw this.broken;
    if (this.closed) throw new Error(`store ${this.path} is closed`);
  }

  private call(make: (id: number) => ToStore): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.thread.ref(); // pending work keeps the process alive
      this.waiting.set(id, { resolve, reject });
      if (this.outbox.push(make(id)) === 1) queueMicrotask(() => this.post());
    });
  }

  private post(): void {
    const items = this.outbox;
    this.outbox = [];
    // As JSON text: cloning one string is far cheaper than structured-cloning many small objects.
    this.thread.postMessage(JSON.stringify(items.length === 1 ? items[0] : ({ type: 'batch', items } satisfies ToStore)));
  }

  private settle(id: number, error: Error | undefined, value?: unknown): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.thread.unref();
    if (error) w.reject(error);
    else w.resolve(value);
  }

  private onMessage(m: FromStore): void {
    if (m.type === 'settled') {
      this.lastStats = m.stats;
      for (const r of m.results) this.settle(r.id, r.error && fromWire(r.error));
    } else if (m.type === 'read') {
      this.settle(m.id, m.error && fromWire(m.error), m.value);
    } else if (m.type === 'closed') {
      this.settle(m.id, undefined);
    }
  }

  private breakWith(err: Error): void {
    this.broken ??= err;
    for (const id of [...this.waiting.keys()]) this.settle(id, err);
  }
}
