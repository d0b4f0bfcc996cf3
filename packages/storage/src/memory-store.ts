// The reference in-memory Store: it checks that the conformance suite asks nothing
// SQLite-specific, and is the disk of the deterministic simulator. It applies each mutation
// synchronously at call time, which trivially gives call order; the `Data` lives in the harness
// so a "reopened" store sees what was acknowledged.
import type { HistoryEvent } from '@endure/protocol';
import type { FilterExpr } from '@endure/protocol';
import {
  type ApiKeyRecord,
  CurrentRunConflictError,
  FencedOffError,
  VersionConflictError,
  checkFilter,
  checkPageSize,
  compareListOrder,
  cursorOf,
  decodePageToken,
  encodePageToken,
  matchesFilter,
  type CreateWorkflow,
  type Fence,
  type NodeRecord,
  type ShardLease,
  type ImportRun,
  checkImportRun,
  type ListWorkflowsPage,
  type ListWorkflowsQuery,
  type NamespaceRecord,
  type RunKey,
  type RunProperties,
  type Store,
  type TaskRow,
  type TimerRow,
  type TokenKeyRecord,
  type UpdateWorkflow,
  type WorkflowRecord,
} from './index.js';

export interface Data {
  runs: Map<string, WorkflowRecord>;
  current: Map<string, string>;
  history: Map<string, HistoryEvent[]>;
  tasks: Map<string, TaskRow>;
  timers: Map<string, TimerRow>;
  namespaces: Map<string, NamespaceRecord>;
  tokenKeys: TokenKeyRecord[];
  apiKeys: Map<string, ApiKeyRecord>;
  shards: Map<number, ShardLease>;
  nodes: Map<string, NodeRecord>;
}

export function emptyData(): Data {
  return {
    runs: new Map(),
    current: new Map(),
    history: new Map(),
    tasks: new Map(),
    timers: new Map(),
    namespaces: new Map(),
    tokenKeys: [],
    apiKeys: new Map(),
    shards: new Map(),
    nodes: new Map(),
  };
}

const runId = (k: RunKey): string => JSON.stringify([k.namespace, k.workflowId, k.runId]);
const rowId = (k: RunKey, id: string): string => JSON.stringify([k.namespace, k.workflowId, k.runId, id]);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const taskOrder = (a: TaskRow, b: TaskRow): number =>
  a.visibleAt - b.visibleAt || cmp(a.namespace, b.namespace) || cmp(a.workflowId, b.workflowId) || cmp(a.runId, b.runId) || cmp(a.taskId, b.taskId);

export class MemoryStore implements Store {
  private closed = false;
  /** `now`: the store's clock, which lease and node times are on (a simulator passes its virtual one). */
  constructor(
    private readonly d: Data,
    private readonly now: () => number = Date.now,
  ) {}

  createWorkflow(c: CreateWorkflow): Promise<void> {
    return this.mutate(() => {
      this.checkFence(c.fence);
      this.create(c);
    });
  }

  private checkFence(fence: Fence | undefined): void {
    if (!fence) return;
    const current = this.d.shards.get(fence.shardId)?.token;
    if (current !== fence.token) throw new FencedOffError(fence, current);
  }

  private create(c: CreateWorkflow): void {
    {
      const { namespace, workflowId } = c.record;
      const idKey = JSON.stringify([namespace, workflowId]);
      const current = this.d.current.get(idKey) ?? null;
      if (current !== c.expectedCurrentRunId) throw new CurrentRunConflictError(namespace, workflowId, current);
      if (this.d.runs.has(runId(c.record))) throw new Error('run exists');
      this.d.runs.set(runId(c.record), stored(c.record, undefined));
      this.d.current.set(idKey, c.record.runId);
      this.d.history.set(runId(c.record), structuredClone(c.events));
      this.rows(c.record, c.tasks, [], c.timers, []);
    }
  }

  importRun(r: ImportRun): Promise<void> {
    return this.mutate(() => {
      checkImportRun(r);
      const { namespace, workflowId } = r.record;
      const idKey = JSON.stringify([namespace, workflowId]);
      const current = this.d.current.get(idKey);
      if (r.current && current !== undefined) throw new CurrentRunConflictError(namespace, workflowId, current);
      if (this.d.runs.has(runId(r.record))) throw new Error('run exists');
      this.d.runs.set(runId(r.record), stored(r.record, undefined));
      if (r.current) this.d.current.set(idKey, r.record.runId);
      this.d.history.set(runId(r.record), structuredClone(r.events));
      this.rows(r.record, r.tasks, [], r.timers, []);
    });
  }

  updateWorkflow(u: UpdateWorkflow): Promise<void> {
    return this.mutate(() => {
      this.checkFence(u.fence);
      const actual = this.d.runs.get(runId(u.key))?.nextEventId;
      if (actual !== u.expectedNextEventId) throw new VersionConflictError(u.key, u.expectedNextEventId, actual);
      // Atomic: check the successor's compare-and-set before changing anything.
      const next = u.continueAsNew;
      if (next) {
        const current = this.d.current.get(JSON.stringify([next.record.namespace, next.record.workflowId])) ?? null;
        if (current !== next.expectedCurrentRunId) throw new CurrentRunConflictError(next.record.namespace, next.record.workflowId, current);
      }
      this.d.runs.set(runId(u.key), stored(u.record, this.d.runs.get(runId(u.key))));
      this.d.history.get(runId(u.key))?.push(...structuredClone(u.events));
      this.rows(u.key, u.upsertTasks, u.deleteTasks, u.upsertTimers, u.deleteTimers);
      if (next) this.create(next);
    });
  }

  getWorkflow(key: RunKey): Promise<WorkflowRecord | undefined> {
    return this.read(() => this.d.runs.get(runId(key)));
  }

  getCurrentRun(namespace: string, workflowId: string): Promise<WorkflowRecord | undefined> {
    return this.read(() => {
      const run = this.d.current.get(JSON.stringify([namespace, workflowId]));
      return run === undefined ? undefined : this.d.runs.get(runId({ namespace, workflowId, runId: run }));
    });
  }

  readHistory(key: RunKey, fromEventId = 1, limit = Infinity): Promise<HistoryEvent[]> {
    return this.read(() => (this.d.history.get(runId(key)) ?? []).filter((e) => e.eventId >= fromEventId).slice(0, limit));
  }

  listTimers(before: number, limit: number): Promise<TimerRow[]> {
    return this.read(() => [...this.d.timers.values()].filter((t) => t.fireAt < before).sort((a, b) => a.fireAt - b.fireAt).slice(0, limit));
  }

  listTasks(limit: number, after?: TaskRow): Promise<TaskRow[]> {
    const all = [...this.d.tasks.values()].sort(taskOrder);
    return this.read(() => all.filter((t) => !after || taskOrder(t, after) > 0).slice(0, limit));
  }

  listWorkflows(q: ListWorkflowsQuery): Promise<ListWorkflowsPage> {
    return this.read(() => {
      checkPageSize(q.pageSize);
      const after = q.pageToken ? decodePageToken(q.pageToken) : undefined; // '' = first page, as Temporal's clients send
      const rows = this.matching(q.namespace, q.filter)
        .filter((r) => !after || compareListOrder(r, after) > 0)
        .sort(compareListOrder);
      const records = rows.slice(0, q.pageSize);
      return rows.length > q.pageSize ? { records, nextPageToken: encodePageToken(cursorOf(records.at(-1)!)) } : { records };
    });
  }

  countWorkflows(namespace: string, filter?: FilterExpr): Promise<number> {
    return this.read(() => this.matching(namespace, filter).length);
  }

  putNamespace(ns: NamespaceRecord): Promise<void> {
    return this.mutate(() => this.d.namespaces.set(ns.name, structuredClone(ns)));
  }

  getNamespace(name: string): Promise<NamespaceRecord | undefined> {
    return this.read(() => this.d.namespaces.get(name));
  }

  listNamespaces(): Promise<NamespaceRecord[]> {
    return this.read(() => [...this.d.namespaces.values()].sort((a, b) => cmp(a.name, b.name)));
  }

  getTokenKeys(): Promise<TokenKeyRecord[]> {
    return this.read(() => this.d.tokenKeys);
  }

  putTokenKeys(keys: TokenKeyRecord[]): Promise<void> {
    return this.mutate(() => {
      if (new Set(keys.map((k) => k.keyId)).size !== keys.length) throw new Error('putTokenKeys: key ids must be unique');
      this.d.tokenKeys = structuredClone(keys);
    });
  }

  putApiKey(key: ApiKeyRecord): Promise<void> {
    return this.mutate(() => this.d.apiKeys.set(key.keyId, structuredClone(key)));
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.read(() => [...this.d.apiKeys.values()].sort((a, b) => cmp(a.keyId, b.keyId)));
  }

  deleteApiKey(keyId: string): Promise<boolean> {
    return this.mutateTo(() => this.d.apiKeys.delete(keyId));
  }

  deleteClosedRuns(namespace: string, closedBefore: number, limit: number): Promise<number> {
    return this.mutateTo(() => {
      const doomed = [...this.d.runs.values()]
        .filter((r) => r.namespace === namespace && r.closeTime !== null && r.closeTime < closedBefore)
        .filter((r) => ![...this.d.timers.values()].some((t) => t.namespace === r.namespace && t.workflowId === r.workflowId && t.runId === r.runId))
        .sort((a, b) => a.closeTime! - b.closeTime! || cmp(a.workflowId, b.workflowId) || cmp(a.runId, b.runId))
        .slice(0, Math.max(0, limit));
      for (const r of doomed) this.forget(r);
      return doomed.length;
    });
  }

  acquireShard(shardId: number, nodeId: string, leaseMs: number): Promise<ShardLease | undefined> {
    return this.mutateTo(() => {
      const held = this.d.shards.get(shardId);
      const now = this.now();
      if (held && held.nodeId !== nodeId && held.expiresAt > now) return undefined;
      const token = held?.nodeId === nodeId ? held.token : (held?.token ?? 0) + 1;
      const lease: ShardLease = { shardId, nodeId, token, expiresAt: now + leaseMs };
      this.d.shards.set(shardId, lease);
      return { ...lease };
    });
  }

  renewShard(lease: ShardLease, leaseMs: number): Promise<ShardLease | undefined> {
    return this.mutateTo(() => {
      const held = this.d.shards.get(lease.shardId);
      if (!held || held.nodeId !== lease.nodeId || held.token !== lease.token) return undefined;
      held.expiresAt = this.now() + leaseMs;
      return { ...held };
    });
  }

  releaseShard(lease: ShardLease): Promise<void> {
    return this.mutate(() => {
      const held = this.d.shards.get(lease.shardId);
      if (held && held.nodeId === lease.nodeId && held.token === lease.token) held.expiresAt = 0;
    });
  }

  listShardLeases(): Promise<ShardLease[]> {
    return this.read(() => [...this.d.shards.values()].sort((a, b) => a.shardId - b.shardId));
  }

  heartbeatNode(node: { nodeId: string; address: string; startedAt: number }, ttlMs: number): Promise<NodeRecord> {
    return this.mutateTo(() => {
      const now = this.now();
      const record: NodeRecord = { nodeId: node.nodeId, address: node.address, startedAt: node.startedAt, heartbeatAt: now, expiresAt: now + ttlMs };
      this.d.nodes.set(node.nodeId, record);
      return { ...record };
    });
  }

  listNodes(): Promise<NodeRecord[]> {
    return this.read(() => [...this.d.nodes.values()].sort((a, b) => cmp(a.nodeId, b.nodeId)));
  }

  removeNode(nodeId: string): Promise<void> {
    return this.mutate(() => void this.d.nodes.delete(nodeId));
  }

  private matching(namespace: string, filter: FilterExpr | undefined): WorkflowRecord[] {
    if (filter) checkFilter(filter);
    return [...this.d.runs.values()].filter((r) => r.namespace === namespace && (!filter || matchesFilter(r, filter)));
  }

  /** Removes a run with everything that hangs off it, and its current-run pointer if it is one. */
  private forget(r: WorkflowRecord): void {
    const id = runId(r);
    this.d.runs.delete(id);
    this.d.history.delete(id);
    const idKey = JSON.stringify([r.namespace, r.workflowId]);
    if (this.d.current.get(idKey) === r.runId) this.d.current.delete(idKey);
    const ownedBy = (row: TaskRow | TimerRow) => row.namespace === r.namespace && row.workflowId === r.workflowId && row.runId === r.runId;
    for (const [k, t] of this.d.tasks) if (ownedBy(t)) this.d.tasks.delete(k);
    for (const [k, t] of this.d.timers) if (ownedBy(t)) this.d.timers.delete(k);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private rows(k: RunKey, upTasks: TaskRow[] = [], delTasks: string[] = [], upTimers: TimerRow[] = [], delTimers: string[] = []): void {
    for (const id of delTasks) this.d.tasks.delete(rowId(k, id));
    for (const id of delTimers) this.d.timers.delete(rowId(k, id));
    for (const t of upTasks) this.d.tasks.set(rowId(t, t.taskId), structuredClone(t));
    for (const t of upTimers) this.d.timers.set(rowId(t, t.timerId), structuredClone(t));
  }

  private mutate(fn: () => void): Promise<void> {
    return this.mutateTo(fn);
  }

  private mutateTo<T>(fn: () => T): Promise<T> {
    return new Promise((done) => {
      if (this.closed) throw new Error('closed');
      done(fn());
    });
  }

  private read<T>(fn: () => T): Promise<T> {
    return new Promise((done) => {
      if (this.closed) throw new Error('closed');
      done(structuredClone(fn()));
    });
  }
}

/** What the store keeps: a copy, with no searchAttributes key when there are none, and the
 * previous run's search attributes and properties kept when an update leaves their key out. */
function stored(r: WorkflowRecord, previous: WorkflowRecord | undefined): WorkflowRecord {
  const { searchAttributes, properties, ...rest } = structuredClone(r);
  const attrs = searchAttributes ?? previous?.searchAttributes;
  // As JSON round-trips them (a key holding undefined is dropped), like a store writing text.
  const props = properties === undefined ? previous?.properties : (JSON.parse(JSON.stringify(properties)) as RunProperties);
  return {
    ...rest,
    ...(attrs && Object.keys(attrs).length > 0 && { searchAttributes: structuredClone(attrs) }),
    ...(props && { properties: props }),
  };
}
