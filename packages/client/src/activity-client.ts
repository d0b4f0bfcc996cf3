import { randomUUID } from 'node:crypto';
import type { EngineApi } from '@endure/protocol';
import { encodeFailure, type PayloadConverter } from '@endure/common';
import { translateError } from './errors.js';

/** An activity's current attempt, by its task token or by workflow id + activity id. */
export type ActivityTarget = string | { workflowId: string; runId?: string; activityId: string };

/**
 * Completes activities from outside the worker (async completion): the activity threw
 * CompleteAsyncError and handed its task token (or its ids) to whoever finishes the work.
 */
export class AsyncCompletionClient {
  constructor(
    private readonly engine: EngineApi,
    private readonly namespace: string,
    private readonly converter: PayloadConverter,
    private readonly identity: string,
  ) {}

  private async token(target: ActivityTarget): Promise<string> {
    if (typeof target === 'string') return target;
    const r = await this.engine.activityTaskToken({ namespace: this.namespace, ...target });
    return r.taskToken;
  }

  private async call(target: ActivityTarget, fn: (taskToken: string) => Promise<unknown>): Promise<void> {
    try {
      await fn(await this.token(target));
    } catch (err) {
      throw translateError(err, typeof target === 'string' ? {} : { workflowId: target.workflowId });
    }
  }

  complete(target: ActivityTarget, result?: unknown): Promise<void> {
    return this.call(target, (taskToken) => this.engine.completeActivityTask({ taskToken, result: this.converter.toPayload(result), identity: this.identity, requestId: randomUUID() }));
  }

  fail(target: ActivityTarget, error: unknown): Promise<void> {
    return this.call(target, (taskToken) => this.engine.failActivityTask({ taskToken, failure: encodeFailure(error, this.converter), identity: this.identity, requestId: randomUUID() }));
  }

  heartbeat(target: ActivityTarget, details?: unknown): Promise<void> {
    return this.call(target, (taskToken) => this.engine.heartbeatActivityTask({ taskToken, details: details === undefined ? undefined : [this.converter.toPayload(details)] }));
  }

  /** Reports that the activity stopped because it was asked to cancel. */
  reportCancellation(target: ActivityTarget, details?: unknown): Promise<void> {
    return this.call(target, (taskToken) => this.engine.cancelActivityTask({ taskToken, details: details === undefined ? undefined : [this.converter.toPayload(details)], requestId: randomUUID() }));
  }
}
