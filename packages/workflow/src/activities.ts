import type { RetryPolicy as WireRetryPolicy } from '@endure/protocol';
import { ActivityFailure, activityFailureMessage, CancelledFailure, checkOptions, toMs, optionalMs, toPayloads, type ActivityCancellationType, type Duration } from '@endure/common';
import { activator } from './current.js';
import { currentScope } from './cancellation-scope.js';
import { callerStack } from './activator.js';
import { activityOptionTable, localActivityOptionTable, retryOptionTable } from './option-tables.js';

export interface RetryOptions {
  initialInterval?: Duration;
  backoffCoefficient?: number;
  maximumInterval?: Duration;
  maximumAttempts?: number;
  nonRetryableErrorTypes?: string[];
}

/** Temporal's name for the retry options. */
export type RetryPolicy = RetryOptions;

export interface ActivityOptions {
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  scheduleToStartTimeout?: Duration;
  heartbeatTimeout?: Duration;
  retry?: RetryOptions;
  taskQueue?: string;
  activityId?: string;
  /** What cancelling the scope does (default TRY_CANCEL, as Temporal's in practice). */
  cancellationType?: ActivityCancellationType;
  /** Temporal's permission to hand the activity to this worker eagerly; Endure never does, so any value behaves as `false`. */
  allowEagerDispatch?: boolean;
  /** @deprecated Not supported by Endure: there is no worker versioning; refused when set. */
  versioningIntent?: never;
  /** @deprecated Not supported by Endure: there is no user metadata; refused when set. */
  summary?: never;
  /** @deprecated Not supported by Endure: there are no task priorities; refused when set. */
  priority?: never;
}

const ACTIVITY_CANCELLATION_TYPES: readonly unknown[] = ['TRY_CANCEL', 'WAIT_CANCELLATION_COMPLETED', 'ABANDON'];

/** Activity functions as workflow code sees them: each call returns a promise of the result. */
export type ActivityInterfaceFor<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

function toRetryPolicy(r: RetryOptions | undefined): WireRetryPolicy {
  if (!r) return {};
  return {
    initialIntervalMs: optionalMs(r.initialInterval, 'retry.initialInterval'),
    backoffCoefficient: r.backoffCoefficient,
    maximumIntervalMs: optionalMs(r.maximumInterval, 'retry.maximumInterval'),
    maximumAttempts: r.maximumAttempts,
    nonRetryableErrorTypes: r.nonRetryableErrorTypes,
  };
}

/** Schedules one activity and resolves with its result, or rejects with ActivityFailure. */
export function scheduleActivity(activityType: string, args: unknown[], options: ActivityOptions): Promise<unknown> {
  const a = activator('an activity call');
  if (options.startToCloseTimeout === undefined && options.scheduleToCloseTimeout === undefined) {
    throw new TypeError(`activity '${activityType}': set startToCloseTimeout or scheduleToCloseTimeout in proxyActivities options`);
  }
  const seq = a.nextActivitySeq();
  const activityId = options.activityId ?? String(seq);
  const scope = currentScope(a.rootScope);
  if (scope.consideredCancelled) {
    return Promise.reject(new ActivityFailure(activityFailureMessage(activityType, activityId, 'cancelled before it was scheduled'), activityType, activityId, 'CANCEL_REQUESTED', new CancelledFailure('Activity cancelled')));
  }
  const cancellationType = options.cancellationType ?? 'TRY_CANCEL';
  return new Promise((resolve, reject) => {
    const off = scope.onCancel((reason) => {
      if (!a.activities.has(seq)) return;
      if (cancellationType !== 'ABANDON') a.push({ type: 'RequestCancelActivity', seq });
      if (cancellationType !== 'WAIT_CANCELLATION_COMPLETED') {
        a.activities.delete(seq);
        reject(new ActivityFailure(activityFailureMessage(activityType, activityId, 'cancelled'), activityType, activityId, 'CANCEL_REQUESTED', reason));
      }
    });
    a.activities.set(seq, {
      stack: callerStack(),
      activityType,
      activityId,
      resolve: (v) => (off(), resolve(v)),
      reject: (e) => (off(), reject(e)),
    });
    a.push({
      type: 'ScheduleActivity',
      seq,
      activityId,
      activityType,
      taskQueue: options.taskQueue,
      args: toPayloads(a.converter, args, `activity '${activityType}' argument`),
      timeouts: {
        startToCloseTimeoutMs: optionalMs(options.startToCloseTimeout, 'startToCloseTimeout'),
        scheduleToCloseTimeoutMs: optionalMs(options.scheduleToCloseTimeout, 'scheduleToCloseTimeout'),
        scheduleToStartTimeoutMs: optionalMs(options.scheduleToStartTimeout, 'scheduleToStartTimeout'),
        heartbeatTimeoutMs: optionalMs(options.heartbeatTimeout, 'heartbeatTimeout'),
      },
      retryPolicy: toRetryPolicy(options.retry),
    });
  });
}

/**
 * Returns an object whose properties call activities by name with these options:
 * `const { charge } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' })`.
 */
export function proxyActivities<A = Record<string, (...args: never[]) => unknown>>(options: ActivityOptions): ActivityInterfaceFor<A> {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new TypeError('proxyActivities(options): options are required, e.g. { startToCloseTimeout: "1 minute" }');
  }
  checkOptions('proxyActivities', 'ActivityOptions', options, activityOptionTable);
  checkOptions('proxyActivities', 'RetryPolicy', options.retry, retryOptionTable);
  const ct = options.cancellationType;
  if (ct !== undefined && !ACTIVITY_CANCELLATION_TYPES.includes(ct)) {
    throw new TypeError(`proxyActivities: cancellationType '${String(ct)}' is not one of ${ACTIVITY_CANCELLATION_TYPES.join(', ')}`);
  }
  // Validate durations now so a typo fails where it is written.
  for (const k of ['startToCloseTimeout', 'scheduleToCloseTimeout', 'scheduleToStartTimeout', 'heartbeatTimeout'] as const) {
    if (options[k] !== undefined) toMs(options[k], k);
  }
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      if (name === 'then') return undefined; // so the proxy is not mistaken for a thenable
      return (...args: unknown[]) => scheduleActivity(name, args, options);
    },
  });
}

export interface LocalActivityOptions {
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  retry?: RetryOptions;
  /** @deprecated Not supported by Endure: a local activity starts as soon as a slot is free; refused when set. */
  scheduleToStartTimeout?: never;
  /** @deprecated Not supported by Endure: retries back off inside the workflow task; refused when set. */
  localRetryThreshold?: never;
  /** @deprecated Not supported by Endure: local activities run to completion; refused when set. */
  cancellationType?: never;
  /** @deprecated Not supported by Endure: there is no user metadata; refused when set. */
  summary?: never;
}

/** Schedules a local activity: the workflow's own worker runs it and records its outcome as a marker. */
function scheduleLocalActivity(activityType: string, args: unknown[], options: LocalActivityOptions): Promise<unknown> {
  const a = activator('a local activity call');
  if (options.startToCloseTimeout === undefined && options.scheduleToCloseTimeout === undefined) {
    throw new TypeError(`local activity '${activityType}': set startToCloseTimeout or scheduleToCloseTimeout in proxyLocalActivities options`);
  }
  const seq = a.nextActivitySeq();
  const scope = currentScope(a.rootScope);
  if (scope.consideredCancelled) {
    return Promise.reject(new ActivityFailure(`local ${activityFailureMessage(activityType, String(seq), 'cancelled before it was scheduled')}`, activityType, String(seq), 'CANCEL_REQUESTED', new CancelledFailure('cancelled')));
  }
  return new Promise((resolve, reject) => {
    a.activities.set(seq, { stack: callerStack(), activityType, activityId: String(seq), resolve, reject });
    a.push({
      type: 'ScheduleLocalActivity',
      seq,
      activityType,
      args: toPayloads(a.converter, args, `local activity '${activityType}' argument`),
      timeouts: {
        startToCloseTimeoutMs: optionalMs(options.startToCloseTimeout, 'startToCloseTimeout'),
        scheduleToCloseTimeoutMs: optionalMs(options.scheduleToCloseTimeout, 'scheduleToCloseTimeout'),
      },
      retryPolicy: toRetryPolicy(options.retry),
    });
  });
}

/**
 * Local activities (Temporal's): short activities the workflow's own worker runs within the
 * workflow task, without a trip through a task queue; the outcome is recorded as a marker, so a
 * replay does not run them again. Use them for quick work; long work belongs in proxyActivities.
 */
export function proxyLocalActivities<A = Record<string, (...args: never[]) => unknown>>(options: LocalActivityOptions): ActivityInterfaceFor<A> {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new TypeError('proxyLocalActivities(options): options are required, e.g. { startToCloseTimeout: "10 seconds" }');
  }
  checkOptions('proxyLocalActivities', 'LocalActivityOptions', options, localActivityOptionTable);
  checkOptions('proxyLocalActivities', 'RetryPolicy', options.retry, retryOptionTable);
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_target, name) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      return (...args: unknown[]) => scheduleLocalActivity(name, args, options);
    },
  });
}
