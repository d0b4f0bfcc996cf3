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

/** The context of one activity attempt, available anywhere inside it via Context.current(). */
export class Context {
  /** Rejects with CancelledFailure when the activity is cancelled; never resolves. */
  readonly cancelled: Promise<never>;

  constructor(
    readonly info: ActivityInfo,
    private readonly abort: AbortController,
    private readonly sendHeartbeat: (details?: unknown) => void,
    readonly log: ActivityLogger,
  ) {
    this.cancelled = new Promise<never>((_, reject) => {
      const fire = () => reject(abort.signal.reason instanceof CancelledFailure ? abort.signal.reason : new CancelledFailure(String(abort.signal.reason ?? 'Activity cancelled')));
      if (abort.signal.aborted) fire();
      else abort.signal.addEventListener('abort', fire, { once: true });
    });
    this.cancelled.catch(() => {}); // observing it is optional
  }

  /** The current activity's context; throws outside an activity. */
  static current(): Context {
    const c = storage.getStore();
    if (!c) throw new Error('Context.current() was called outside of an activity');
    return c;
  }

  /** Runs fn with this context as the current one (used by the worker). */
  run<T>(fn: () => T): T {
    return storage.run(this, fn);
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
