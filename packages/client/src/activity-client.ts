import { randomUUID } from 'node:crypto';
import { checkOptions, encodeFailure, UnsupportedOperationError } from '@endure/common';
import type { Connection } from './connection.js';
import { translateError } from './errors.js';
import { ASYNC_COMPLETION_CLIENT_OPTIONS, loadClientOptions, type AsyncCompletionClientOptions, type ClientDeps } from './client-options.js';
import { FULL_ACTIVITY_ID, type FullActivityId } from './handle-options.js';
import { deadlineMs, withCallContext } from './call-context.js';

/** An activity's current attempt, by its task token or by workflow id + activity id. */
export type ActivityTarget = string | FullActivityId;

/**
 * Completes activities from outside the worker (async completion): the activity threw
 * CompleteAsyncError and handed its task token (or its ids) to whoever finishes the work.
 */
export class AsyncCompletionClient {
  readonly options: Omit<ClientDeps, 'engine' | 'converter'>;
  private readonly deps: ClientDeps;

  constructor(options?: AsyncCompletionClientOptions) {
    this.deps = loadClientOptions('new AsyncCompletionClient', 'AsyncCompletionClientOptions', options, ASYNC_COMPLETION_CLIENT_OPTIONS);
    const { connection, namespace, identity, dataConverter } = this.deps;
    this.options = { connection, namespace, identity, dataConverter };
  }

  get connection(): Connection {
    return this.deps.connection;
  }

  /** Not supported: there is no gRPC service behind Endure. */
  get workflowService(): never {
    throw new UnsupportedOperationError('client.activity.workflowService', 'Endure has no gRPC WorkflowService; use the methods of client.activity');
  }

  private async token(where: string, target: ActivityTarget): Promise<string> {
    if (typeof target === 'string') return target;
    checkOptions(where, 'FullActivityId', target, FULL_ACTIVITY_ID);
    if (!target?.workflowId || !target.activityId) throw new TypeError(`${where}: name the activity by its task token, or by { workflowId, activityId } (and runId)`);
    const r = await this.deps.engine.activityTaskToken({ namespace: this.deps.namespace, workflowId: target.workflowId, runId: target.runId, activityId: target.activityId });
    return r.taskToken;
  }

  private async call(where: string, target: ActivityTarget, fn: (taskToken: string) => Promise<unknown>): Promise<void> {
    try {
      await fn(await this.token(where, target));
    } catch (err) {
      throw translateError(err, typeof target === 'string' ? {} : { workflowId: target.workflowId });
    }
  }

  complete(target: ActivityTarget, result?: unknown): Promise<void> {
    const { engine, converter, identity } = this.deps;
    return this.call('client.activity.complete', target, (taskToken) => engine.completeActivityTask({ taskToken, result: converter.toPayload(result), identity, requestId: randomUUID() }));
  }

  fail(target: ActivityTarget, error: unknown): Promise<void> {
    const { engine, converter, identity } = this.deps;
    return this.call('client.activity.fail', target, (taskToken) => engine.failActivityTask({ taskToken, failure: encodeFailure(error, converter), identity, requestId: randomUUID() }));
  }

  heartbeat(target: ActivityTarget, details?: unknown): Promise<void> {
    const { engine, converter } = this.deps;
    return this.call('client.activity.heartbeat', target, (taskToken) => engine.heartbeatActivityTask({ taskToken, details: details === undefined ? undefined : [converter.toPayload(details)] }));
  }

  /** Reports that the activity stopped because it was asked to cancel. */
  reportCancellation(target: ActivityTarget, details?: unknown): Promise<void> {
    const { engine, converter } = this.deps;
    return this.call('client.activity.reportCancellation', target, (taskToken) => engine.cancelActivityTask({ taskToken, details: details === undefined ? undefined : [converter.toPayload(details)], requestId: randomUUID() }));
  }

  /** Engine calls made in `fn` fail with ServiceError DEADLINE_EXCEEDED once `deadline` passes. */
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ deadline: deadlineMs(deadline, 'client.activity.withDeadline') }, fn);
  }

  /** Engine calls made in `fn` fail with ServiceError CANCELLED once `signal` aborts. */
  withAbortSignal<R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return withCallContext({ signal }, fn);
  }

  /** Not supported: Endure's requests carry no gRPC metadata. */
  withMetadata<R>(_metadata: Record<string, unknown>, _fn: () => Promise<R>): Promise<R> {
    throw new UnsupportedOperationError('client.activity.withMetadata', 'Endure requests carry no gRPC metadata; authenticate with Connection.connect({ apiKey })');
  }
}
