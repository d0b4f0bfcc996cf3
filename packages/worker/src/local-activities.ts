import type { Command, Failure, Payload } from '@endure/protocol';
import { activityFailureMessage, CancelledFailure, encodeFailure, fromPayloads, nextRetry, type PayloadConverter } from '@endure/common';
import { Context } from '@endure/activity';
import { activityFunction, type ActivityFunction } from './activity-executor.js';
import type { Logger } from './logger.js';

type Scheduled = Extract<Command, { type: 'ScheduleLocalActivity' }>;
export interface LocalOutcome {
  attempt: number;
  result?: Payload;
  failure?: Failure;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs local activities for the worker that runs their workflow: in process, with retries and
 * timeouts by their options, inside the workflow task. The outcome is recorded as a marker.
 */
export class LocalActivityRunner {
  /** Attempts running now (Worker.getStatus). */
  running = 0;
  /** Attempts waiting for one of the maxConcurrentLocalActivityExecutions slots, in arrival order. */
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly activities: Record<string, ActivityFunction>,
    private readonly converter: PayloadConverter,
    private readonly logger: Logger,
    private readonly maxConcurrent: number,
  ) {}

  private async slot(): Promise<() => void> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    return () => {
      this.running--;
      this.waiting.shift()?.();
    };
  }

  async run(c: Scheduled, run: { namespace: string; workflowId: string; runId: string; workflowType: string; taskQueue: string }): Promise<LocalOutcome> {
    const scheduledTime = Date.now();
    const deadline = c.timeouts.scheduleToCloseTimeoutMs ? scheduledTime + c.timeouts.scheduleToCloseTimeoutMs : Infinity;
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(c, run, attempt, scheduledTime).then(
        (result) => ({ result }),
        (err: unknown) => ({ error: err }),
      );
      if ('result' in failure) return { attempt, result: this.converter.toPayload(failure.result) };
      const cause = encodeFailure(failure.error, this.converter);
      const next = nextRetry(c.retryPolicy, attempt, cause);
      const stop = 'stop' in next ? next.stop : Date.now() + next.delayMs >= deadline ? 'TIMEOUT' : undefined;
      if (stop) {
        return { attempt, failure: { message: `local ${activityFailureMessage(c.activityType, String(c.seq), `failed: ${cause.message}`)}`, info: { type: 'activity', activityType: c.activityType, activityId: String(c.seq), retryState: stop }, cause } };
      }
      await sleep((next as { delayMs: number }).delayMs);
    }
  }

  private async attempt(c: Scheduled, run: { namespace: string; workflowId: string; runId: string; workflowType: string; taskQueue: string }, attempt: number, scheduledTime: number): Promise<unknown> {
    const release = await this.slot();
    try {
      return await this.runAttempt(c, run, attempt, scheduledTime);
    } finally {
      release();
    }
  }

  private async runAttempt(c: Scheduled, run: { namespace: string; workflowId: string; runId: string; workflowType: string; taskQueue: string }, attempt: number, scheduledTime: number): Promise<unknown> {
    const fn = activityFunction(this.activities, c.activityType);
    if (!fn) {
      throw Object.assign(new Error(`local activity '${c.activityType}' is not registered on this worker (registered: ${Object.keys(this.activities).join(', ') || 'none'})`), { name: 'ActivityNotRegisteredError' });
    }
    const abort = new AbortController();
    const limit = c.timeouts.startToCloseTimeoutMs ?? c.timeouts.scheduleToCloseTimeoutMs;
    const log = { trace: () => {}, debug: () => {}, info: (m: string) => this.logger.info(m), warn: (m: string) => this.logger.warn(m), error: (m: string) => this.logger.error(m) };
    const ctx = new Context(
      {
        taskToken: '', base64TaskToken: '', activityId: String(c.seq), activityType: c.activityType, attempt,
        namespace: run.namespace, activityNamespace: run.namespace, workflowNamespace: run.namespace, workflowType: run.workflowType, inWorkflow: true,
        workflowExecution: { workflowId: run.workflowId, runId: run.runId }, taskQueue: run.taskQueue, heartbeatDetails: undefined,
        scheduledTimestampMs: scheduledTime, currentAttemptScheduledTimestampMs: Date.now(), startToCloseTimeoutMs: c.timeouts.startToCloseTimeoutMs,
        scheduleToCloseTimeoutMs: c.timeouts.scheduleToCloseTimeoutMs, isLocal: true,
      },
      abort,
      () => {},
      log,
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      if (limit) {
        timer = setTimeout(() => {
          ctx.cancel('TIMED_OUT', new CancelledFailure('local activity timed out'));
          reject(Object.assign(new Error(`local activity '${c.activityType}' timed out after ${limit} ms`), { name: 'LocalActivityTimeout' }));
        }, limit);
      }
    });
    try {
      return await Promise.race([ctx.run(() => (fn as (...a: unknown[]) => unknown)(...fromPayloads(this.converter, c.args))), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
