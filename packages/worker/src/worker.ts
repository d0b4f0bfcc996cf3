import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import { ApiError, type EngineApi } from '@endure/protocol';
import { CancelledFailure, checkOptions, defaultPayloadConverter, toMs, type PayloadConverter } from '@endure/common';
import { fromCaller } from '@endure/transport';
import { loadWorkflowBundle } from './bundler.js';
import { WorkflowThreads } from './workflow-threads.js';
import { WorkflowTaskHandler } from './workflow-task-handler.js';
import { FailingTaskLog } from './failing-task-log.js';
import { LocalActivityRunner } from './local-activities.js';
import { ActivityExecutor } from './activity-executor.js';
import { NativeConnection, type EngineConnection } from './connection.js';
import { Runtime, type Logger } from './logger.js';
import { Outage, isTransient } from './outage.js';
import { resolveWorkerOptions, runUntilOptionTable, type ResolvedWorkerOptions } from './options.js';
import { loadUserModule } from './load-user-module.js';
import { pollTasks } from './task-polling.js';
import { runReplayHistories, runReplayHistory, type ReplayHistory, type ReplayHistoryInput, type ReplayResult } from './replay.js';
import type { ReplayWorkerOptions, RunUntilOptions, WorkerOptions } from './worker-options.js';
import type { ActivityTask, WorkflowTask } from '@endure/protocol';

export type { WorkerOptions } from './worker-options.js';

/** The activities' converter: given directly, or the same module the sandbox bundles. */
async function loadConverter(options: WorkerOptions): Promise<PayloadConverter> {
  const dc = options.dataConverter;
  if (dc?.payloadConverter) return dc.payloadConverter;
  if (!dc?.payloadConverterPath) return defaultPayloadConverter;
  const mod = (await loadUserModule(dc.payloadConverterPath)) as { payloadConverter?: PayloadConverter };
  if (!mod.payloadConverter) throw new TypeError(`Worker.create: ${dc.payloadConverterPath} must export 'payloadConverter'`);
  return mod.payloadConverter;
}

/**
 * Poll refusals that retrying cannot change: the worker stops with them. (UNAVAILABLE is one only
 * when not marked retryable: the embedded engine stopped after a storage failure.)
 */
const FATAL_POLL_ERRORS: ReadonlySet<string> = new Set(['UNAVAILABLE', 'NOT_FOUND', 'INVALID_ARGUMENT', 'UNAUTHENTICATED', 'PERMISSION_DENIED']);

/** Refuses a namespace the engine does not know, naming the fix (an unreachable engine is checked later, by polling). */
async function checkNamespace(engine: EngineApi, namespace: string): Promise<void> {
  try {
    await engine.describeNamespace({ namespace });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'NOT_FOUND') {
      throw new ApiError('NOT_FOUND', `Worker.create: namespace '${namespace}' does not exist; register it first (\`npx endure namespace create ${namespace}\` or client.operator.registerNamespace), or leave out the namespace option for 'default'`);
    }
    if (!isTransient(err)) throw err;
  }
}

export type WorkerState = 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';
export type PollerState = 'POLLING' | 'SHUTDOWN' | 'FAILED';

/** What a worker is doing now (Temporal's WorkerStatus). */
export interface WorkerStatus {
  runState: WorkerState;
  workflowPollerState: PollerState;
  activityPollerState: PollerState;
  hasOutstandingWorkflowPoll: boolean;
  hasOutstandingActivityPoll: boolean;
  numInFlightWorkflowActivations: number;
  /** Activity attempts running, local ones included. */
  numInFlightActivities: number;
  numInFlightNonLocalActivities: number;
  numInFlightLocalActivities: number;
  numCachedWorkflows: number;
  /** Running activity attempts that have sent a heartbeat. */
  numHeartbeatingActivities: number;
  /** Endure's: threads running workflow code (workflowThreadPoolSize; 0 for an activity-only worker). */
  numWorkflowThreads: number;
}

/** shutdownForceTime passed and the worker's in-flight work had not finished: run() gave up on it. */
export class GracefulShutdownPeriodExpiredError extends Error {
  override name = 'GracefulShutdownPeriodExpiredError';
}

/** The worker stopped before runUntil's promise settled, and it did not settle within promiseCompletionTimeout. */
export class PromiseCompletionTimeoutError extends Error {
  override name = 'PromiseCompletionTimeoutError';
}

type Settled<R> = { value: R } | { error: unknown };
const settle = <R>(p: Promise<R>): Promise<Settled<R>> => p.then((value) => ({ value }), (error: unknown) => ({ error }));

/** Polls a task queue and runs its workflow and activity tasks. */
export class Worker {
  private state: WorkerState = 'INITIALIZED';
  private readonly abort = new AbortController();
  private readonly workflowTasks: WorkflowTaskHandler | undefined;
  private readonly activities: ActivityExecutor;
  private readonly locals: LocalActivityRunner;
  private readonly identity: string;
  /** This instance, for sticky routing (identity may be shared by several workers in a process). */
  private readonly workerId = randomUUID();
  private readonly logger: Logger;
  /** While a remote engine is unreachable, the pollers back off together and keep trying. */
  private readonly outage: Outage;
  private runPromise: Promise<void> | undefined;
  private fatal: unknown;
  /** Polls in flight and workflow activations running, per kind (getStatus). */
  private readonly inFlight = { workflowPolls: 0, activityPolls: 0, activations: 0 };
  private loops = { workflow: false, activity: false };
  private readonly timers = new Set<NodeJS.Timeout>();
  private expireForce: ((err: Error) => void) | undefined;

  private constructor(
    readonly options: WorkerOptions,
    private readonly resolved: ResolvedWorkerOptions,
    private readonly engine: EngineApi,
    private readonly threads: WorkflowThreads | undefined,
    private readonly ownedConnection: NativeConnection | undefined,
    converter: PayloadConverter,
  ) {
    this.identity = resolved.identity ?? `${process.pid}@${hostname()}`;
    this.logger = options.logger ?? Runtime.instance().logger;
    this.outage = new Outage(this.logger);
    setMaxListeners(0, this.abort.signal); // every poller listens on it
    this.locals = new LocalActivityRunner(resolved.activities, converter, this.logger, resolved.maxConcurrentLocalActivityExecutions);
    const sticky = resolved.maxCachedWorkflows > 0 ? this.workerId : undefined;
    const address = ((options.connection ?? ownedConnection) as { address?: unknown } | undefined)?.address;
    const failures = new FailingTaskLog(this.logger, typeof address === 'string' ? address : undefined);
    this.workflowTasks = threads ? new WorkflowTaskHandler(engine, threads, this.logger, this.identity, this.locals, resolved.taskQueue, sticky, failures) : undefined;
    this.activities = new ActivityExecutor(engine, resolved.activities, converter, this.logger, this.identity, {
      maxMs: resolved.maxHeartbeatThrottleIntervalMs,
      defaultMs: resolved.defaultHeartbeatThrottleIntervalMs,
    });
  }

  /** Bundles the workflow code (refusing non-deterministic imports) and prepares the sandbox. */
  static async create(options: WorkerOptions): Promise<Worker> {
    const resolved = resolveWorkerOptions(options);
    const logger = options.logger ?? Runtime.instance().logger;
    const bundle = await loadWorkflowBundle('Worker.create', options);
    const converter = await loadConverter(options);
    const threads = bundle
      ? await WorkflowThreads.start({
          bundle,
          threads: resolved.workflowThreadPoolSize,
          maxCachedWorkflows: resolved.maxCachedWorkflows,
          deadlockTimeoutMs: resolved.deadlockTimeoutMs,
          logger,
          suggestContinueAsNewAt: resolved.continueAsNewSuggestedAt,
        })
      : undefined;
    let owned: NativeConnection | undefined;
    try {
      owned = options.connection ? undefined : await NativeConnection.connect();
    } catch (err) {
      await threads?.close();
      throw await fromCaller(err, Worker.create);
    }
    const engine = (options.connection ?? owned)!.engine;
    try {
      await checkNamespace(engine, resolved.namespace);
    } catch (err) {
      await threads?.close();
      await owned?.close();
      throw err;
    }
    return new Worker(options, resolved, engine, threads, owned, converter);
  }

  /** Replays a saved history against workflow code; throws DeterminismViolationError on a mismatch. */
  static runReplayHistory(options: ReplayWorkerOptions, history: ReplayHistory, workflowId?: string): Promise<void> {
    return runReplayHistory(options, history, workflowId);
  }

  /** Replays each history with the same code, yielding each one's outcome (its `error`, if any, is not thrown). */
  static runReplayHistories(options: ReplayWorkerOptions, histories: Iterable<ReplayHistoryInput> | AsyncIterable<ReplayHistoryInput>): AsyncGenerator<ReplayResult> {
    return runReplayHistories(options, histories);
  }

  getState(): WorkerState {
    return this.state;
  }

  /** What the worker is doing now: its state, its polls and the work in flight. */
  getStatus(): WorkerStatus {
    const poller = (running: boolean): PollerState => (this.fatal ? 'FAILED' : running && this.state === 'RUNNING' ? 'POLLING' : 'SHUTDOWN');
    const nonLocal = this.activities.running.size;
    return {
      runState: this.state,
      workflowPollerState: poller(this.loops.workflow),
      activityPollerState: poller(this.loops.activity),
      hasOutstandingWorkflowPoll: this.inFlight.workflowPolls > 0,
      hasOutstandingActivityPoll: this.inFlight.activityPolls > 0,
      numInFlightWorkflowActivations: this.inFlight.activations,
      numInFlightActivities: nonLocal + this.locals.running,
      numInFlightNonLocalActivities: nonLocal,
      numInFlightLocalActivities: this.locals.running,
      numCachedWorkflows: this.threads?.cached ?? 0,
      numHeartbeatingActivities: this.activities.heartbeating,
      numWorkflowThreads: this.threads?.size ?? 0,
    };
  }

  /** Number of workflows in the sticky cache. */
  get cachedWorkflows(): number {
    return this.threads?.cached ?? 0;
  }

  /** The connection the worker was given (undefined when it opened its own). */
  get connection(): EngineConnection | undefined {
    return this.options.connection;
  }

  /** Temporal's worker client: not supported by Endure; throws, naming it. */
  get client(): never {
    throw new Error('Worker.client is not supported by Endure: create a Client on the same address (new Client({ connection: await Connection.connect({ address }) }))');
  }

  /** Temporal's observable of in-flight activations: not supported (Endure has no observables); use getStatus(). */
  get numInFlightActivations$(): never {
    throw new Error('Worker.numInFlightActivations$ is not supported by Endure: poll getStatus().numInFlightWorkflowActivations');
  }

  /** Temporal's observable of in-flight activities: not supported (Endure has no observables); use getStatus(). */
  get numInFlightActivities$(): never {
    throw new Error('Worker.numInFlightActivities$ is not supported by Endure: poll getStatus().numInFlightActivities');
  }

  /** Temporal's observable of cached workflows: not supported (Endure has no observables); use getStatus(). */
  get numRunningWorkflowInstances$(): never {
    throw new Error('Worker.numRunningWorkflowInstances$ is not supported by Endure: poll getStatus().numCachedWorkflows');
  }

  /**
   * Polls until shutdown() (or SIGINT/SIGTERM); resolves once in-flight work is finished, or
   * rejects with GracefulShutdownPeriodExpiredError once shutdownForceTime has passed.
   */
  run(): Promise<void> {
    if (this.state !== 'INITIALIZED') throw new Error(`Worker.run() can be called once; the worker is ${this.state}`);
    this.state = 'RUNNING';
    const onSignal = () => this.shutdown();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const loops: Promise<void>[] = [];
    this.loops.workflow = this.workflowTasks !== undefined;
    this.loops.activity = this.resolved.enableNonLocalActivities && Object.keys(this.resolved.activities).length > 0;
    if (this.workflowTasks) loops.push(this.workflowLoop(this.workflowTasks));
    if (this.loops.activity) loops.push(this.activityLoop());
    const forced = new Promise<never>((_, reject) => (this.expireForce = reject));
    forced.catch(() => {}); // observed through the race below
    const finished = Promise.all(loops).then(async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      for (const t of this.timers) clearTimeout(t);
      await this.threads?.close();
      await this.ownedConnection?.close();
      if (this.state === 'FAILED') return; // gave up at shutdownForceTime: run() already rejected
      this.state = this.fatal ? 'FAILED' : 'STOPPED';
      if (this.fatal) throw this.fatal;
    });
    this.runPromise = Promise.race([finished, forced]);
    return this.runPromise;
  }

  /**
   * Runs the worker until `fnOrPromise` settles, then shuts it down and returns its result (or
   * throws its error). If the worker stops first, the promise gets promiseCompletionTimeout
   * (default 0) to settle before PromiseCompletionTimeoutError (or the worker's error) is thrown.
   */
  async runUntil<R>(fnOrPromise: Promise<R> | (() => Promise<R>), options?: RunUntilOptions): Promise<R> {
    checkOptions('worker.runUntil', 'RunUntilOptions', options, runUntilOptionTable);
    const graceMs = options?.promiseCompletionTimeout === undefined ? 0 : toMs(options.promiseCompletionTimeout, 'worker.runUntil: promiseCompletionTimeout');
    const stopped = settle(this.run());
    const inner = settle(Promise.resolve().then(() => (typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise)));
    const first = await Promise.race([inner.then((r) => ({ inner: r })), stopped.then((r) => ({ worker: r }))]);
    if ('inner' in first) {
      this.shutdown();
      const worker = await stopped;
      if ('error' in first.inner) throw first.inner.error;
      if ('error' in worker) throw worker.error;
      return first.inner.value;
    }
    // The worker stopped (or failed) before the promise settled.
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([inner, new Promise<undefined>((r) => (timer = setTimeout(r, graceMs, undefined)))]);
    clearTimeout(timer);
    if ('error' in first.worker) throw first.worker.error;
    if (late === undefined) {
      throw new PromiseCompletionTimeoutError(`worker.runUntil: the worker stopped (${this.state}) and the promise did not settle within promiseCompletionTimeout (${graceMs} ms)`);
    }
    if ('error' in late) throw late.error;
    return late.value;
  }

  /**
   * Stops polling. Running activities get shutdownGraceTime (default 0) to finish, then are
   * cancelled (cancellationDetails().workerShutdown); run() resolves once all in-flight work is
   * done, or rejects after shutdownForceTime if one is set.
   */
  shutdown(): void {
    if (this.state !== 'RUNNING') return;
    this.state = 'STOPPING';
    this.abort.abort();
    this.after(this.resolved.shutdownGraceTime, () => {
      for (const ctx of this.activities.running) ctx.cancel('WORKER_SHUTDOWN', new CancelledFailure('Worker is shutting down'));
    });
    const forceMs = this.resolved.shutdownForceTimeMs;
    if (forceMs !== undefined) {
      this.after(forceMs, () => {
        if (this.state !== 'STOPPING') return;
        this.state = 'FAILED';
        this.logger.error(`worker shutdown gave up after shutdownForceTime (${forceMs} ms); in-flight work is left running`, this.getStatus() as unknown as Record<string, unknown>);
        this.expireForce?.(new GracefulShutdownPeriodExpiredError(`the worker's in-flight work did not finish within shutdownForceTime (${forceMs} ms) of shutdown()`));
      });
    }
  }

  /** A timer that run() clears when the worker has stopped. */
  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private stopWith(err: unknown): void {
    this.fatal ??= err;
    this.logger.error(`worker stopping after an unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    this.shutdown();
  }

  private workflowLoop(handler: WorkflowTaskHandler): Promise<void> {
    const slots = this.resolved.maxConcurrentWorkflowTaskExecutions;
    return pollTasks<WorkflowTask>({
      pollers: this.resolved.workflowTaskPolls,
      slots,
      maxUnsettled: 1000, // completions issued and not yet acknowledged
      isRunning: () => this.state === 'RUNNING',
      stopped: this.abort.signal,
      poll: async (maxTasks) => {
        this.inFlight.workflowPolls++;
        try {
          const r = await this.engine.pollWorkflowTasks({ namespace: this.resolved.namespace, taskQueue: this.resolved.taskQueue, identity: this.identity, workerId: this.workerId, maxTasks }, this.abort.signal);
          return r.tasks;
        } finally {
          this.inFlight.workflowPolls--;
        }
      },
      onPolled: () => this.outage.over(),
      onPollError: (err) => this.onPollError(err),
      run: async (task, free) => {
        let acked: Promise<void>;
        this.inFlight.activations++;
        try {
          ({ acked } = await handler.handle(task));
        } catch (err) {
          return this.onWorkflowTaskError(err);
        } finally {
          this.inFlight.activations--;
        }
        free(); // the activation is done; its completion's acknowledgement waits for a commit
        await acked.catch((err: unknown) => this.onWorkflowTaskError(err));
      },
    });
  }

  /**
   * A poll failed. A refusal that retrying cannot change (unknown namespace, bad request, wrong
   * API key, a stopped embedded engine) stops the worker with it. Anything else (an unreachable
   * server, a 500/502/503, a timeout) is an outage to wait out with back-off, for as long as it
   * lasts: never straight away, since a poll that fails at once would otherwise spin, starving
   * the event loop.
   */
  private async onPollError(err: unknown): Promise<void> {
    if (!(err instanceof ApiError)) return this.stopWith(err);
    const transient: boolean = isTransient(err);
    if (!transient && FATAL_POLL_ERRORS.has(err.code)) return this.stopWith(err);
    return this.outage.wait(err, this.abort.signal);
  }

  /**
   * A workflow task could not be run or reported. The run was evicted, and the engine hands the
   * task out again after its timeout. A refusal or failure of the engine's (a server's 500
   * included) leaves the worker running; a stopped embedded engine, or an error of the worker
   * itself, stops it.
   */
  private onWorkflowTaskError(err: unknown): void {
    if (isTransient(err)) {
      this.logger.warn(`workflow task completion not delivered (engine unreachable for the task's whole timeout): ${err.message}`);
    } else if (err instanceof ApiError) {
      this.logger.warn(`workflow task completion failed (${err.code}), the task is handed out again after its timeout: ${err.message}`);
      if (err.code === 'UNAVAILABLE') this.stopWith(err);
    } else {
      this.stopWith(err);
    }
  }

  private activityLoop(): Promise<void> {
    const slots = this.resolved.maxConcurrentActivityTaskExecutions;
    return pollTasks<ActivityTask>({
      pollers: this.resolved.activityTaskPolls,
      slots,
      maxUnsettled: slots * 10, // attempts not yet reported, bounded too: a slow engine applies back-pressure
      isRunning: () => this.state === 'RUNNING',
      stopped: this.abort.signal,
      poll: async (maxTasks) => {
        this.inFlight.activityPolls++;
        try {
          const r = await this.engine.pollActivityTasks({ namespace: this.resolved.namespace, taskQueue: this.resolved.taskQueue, identity: this.identity, maxTasks }, this.abort.signal);
          return r.tasks;
        } finally {
          this.inFlight.activityPolls--;
        }
      },
      onPolled: () => this.outage.over(),
      onPollError: (err) => this.onPollError(err),
      run: async (task, free) => {
        try {
          // Taken while stopping: hand it back unstarted.
          if (this.state !== 'RUNNING') return await this.engine.releaseTask({ taskToken: task.taskToken });
          await this.activities.run(task, free);
        } catch (err) {
          this.logger.warn(`could not report activity outcome: ${(err as Error).message}`);
        }
      },
    });
  }
}
