import { randomUUID } from 'node:crypto';
import { ApiError, retryWhileUnavailable, type ActivityTask, type EngineApi } from '@endure/protocol';
import { ApplicationFailure, CancelledFailure, CompleteAsyncError, encodeFailure, fromPayloads, type PayloadConverter } from '@endure/common';
import { Context, type ActivityInfo } from '@endure/activity';
import type { Logger } from './logger.js';

export type ActivityFunction = (...args: never[]) => unknown;

/** How often heartbeats may reach the engine (Temporal's two throttle options). */
export interface HeartbeatThrottle {
  /** With a heartbeat timeout: at 80% of it, but at least this often. */
  maxMs: number;
  /** Without a heartbeat timeout. */
  defaultMs: number;
}

/**
 * The function that runs `activityType`: its own, or the one registered as `default` (Temporal's
 * dynamic activity, which reads the type from its info).
 */
export function activityFunction(activities: Record<string, ActivityFunction>, activityType: string): ActivityFunction | undefined {
  const own = Object.hasOwn(activities, activityType) ? activities[activityType] : undefined;
  if (typeof own === 'function') return own;
  const dynamic = Object.hasOwn(activities, 'default') ? activities['default'] : undefined;
  return typeof dynamic === 'function' ? dynamic : undefined;
}

/** Runs one activity attempt: its function, heartbeats, cancellation and the reported outcome. */
export class ActivityExecutor {
  /** In-flight attempts' contexts, so shutdown can cancel them. */
  readonly running = new Set<Context>();
  /** In-flight attempts that have sent a heartbeat (Worker.getStatus). */
  heartbeating = 0;

  constructor(
    private readonly engine: EngineApi,
    private readonly activities: Record<string, ActivityFunction>,
    private readonly converter: PayloadConverter,
    private readonly logger: Logger,
    private readonly identity: string,
    private readonly throttle: HeartbeatThrottle,
  ) {}

  /**
   * Runs one attempt and reports its outcome. `onExecuted` is called as soon as the function has
   * settled, before the report waits for the engine's commit: the execution slot frees then.
   */
  async run(task: ActivityTask, onExecuted: () => void = () => {}): Promise<void> {
    const abort = new AbortController();
    let cancelRequested = false;
    const meta = { activityType: task.activityType, activityId: task.activityId, workflowId: task.workflowId, attempt: task.attempt };
    const log = {
      trace: (m: string, a?: Record<string, unknown>) => this.logger.trace(m, { ...meta, ...a }),
      debug: (m: string, a?: Record<string, unknown>) => this.logger.debug(m, { ...meta, ...a }),
      info: (m: string, a?: Record<string, unknown>) => this.logger.info(m, { ...meta, ...a }),
      warn: (m: string, a?: Record<string, unknown>) => this.logger.warn(m, { ...meta, ...a }),
      error: (m: string, a?: Record<string, unknown>) => this.logger.error(m, { ...meta, ...a }),
    };
    let send: (details?: unknown) => void = () => {};
    const ctx = new Context(this.info(task), abort, (details) => send(details), log);
    this.running.add(ctx);
    const heartbeats = this.heartbeater(task, ctx, () => (cancelRequested = true));
    send = heartbeats.send;
    const timeoutMs = task.timeouts.startToCloseTimeoutMs ?? task.timeouts.scheduleToCloseTimeoutMs;
    let timedOut = false;
    const deadline = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          ctx.cancel('TIMED_OUT', new CancelledFailure('Activity timed out (start-to-close)'));
        }, timeoutMs)
      : undefined;
    try {
      const fn = activityFunction(this.activities, task.activityType);
      if (!fn) {
        throw ApplicationFailure.create({
          type: 'ActivityNotRegisteredError',
          message: `activity '${task.activityType}' is not registered on this worker (task queue '${task.taskQueue}'; registered: ${Object.keys(this.activities).join(', ') || 'none'})`,
        });
      }
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
      this.running.delete(ctx);
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
      base64TaskToken: task.taskToken,
      activityId: task.activityId,
      activityType: task.activityType,
      attempt: task.attempt,
      namespace: task.namespace,
      activityNamespace: task.namespace,
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
      inWorkflow: true,
      retryPolicy: task.retryPolicy,
    };
  }

  /**
   * Throttled heartbeats: the first goes out at once, later ones at most every interval, the
   * latest details always win. A cancel request in the reply aborts the activity.
   */
  private heartbeater(task: ActivityTask, ctx: Context, onCancelRequested: () => void) {
    const hbTimeout = task.timeouts.heartbeatTimeoutMs;
    const interval = hbTimeout ? Math.min(hbTimeout * 0.8, this.throttle.maxMs) : this.throttle.defaultMs;
    let counted = false;
    let pending: { details: unknown } | undefined;
    let timer: NodeJS.Timeout | undefined;
    let inFlight: Promise<void> = Promise.resolve();
    let lastSent = 0;
    let stopped = false;
    const flush = () => {
      timer = undefined;
      if (!pending || stopped) return;
      if (!counted) {
        counted = true;
        this.heartbeating++;
      }
      const { details } = pending;
      pending = undefined;
      lastSent = Date.now();
      inFlight = this.engine
        .heartbeatActivityTask({ taskToken: task.taskToken, details: details === undefined ? undefined : [this.converter.toPayload(details)] })
        .then((r) => {
          if (r.cancelRequested && !ctx.cancellationSignal.aborted) {
            onCancelRequested();
            ctx.cancel('CANCELLED', new CancelledFailure('Activity cancelled'));
          }
        })
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.code === 'NOT_FOUND' && !ctx.cancellationSignal.aborted) {
            ctx.cancel('NOT_FOUND', new CancelledFailure('Activity is no longer current (timed out or completed elsewhere)'));
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
        if (counted) this.heartbeating--;
        counted = false;
        await inFlight;
      },
    };
  }
}
