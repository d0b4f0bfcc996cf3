import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import { ApiError, type EngineApi } from '@endure/protocol';
import { defaultPayloadConverter, type PayloadConverter } from '@endure/common';
import { bundleWorkflowCode, type WorkflowBundle } from './bundler.js';
import { WorkflowThreads } from './workflow-threads.js';
import { WorkflowTaskHandler } from './workflow-task-handler.js';
import { LocalActivityRunner } from './local-activities.js';
import { ActivityExecutor, type ActivityFunction } from './activity-executor.js';
import { NativeConnection, type EngineConnection } from './connection.js';
import { Runtime, type Logger } from './logger.js';
import { Outage, isTransient } from './outage.js';
import { validateWorkerOptions } from './options.js';
import { loadUserModule } from './load-user-module.js';
import { pollTasks } from './task-polling.js';
import { runReplayHistory, type ReplayOptions } from './replay.js';
import type { ActivityTask, HistoryEvent, WorkflowTask } from '@endure/protocol';

export interface WorkerOptions {
  connection?: EngineConnection;
  namespace?: string;
  taskQueue: string;
  /** Path of the module that exports the workflow functions (bundled for the sandbox). */
  workflowsPath?: string;
  /** A bundle from bundleWorkflowCode(), instead of workflowsPath. */
  workflowBundle?: WorkflowBundle;
  activities?: Record<string, ActivityFunction>;
  /** Workflows kept in memory between tasks. Default 1000. */
  maxCachedWorkflows?: number;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /**
   * Activity task polls kept open at once; each asks for as many tasks as there are free
   * execution slots (up to 64). Default min(4, maxConcurrentActivityTaskExecutions).
   */
  maxConcurrentActivityTaskPolls?: number;
  /** Workflow task polls kept open at once, each asking for up to the free slots. Default min(4, maxConcurrentWorkflowTaskExecutions). */
  maxConcurrentWorkflowTaskPolls?: number;
  /** How long shutdown waits for running activities before cancelling them. Default 10 s. */
  shutdownGraceTimeMs?: number;
  identity?: string;
  /**
   * `payloadConverter` is used for activities; `payloadConverterPath` names a module exporting
   * the same converter as `payloadConverter`, bundled into the workflow sandbox.
   */
  dataConverter?: { payloadConverter?: PayloadConverter; payloadConverterPath?: string };
  logger?: Logger;
  /** An activation running longer than this without yielding fails its task. Default 2 s. */
  deadlockTimeoutMs?: number;
  /** Threads that run workflow code (each with its own share of the cache). Default 1. */
  workflowThreads?: number;
  /** When workflowInfo().continueAsNewSuggested turns true. Default 10,000 events or 10 MB. */
  continueAsNewSuggestedAt?: { events?: number; bytes?: number };
}

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

/** Polls kept open per task kind unless the options say: a few, since each takes a burst of tasks. */
const DEFAULT_POLLS = 4;

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

/** Polls a task queue and runs its workflow and activity tasks. */
export class Worker {
  private state: WorkerState = 'INITIALIZED';
  private readonly abort = new AbortController();
  private readonly workflowTasks: WorkflowTaskHandler | undefined;
  private readonly activities: ActivityExecutor;
  private readonly identity: string;
  /** This instance, for sticky routing (identity may be shared by several workers in a process). */
  private readonly workerId = randomUUID();
  private readonly namespace: string;
  private readonly logger: Logger;
  /** While a remote engine is unreachable, the pollers back off together and keep trying. */
  private readonly outage: Outage;
  private runPromise: Promise<void> | undefined;
  private fatal: unknown;

  private constructor(
    readonly options: WorkerOptions,
    private readonly engine: EngineApi,
    private readonly threads: WorkflowThreads | undefined,
    private readonly ownedConnection: NativeConnection | undefined,
    converter: PayloadConverter,
  ) {
    this.identity = options.identity ?? `${process.pid}@${hostname()}`;
    this.namespace = options.namespace ?? 'default';
    this.logger = options.logger ?? Runtime.instance().logger;
    this.outage = new Outage(this.logger);
    setMaxListeners(0, this.abort.signal); // every poller listens on it
    const locals = new LocalActivityRunner(options.activities ?? {}, converter, this.logger);
    const sticky = (options.maxCachedWorkflows ?? 1) > 0 ? this.workerId : undefined;
    this.workflowTasks = threads ? new WorkflowTaskHandler(engine, threads, this.logger, this.identity, locals, options.taskQueue, sticky) : undefined;
    this.activities = new ActivityExecutor(engine, options.activities ?? {}, converter, this.logger, this.identity);
  }

  /** Bundles the workflow code (refusing non-deterministic imports) and prepares the sandbox. */
  static async create(options: WorkerOptions): Promise<Worker> {
    validateWorkerOptions(options);
    const logger = options.logger ?? Runtime.instance().logger;
    let bundle = options.workflowBundle;
    if (!bundle && options.workflowsPath) {
      bundle = await bundleWorkflowCode({ workflowsPath: options.workflowsPath, payloadConverterPath: options.dataConverter?.payloadConverterPath });
    }
    const converter = await loadConverter(options);
    const threads = bundle
      ? await WorkflowThreads.start({
          bundle,
          threads: options.workflowThreads ?? 1,
          maxCachedWorkflows: options.maxCachedWorkflows ?? 1000,
          deadlockTimeoutMs: options.deadlockTimeoutMs,
          logger,
          suggestContinueAsNewAt: { events: options.continueAsNewSuggestedAt?.events ?? 10_000, bytes: options.continueAsNewSuggestedAt?.bytes ?? 10 * 1024 * 1024 },
        })
      : undefined;
    const owned = options.connection ? undefined : await NativeConnection.connect();
    const engine = (options.connection ?? owned)!.engine;
    try {
      await checkNamespace(engine, options.namespace ?? 'default');
    } catch (err) {
      await threads?.close();
      await owned?.close();
      throw err;
    }
    return new Worker(options, engine, threads, owned, converter);
  }

  /** Replays a saved history against workflow code; throws DeterminismViolationError on a mismatch. */
  static runReplayHistory(opts: ReplayOptions, history: { events: HistoryEvent[] } | HistoryEvent[], workflowId?: string): Promise<void> {
    return runReplayHistory(opts, history, workflowId);
  }

  getState(): WorkerState {
    return this.state;
  }

  /** Number of workflows in the sticky cache. */
  get cachedWorkflows(): number {
    return this.threads?.cached ?? 0;
  }

  /** Polls until shutdown() (or SIGINT/SIGTERM); resolves once in-flight work is finished. */
  run(): Promise<void> {
    if (this.state !== 'INITIALIZED') throw new Error(`Worker.run() can be called once; the worker is ${this.state}`);
    this.state = 'RUNNING';
    const onSignal = () => this.shutdown();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const loops: Promise<void>[] = [];
    if (this.workflowTasks) loops.push(this.workflowLoop(this.workflowTasks));
    if (this.options.activities && Object.keys(this.options.activities).length) loops.push(this.activityLoop());
    this.runPromise = Promise.all(loops).then(
      async () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await this.threads?.close();
        await this.ownedConnection?.close();
        this.state = this.fatal ? 'FAILED' : 'STOPPED';
        if (this.fatal) throw this.fatal;
      },
    );
    return this.runPromise;
  }

  /** Runs the worker until `fnOrPromise` settles, then shuts it down and returns its result. */
  async runUntil<R>(fnOrPromise: Promise<R> | (() => Promise<R>)): Promise<R> {
    const running = this.run();
    try {
      return await (typeof fnOrPromise === 'function' ? fnOrPromise() : fnOrPromise);
    } finally {
      this.shutdown();
      await running;
    }
  }

  /** Stops polling; running activities get shutdownGraceTimeMs to finish, then are cancelled. */
  shutdown(): void {
    if (this.state !== 'RUNNING') return;
    this.state = 'STOPPING';
    this.abort.abort();
    const grace = this.options.shutdownGraceTimeMs ?? 10_000;
    setTimeout(() => {
      for (const a of this.activities.running) a.abort(new Error('worker shutting down'));
    }, grace).unref();
  }

  private stopWith(err: unknown): void {
    this.fatal ??= err;
    this.logger.error(`worker stopping after an unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    this.shutdown();
  }

  private workflowLoop(handler: WorkflowTaskHandler): Promise<void> {
    const slots = this.options.maxConcurrentWorkflowTaskExecutions ?? 40;
    return pollTasks<WorkflowTask>({
      pollers: this.options.maxConcurrentWorkflowTaskPolls ?? Math.min(DEFAULT_POLLS, slots),
      slots,
      maxUnsettled: 1000, // completions issued and not yet acknowledged
      isRunning: () => this.state === 'RUNNING',
      stopped: this.abort.signal,
      poll: async (maxTasks) => {
        const r = await this.engine.pollWorkflowTasks({ namespace: this.namespace, taskQueue: this.options.taskQueue, identity: this.identity, workerId: this.workerId, maxTasks }, this.abort.signal);
        return r.tasks;
      },
      onPolled: () => this.outage.over(),
      onPollError: (err) => this.onPollError(err),
      run: async (task, free) => {
        let acked: Promise<void>;
        try {
          ({ acked } = await handler.handle(task));
        } catch (err) {
          return this.onWorkflowTaskError(err);
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
    const slots = this.options.maxConcurrentActivityTaskExecutions ?? 100;
    return pollTasks<ActivityTask>({
      pollers: this.options.maxConcurrentActivityTaskPolls ?? Math.min(DEFAULT_POLLS, slots),
      slots,
      maxUnsettled: slots * 10, // attempts not yet reported, bounded too: a slow engine applies back-pressure
      isRunning: () => this.state === 'RUNNING',
      stopped: this.abort.signal,
      poll: async (maxTasks) => {
        const r = await this.engine.pollActivityTasks({ namespace: this.namespace, taskQueue: this.options.taskQueue, identity: this.identity, maxTasks }, this.abort.signal);
        return r.tasks;
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
