import { AsyncLocalStorage } from 'node:async_hooks';
import { CancelledFailure, toMs, type Duration } from '@endure/common';

/**
 * Facts about the running activity attempt (Temporal's `Info`). Differences: `taskToken` is the
 * text Endure's `client.activity.complete(taskToken, …)` takes (Temporal's is bytes, with the text
 * in `base64TaskToken`; here both hold the same text); activities always run for a workflow
 * (Temporal's standalone-activity fields `activityRunId` and `priority` are absent).
 */
export interface ActivityInfo {
  taskToken: string;
  /** The same text as `taskToken` (Temporal's base64 of its byte token). */
  base64TaskToken: string;
  activityId: string;
  activityType: string;
  attempt: number;
  /** The namespace the activity runs in. */
  namespace: string;
  /** @deprecated Temporal's older name of `namespace`. */
  activityNamespace: string;
  /** @deprecated Temporal's older name of `namespace`. */
  workflowNamespace: string;
  workflowType: string;
  workflowExecution: { workflowId: string; runId: string };
  taskQueue: string;
  /** Details of the last heartbeat of an earlier attempt: where to resume. */
  heartbeatDetails: unknown;
  scheduledTimestampMs: number;
  currentAttemptScheduledTimestampMs: number;
  startToCloseTimeoutMs?: number;
  scheduleToCloseTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  isLocal: boolean;
  /** Always true: every Endure activity is scheduled by a workflow. */
  inWorkflow: boolean;
  /** The retry policy the engine applies to this activity, in milliseconds (absent for defaults). */
  retryPolicy?: { initialIntervalMs?: number; backoffCoefficient?: number; maximumIntervalMs?: number; maximumAttempts?: number; nonRetryableErrorTypes?: string[] };
}

/** Why an activity was cancelled (Temporal's ActivityCancellationDetails); set once, when it is. */
export interface ActivityCancellationDetails {
  /** The engine no longer knows the attempt (it timed out, or its workflow closed). */
  readonly notFound: boolean;
  /** The workflow asked for the cancellation. */
  readonly cancelRequested: boolean;
  /** Always false: Endure cannot pause activities. */
  readonly paused: boolean;
  /** The attempt's start-to-close timeout passed. */
  readonly timedOut: boolean;
  /** The worker is shutting down (after its shutdownGraceTime). */
  readonly workerShutdown: boolean;
}

/** Temporal's cancellation reasons, as the worker and MockActivityEnvironment report them. */
export type ActivityCancelReason = 'CANCELLED' | 'NOT_FOUND' | 'TIMED_OUT' | 'WORKER_SHUTDOWN';

function detailsFor(reason: ActivityCancelReason): ActivityCancellationDetails {
  return { notFound: reason === 'NOT_FOUND', cancelRequested: reason === 'CANCELLED', paused: false, timedOut: reason === 'TIMED_OUT', workerShutdown: reason === 'WORKER_SHUTDOWN' };
}

export interface ActivityLogger {
  trace(m: string, a?: Record<string, unknown>): void;
  debug(m: string, a?: Record<string, unknown>): void;
  info(m: string, a?: Record<string, unknown>): void;
  warn(m: string, a?: Record<string, unknown>): void;
  error(m: string, a?: Record<string, unknown>): void;
}

const storage = new AsyncLocalStorage<Context>();
/**
 * Activity functions that have not settled yet. The storage is enabled only while there are
 * some: an enabled AsyncLocalStorage makes Node hook every promise in the process (the engine's
 * too), which costs ~5x per await; disabled, promises are free again.
 */
let unsettled = 0;
const settled = (): void => {
  if (--unsettled === 0) storage.disable();
};

/** The context of one activity attempt, available anywhere inside it via Context.current(). */
export class Context {
  private cancelledPromise: Promise<never> | undefined;
  private details: ActivityCancellationDetails | undefined;

  constructor(
    readonly info: ActivityInfo,
    private readonly abort: AbortController,
    private readonly sendHeartbeat: (details?: unknown) => void,
    readonly log: ActivityLogger,
  ) {}

  /**
   * Cancels the attempt (used by the worker and MockActivityEnvironment): records why, then
   * aborts cancellationSignal and rejects `cancelled`. A second cancellation changes nothing.
   */
  cancel(reason: ActivityCancelReason, failure: CancelledFailure, details: ActivityCancellationDetails = detailsFor(reason)): void {
    if (this.abort.signal.aborted) return;
    this.details = details;
    this.abort.abort(failure);
  }

  /** Why the activity was cancelled; undefined while it is not. */
  get cancellationDetails(): ActivityCancellationDetails | undefined {
    return this.details;
  }

  /**
   * Temporal's Client for activities. Endure workers do not hand activities a client: create one in
   * your worker process and close over it, e.g. `activities: makeActivities(new Client({ connection }))`.
   */
  get client(): never {
    throw new Error("Context.client is not supported by Endure: create a Client in your worker process (new Client({ connection: await Connection.connect({ address }) })) and give it to your activities, e.g. through a closure in the activities object");
  }

  /** Temporal's metric meter. Endure has no metrics API: this throws, naming it. */
  get metricMeter(): never {
    throw new Error('Context.metricMeter is not supported by Endure: there is no metrics API; record metrics with your own library in the activity');
  }

  /** Rejects with CancelledFailure when the activity is cancelled; never resolves. */
  get cancelled(): Promise<never> {
    // Made on first use: most activities never look, and a listener on the signal is not free.
    if (!this.cancelledPromise) {
      const signal = this.abort.signal;
      this.cancelledPromise = new Promise<never>((_, reject) => {
        const fire = () => reject(signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure(String(signal.reason ?? 'Activity cancelled')));
        if (signal.aborted) fire();
        else signal.addEventListener('abort', fire, { once: true });
      });
      this.cancelledPromise.catch(() => {}); // observing it is optional
    }
    return this.cancelledPromise;
  }

  /** The current activity's context; throws outside an activity. */
  static current(): Context {
    const c = storage.getStore();
    if (!c) throw new Error('Context.current() was called outside of an activity');
    return c;
  }

  /** Runs fn with this context as the current one (used by the worker), until what it returns settles. */
  run<T>(fn: () => T): T {
    unsettled++;
    let out: T;
    try {
      out = storage.run(this, fn);
    } catch (err) {
      settled();
      throw err;
    }
    if (typeof (out as { then?: unknown } | undefined)?.then === 'function') Promise.resolve(out).then(settled, settled);
    else settled();
    return out;
  }

  /** Aborts when the activity is cancelled (pass it to fetch and friends). */
  get cancellationSignal(): AbortSignal {
    return this.abort.signal;
  }

  /** Reports progress; `details` reach the next attempt as info.heartbeatDetails. Throttled. */
  heartbeat(details?: unknown): void {
    this.sendHeartbeat(details);
  }

  /** Sleeps, but rejects with CancelledFailure as soon as the activity is cancelled. */
  sleep(duration: Duration): Promise<void> {
    const ms = toMs(duration, 'sleep duration');
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.abort.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        this.cancelled.catch(reject);
      };
      if (this.abort.signal.aborted) onAbort();
      else this.abort.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
