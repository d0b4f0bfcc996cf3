import { EventEmitter } from 'node:events';
import { CancelledFailure } from '@endure/common';
import { checkOptions, optionTable } from '@endure/common';
import { Context, type ActivityCancellationDetails, type ActivityCancelReason, type ActivityInfo, type ActivityLogger } from '@endure/activity';
import { Runtime } from '@endure/worker';

/** The activity info MockActivityEnvironment uses for fields its constructor does not set. */
export const defaultActivityInfo: ActivityInfo = {
  taskToken: 'test',
  base64TaskToken: 'test',
  activityId: 'test',
  activityType: 'unknown',
  attempt: 1,
  namespace: 'default',
  activityNamespace: 'default',
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
  inWorkflow: true,
};

export interface MockActivityEnvironmentOptions {
  /** Where the activity's `log` goes. Default: the worker Runtime's logger. */
  logger?: ActivityLogger;
  /** @deprecated Not supported by Endure: there are no interceptors; refused when set. */
  interceptors?: never;
  /** @deprecated Not supported by Endure: there is no metrics API; refused when set. */
  metricMeter?: never;
  /** @deprecated Not supported by Endure: activities get no Client from their context (see Context.client); refused when set. */
  client?: never;
}

export const mockActivityEnvironmentOptionTable = optionTable<MockActivityEnvironmentOptions>('MockActivityEnvironmentOptions', 'new MockActivityEnvironment', {
  logger: { honoured: 'packages/testing/test/mock-activity-environment.test.ts' },
  interceptors: { refused: 'activity interceptors are not implemented; wrap the activity function in the test instead' },
  metricMeter: { refused: 'there is no metrics API in activities (Context.metricMeter throws)' },
  client: { refused: 'activities get no Client from their context in Endure (Context.client throws); give your activity a client through a closure' },
});

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
    checkOptions('new MockActivityEnvironment', 'MockActivityEnvironmentOptions', opts, mockActivityEnvironmentOptionTable);
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

  /**
   * Cancels the activity as the worker would: cancellationSignal() aborts, cancelled() rejects with
   * a CancelledFailure whose message is `reason` (default 'CANCELLED'), and cancellationDetails()
   * says why (`details`, or the reason's own: CANCELLED → cancelRequested, TIMED_OUT → timedOut…).
   */
  cancel = (reason?: ActivityCancelReason | string, details?: ActivityCancellationDetails): void => {
    const known: ActivityCancelReason[] = ['CANCELLED', 'NOT_FOUND', 'TIMED_OUT', 'WORKER_SHUTDOWN'];
    const r = reason ?? 'CANCELLED';
    const kind = (known as string[]).includes(r) ? (r as ActivityCancelReason) : 'CANCELLED';
    this.context.cancel(kind, new CancelledFailure(r), details);
  };

  /** Runs `fn(...args)` as the current activity. */
  run<P extends unknown[], R>(fn: (...args: P) => R | Promise<R>, ...args: P): Promise<R> {
    return this.context.run(async () => fn(...args));
  }
}
