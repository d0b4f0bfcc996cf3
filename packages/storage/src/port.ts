import type { Fence, ShardLeases } from './shard-leases.js';
import type { ApiKeyRole, FilterExpr, HistoryEvent, Payload, SearchAttributeType, SearchAttributeValue, WorkflowStatus } from '@endure/protocol';

/** The durable record of one run. `state` is the engine's own JSON; the store never looks inside. */
export interface WorkflowRecord {
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: WorkflowStatus;
  startTime: number;
  closeTime: number | null;
  /** Id the next history event will get: the run's optimistic-concurrency version. */
  nextEventId: number;
  state: string;
  /**
   * The run's indexed custom search attributes, typed by the namespace's registry (see
   * SearchAttributeValue). Absent on an update: the stored set is kept; present: it replaces it.
   * A run with none reads back without this key (an empty object is stored as none).
   */
  searchAttributes?: Record<string, SearchAttributeValue>;
  /**
   * The run's memo and search attributes as its code set them (see RunProperties). Kept apart
   * from `state` and written only when present: absent on an update, the stored value is kept;
   * present, it replaces it. So a step that does not change them does not rewrite them, however
   * large the memo. Reads return it as JSON round-trips it; a run created without it reads back
   * without this key.
   */
  properties?: RunProperties;
}

/**
 * A run's memo and search attributes as payloads, merged from its start and every upsert: what
 * describe and listings show. (The indexed, typed search attributes are `searchAttributes` of the
 * record.)
 */
export interface RunProperties {
  memo?: Record<string, Payload>;
  searchAttributes?: Record<string, Payload>;
}

/** A namespace and its registry of custom search attributes. */
export interface NamespaceRecord {
  name: string;
  description: string;
  retentionMs: number;
  createdTime: number;
  searchAttributes: Record<string, SearchAttributeType>;
}

/**
 * A key the engine signs task tokens with (HMAC-SHA256). The engine keeps a small ring of them:
 * the first signs, the others are still accepted, so a rotation does not refuse tokens of
 * tasks already handed out.
 */
export interface TokenKeyRecord {
  /** Short and unique within the ring; tokens name the key that signed them. */
  keyId: string;
  /** The secret, base64url. It never leaves the database except into the engine's memory. */
  secret: string;
  createdTime: number;
}

/** An API key of the server: who may do what, in which namespaces. */
export interface ApiKeyRecord {
  keyId: string;
  /** SHA-256 of the key's secret, base64url: the secret itself is never stored. */
  secretHash: string;
  role: ApiKeyRole;
  /** The namespaces it may act in; ['*'] for all. */
  namespaces: string[];
  description: string;
  createdTime: number;
}

/**
 * One page of runs matching a filter, in (startTime, workflowId, runId) descending order: newest
 * start first, and one direction throughout so a store can serve it from one index scanned
 * backwards, resuming after the last row (keyset pagination, stable while runs are created).
 *
 * Filter semantics (the reference is `matchesFilter` in filter-eval.ts): a comparison, IN,
 * BETWEEN or STARTS_WITH matches only runs that have the attribute (CloseTime: closed runs);
 * the negated forms (!=, NOT IN, NOT BETWEEN) match runs that have it and fail the positive form;
 * IS NULL matches runs without it. A KeywordList matches when any element does (`=` contains,
 * `!=` does not contain); an empty list counts as absent. Strings compare by code point.
 */
export interface ListWorkflowsQuery {
  namespace: string;
  /** Already parsed and typed; absent means every run of the namespace. */
  filter?: FilterExpr;
  pageSize: number;
  /** The store's own cursor from the previous page's `nextPageToken`; a forged one is a ListQueryError. */
  pageToken?: string;
}
export interface ListWorkflowsPage {
  records: WorkflowRecord[];
  /** Present only when more runs match. */
  nextPageToken?: string;
}

/** A unit of dispatchable work, indexed so a restarted engine finds its backlog. */
export interface TaskRow {
  namespace: string;
  taskQueue: string;
  kind: 'workflow' | 'activity';
  workflowId: string;
  runId: string;
  /** Unique within the run, e.g. `wft` or `activity:3`. */
  taskId: string;
  visibleAt: number;
}

/** A durable deadline: user timers, activity and workflow timeouts, retry back-offs. */
export interface TimerRow {
  namespace: string;
  workflowId: string;
  runId: string;
  /** Unique within the run, e.g. `timer:2` or `run-timeout`. */
  timerId: string;
  fireAt: number;
}

export interface RunKey {
  namespace: string;
  workflowId: string;
  runId: string;
}

export interface CreateWorkflow {
  record: WorkflowRecord;
  events: HistoryEvent[];
  tasks?: TaskRow[];
  timers?: TimerRow[];
  /**
   * Compare-and-set on the workflow id's current run: null means "no run may exist for this id";
   * a run id means "that run must still be the current one". The new run becomes current.
   */
  expectedCurrentRunId: string | null;
  /** Made under a shard lease: applied only while its token is the shard's (else FencedOffError). */
  fence?: Fence;
}

/**
 * A run written as another store holds it (moving a database: `copyStore`). Unlike
 * createWorkflow, the record may be in any status with any close time, and the current-run
 * pointer is set only when asked, so a workflow id's earlier runs can be written in any order.
 */
export interface ImportRun {
  record: WorkflowRecord;
  /** The run's whole history: ids 1 up to record.nextEventId - 1, in order, no gap. */
  events: HistoryEvent[];
  /** The run's task and timer rows; each must name this run. */
  tasks: TaskRow[];
  timers: TimerRow[];
  /**
   * Whether the run is its workflow id's current run. True: the id must have no current run yet
   * (else CurrentRunConflictError) and this run becomes it. False: the pointer is left alone.
   */
  current: boolean;
}

export interface UpdateWorkflow {
  key: RunKey;
  /** The update applies only if the stored record's nextEventId equals this. */
  expectedNextEventId: number;
  /**
   * The new record; its nextEventId must equal expectedNextEventId + events.length. Only
   * status, closeTime, nextEventId and state change after creation, and searchAttributes and
   * properties when present; a closed run never reopens.
   */
  record: WorkflowRecord;
  /** Appended to history; ids must run from expectedNextEventId upwards. */
  events: HistoryEvent[];
  upsertTasks?: TaskRow[];
  deleteTasks?: string[];
  upsertTimers?: TimerRow[];
  deleteTimers?: string[];
  /**
   * Continue-as-new: the run this update closes is replaced by a new run of the same workflow
   * id, created in the same atomic write (its expectedCurrentRunId is the closing run's id).
   */
  continueAsNew?: CreateWorkflow;
  /** Made under a shard lease: applied only while its token is the shard's (else FencedOffError). */
  fence?: Fence;
}

/**
 * The storage port. Every implementation passes the conformance suite in this package.
 *
 * Ordering: mutations (create/update) take effect in the order they were called, even when
 * called without awaiting earlier ones; each is atomic; a promise resolves only once its
 * mutation is durable (survives kill -9 and power loss). Implementations batch concurrent
 * mutations into shared commits, but one mutation's failure must not fail another's.
 *
 * Details every implementation follows (the conformance suite checks them):
 * - events round-trip exactly as JSON.stringify/JSON.parse would (store them as text/json,
 *   not a format that rejects \u0000 such as PostgreSQL jsonb);
 * - a mutation that breaks a "must" below (event ids not continuing from expectedNextEventId,
 *   a record whose key differs, creating a run id that exists) rejects and changes nothing;
 * - within one update, deletes apply before upserts;
 * - `after` in listTasks is a position in the sort order, not necessarily a stored row;
 * - close() waits for mutations already issued, then releases the store.
 */
export interface Store extends ShardLeases {
  createWorkflow(c: CreateWorkflow): Promise<void>;
  /**
   * Writes one whole run atomically (record, history, tasks, timers, search attributes,
   * properties), durable like any mutation and ordered with them. Rejects, changing nothing, if
   * the run exists, if `checkImportRun` refuses it, or on the current-run rule of ImportRun.
   */
  importRun(r: ImportRun): Promise<void>;
  updateWorkflow(u: UpdateWorkflow): Promise<void>;
  getWorkflow(key: RunKey): Promise<WorkflowRecord | undefined>;
  /** The current (latest started) run of a workflow id. */
  getCurrentRun(namespace: string, workflowId: string): Promise<WorkflowRecord | undefined>;
  /** Events with eventId >= fromEventId in order, at most `limit` of them. */
  readHistory(key: RunKey, fromEventId?: number, limit?: number): Promise<HistoryEvent[]>;
  /** Timers with fireAt < before, earliest first. */
  listTimers(before: number, limit: number): Promise<TimerRow[]>;
  /** All task rows, in (visibleAt, namespace, workflowId, runId, taskId) order, after `after`. */
  listTasks(limit: number, after?: TaskRow): Promise<TaskRow[]>;
  /** Runs matching a filter, paginated; records carry their searchAttributes and properties. */
  listWorkflows(q: ListWorkflowsQuery): Promise<ListWorkflowsPage>;
  countWorkflows(namespace: string, filter?: FilterExpr): Promise<number>;
  /** Creates or replaces a namespace record (durable like any mutation, ordered with them). */
  putNamespace(ns: NamespaceRecord): Promise<void>;
  getNamespace(name: string): Promise<NamespaceRecord | undefined>;
  listNamespaces(): Promise<NamespaceRecord[]>;
  /** The task-token key ring, in the order it was put (the signing key first); empty in a new store. */
  getTokenKeys(): Promise<TokenKeyRecord[]>;
  /**
   * Replaces the whole key ring in one atomic write (durable like any mutation, ordered with
   * them). Key ids must be unique: a ring that repeats one rejects and changes nothing.
   */
  putTokenKeys(keys: TokenKeyRecord[]): Promise<void>;
  /** Creates or replaces an API key by its keyId (durable like any mutation, ordered with them). */
  putApiKey(key: ApiKeyRecord): Promise<void>;
  /** Every API key, by keyId. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Deletes an API key; resolves true if it existed. */
  deleteApiKey(keyId: string): Promise<boolean>;
  /**
   * Retention: deletes up to `limit` closed runs of the namespace whose closeTime < closedBefore,
   * oldest close first, with their history, tasks, timers and search attributes. Open runs are
   * never deleted; a deleted run that was its workflow id's current run leaves the id with no
   * current run (so it can be started afresh). A closed run that still owns timer rows (an
   * effect it owes another run, such as telling its parent it closed) is skipped until they are
   * gone. Returns how many runs were deleted.
   */
  deleteClosedRuns(namespace: string, closedBefore: number, limit: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A read found stored data damaged (a checksum that does not match, a history with a gap, a
 * page the database itself reports corrupt). A store never returns altered or partial data as
 * if it were whole: it rejects with this, naming what is damaged and where.
 */
export class StoredDataCorruptError extends Error {
  override name = 'StoredDataCorruptError';
}

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
  constructor(
    readonly key: RunKey,
    readonly expected: number,
    readonly actual: number | undefined,
  ) {
    super(
      `run ${key.workflowId}/${key.runId} changed underneath: expected nextEventId ${expected}, store has ${actual ?? 'no such run'}`,
    );
  }
}

export class CurrentRunConflictError extends Error {
  override name = 'CurrentRunConflictError';
  constructor(
    readonly namespace: string,
    readonly workflowId: string,
    readonly currentRunId: string | null,
  ) {
    super(`workflow id ${workflowId} has current run ${currentRunId ?? '(none)'}, not the one expected`);
  }
}

/**
 * A list/count request the store cannot serve as asked: a page token it did not issue, a page
 * size out of range, or a filter that is malformed or beyond the size limits. The message names
 * the part to change; the engine reports it as a bad request.
 */
export class ListQueryError extends Error {
  override name = 'ListQueryError';
}
