import { randomUUID } from 'node:crypto';
import { ApiError, retryWhileUnavailable, type ActivityTask, type EngineApi } from '@endure/protocol';
import { ApplicationFailure, CancelledFailure, CompleteAsyncError, encodeFailure, fromPayloads, type PayloadConverter } from '@endure/common';
import { Context, type ActivityInfo } from '@endure/activity';
import type { Logger } from './logger.js';

export type ActivityFunction = (...args: never[]) => unknown;

/** Heartbeats are sent at most this often unless the heartbeat timeout asks for more. */
const DEFAULT_HEARTBEAT_THROTTLE_MS = 30_000;

/** Runs one activity attempt: its function, heartbeats, cancellation and the reported outcome. */
export class ActivityExecutor {
  /** In-flight attempts, so shutdown can cancel them. */
  readonly running = new Set<AbortController>();

  constructor(
    private readonly engine: EngineApi,
    private readonly activities: Record<string, ActivityFunction>,
    private readonly converter: PayloadConverter,
    private readonly logger: Logger,
    private readonly identity: string,
  ) {}

  /**
   * Runs one attempt and reports its outcome. `onExecuted` is called as soon as the function has
   * settled, before the report waits for the engine's commit: the execution slot frees then.
   */
  async run(task: ActivityTask, onExecuted: () => void = () => {}): Promise<void> {
    const abort = new AbortController();
    this.running.add(abort);
    let cancelRequested = false;
    const heartbeats = this.heartbeater(task, abort, () => (cancelRequested = true));
    const timeoutMs = task.timeouts.startToCloseTimeoutMs ?? task.timeouts.scheduleToCloseTimeoutMs;
    let timedOut = false;
    const deadline = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          abort.abort(new CancelledFailure('Activity timed out (start-to-close)'));
        }, timeoutMs)
      : undefined;
    const meta = { activityType: task.activityType, activityId: task.activityId, workflowId: task.workflowId, attempt: task.attempt };
    const log = {
      trace: (m: string, a?: Record<string, unknown>) => this.logger.trace(m, { ...meta, ...a }),
      debug: (m: string, a?: Record<string, unknown>) => this.logger.debug(m, { ...meta, ...a }),
      info: (m: string, a?: Record<string, unknown>) => this.logger.info(m, { ...meta, ...a }),
      warn: (m: string, a?: Record<string, unknown>) => this.logger.warn(m, { ...meta, ...a }),
      error: (m: string, a?: Record<string, unknown>) => this.logger.error(m, { ...meta, ...a }),
    };
    try {
      const fn = this.activities[task.activityType];
      if (typeof fn !== 'function') {
        throw ApplicationFailure.create({
          type: 'ActivityNotRegisteredError',
          message: `activity '${task.activityType}' is not registered on this worker (task queue '${task.taskQueue}'; registered: ${Object.keys(this.activities).join(', ') || 'none'})`,
        });
      }
      const ctx = new Context(this.info(task), abort, heartbeats.send, log);
      const args = fromPayloads(this.converter, task.input);
      const result = await ctx.run(() => (fn as (...a: unknown[]) => unknown)(...args));
      onExecuted();
      await heartbeats.stop(false);
      // Past its start-to-close deadline the attempt belongs to the engine's timeout, whatever
      // the function returned after being told to stop.
      if (timedOut) return;
      const payload = this.converter.toPayload(result);
      // One request id for every resend: a completion the engine recorded before the answer was
      // lost is answered again, never recorded twice.
      const req = { taskToken: task.taskToken, result: payload, identity: this.identity, requestId: randomUUID() };
      await retryWhileUnavailable(() => this.engine.completeActivityTask(req));
    } catch (err) {
      onExecuted();
      await heartbeats.stop(true); // the next attempt resumes from the latest details
      if (timedOut) return;
      if (err instanceof CompleteAsyncError) return; // someone else completes it, by token or ids
      await this.reportError(task, err, cancelRequested);
    } finally {
      clearTimeout(deadline);
      this.running.delete(abort);
    }
  }

  private async reportError(task: ActivityTask, err: unknown, cancelRequested: boolean): Promise<void> {
    try {
      if (cancelRequested && err instanceof CancelledFailure) {
        const details = err.details.map((d) => this.converter.toPayload(d));
        const req = { taskToken: task.taskToken, details, requestId: randomUUID() };
        await retryWhileUnavailable(() => this.engine.cancelActivityTask(req));
      } else {
        const failure = encodeFailure(err, this.converter);
        const req = { taskToken: task.taskToken, failure, identity: this.identity, requestId: randomUUID() };
        await retryWhileUnavailable(() => this.engine.failActivityTask(req));
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'NOT_FOUND') return; // timed out or finished elsewhere meanwhile
      throw e;
    }
  }

  private info(task: ActivityTask): ActivityInfo {
    return {
      taskToken: task.taskToken,
      activityId: task.activityId,
      activityType: task.activityType,
      attempt: task.attempt,
      workflowNamespace: task.namespace,
      workflowType: task.workflowType,
      workflowExecution: { workflowId: task.workflowId, runId: task.runId },
      taskQueue: task.taskQueue,
      heartbeatDetails: task.heartbeatDetails?.length ? fromPayloads(this.converter, task.heartbeatDetails)[0] : undefined,
      scheduledTimestampMs: task.scheduledTime,
      currentAttemptScheduledTimestampMs: task.currentAttemptScheduledTime,
      startToCloseTimeoutMs: task.timeouts.startToCloseTimeoutMs,
      scheduleToCloseTimeoutMs: task.timeouts.scheduleToCloseTimeoutMs,
      heartbeatTimeoutMs: task.timeouts.heartbeatTimeoutMs,
      isLocal: false,
    };
  }

  /**
   * Throttled heartbeats: the first goes out at once, later ones at most every interval, the
   * latest details always win. A cancel request in the reply aborts the activity.
   */
  private heartbeater(task: ActivityTask, abort: AbortController, onCancelRequested: () => void) {
    const interval = task.timeouts.heartbeatTimeoutMs ? Math.min(task.timeouts.heartbeatTimeoutMs * 0.8, DEFAULT_HEARTBEAT_THROTTLE_MS) : DEFAULT_HEARTBEAT_THROTTLE_MS;
    let pending: { details: unknown } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let inFlight: Promise<void> = Promise.resolve();
    let lastSent = 0;
    let stopped = false;
    const flush = () => {
      timer = undefined;
      if (!pending || stopped) return;
      const { details } = pending;
      pending = undefined;
      lastSent = Date.now();
      inFlight = this.engine
        .heartbeatActivityTask({ taskToken: task.taskToken, details: details === undefined ? undefined : [this.converter.toPayload(details)] })
        .then((r) => {
          if (r.cancelRequested && !abort.signal.aborted) {
            onCancelRequested();
            abort.abort(new CancelledFailure('Activity cancelled'));
          }
        })
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.code === 'NOT_FOUND' && !abort.signal.aborted) {
            abort.abort(new CancelledFailure('Activity is no longer current (timed out or completed elsewhere)'));
          } else {
            this.logger.warn(`heartbeat failed: ${(err as Error).message}`, { activityId: task.activityId });
          }
        });
    };
    return {
      send: (details?: unknown) => {
        if (stopped) return;
        pending = { details };
        if (timer) return;
        const wait = Math.max(0, lastSent + interval - Date.now());
        if (wait === 0) flush();
        else timer = setTimeout(flush, wait);
      },
      stop: async (flushPending: boolean) => {
        clearTimeout(timer);
        if (flushPending && pending) flush();
        stopped = true;
        await inFlight;
      },
    };
  }
}
