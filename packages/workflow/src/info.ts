import { activator } from './current.js';
import { uuid4From } from './random.js';
import { decodeFailure } from '@endure/common';

/**
 * Facts about the running workflow, as Temporal's WorkflowInfo has them. Temporal fields Endure
 * has no source for are absent (not present-but-empty): `parent`, `root`, `retryPolicy`,
 * `typedSearchAttributes`, `priority`, `currentBuildId`, `currentDeploymentVersion`,
 * `targetWorkerDeploymentVersionChanged`, `suggestedContinueAsNewReasons`.
 */
export interface WorkflowInfo {
  readonly workflowId: string;
  readonly runId: string;
  /** The type the run was started as (for a dynamic workflow, the name the default export received). */
  readonly workflowType: string;
  readonly namespace: string;
  readonly taskQueue: string;
  /** Run id of the first run of this chain of continue-as-new runs. */
  readonly firstExecutionRunId: string;
  /** The run this one continued from (continue-as-new). */
  readonly continuedFromExecutionRunId?: string;
  /** When the chain's first run started. */
  readonly startTime: Date;
  /** When this run started. */
  readonly runStartTime: Date;
  readonly executionTimeoutMs?: number;
  /** When the whole chain times out (workflowExecutionTimeout). */
  readonly executionExpirationTime?: Date;
  readonly runTimeoutMs?: number;
  readonly taskTimeoutMs: number;
  /** Always 1: Endure has no workflow retries. */
  readonly attempt: number;
  /** Events in history up to this activation. */
  readonly historyLength: number;
  /** A cron run: its schedule. */
  readonly cronSchedule?: string;
  /** A cron run: how long it waited for its scheduled time, in ms. */
  readonly cronScheduleToScheduleInterval?: number;
  /** A cron run: the result of the chain's last run that completed. */
  readonly lastResult?: unknown;
  /** A cron run: the failure of the run before, if it failed or timed out. */
  readonly lastFailure?: Error;
  /** Bytes of history so far (approximate: the size of its events as JSON). */
  readonly historySize: number;
  /** True once history is long enough that the workflow should continueAsNew(). */
  readonly continueAsNewSuggested: boolean;
  /** Decoded memo (upsertMemo changes it). */
  readonly memo: Record<string, unknown>;
  /** Decoded search attributes (upsertSearchAttributes changes them). Values as stored: 'eu', not Temporal's ['eu']. */
  readonly searchAttributes: Record<string, unknown>;
  readonly unsafe: {
    /** True while the code re-runs recorded history. */
    readonly isReplaying: boolean;
    /** True while recorded history events are replayed (false in query handlers and update validators). */
    readonly isReplayingHistoryEvents: boolean;
    /** The activation's time, as Date.now() (Endure does not show workflow code the machine's clock). */
    now(): number;
  };
}

/** @deprecated The old name of WorkflowInfo. */
export type WorkflowInfoView = WorkflowInfo;

/** Facts about the running workflow (id, run id, type, task queue, history length...). */
export function workflowInfo(): WorkflowInfo {
  const a = activator('workflowInfo()');
  const i = a.info;
  const decode = (m: Record<string, import('@endure/protocol').Payload> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, a.converter.fromPayload(v)]));
  return {
    workflowId: i.workflowId,
    runId: i.runId,
    workflowType: i.workflowType,
    namespace: i.namespace,
    taskQueue: i.taskQueue,
    firstExecutionRunId: i.firstRunId,
    continuedFromExecutionRunId: i.continuedFromExecutionRunId,
    startTime: new Date(i.startTime),
    runStartTime: new Date(i.runStartTime),
    executionTimeoutMs: i.executionTimeoutMs,
    executionExpirationTime: i.executionExpirationTime === undefined ? undefined : new Date(i.executionExpirationTime),
    runTimeoutMs: i.runTimeoutMs,
    taskTimeoutMs: i.taskTimeoutMs,
    attempt: i.attempt,
    historyLength: i.historyLength,
    cronSchedule: i.cronSchedule,
    cronScheduleToScheduleInterval: i.cronScheduleToScheduleInterval,
    ...(i.lastCompletionResult && { lastResult: a.converter.fromPayload(i.lastCompletionResult) }),
    ...(i.lastFailure && { lastFailure: decodeFailure(i.lastFailure, a.converter) }),
    historySize: a.historySize,
    continueAsNewSuggested: a.continueAsNewSuggested,
    memo: decode(i.memo),
    searchAttributes: decode(i.searchAttributes),
    unsafe: { isReplaying: a.replaying, isReplayingHistoryEvents: a.replaying && !a.inReadOnlyHandler, now: () => Date.now() },
  };
}

/** A UUID that is the same on every replay of this point in the workflow. */
export function uuid4(): string {
  return uuid4From(activator('uuid4()').random);
}

type Attrs = Record<string, unknown>;

function emit(level: string, message: string, attrs?: Attrs): void {
  const a = activator('log');
  if (a.replaying) return; // already logged when the activation first ran
  a.host.log(level, message, {
    ...attrs,
    namespace: a.info?.namespace,
    workflowId: a.info?.workflowId,
    runId: a.info?.runId,
    workflowType: a.info?.workflowType,
  });
}

/** The workflow logger: each line carries the workflow's ids, and replays do not repeat lines. */
export const log = {
  trace: (m: string, a?: Attrs) => emit('TRACE', m, a),
  debug: (m: string, a?: Attrs) => emit('DEBUG', m, a),
  info: (m: string, a?: Attrs) => emit('INFO', m, a),
  warn: (m: string, a?: Attrs) => emit('WARN', m, a),
  error: (m: string, a?: Attrs) => emit('ERROR', m, a),
};
