import { EventEmitter } from 'node:events';
import { CancelledFailure } from '@endure/common';
import { Context, type ActivityInfo, type ActivityLogger } from '@endure/activity';
import { Runtime } from '@endure/worker';

/** The activity info MockActivityEnvironment uses for fields its constructor does not set. */
export const defaultActivityInfo: ActivityInfo = {
  taskToken: 'test',
  activityId: 'test',
  activityType: 'unknown',
  attempt: 1,
  workflowNamespace: 'default',
  workflowType: 'test',
  workflowExecution: { workflowId: 'test', runId: 'dead-beef' },
  taskQueue: 'test',
  heartbeatDetails: undefined,
  scheduledTimestampMs: 1,
  currentAttemptScheduledTimestampMs: 1,
  startToCloseTimeoutMs: 1000,
  scheduleToCloseTimeoutMs: 1000,
  heartbeatTimeoutMs: undefined,
  isLocal: false,
};

export interface MockActivityEnvironmentOptions {
  /** Where the activity's `log` goes. Default: the worker Runtime's logger. */
  logger?: ActivityLogger;
}

/**
 * Runs activity functions without a worker, inside a real activity Context. Emits 'heartbeat'
 * with each heartbeat's details (unthrottled, unlike a worker); cancel() cancels the activity.
 * Like Temporal's, one Context serves every run(): after cancel() later runs start cancelled.
 */
export class MockActivityEnvironment extends EventEmitter {
  readonly context: Context;
  private readonly abort = new AbortController();

  constructor(info?: Partial<ActivityInfo>, opts: MockActivityEnvironmentOptions = {}) {
    super();
    const full: ActivityInfo = { ...defaultActivityInfo, ...info };
    const base = opts.logger ?? Runtime.instance().logger;
    const meta = { activityId: full.activityId, activityType: full.activityType, attempt: full.attempt };
    const log: ActivityLogger = {
      trace: (m, a) => base.trace(m, { ...meta, ...a }),
      debug: (m, a) => base.debug(m, { ...meta, ...a }),
      info: (m, a) => base.info(m, { ...meta, ...a }),
      warn: (m, a) => base.warn(m, { ...meta, ...a }),
      error: (m, a) => base.error(m, { ...meta, ...a }),
    };
    this.context = new Context(full, this.abort, (details) => this.emit('heartbeat', details), log);
  }

  /** Cancels the activity: cancellationSignal() aborts and cancelled() rejects with CancelledFailure. */
  cancel = (reason?: unknown): void => {
    if (this.abort.signal.aborted) return;
    this.abort.abort(reason instanceof CancelledFailure ? reason : new CancelledFailure(reason === undefined ? 'Activity cancelled' : String(reason)));
  };

  /** Runs `fn(...args)` as the current activity. */
  run<P extends unknown[], R>(fn: (...args: P) => R | Promise<R>, ...args: P): Promise<R> {
    return this.context.run(async () => fn(...args));
  }
}
