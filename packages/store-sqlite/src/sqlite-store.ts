// The Store port on one SQLite file. The connection lives on a store thread of its own, so a
// commit's fsync never blocks this thread: mutations are validated and planned here, posted in
// call order, group-committed there, and acknowledged when durable. Owns its file exclusively
// (see lock.ts).
import { Worker as Thread } from 'node:worker_threads';
import type { FilterExpr, HistoryEvent } from '@endure/protocol';
import { checkFilter, checkPageSize, cursorOf, decodePageToken, encodePageToken } from '@endure/storage';
import type { CreateWorkflow, ImportRun, ListWorkflowsPage, ListWorkflowsQuery, NamespaceRecord, RunKey, Store, TaskRow, TimerRow, TokenKeyRecord, UpdateWorkflow, WorkflowRecord, ApiKeyRecord, NodeRecord, ShardLease } from '@endure/storage';
import { canonicalPath, claimInProcess, removeOwner, writeOwner } from './lock.js';
import { preparePrivateFile } from './file-mode.js';
import { planCreate, planImport, planUpdate, type Plan } from './mutations.js';
import { packRequests } from './plan-wire.js';
import { fromWire } from './errors.js';
import { MEMORY, type CoreOptions, type ReadOp } from './sqlite-core.js';
import type { FromStore, ToStore } from './store-thread-protocol.js';
import type { WriteStats } from './write-batcher.js';
import type { KeyParams } from './rows.js';
import { toNamespaceRow, type VisibilityPlan } from './visibility.js';
import { toApiKeyRow, toTokenKeyRows, type SecurityPlan } from './security.js';
import type { ClusterPlan } from './cluster.js';

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
  /**
   * Files up to this size have their structure checked (PRAGMA quick_check) at open; larger ones
   * rely on row checksums and SQLite's own page checks. Default 512 MiB.
   */
  structureCheckMaxBytes?: number;
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
  /** The last deleteClosedRuns call: the next one starts after it. */
  private retention: Promise<unknown> = Promise.resolve();

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
    if (abs !== MEMORY) preparePrivateFile(abs);
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

  importRun(r: ImportRun): Promise<void> {
    return this.mutate(() => planImport(r));
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

  async listWorkflows(q: ListWorkflowsQuery): Promise<ListWorkflowsPage> {
    // Checked here, so a bad request fails before it costs the store thread anything.
    checkPageSize(q.pageSize);
    if (q.filter) checkFilter(q.filter);
    const after = q.pageToken ? decodePageToken(q.pageToken) : undefined; // '' = first page, as Temporal's clients send
    // One row more than the page: whether it exists decides whether there is a next page.
    const rows = (await this.read({ op: 'listWorkflows', namespace: q.namespace, filter: q.filter, after, limit: q.pageSize + 1 })) as WorkflowRecord[];
    if (rows.length <= q.pageSize) return { records: rows };
    const records = rows.slice(0, q.pageSize);
    return { records, nextPageToken: encodePageToken(cursorOf(records.at(-1)!)) };
  }

  async countWorkflows(namespace: string, filter?: FilterExpr): Promise<number> {
    if (filter) checkFilter(filter);
    return (await this.read({ op: 'countWorkflows', namespace, filter })) as number;
  }

  putNamespace(ns: NamespaceRecord): Promise<void> {
    return this.mutate(() => ({ kind: 'putNamespace', row: toNamespaceRow(ns) }));
  }

  getNamespace(name: string): Promise<NamespaceRecord | undefined> {
    return this.read({ op: 'getNamespace', name }) as Promise<NamespaceRecord | undefined>;
  }

  listNamespaces(): Promise<NamespaceRecord[]> {
    return this.read({ op: 'listNamespaces' }) as Promise<NamespaceRecord[]>;
  }

  getTokenKeys(): Promise<TokenKeyRecord[]> {
    return this.read({ op: 'getTokenKeys' }) as Promise<TokenKeyRecord[]>;
  }

  putTokenKeys(keys: TokenKeyRecord[]): Promise<void> {
    return this.mutate(() => ({ kind: 'putTokenKeys', rows: toTokenKeyRows(keys) }));
  }

  putApiKey(key: ApiKeyRecord): Promise<void> {
    return this.mutate(() => ({ kind: 'putApiKey', row: toApiKeyRow(key) }));
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.read({ op: 'listApiKeys' }) as Promise<ApiKeyRecord[]>;
  }

  deleteApiKey(keyId: string): Promise<boolean> {
    return this.mutate<boolean>(() => ({ kind: 'deleteApiKey', keyId }));
  }

  acquireShard(shardId: number, nodeId: string, leaseMs: number): Promise<ShardLease | undefined> {
    return this.mutate(() => ({ kind: 'acquireShard', shardId, nodeId, leaseMs }));
  }

  renewShard(lease: ShardLease, leaseMs: number): Promise<ShardLease | undefined> {
    return this.mutate(() => ({ kind: 'renewShard', lease: { ...lease }, leaseMs }));
  }

  releaseShard(lease: ShardLease): Promise<void> {
    return this.mutate(() => ({ kind: 'releaseShard', lease: { ...lease } }));
  }

  listShardLeases(): Promise<ShardLease[]> {
    return this.read({ op: 'listShardLeases' }) as Promise<ShardLease[]>;
  }

  heartbeatNode(node: { nodeId: string; address: string; startedAt: number }, ttlMs: number): Promise<NodeRecord> {
    return this.mutate(() => ({ kind: 'heartbeatNode', node: { nodeId: node.nodeId, address: node.address, startedAt: node.startedAt }, ttlMs }));
  }

  listNodes(): Promise<NodeRecord[]> {
    return this.read({ op: 'listNodes' }) as Promise<NodeRecord[]>;
  }

  removeNode(nodeId: string): Promise<void> {
    return this.mutate(() => ({ kind: 'removeNode', nodeId }));
  }

  /**
   * Finds the runs, then deletes them in one mutation that checks each again. Calls are chained,
   * so no two race for the same runs and the count returned is exact (closed runs never reopen).
   */
  deleteClosedRuns(namespace: string, closedBefore: number, limit: number): Promise<number> {
    const run = this.retention.then(async () => {
      if (!Number.isInteger(limit) || limit < 0) throw new Error(`deleteClosedRuns: limit must be a non-negative integer, got ${limit}`);
      if (limit === 0) return 0;
      const keys = (await this.read({ op: 'closedRunsBefore', namespace, before: closedBefore, limit })) as KeyParams[];
      if (keys.length > 0) await this.mutate(() => ({ kind: 'deleteRuns', keys, before: closedBefore }));
      return keys.length;
    });
    this.retention = run.catch(() => undefined);
    return run;
  }

  /** Commits mutations already issued, then releases the file. Later calls reject. */
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

  /** Resolves, once durable, to what the mutation returned on the store thread (most return nothing). */
  private mutate<T = void>(plan: () => Plan | VisibilityPlan | SecurityPlan | ClusterPlan): Promise<T> {
    try {
      this.check();
      const p = plan();
      return this.call((id) => ({ type: 'mutate', id, plan: p })) as Promise<T>;
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
      // setImmediate, not a microtask: everything issued in this turn of the event loop (many
      // messages and their promise chains) shares one post, which costs ~20 µs of its own.
      if (this.outbox.push(make(id)) === 1) setImmediate(() => this.post());
    });
  }

  private post(): void {
    const items = this.outbox;
    this.outbox = [];
    // As strings: cloning a few strings is far cheaper than structured-cloning many small objects.
    this.thread.postMessage(packRequests(items));
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
    if (m.type === 'batch') {
      for (const item of m.items) this.onMessage(item);
    } else if (m.type === 'settled') {
      this.lastStats = m.stats;
      for (const r of m.results) this.settle(r.id, r.error && fromWire(r.error), r.value);
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
