import { AsyncLocalStorage } from 'node:async_hooks';
import { CancelledFailure, toMs, type Duration } from '@endure/common';

/** Facts about the running activity attempt. */
export interface ActivityInfo {
  taskToken: string;
  activityId: string;
  activityType: string;
  attempt: number;
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

  constructor(
    readonly info: ActivityInfo,
    private readonly abort: AbortController,
    private readonly sendHeartbeat: (details?: unknown) => void,
    readonly log: ActivityLogger,
  ) {}

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
