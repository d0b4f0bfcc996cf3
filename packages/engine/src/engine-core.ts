import { randomUUID } from 'node:crypto';
import { ApiError, CLOSE_EVENT_TYPES, type HistoryEvent, type Payload } from '@endure/protocol';
import { StoredDataCorruptError, type Fence, type RunKey, type Store, type TaskRow, type TimerRow, type WorkflowRecord } from '@endure/storage';
import type { RunState } from './run-state.js';
import { Matching, type TaskRef } from './matching.js';
import { TimerQueue, systemClock, type Clock } from './timer-queue.js';
import { Run, Mutation } from './run.js';
import { runKeyString } from './keys.js';
import { RunCache } from './run-cache.js';
import { RunWaiters } from './run-waiters.js';
import { parseTaskId, WFT_TASK_ID } from './task-ids.js';
import { formatTimerId, parseTimerId, type TimerId } from './timer-ids.js';
import { Namespaces } from './namespaces.js';
import { guardStore } from './guarded-store.js';
import { decodeRunState, encodeRunState, RunStateVersionError } from './run-state-codec.js';
import { TokenKeyRing } from './token-keys.js';
import { TaskTokens } from './task-token.js';
import { ApiKeys } from './api-keys.js';
import { OwnedShards, ShardNotOwnedError } from './cluster/owned-shards.js';
import type { RunActions } from './run-actions.js';
import { giveUpAfterStorageFailure } from './cluster/failed-writes.js';
import { toldOfWrite } from './cluster/write-error.js';

/** An engine that is one node of a cluster: it owns the runs of the shards its node holds leases on. */
export interface ClusterOptions {
  /** How many shards the runs are split into; every node of a cluster must agree on it. */
  shardCount: number;
  /** The node owning `shardId` now, for effects on runs there; undefined when no node is known to (the effect is retried). */
  peer(shardId: number): RunActions | undefined;
  /** The engine gave a shard up by itself (a write of it failed or was fenced off): stop renewing its lease. */
  onShardLost?(shardId: number, why: string): void;
}

export interface EngineOptions {
  clock?: Clock;
  /** Largest payload accepted anywhere (arguments, results, details), in bytes. Default 2 MB. */
  maxPayloadBytes?: number;
  /** How far ahead durable timers are loaded into memory. */
  timerHorizonMs?: number;
  /** Open runs kept in memory once idle. */
  maxCachedRuns?: number;
  /** How long a cached run's workflow task waits for its sticky worker before any worker may take it. Default 2 s. */
  stickyTimeoutMs?: number;
  /**
   * Timers for waits measured in real time — long-poll timeouts, sticky hand-over, query
   * deadlines — which stay on the wall clock when `clock` is virtual (time skipping skips to the
   * next deadline, not past a waiting poll). Default: the system clock. A simulator sets both.
   */
  waits?: Clock;
  /** New run ids and randomness seeds. Default: random UUIDs; a simulator passes a seeded source. */
  newId?: () => string;
  /** One node of a cluster: owns only the shards handed to it (adoptShards), every write fenced. */
  cluster?: ClusterOptions;
}

type TimerHandler = (run: Run, timer: TimerId) => void;

/** A durable timer's key in the in-memory deadline queue. */
const armedTimerKey = (key: RunKey, timerId: string) => `timer\u0000${runKeyString(key)}\u0000${timerId}`;

/** Whether the engine takes work (see `Engine.health`). */
export type EngineHealth =
  | { status: 'serving' }
  /**
   * A storage write failed: memory may be ahead of disk, so the engine refuses all work until the
   * process restarts. `cause` is the storage error's message, `code` its code (e.g. SQLITE_FULL).
   */
  | { status: 'failed'; cause: string; code?: string }
  | { status: 'closed' };

/**
 * The engine's shared machinery: loading runs, applying mutations in order with group-committed
 * writes, the task queues and the deadline queue. Transition logic lives in the modules that
 * import this (start, workflow-tasks, activity-tasks, lifecycle).
 */
export class EngineCore {
  readonly clock: Clock;
  readonly waits: Clock;
  readonly newId: () => string;
  readonly matching: Matching;
  readonly timers: TimerQueue;
  readonly maxPayloadBytes: number;
  readonly namespaces: Namespaces;
  /** The keys task tokens are signed with (loaded at open), and the tokens themselves. */
  readonly tokenKeys: TokenKeyRing;
  readonly tokens: TaskTokens;
  /** The server's API keys (loaded at open). */
  readonly apiKeys: ApiKeys;
  private readonly runs: RunCache;
  private readonly waiters: RunWaiters;
  private readonly timerHorizonMs: number;
  private timerHandler: TimerHandler = () => {};
  private nextDispatchId = 1;
  failure: Error | undefined;
  /** Starts in progress per workflow id (start.ts serializes them), by namespace and id. */
  readonly startLocks = new Map<string, Promise<unknown>>();
  /** Runs whose workflow task failed and waits to retry, so a new worker can retry them at once. */
  readonly backoff = new Set<Run>();
  private closed = false;
  private scanStop: (() => void) | undefined;
  /** Called when a new identity polls a queue, so backed-off workflow tasks retry at once. */
  newPollerHook: (namespace: string, taskQueue: string, kind: TaskRef['kind']) => void = () => {};

  readonly store: Store;
  /** The shards owned, in a cluster; undefined for a single engine, which owns every run. */
  readonly shards: OwnedShards | undefined;
  readonly cluster: ClusterOptions | undefined;
  /** This engine's own answers to effects on its runs (the Engine, set once it exists). */
  local: RunActions | undefined;

  constructor(
    store: Store,
    opts: EngineOptions = {},
  ) {
    this.store = guardStore(store, (err) => this.fail(err), opts.cluster !== undefined);
    this.clock = opts.clock ?? systemClock;
    this.waits = opts.waits ?? systemClock;
    this.newId = opts.newId ?? randomUUID;
    this.maxPayloadBytes = opts.maxPayloadBytes ?? 2 * 1024 * 1024;
    this.timerHorizonMs = opts.timerHorizonMs ?? 60_000;
    this.cluster = opts.cluster;
    this.shards = opts.cluster ? new OwnedShards(opts.cluster.shardCount) : undefined;
    this.waiters = new RunWaiters(this.waits);
    this.runs = new RunCache(
      opts.maxCachedRuns ?? 20_000,
      (run, k) => Boolean(run.uncommitted || run.wftStarted || run.activityStarts.size) || this.backoff.has(run) || this.waiters.has(k),
    );
    this.timers = new TimerQueue(this.clock);
    // A cluster node reads the namespaces again every round: a failed write is only refused to its caller.
    this.namespaces = new Namespaces(this.store, this.clock.now, (err) => (this.shards ? undefined : this.fail(err)));
    this.tokenKeys = new TokenKeyRing(this.store, this.clock.now);
    this.tokens = new TaskTokens(this.tokenKeys);
    this.apiKeys = new ApiKeys(this.store, this.namespaces, this.clock.now);
    this.matching = new Matching(
      this.clock.now,
      this.waits,
      (ns, q, kind) => this.newPollerHook(ns, q, kind),
      (ref) => this.runs.peek(ref)?.stickyWorkerId,
      opts.stickyTimeoutMs,
    );
  }

  onDurableTimer(h: TimerHandler): void {
    this.timerHandler = h;
  }

  dispatchId(): number {
    return this.nextDispatchId++;
  }

  now(): number {
    return this.clock.now();
  }

  health(): EngineHealth {
    if (this.failure) {
      const code = (this.failure as { code?: unknown }).code;
      return typeof code === 'string' ? { status: 'failed', cause: this.failure.message, code } : { status: 'failed', cause: this.failure.message };
    }
    return this.closed ? { status: 'closed' } : { status: 'serving' };
  }

  check(): void {
    if (this.failure) throw new ApiError('UNAVAILABLE', `the engine stopped after a storage failure (${this.failure.message}); restart the process`);
    if (this.closed) throw new ApiError('UNAVAILABLE', 'the engine is shut down');
  }

  /** Loads a run into memory (once, however many callers ask at the same time). */
  async load(key: RunKey): Promise<Run | undefined> {
    this.check();
    const fence = this.shards?.fenceOf(key); // another node's run is refused, never loaded here
    const run = await this.runs.load(key, async () => {
      const record = await this.store.getWorkflow(key);
      if (!record) return undefined;
      const run = new Run(record, this.decodeState(record), record.properties ?? {});
      if (run.open) run.tail = await this.store.readHistory(key, run.state.lastSawUpTo + 1);
      return run;
    });
    // The shard left while the run was read (or since it was found): the copy may miss the next
    // owner's writes, and nothing (a timer, say) may be armed on it.
    if (run && fence && (run.retired || !this.shards!.owns(fence.shardId) || this.shards!.fenceOf(key).token !== fence.token)) {
      this.retireRunsWhere((r) => r === run);
      throw this.moved(run);
    }
    return run;
  }

  /**
   * A stored state this release cannot read: damage stops the engine, as damage the store finds
   * does (guarded-store.ts); a newer release's state refuses this run only.
   */
  private decodeState(record: WorkflowRecord): RunState {
    try {
      return decodeRunState(record, record.state);
    } catch (err) {
      if (err instanceof StoredDataCorruptError) {
        this.fail(err);
        throw new ApiError('DATA_LOSS', err.message);
      }
      if (err instanceof RunStateVersionError) throw new ApiError('FAILED_PRECONDITION', err.message);
      throw err;
    }
  }

  async mustLoad(key: RunKey): Promise<Run> {
    const run = await this.load(key);
    if (!run) throw new ApiError('NOT_FOUND', `workflow ${key.workflowId} run ${key.runId} not found in namespace ${key.namespace}`);
    return run;
  }

  /** Puts a run being created into the cache; `created` is its pending create write. */
  adopt(run: Run, created: Promise<void>): void {
    run.lastCommit = created;
    run.uncommitted++;
    created.then(
      () => run.uncommitted--,
      () => run.uncommitted--,
    );
    this.runs.add(run);
  }

  /** Drops a run whose create was refused. */
  forget(run: Run): void {
    this.runs.remove(run);
  }

  /**
   * Applies a mutation: numbers its events, updates the run in memory at once and issues the
   * write. The returned promise resolves when it is durable; timers are armed and waiters
   * (results, history long-polls) woken only then.
   */
  apply(run: Run, m: Mutation): Promise<void> {
    this.check();
    // A closed run's history is final: nothing may follow its close event. A transition that
    // checked `open` and then awaited something could get here after a close that raced it.
    if (run.retired) throw this.moved(run);
    const fence = this.shards?.fenceOf(run.key);
    if (!run.open && (m.events.length > 0 || m.close || m.upsertTasks.length > 0)) {
      throw new ApiError('FAILED_PRECONDITION', `workflow ${run.record.workflowId} is already closed (${run.record.status})`);
    }
    const now = this.now();
    const expected = run.record.nextEventId;
    // Literals, not `{ ...x, more }`: V8 takes over 1 µs for each of those, and this runs for
    // every event of every step.
    const events = m.events.map((e, i) => ({ eventId: expected + i, eventTime: now, type: e.type, attributes: e.attributes }) as HistoryEvent);
    const close = m.close;
    const r = run.record;
    run.record = {
      namespace: r.namespace,
      workflowId: r.workflowId,
      runId: r.runId,
      workflowType: r.workflowType,
      taskQueue: r.taskQueue,
      status: close ? close.status : r.status,
      startTime: r.startTime,
      closeTime: close ? now : r.closeTime,
      nextEventId: expected + events.length,
      state: encodeRunState(run.state),
    };
    // Search attributes and properties go to the store only when they change: it re-indexes the
    // former then, and the latter hold the memo, which may be large (issue 10).
    if (m.searchAttributes) run.record.searchAttributes = m.searchAttributes;
    if (m.properties) run.record.properties = m.properties;
    if (close) {
      run.closeEvent = this.closeEventOf(events);
      run.tail = [];
      run.wftStarted = undefined;
      run.activityStarts.clear();
    } else {
      run.tail.push(...events);
    }
    const written = this.store.updateWorkflow({
      key: run.key,
      expectedNextEventId: expected,
      record: run.record,
      events,
      upsertTasks: m.upsertTasks,
      deleteTasks: m.deleteTasks,
      upsertTimers: m.upsertTimers,
      deleteTimers: m.deleteTimers,
      continueAsNew: m.continueAsNew?.create,
      fence,
    });
    // A cluster node's callers learn what a failed write means for them (write-error.ts); the raw
    // error goes to giveUpAfterStorageFailure below, which gives the shard up.
    const p = this.shards ? toldOfWrite(run.key, written) : written;
    run.lastCommit = p;
    run.uncommitted++;
    for (const row of m.offers) this.offerAt(row);
    if (run.heldQueries.length > 0 && !run.workflowTaskPending) for (const q of run.heldQueries.splice(0)) this.matching.offer(q);
    const next = m.continueAsNew;
    if (next) {
      this.adopt(next.run, p);
      if (next.task) this.offerAt(next.task);
      p.then(() => next.timers.forEach((t) => this.armTimer(t)), () => {});
    }
    written.then(
      () => {
        run.uncommitted--;
        for (const t of m.upsertTimers) this.armTimer(t);
        if (events.length) this.waiters.wake(run.key);
      },
      (err: unknown) => giveUpAfterStorageFailure(this, run.key, err),
    );
    return p;
  }

  /** The fence a write of the run must carry (undefined for a single engine); refused when its shard is not here. */
  fenceOf(key: RunKey): Fence | undefined {
    return this.shards?.fenceOf(key);
  }

  /** Throws if `run` is a stale copy (its shard left this node): a wait on it must end. */
  checkHeld(run: Run): void {
    if (run.retired) throw this.moved(run);
  }

  private moved(run: Run): ShardNotOwnedError {
    const shardId = this.shards?.shardOf(run.record.namespace, run.record.workflowId) ?? 0;
    return new ShardNotOwnedError(shardId, `workflow '${run.record.workflowId}' of namespace '${run.record.namespace}'`);
  }

  /** Drops the runs `gone` names from memory, marking each copy retired (its shard left this node); returns them. */
  retireRunsWhere(gone: (run: Run) => boolean): Run[] {
    const retired = this.runs.dropWhere(gone);
    for (const run of retired) {
      run.retired = true;
      this.backoff.delete(run);
      this.waiters.wake(run.key);
    }
    return retired;
  }

  /** The horizon durable timers are loaded within, from now. */
  timerHorizon(): number {
    return this.now() + this.timerHorizonMs;
  }

  /** A storage write failed: state in memory may be ahead of disk, so stop taking work. */
  fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.matching.close();
    this.timers.clear();
    this.waiters.wakeAll();
  }

  /** A task row for the run's workflow task, visible at `at`. */
  wftRow(run: Run, at: number): TaskRow {
    const r = run.record;
    return { namespace: r.namespace, taskQueue: r.taskQueue, kind: 'workflow', workflowId: r.workflowId, runId: r.runId, taskId: WFT_TASK_ID, visibleAt: at };
  }

  timerRow(run: Run, timer: TimerId, fireAt: number): TimerRow {
    const r = run.record;
    return { namespace: r.namespace, workflowId: r.workflowId, runId: r.runId, timerId: formatTimerId(timer), fireAt };
  }

  /** Removes a timer of the run: its row in `m`, and from memory at once. */
  deleteTimer(run: Run, m: Mutation, timer: TimerId): void {
    const id = formatTimerId(timer);
    m.deleteTimers.push(id);
    this.timers.delete(armedTimerKey(run.key, id));
  }

  /** Offers a task now, or at its visible time. */
  offerAt(row: TaskRow): void {
    const ref: TaskRef = { kind: row.kind, namespace: row.namespace, taskQueue: row.taskQueue, workflowId: row.workflowId, runId: row.runId, taskId: row.taskId };
    const key = `offer\u0000${runKeyString(row)}\u0000${row.taskId}`;
    if (row.visibleAt <= this.now()) {
      this.timers.delete(key);
      this.matching.offer(ref);
    } else {
      this.timers.set(key, row.visibleAt, () => this.matching.offer(ref));
    }
  }

  /** Loads a durable timer into the in-memory queue if it is due within the horizon. */
  armTimer(t: TimerRow): void {
    if (t.fireAt > this.now() + this.timerHorizonMs) return;
    if (this.shards && !this.shards.ownsRun(t)) return;
    this.timers.set(armedTimerKey(t, t.timerId), t.fireAt, () => {
      void this.fireDurableTimer(t);
    });
  }

  private async fireDurableTimer(t: TimerRow): Promise<void> {
    try {
      const timer = parseTimerId(t.timerId, `workflow ${t.workflowId} run ${t.runId} in namespace ${t.namespace}`);
      const run = await this.load(t);
      // Effects are owed by closed runs too: telling a parent, closing children.
      if (run && (run.open || timer.kind === 'effect')) this.timerHandler(run, timer);
    } catch (err) {
      if (!(err instanceof ApiError)) this.fail(err);
    }
  }

  /** Startup: offer every stored task and arm the near timers; then keep loading timers ahead. */
  async recover(): Promise<void> {
    // A cluster node owns nothing yet: each shard's work is loaded as the shard is adopted.
    if (!this.shards) await this.offerStoredTasks(() => true);
    await this.scanTimers();
  }

  /** Offers the stored tasks `wanted` picks (recovery; a cluster node adopting shards). */
  async offerStoredTasks(wanted: (row: TaskRow) => boolean): Promise<void> {
    let after: TaskRow | undefined;
    for (;;) {
      const page = await this.store.listTasks(1000, after);
      const rows = page.filter(wanted);
      // Checked here, where a task row is first read, so one this release cannot hand out stops it
      // at open rather than waiting unseen in a queue.
      for (const row of rows) parseTaskId(row.taskId, `workflow ${row.workflowId} run ${row.runId} in namespace ${row.namespace}`);
      // A failed workflow task retries at once after a restart (or a move): it may carry the fix.
      for (const row of rows) this.offerAt(row.kind === 'workflow' ? { ...row, visibleAt: 0 } : row);
      if (page.length < 1000) break;
      after = page[page.length - 1];
    }
  }

  private async scanTimers(): Promise<void> {
    if (this.closed || this.failure) return;
    const page = 10_000;
    const rows = await this.store.listTimers(this.now() + this.timerHorizonMs, page);
    for (const t of rows) this.armTimer(t);
    // A full page means more are due soon than fit in one read: look again shortly.
    this.scanStop = this.clock.schedule(rows.length === page ? 1000 : this.timerHorizonMs / 2, () => {
      this.scanTimers().catch((err: unknown) => {
        if (!this.shards || err instanceof StoredDataCorruptError) return this.fail(err);
        // A cluster node outlives a database that is down a while: its leases lapse meanwhile, and it looks again soon.
        this.scanStop = this.clock.schedule(1000, () => void this.scanTimers().catch(() => {}));
      });
    });
  }

  // --- waiting for new events (result and history long-polls) ---

  /** Resolves when the run gets a new event, or after timeoutMs; false on timeout. */
  waitForEvent(key: RunKey, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.waiters.waitForEvent(key, timeoutMs, signal);
  }

  /** Wakes everyone waiting on the run (also for outcomes that write no event, like rejections). */
  wake(key: RunKey): void {
    this.waiters.wake(key);
  }

  /** Retention deleted the namespace's runs that closed before `closedBefore`: forget them here too. */
  dropClosedRuns(namespace: string, closedBefore: number): void {
    this.runs.dropWhere((run) => run.record.namespace === namespace && run.record.closeTime !== null && run.record.closeTime < closedBefore);
  }

  /** Reads history, after this engine's pending writes for the run are durable. */
  async readHistory(key: RunKey, fromEventId: number): Promise<HistoryEvent[]> {
    const run = this.runs.peek(key);
    if (run) await run.lastCommit.catch(() => {});
    return this.store.readHistory(key, fromEventId);
  }

  closeEventOf(events: HistoryEvent[]): HistoryEvent | undefined {
    const last = events[events.length - 1];
    return last && CLOSE_EVENT_TYPES.has(last.type) ? last : undefined;
  }

  checkPayloads(what: string, payloads: (Payload | undefined)[] | undefined): void {
    for (const p of payloads ?? []) {
      if (p && p.data.length > this.maxPayloadBytes) {
        const size = (n: number) => (n < 1024 ? `${n} bytes` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);
        throw new ApiError(
          'PAYLOAD_TOO_LARGE',
          `${what} is ${size(p.data.length)}, over the ${size(this.maxPayloadBytes)} payload limit (engine option maxPayloadBytes); pass a reference (a URL or a key) instead of the data`,
        );
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scanStop?.();
    this.matching.close();
    this.timers.clear();
    this.waiters.wakeAll();
    await Promise.allSettled([...this.runs.values()].map((r) => r.lastCommit));
  }
}
