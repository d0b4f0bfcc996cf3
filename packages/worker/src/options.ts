// Every option of Worker.create decided (honoured, with the test that shows it, or refused with
// what to do instead), checked at the API entry, and resolved once — defaults applied, values
// validated — into the ResolvedWorkerOptions the rest of the worker uses.
import { getHeapStatistics } from 'node:v8';
import { checkOptions, optionTable, toMs, optionalMs } from '@endure/common';
import type { ReplayWorkerOptions, RunUntilOptions, WorkerBundlerOptions, WorkerDataConverter, WorkerOptions } from './worker-options.js';
import type { ActivityFunction } from './activity-executor.js';

const WORKER_TEST = 'packages/integration/test/worker-options.test.ts';
const SHUTDOWN_TEST = 'packages/integration/test/worker-shutdown.test.ts';
const DYNAMIC_TEST = 'packages/integration/test/dynamic.test.ts';
const NO_VERSIONING = 'Endure has no worker versioning: keep old and new code paths with patched()/deprecatePatch() from @endure/workflow';
const NO_NEXUS = 'Endure has no Nexus; call other workflows with startChild() or a client in an activity';
const NO_SLOT_TUNER = 'use maxConcurrentWorkflowTaskExecutions, maxConcurrentActivityTaskExecutions and maxConcurrentLocalActivityExecutions';

export const workerOptionTable = optionTable<WorkerOptions>('WorkerOptions', 'Worker.create', {
  connection: { honoured: 'packages/integration/test/worker.test.ts' },
  namespace: { honoured: WORKER_TEST },
  taskQueue: { honoured: 'packages/integration/test/worker.test.ts' },
  identity: { honoured: WORKER_TEST },
  activities: { honoured: DYNAMIC_TEST },
  workflowsPath: { honoured: DYNAMIC_TEST },
  workflowBundle: { honoured: WORKER_TEST },
  bundlerOptions: { honoured: WORKER_TEST },
  dataConverter: { honoured: 'packages/integration/test/worker.test.ts' },
  shutdownGraceTime: { honoured: SHUTDOWN_TEST },
  shutdownForceTime: { honoured: SHUTDOWN_TEST },
  maxConcurrentActivityTaskExecutions: { honoured: 'packages/integration/test/activity-pollers.test.ts' },
  maxConcurrentLocalActivityExecutions: { honoured: WORKER_TEST },
  maxConcurrentWorkflowTaskExecutions: { honoured: WORKER_TEST },
  maxConcurrentWorkflowTaskPolls: { honoured: 'packages/integration/test/activity-pollers.test.ts' },
  maxConcurrentActivityTaskPolls: { honoured: 'packages/integration/test/activity-pollers.test.ts' },
  workflowTaskPollerBehavior: { honoured: WORKER_TEST },
  activityTaskPollerBehavior: { honoured: WORKER_TEST },
  enableNonLocalActivities: { honoured: WORKER_TEST },
  maxCachedWorkflows: { honoured: 'packages/integration/test/worker.test.ts' },
  workflowThreadPoolSize: { honoured: WORKER_TEST },
  reuseV8Context: { honoured: WORKER_TEST },
  maxHeartbeatThrottleInterval: { honoured: WORKER_TEST },
  defaultHeartbeatThrottleInterval: { honoured: WORKER_TEST },
  logger: { honoured: 'packages/integration/test/worker-5xx.test.ts' },
  deadlockTimeoutMs: { honoured: 'packages/integration/test/sandbox.test.ts' },
  continueAsNewSuggestedAt: { honoured: 'packages/integration/test/continue-as-new.test.ts' },
  buildId: { refused: NO_VERSIONING },
  useVersioning: { refused: NO_VERSIONING },
  workerDeploymentOptions: { refused: NO_VERSIONING },
  nexusServices: { refused: NO_NEXUS },
  maxConcurrentNexusTaskExecutions: { refused: NO_NEXUS },
  maxConcurrentNexusTaskPolls: { refused: NO_NEXUS },
  nexusTaskPollerBehavior: { refused: NO_NEXUS },
  tuner: { refused: `slot tuners are not implemented; ${NO_SLOT_TUNER}` },
  maxActivitiesPerSecond: { refused: 'activity rate limits are not implemented; limit concurrency with maxConcurrentActivityTaskExecutions' },
  maxTaskQueueActivitiesPerSecond: { refused: 'task queue rate limits are not implemented; limit concurrency with maxConcurrentActivityTaskExecutions' },
  nonStickyToStickyPollRatio: { refused: 'Endure workers have no separate sticky queue: sticky tasks come on the same polls (set maxConcurrentWorkflowTaskPolls)' },
  stickyQueueScheduleToStartTimeout: { refused: 'the engine hands a sticky task to any worker after 2 s; this is not configurable per worker' },
  interceptors: { refused: 'interceptors are not implemented; wrap activity functions yourself, and use workflow log for workflow-side logging' },
  sinks: { refused: "sinks are not implemented; log from workflows with log from '@endure/workflow' (it reaches the worker's logger and is not repeated on replay)" },
  enableSDKTracing: { refused: 'SDK tracing does not exist (Temporal ignores this option too); remove it' },
  showStackTraceSources: { refused: 'the enhanced stack trace query is not implemented; query __stack_trace for where a workflow waits' },
  debugMode: { refused: 'workflow code always runs on a workflow thread; attach a debugger to worker threads, and raise deadlockTimeoutMs so a breakpoint does not fail the task' },
  plugins: { refused: 'worker plugins are not implemented' },
  patchActivationCallback: { refused: 'patch activation callbacks are not implemented' },
});

export const workerDataConverterTable = optionTable<WorkerDataConverter>('WorkerOptions.dataConverter', 'Worker.create', {
  payloadConverter: { honoured: 'packages/integration/test/worker.test.ts' },
  payloadConverterPath: { honoured: 'packages/integration/test/worker.test.ts' },
  failureConverterPath: { refused: 'custom failure converters are not implemented: failures are encoded by Endure (message, type, details, cause chain)' },
  payloadCodecs: { refused: 'payload codecs are not implemented; encrypt or compress inside a custom payloadConverter' },
});

export const workerBundlerOptionTable = optionTable<WorkerBundlerOptions>('WorkerOptions.bundlerOptions', 'Worker.create', {
  ignoreModules: { honoured: WORKER_TEST },
  webpackConfigHook: { refused: 'workflows are bundled with esbuild, not webpack; list modules to leave out in bundlerOptions.ignoreModules' },
});

export const runUntilOptionTable = optionTable<RunUntilOptions>('RunUntilOptions', 'worker.runUntil', {
  promiseCompletionTimeout: { honoured: SHUTDOWN_TEST },
});

const REPLAY_TEST = 'packages/integration/test/replay.test.ts';
const NOT_IN_REPLAY = 'it has no effect when replaying a history; remove it from the replay options';
export const replayOptionTable = optionTable<ReplayWorkerOptions>('ReplayWorkerOptions', 'Worker.runReplayHistory', {
  workflowsPath: { honoured: REPLAY_TEST },
  workflowBundle: { honoured: REPLAY_TEST },
  bundlerOptions: { honoured: WORKER_TEST },
  dataConverter: { honoured: REPLAY_TEST },
  reuseV8Context: { honoured: WORKER_TEST },
  replayName: { refused: NOT_IN_REPLAY },
  identity: { refused: NOT_IN_REPLAY },
  shutdownGraceTime: { refused: NOT_IN_REPLAY },
  shutdownForceTime: { refused: NOT_IN_REPLAY },
  workflowThreadPoolSize: { refused: NOT_IN_REPLAY },
  buildId: { refused: NO_VERSIONING },
  workerDeploymentOptions: { refused: NO_VERSIONING },
  interceptors: { refused: 'interceptors are not implemented' },
  sinks: { refused: 'sinks are not implemented' },
  enableSDKTracing: { refused: 'SDK tracing does not exist (Temporal ignores this option too); remove it' },
  showStackTraceSources: { refused: 'the enhanced stack trace query is not implemented' },
  plugins: { refused: 'worker plugins are not implemented' },
  patchActivationCallback: { refused: 'patch activation callbacks are not implemented' },
});

/** Refuses what Endure does not implement in the nested options every worker-like call shares. */
export function checkBundleAndConverter(where: string, o: { bundlerOptions?: object; dataConverter?: object; reuseV8Context?: boolean }): void {
  checkOptions(where, 'WorkerOptions.bundlerOptions', o.bundlerOptions, workerBundlerOptionTable);
  checkOptions(where, 'WorkerOptions.dataConverter', o.dataConverter, workerDataConverterTable);
  if (o.reuseV8Context === false) {
    throw new TypeError(`${where}: reuseV8Context: false is not supported: Endure always runs a worker's workflows in one shared sandbox context (each run keeps its own module state); remove the option`);
  }
}

/** Worker options with every default applied and every value checked: the one place defaults live. */
export interface ResolvedWorkerOptions {
  namespace: string;
  taskQueue: string;
  identity: string | undefined;
  activities: Record<string, ActivityFunction>;
  shutdownGraceTime: number;
  shutdownForceTimeMs: number | undefined;
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentLocalActivityExecutions: number;
  maxConcurrentWorkflowTaskExecutions: number;
  workflowTaskPolls: number;
  activityTaskPolls: number;
  enableNonLocalActivities: boolean;
  maxCachedWorkflows: number;
  workflowThreadPoolSize: number;
  maxHeartbeatThrottleIntervalMs: number;
  defaultHeartbeatThrottleIntervalMs: number;
  deadlockTimeoutMs: number;
  continueAsNewSuggestedAt: { events: number; bytes: number };
}

/** Polls kept open per task kind unless the options say: a few, since each takes a burst of tasks. */
const DEFAULT_POLLS = 4;

/** Temporal's default cache size (for its shared-context sandbox): it scales with the V8 heap. */
export function defaultMaxCachedWorkflows(): number {
  const heapMiB = getHeapStatistics().heap_size_limit / (1024 * 1024);
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

const DEFAULT_SUGGEST_CONTINUE_AS_NEW = { events: 10_000, bytes: 10 * 1024 * 1024 };

function wholeNumber(o: object, k: string, min: number): number | undefined {
  const v = (o as Record<string, unknown>)[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new TypeError(`Worker.create: ${k} must be a whole number of at least ${min}, got ${String(v)}`);
  }
  return v;
}

function pollsFrom(o: WorkerOptions, polls: 'maxConcurrentWorkflowTaskPolls' | 'maxConcurrentActivityTaskPolls', behavior: 'workflowTaskPollerBehavior' | 'activityTaskPollerBehavior', slots: number): number {
  const b = o[behavior] as { type?: unknown; maximum?: unknown } | undefined;
  if (b !== undefined) {
    if (b.type !== 'simple-maximum') {
      throw new TypeError(`Worker.create: ${behavior} of type '${String(b.type)}' is not supported by Endure (only 'simple-maximum': poll autoscaling is not implemented); use { type: 'simple-maximum', maximum } or ${polls}`);
    }
    if (o[polls] !== undefined && b.maximum !== undefined) throw new TypeError(`Worker.create: give ${polls} or ${behavior}.maximum, not both`);
    if (b.maximum !== undefined) return wholeNumber(b, 'maximum', 1)!;
  }
  return wholeNumber(o, polls, 1) ?? Math.min(DEFAULT_POLLS, slots);
}

/** Checks Worker.create options up front, naming the option and the fix, and applies the defaults. */
export function resolveWorkerOptions(o: WorkerOptions): ResolvedWorkerOptions {
  if (!o || typeof o !== 'object') throw new TypeError('Worker.create(options): options are required');
  checkOptions('Worker.create', 'WorkerOptions', o, workerOptionTable);
  checkBundleAndConverter('Worker.create', o);
  if (typeof o.taskQueue !== 'string' || o.taskQueue === '') {
    throw new TypeError('Worker.create: taskQueue is required (the queue your client starts workflows on)');
  }
  const activities = (o.activities ?? {}) as Record<string, unknown>;
  if (!o.workflowsPath && !o.workflowBundle && Object.keys(activities).length === 0) {
    throw new TypeError('Worker.create: give workflowsPath (or workflowBundle) for workflows, activities, or both');
  }
  if (o.workflowsPath && o.workflowBundle) throw new TypeError('Worker.create: give either workflowsPath or workflowBundle, not both');
  if (!o.workflowsPath && !o.workflowBundle && o.enableNonLocalActivities === false) {
    throw new TypeError('Worker.create: with enableNonLocalActivities: false the activities run only as local activities of this worker\'s workflows; give workflowsPath (or workflowBundle) too');
  }
  for (const [name, fn] of Object.entries(activities)) {
    if (typeof fn !== 'function') throw new TypeError(`Worker.create: activities.${name} is ${typeof fn}, not a function`);
  }
  const cached = o.maxCachedWorkflows;
  if (cached !== undefined && (!Number.isInteger(cached) || cached < 0)) throw new TypeError(`Worker.create: maxCachedWorkflows must be a non-negative integer, got ${cached}`);
  const workflowSlots = wholeNumber(o, 'maxConcurrentWorkflowTaskExecutions', 1) ?? 40;
  const activitySlots = wholeNumber(o, 'maxConcurrentActivityTaskExecutions', 1) ?? 100;
  const suggest = o.continueAsNewSuggestedAt;
  return {
    namespace: o.namespace ?? 'default',
    taskQueue: o.taskQueue,
    identity: o.identity,
    activities: activities as Record<string, ActivityFunction>,
    shutdownGraceTime: o.shutdownGraceTime === undefined ? 0 : toMs(o.shutdownGraceTime, 'Worker.create: shutdownGraceTime'),
    shutdownForceTimeMs: optionalMs(o.shutdownForceTime, 'Worker.create: shutdownForceTime'),
    maxConcurrentActivityTaskExecutions: activitySlots,
    maxConcurrentLocalActivityExecutions: wholeNumber(o, 'maxConcurrentLocalActivityExecutions', 1) ?? 100,
    maxConcurrentWorkflowTaskExecutions: workflowSlots,
    workflowTaskPolls: pollsFrom(o, 'maxConcurrentWorkflowTaskPolls', 'workflowTaskPollerBehavior', workflowSlots),
    activityTaskPolls: pollsFrom(o, 'maxConcurrentActivityTaskPolls', 'activityTaskPollerBehavior', activitySlots),
    enableNonLocalActivities: o.enableNonLocalActivities ?? true,
    maxCachedWorkflows: cached ?? defaultMaxCachedWorkflows(),
    workflowThreadPoolSize: wholeNumber(o, 'workflowThreadPoolSize', 1) ?? 1,
    maxHeartbeatThrottleIntervalMs: o.maxHeartbeatThrottleInterval === undefined ? 60_000 : toMs(o.maxHeartbeatThrottleInterval, 'Worker.create: maxHeartbeatThrottleInterval'),
    defaultHeartbeatThrottleIntervalMs: o.defaultHeartbeatThrottleInterval === undefined ? 30_000 : toMs(o.defaultHeartbeatThrottleInterval, 'Worker.create: defaultHeartbeatThrottleInterval'),
    deadlockTimeoutMs: wholeNumber(o, 'deadlockTimeoutMs', 1) ?? 2000,
    continueAsNewSuggestedAt: { events: suggest?.events ?? DEFAULT_SUGGEST_CONTINUE_AS_NEW.events, bytes: suggest?.bytes ?? DEFAULT_SUGGEST_CONTINUE_AS_NEW.bytes },
  };
}

export { DEFAULT_SUGGEST_CONTINUE_AS_NEW };
