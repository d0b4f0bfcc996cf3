// The Store port on PostgreSQL. Writes go through one session (the writer), which holds the
// schema lock (owner-lock.ts: alone, or shared with a cluster's other nodes) and group-commits
// mutations in call order (write-batcher.ts); reads use a small pool of their own, so they never
// wait behind a commit.
import type { FilterExpr, HistoryEvent } from '@endure/protocol';
import type { ApiKeyRecord, ImportRun, NodeRecord, ShardLease, CreateWorkflow, ListWorkflowsPage, ListWorkflowsQuery, NamespaceRecord, RunKey, Store, TaskRow, TimerRow, TokenKeyRecord, UpdateWorkflow, WorkflowRecord } from '@endure/storage';
import { parsePostgresAddress, type PostgresAddress } from './address.js';
import { deleteApiKeyJob, deleteClosedRunsJob, getNamespace, getTokenKeys, listApiKeys, listNamespaces, putApiKeyJob, putNamespaceJob, putTokenKeysJob } from './admin-ops.js';
import { acquireShardJob, heartbeatNodeJob, listNodes, listShardLeases, releaseShardJob, removeNodeJob, renewShardJob } from './cluster.js';
import { connect, isConnectionError, isUnreachableError } from './connect.js';
import { migrate } from './migrations.js';
import { SchemaLockedError, claimOwnerLock, ownerLockKey, writeOwnerRow, type LockMode } from './owner-lock.js';
import { planCreate, planImport, planUpdate } from './plan.js';
import { Reads } from './reads.js';
import { RenewableClient } from './renewable-client.js';
import { WriteBatcher, type Job, type WriteStats } from './write-batcher.js';

export interface PostgresStoreOptions {
  /** The schema the store lives in (created if missing); wins over the address's `?schema=`. Default `endure`. */
  schema?: string;
  /** Connections of the read pool. Default 4. */
  readConnections?: number;
  /** Most mutations committed in one transaction. Default 1000. */
  maxBatch?: number;
  /** How long open waits for another owner to let go of the schema, in ms. Default 1000. */
  lockTimeoutMs?: number;
  /**
   * Longest a statement may run, in ms (PostgreSQL's statement_timeout): a database that stops
   * answering fails the write (and an exclusive store stops) instead of hanging it. Default 60000.
   */
  statementTimeoutMs?: number;
  /**
   * Longest a connection attempt may take, in ms: while the database's host does not answer,
   * calls fail after this long instead of hanging. Default 10000.
   */
  connectTimeoutMs?: number;
  /**
   * Open the schema as one node of a cluster: several shared stores, in several processes, write
   * one schema at once, each run's writes fenced by its shard's lease (`fence` on CreateWorkflow
   * and UpdateWorkflow), which the engine above must use. A shared store outlives a lost
   * connection or a PostgreSQL restart: the calls in flight fail (a write batch with
   * StorageOutcomeUnknownError), and the next call reconnects. Default false: the store owns the
   * schema alone (an engine that keeps runs in memory as the truth), and stops when its
   * connection is lost, since its lock went with it. The two never mix: a shared store is refused
   * while an exclusive one holds the schema, and the other way round.
   */
  shared?: boolean;
}

export class PostgresStore implements Store {
  /** Whether the store is the only writer of its schema (a second open, here or elsewhere, fails), or one node of a cluster (`shared`). */
  readonly exclusive: boolean;
  private closed = false;
  private broken: Error | undefined;
  /** The last deleteClosedRuns call: the next one starts after it, so counts are exact. */
  private retention: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly address: PostgresAddress,
    private readonly writer: RenewableClient,
    private readonly reader: RenewableClient,
    private readonly batcher: WriteBatcher,
    private readonly reads: Reads,
    mode: LockMode,
  ) {
    this.exclusive = mode === 'exclusive';
  }

  /** What messages call this store: the address (without password) and schema. */
  get where(): string {
    return describeWhere(this.address);
  }

  /**
   * Connects, takes the schema lock (SchemaLockedError naming the holder if a store of the other
   * mode, or another exclusive store, has it) and brings the schema to the latest version
   * (SchemaVersionError if it was written by a newer version).
   */
  static async open(address: string, opts: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const a = parsePostgresAddress(address, opts.schema);
    const where = describeWhere(a);
    const mode: LockMode = opts.shared ? 'shared' : 'exclusive';
    let store: PostgresStore | undefined;
    const timeouts = { statementTimeoutMs: opts.statementTimeoutMs ?? 60_000, connectTimeoutMs: opts.connectTimeoutMs ?? 10_000 };
    const writer = new RenewableClient(
      (lost) =>
        connect(a, {
          max: 1,
          ...timeouts,
          onclose: () => {
            lost();
            store?.writerClosed();
          },
        }),
      0,
    );
    // Reads in flight on a replaced read pool may still finish.
    const reader = new RenewableClient((lost) => connect(a, { max: opts.readConnections ?? 4, ...timeouts, onclose: lost }), 10);
    try {
      await claimOwnerLock(writer.sql, a.schema, where, opts.lockTimeoutMs ?? 1000, mode);
      await migrate(writer.sql, a.schema, where);
      if (mode === 'exclusive') await writeOwnerRow(writer.sql);
    } catch (e) {
      await Promise.allSettled([writer.end(1), reader.end(1)]);
      throw explainConnect(e, where);
    }
    const batcher = new WriteBatcher(writer, {
      lock: { key: ownerLockKey(a.schema), mode },
      maxBatch: opts.maxBatch ?? 1000,
      onBroken: (e) => store?.breakWith(e),
      explain: (e) => explainError(e, where),
      lockedOut: () => new SchemaLockedError(where),
    });
    store = new PostgresStore(a, writer, reader, batcher, new Reads(() => reader.sql, where), mode);
    return store;
  }

  /**
   * Records the URL of the endure server serving this store, for the error a second opener sees.
   * Exclusive stores only: a cluster's nodes name themselves with heartbeatNode.
   */
  async recordServerUrl(url: string): Promise<void> {
    if (!this.exclusive) throw new Error(`${this.where}: recordServerUrl is for a store that owns its schema alone; a shared store's node records its address with heartbeatNode`);
    await writeOwnerRow(this.writer.sql, url);
  }

  createWorkflow(c: CreateWorkflow): Promise<void> {
    return this.mutate(() => ({ run: planCreate(c) }));
  }

  importRun(r: ImportRun): Promise<void> {
    return this.mutate(() => ({ run: planImport(r) }));
  }

  updateWorkflow(u: UpdateWorkflow): Promise<void> {
    return this.mutate(() => ({ run: planUpdate(u) }));
  }

  getWorkflow(key: RunKey): Promise<WorkflowRecord | undefined> {
    return this.read(() => this.reads.getWorkflow(key));
  }

  getCurrentRun(namespace: string, workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.read(() => this.reads.getCurrentRun(namespace, workflowId));
  }

  readHistory(key: RunKey, fromEventId?: number, limit?: number): Promise<HistoryEvent[]> {
    return this.read(() => this.reads.readHistory(key, fromEventId, limit));
  }

  listTimers(before: number, limit: number): Promise<TimerRow[]> {
    return this.read(() => this.reads.listTimers(before, limit));
  }

  listTasks(limit: number, after?: TaskRow): Promise<TaskRow[]> {
    return this.read(() => this.reads.listTasks(limit, after));
  }

  listWorkflows(q: ListWorkflowsQuery): Promise<ListWorkflowsPage> {
    return this.read(() => this.reads.listWorkflows(q));
  }

  countWorkflows(namespace: string, filter?: FilterExpr): Promise<number> {
    return this.read(() => this.reads.countWorkflows(namespace, filter));
  }

  putNamespace(ns: NamespaceRecord): Promise<void> {
    return this.mutate(() => ({ apply: putNamespaceJob(ns) }));
  }

  getNamespace(name: string): Promise<NamespaceRecord | undefined> {
    return this.read(() => getNamespace(this.reader.sql, name));
  }

  listNamespaces(): Promise<NamespaceRecord[]> {
    return this.read(() => listNamespaces(this.reader.sql));
  }

  getTokenKeys(): Promise<TokenKeyRecord[]> {
    return this.read(() => getTokenKeys(this.reader.sql));
  }

  putTokenKeys(keys: TokenKeyRecord[]): Promise<void> {
    return this.mutate(() => ({ apply: putTokenKeysJob(keys) }));
  }

  putApiKey(key: ApiKeyRecord): Promise<void> {
    return this.mutate(() => ({ apply: putApiKeyJob(key) }));
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.read(() => listApiKeys(this.reader.sql));
  }

  deleteApiKey(keyId: string): Promise<boolean> {
    return this.mutate<boolean>(() => ({ apply: deleteApiKeyJob(keyId) }));
  }

  deleteClosedRuns(namespace: string, closedBefore: number, limit: number): Promise<number> {
    const run = this.retention.then(() => {
      if (!Number.isInteger(limit) || limit < 0) throw new Error(`deleteClosedRuns: limit must be a non-negative integer, got ${limit}`);
      if (limit === 0) return 0;
      return this.mutate<number>(() => ({ apply: deleteClosedRunsJob(namespace, closedBefore, limit) }));
    });
    this.retention = run.catch(() => undefined);
    return run;
  }

  acquireShard(shardId: number, nodeId: string, leaseMs: number): Promise<ShardLease | undefined> {
    return this.mutate(() => ({ apply: acquireShardJob(shardId, nodeId, leaseMs) }));
  }

  renewShard(lease: ShardLease, leaseMs: number): Promise<ShardLease | undefined> {
    return this.mutate(() => ({ apply: renewShardJob(lease, leaseMs) }));
  }

  releaseShard(lease: ShardLease): Promise<void> {
    return this.mutate(() => ({ apply: releaseShardJob(lease) }));
  }

  listShardLeases(): Promise<ShardLease[]> {
    return this.read(() => listShardLeases(this.reader.sql));
  }

  heartbeatNode(node: { nodeId: string; address: string; startedAt: number }, ttlMs: number): Promise<NodeRecord> {
    return this.mutate(() => ({ apply: heartbeatNodeJob(node, ttlMs) }));
  }

  listNodes(): Promise<NodeRecord[]> {
    return this.read(() => listNodes(this.reader.sql));
  }

  removeNode(nodeId: string): Promise<void> {
    return this.mutate(() => ({ apply: removeNodeJob(nodeId) }));
  }

  /** Write counters; `commits` counts transactions. */
  stats(): WriteStats {
    return this.batcher.stats();
  }

  /** Commits mutations already issued, then releases the schema lock and the connections. Later calls reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.batcher.idle();
    try {
      // Explicitly, before disconnecting: a session's locks go only once the server has noticed it
      // ended, and a reopen right after close must not find the schema still held. Not on a
      // session that was lost: that would connect again only to let go.
      if (!this.broken && !this.writer.lost && this.batcher.holdsSessionLock) {
        const unlocked = this.writer.sql`SELECT pg_advisory_unlock_all()`;
        // A shared store's lock goes with its session anyway; a database gone away must not fail the close.
        await (this.exclusive ? unlocked : unlocked.catch(() => undefined));
      }
    } finally {
      this.broken ??= new Error(`store ${this.where} is closed`);
      await Promise.allSettled([this.writer.end(5), this.reader.end(5)]);
    }
  }

  private mutate<T = void>(make: () => Job): Promise<T> {
    try {
      this.check();
      return this.batcher.submit(make()) as Promise<T>;
    } catch (e) {
      // Callers of the port only ever see failed promises, never synchronous throws.
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private async read<T>(fn: () => Promise<T>): Promise<T> {
    this.check();
    try {
      return await fn();
    } catch (e) {
      throw explainError(e, this.where);
    }
  }

  private check(): void {
    if (this.broken) throw this.broken;
    if (this.closed) throw new Error(`store ${this.where} is closed`);
  }

  /**
   * The writer's session ended, and the schema lock with it. An exclusive store stops (another
   * process may own the schema now); a shared one takes the lock again on its next write.
   */
  private writerClosed(): void {
    if (this.exclusive) this.breakWith(new Error(`${this.where}: the connection that holds the owner lock closed; Endure stops here, and a restart reconnects`));
    else this.batcher.sessionEnded();
  }

  private breakWith(e: Error): void {
    if (this.closed) return;
    this.broken ??= e;
    this.batcher.fail(e);
  }
}

function describeWhere(a: PostgresAddress): string {
  return `PostgreSQL schema ${a.schema} at ${a.display}`;
}

/**
 * A database error as the caller sees it: naming the database, and saying when it could not be
 * reached or the connection was lost; port errors pass unchanged.
 */
function explainError(e: unknown, where: string): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || err.message.includes(where)) return err;
  if (isUnreachableError(err)) return Object.assign(new Error(`${where} is unreachable: ${err.message} (${code}); is PostgreSQL running there?`), { code });
  if (isConnectionError(err)) return Object.assign(new Error(`${where}: the connection was lost before the answer came: ${err.message} (${code})`), { code });
  return Object.assign(new Error(`${where}: ${err.message} (${code})`), { code });
}

/** Why open failed, with the fix when the cause is a common one. */
function explainConnect(e: unknown, where: string): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return Object.assign(new Error(`cannot connect to ${where}: nothing accepts connections there (ECONNREFUSED); start PostgreSQL or fix the host and port`), { code });
  if (code === '3D000') return Object.assign(new Error(`cannot open ${where}: ${err.message}; create the database first (createdb)`), { code });
  if (code === '28P01' || code === '28000') return Object.assign(new Error(`cannot open ${where}: ${err.message}; check the user and password in the address`), { code });
  return explainError(err, where);
}
