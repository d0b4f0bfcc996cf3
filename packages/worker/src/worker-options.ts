// The options of Worker.create, by Temporal's names. Each option Temporal's WorkerOptions has is
// either here with Temporal's meaning and default, or here as `?: never` (so code that sets it
// does not compile) and refused by name at run time (see options.ts, which decides every option).
import type { Duration, PayloadConverter } from '@endure/common';
import type { WorkflowBundle } from './bundler.js';
import type { ActivityFunction } from './activity-executor.js';
import type { EngineConnection } from './connection.js';
import type { Logger } from './logger.js';

/** A bundle from bundleWorkflowCode(), or the path of a file holding one's `code` (Temporal's `{ codePath }`). */
export type WorkflowBundleOption = WorkflowBundle | { codePath: string };

/** How many polls a worker keeps open. Only Temporal's `simple-maximum` kind is implemented. */
export interface PollerBehavior {
  type: 'simple-maximum';
  /** Polls kept open at most; the same as maxConcurrentWorkflowTaskPolls / maxConcurrentActivityTaskPolls. */
  maximum?: number;
}

/** The converters a worker uses. */
export interface WorkerDataConverter {
  /** Used for activities (and, when no path is given, nothing else: the sandbox needs a path). */
  payloadConverter?: PayloadConverter;
  /** A module exporting `payloadConverter`, bundled into the workflow sandbox and used for activities too. */
  payloadConverterPath?: string;
  /** @deprecated Not supported by Endure: failures are encoded by Endure's own converter. */
  failureConverterPath?: never;
  /** @deprecated Not supported by Endure: payloads are stored as the converter produces them. */
  payloadCodecs?: never;
}

export interface WorkerBundlerOptions {
  /** Modules workflow code imports but never uses at run time: bundled as empty modules instead of refused. */
  ignoreModules?: string[];
  /** @deprecated Not supported by Endure: workflows are bundled with esbuild, not webpack. */
  webpackConfigHook?: never;
}

export interface WorkerOptions {
  /** Where the engine is (`NativeConnection.connect({ address })`). Default: a new connection to `sqlite:./endure.db`. */
  connection?: EngineConnection;
  /** Default `'default'`. */
  namespace?: string;
  taskQueue: string;
  /** Written to history with each task this worker completes. Default `${process.pid}@${os.hostname()}`. */
  identity?: string;
  /** Activity functions by name. One named `default` receives the types that have no function of their own. */
  activities?: object;
  /** Path of the module that exports the workflow functions (bundled for the sandbox). Its `default` export receives the workflow types that have no function of their own. */
  workflowsPath?: string;
  /** A bundle from bundleWorkflowCode() (or `{ codePath }`), instead of workflowsPath. */
  workflowBundle?: WorkflowBundleOption;
  bundlerOptions?: WorkerBundlerOptions;
  dataConverter?: WorkerDataConverter;

  /**
   * How long shutdown() lets running activities finish before cancelling them (their attempt then
   * fails, and is retried by policy, if they give in to the cancellation). Default 0: at once.
   */
  shutdownGraceTime?: Duration;
  /**
   * After shutdown(), how long until run() gives up waiting for in-flight work and rejects with
   * GracefulShutdownPeriodExpiredError (what is still running is left behind). Default: wait.
   */
  shutdownForceTime?: Duration;

  /** Activity attempts running at once. Default 100. */
  maxConcurrentActivityTaskExecutions?: number;
  /** Local activity attempts running at once (the others wait for a slot). Default 100. */
  maxConcurrentLocalActivityExecutions?: number;
  /** Workflow tasks running at once. Default 40. */
  maxConcurrentWorkflowTaskExecutions?: number;
  /**
   * Workflow task polls kept open; each asks for up to the free execution slots (at most 64).
   * Default min(4, maxConcurrentWorkflowTaskExecutions): one poll brings a burst of tasks.
   */
  maxConcurrentWorkflowTaskPolls?: number;
  /** Activity task polls kept open, each asking for up to the free slots. Default min(4, maxConcurrentActivityTaskExecutions). */
  maxConcurrentActivityTaskPolls?: number;
  /** `{ type: 'simple-maximum', maximum }`: the same as maxConcurrentWorkflowTaskPolls. */
  workflowTaskPollerBehavior?: PollerBehavior;
  /** `{ type: 'simple-maximum', maximum }`: the same as maxConcurrentActivityTaskPolls. */
  activityTaskPollerBehavior?: PollerBehavior;
  /** False: activities registered here run only as local activities (no activity task polls). Default true. */
  enableNonLocalActivities?: boolean;
  /**
   * Running workflows kept in memory between tasks (0 turns the cache, and sticky routing, off).
   * Default as Temporal's: max(10, (V8 heap limit in MiB - 200) × 600 / 1024).
   */
  maxCachedWorkflows?: number;
  /** Threads that run workflow code, each with its share of the cache. Default 1. */
  workflowThreadPoolSize?: number;
  /** Always true: all workflows of a worker share one sandbox context (false is refused). */
  reuseV8Context?: boolean;
  /** Heartbeats are sent at most this often when the activity has a heartbeat timeout (then at 80% of it, capped by this). Default 60 s. */
  maxHeartbeatThrottleInterval?: Duration;
  /** Heartbeats are sent at most this often when the activity has no heartbeat timeout. Default 30 s. */
  defaultHeartbeatThrottleInterval?: Duration;

  // Endure's own options (Temporal has none of these names).
  /** Where the worker logs. Default: the Runtime's logger (`Runtime.install({ logger })`, as in Temporal). */
  logger?: Logger;
  /** An activation running longer than this without yielding fails its task (DeadlockError). Default 2 s. */
  deadlockTimeoutMs?: number;
  /** When workflowInfo().continueAsNewSuggested turns true. Default 10,000 events or 10 MB. */
  continueAsNewSuggestedAt?: { events?: number; bytes?: number };

  // Temporal's options that Endure refuses (the reason is in options.ts and in the error).
  /** @deprecated Not supported by Endure: there is no worker versioning (use `patched()`); refused when set. */
  buildId?: never;
  /** @deprecated Not supported by Endure: there is no worker versioning (use `patched()`); refused when set. */
  useVersioning?: never;
  /** @deprecated Not supported by Endure: there are no worker deployments (use `patched()`); refused when set. */
  workerDeploymentOptions?: never;
  /** @deprecated Not supported by Endure: there is no Nexus; refused when set. */
  nexusServices?: never;
  /** @deprecated Not supported by Endure: there is no Nexus; refused when set. */
  maxConcurrentNexusTaskExecutions?: never;
  /** @deprecated Not supported by Endure: there is no Nexus; refused when set. */
  maxConcurrentNexusTaskPolls?: never;
  /** @deprecated Not supported by Endure: there is no Nexus; refused when set. */
  nexusTaskPollerBehavior?: never;
  /** @deprecated Not supported by Endure: use the maxConcurrent*Executions options; refused when set. */
  tuner?: never;
  /** @deprecated Not supported by Endure: activities are not rate limited; refused when set. */
  maxActivitiesPerSecond?: never;
  /** @deprecated Not supported by Endure: task queues are not rate limited; refused when set. */
  maxTaskQueueActivitiesPerSecond?: never;
  /** @deprecated Not supported by Endure: sticky tasks come on the same polls as the others; refused when set. */
  nonStickyToStickyPollRatio?: never;
  /** @deprecated Not supported by Endure: the engine hands a sticky task to any worker after 2 s; refused when set. */
  stickyQueueScheduleToStartTimeout?: never;
  /** @deprecated Not supported by Endure: there are no interceptors; refused when set. */
  interceptors?: never;
  /** @deprecated Not supported by Endure: there are no sinks (workflow `log` reaches the worker's logger); refused when set. */
  sinks?: never;
  /** @deprecated Not supported by Endure (and ignored by Temporal); refused when set. */
  enableSDKTracing?: never;
  /** @deprecated Not supported by Endure: there is no enhanced stack trace query (`__stack_trace` works); refused when set. */
  showStackTraceSources?: never;
  /** @deprecated Not supported by Endure: workflow code always runs on a workflow thread; refused when set. */
  debugMode?: never;
  /** @deprecated Not supported by Endure: there are no plugins; refused when set. */
  plugins?: never;
  /** @deprecated Not supported by Endure; refused when set. */
  patchActivationCallback?: never;
}

/** Worker.runUntil's options. */
export interface RunUntilOptions {
  /** How long to wait for the promise after the worker stopped or failed, then reject with PromiseCompletionTimeoutError. Default 0. */
  promiseCompletionTimeout?: Duration;
}

/** What replaying a history needs (Temporal's ReplayWorkerOptions, with the options that only a polling worker uses left out). */
export interface ReplayWorkerOptions {
  workflowsPath?: string;
  workflowBundle?: WorkflowBundleOption;
  bundlerOptions?: WorkerBundlerOptions;
  /** Its payloadConverterPath is bundled with workflowsPath, so replay decodes payloads as the worker did. */
  dataConverter?: WorkerDataConverter;
  reuseV8Context?: boolean;
  /** @deprecated Not supported by Endure: replay needs no task queue; refused when set. */
  replayName?: never;
  /** @deprecated Not supported by Endure: replay records nothing under an identity; refused when set. */
  identity?: never;
  /** @deprecated Not supported by Endure: a replay has no activities to shut down; refused when set. */
  shutdownGraceTime?: never;
  /** @deprecated Not supported by Endure: a replay has no activities to shut down; refused when set. */
  shutdownForceTime?: never;
  /** @deprecated Not supported by Endure: a replay runs on one workflow thread; refused when set. */
  workflowThreadPoolSize?: never;
  /** @deprecated Not supported by Endure: there is no worker versioning; refused when set. */
  buildId?: never;
  /** @deprecated Not supported by Endure: there are no worker deployments; refused when set. */
  workerDeploymentOptions?: never;
  /** @deprecated Not supported by Endure: there are no interceptors; refused when set. */
  interceptors?: never;
  /** @deprecated Not supported by Endure: there are no sinks; refused when set. */
  sinks?: never;
  /** @deprecated Not supported by Endure (and ignored by Temporal); refused when set. */
  enableSDKTracing?: never;
  /** @deprecated Not supported by Endure: there is no enhanced stack trace query; refused when set. */
  showStackTraceSources?: never;
  /** @deprecated Not supported by Endure: there are no plugins; refused when set. */
  plugins?: never;
  /** @deprecated Not supported by Endure; refused when set. */
  patchActivationCallback?: never;
}
