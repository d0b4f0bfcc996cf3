import { randomUUID } from 'node:crypto';
import { retryWhileUnavailable, type EngineApi, type UpdateResponse } from '@endure/protocol';
import { decodeFailure, toPayloads, type PayloadConverter } from '@endure/common';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, translateError } from './errors.js';

/** An update as the client names it: a definition shared with the workflow code, or its name. */
export type UpdateRef<Ret = unknown, Args extends unknown[] = unknown[]> = string | { type: 'update'; name: string; __args?: Args; __ret?: Ret };

/** The update's handler failed (or its validator rejected it); `cause` says why. */
export class WorkflowUpdateFailedError extends Error {
  override name = 'WorkflowUpdateFailedError';
  constructor(
    message: string,
    override readonly cause: Error | undefined,
  ) {
    super(message);
  }
}

/** What the update waited for when its deadline passed (or its abort signal fired), as a user needs to hear it. */
function timedOutMessage(updateName: string | undefined, updateId: string, workflowId: string, last: UpdateResponse | undefined, err: unknown): string {
  const cancelled = err instanceof ServiceError && err.code === 'CANCELLED';
  const before = cancelled ? 'before its abort signal fired' : 'before the deadline';
  const what = `update ${updateName === undefined ? '' : `'${updateName}' `}(updateId '${updateId}') of workflow '${workflowId}'`;
  if (last?.stage === 'ACCEPTED') return `${what} was accepted but did not complete ${before}; it goes on running`;
  const polling = last?.taskQueuePolling;
  if (polling?.hint) return `${what} was not accepted ${before}: ${polling.hint}`;
  const queue = polling ? ` on task queue '${polling.taskQueue}'` : '';
  return `${what} was not accepted ${before}: no worker${queue} took it (is the worker busy, or is its workflow task failing? see \`endure workflow describe\`)`;
}

/** The call's own deadline passed or its abort signal fired (withDeadline/withAbortSignal), not the update. */
const isDeadline = (err: unknown) => err instanceof ServiceError && (err.code === 'DEADLINE_EXCEEDED' || err.code === 'CANCELLED');

export interface UpdateDeps {
  engine: EngineApi;
  namespace: string;
  converter: PayloadConverter;
  identity: string;
}

/** A started update; result() waits for its outcome. */
export class WorkflowUpdateHandle<Ret = unknown> {
  constructor(
    private readonly deps: UpdateDeps,
    readonly updateId: string,
    readonly workflowId: string,
    readonly workflowRunId: string | undefined,
    /** Its name, when this handle started it (for messages). */
    private readonly updateName?: string,
  ) {}

  async result(): Promise<Ret> {
    let last: UpdateResponse | undefined;
    for (;;) {
      try {
        last = await call(() => this.deps.engine.pollUpdate({ namespace: this.deps.namespace, workflowId: this.workflowId, runId: this.workflowRunId, updateId: this.updateId, timeoutMs: 60_000 }), this.workflowId);
      } catch (err) {
        if (isDeadline(err)) throw new WorkflowUpdateRPCTimeoutOrCancelledError(timedOutMessage(this.updateName, this.updateId, this.workflowId, last, err), { cause: err as Error });
        throw err;
      }
      if (last.outcome) return outcomeOf<Ret>(this.deps, last);
    }
  }
}

async function call<T>(fn: () => Promise<T>, workflowId: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDeadline(err)) throw err; // the caller says what the update was waiting for
    throw translateError(err, { workflowId });
  }
}

function outcomeOf<Ret>(deps: UpdateDeps, r: UpdateResponse): Ret {
  const o = r.outcome!;
  if ('failure' in o) throw new WorkflowUpdateFailedError(`update ${r.updateId} failed: ${o.failure.message}`, decodeFailure(o.failure, deps.converter));
  return (o.result ? deps.converter.fromPayload(o.result) : undefined) as Ret;
}

/** Sends an update and waits until it reaches `stage`; the same updateId is deduplicated. */
export async function sendUpdate(
  deps: UpdateDeps,
  target: { workflowId: string; runId?: string; firstExecutionRunId?: string },
  def: UpdateRef,
  opts: { args?: unknown[]; updateId?: string },
  stage: 'ACCEPTED' | 'COMPLETED',
): Promise<{ handle: WorkflowUpdateHandle; response: UpdateResponse }> {
  const { workflowId, runId, firstExecutionRunId } = target;
  const updateName = typeof def === 'string' ? def : def.name;
  const updateId = opts.updateId ?? randomUUID();
  const args = toPayloads(deps.converter, opts.args ?? [], `update '${updateName}' argument`);
  let response: UpdateResponse | undefined;
  try {
    do {
      response = await call(
        // Resent through an outage with the same updateId: the engine runs the update once.
        () => retryWhileUnavailable(() => deps.engine.updateWorkflow({ namespace: deps.namespace, workflowId, runId, firstExecutionRunId, updateId, updateName, args, waitForStage: stage, timeoutMs: 60_000, identity: deps.identity })),
        workflowId,
      );
    } while (response.stage === 'ADMITTED' || (stage === 'COMPLETED' && response.stage !== 'COMPLETED'));
  } catch (err) {
    if (isDeadline(err)) throw new WorkflowUpdateRPCTimeoutOrCancelledError(timedOutMessage(updateName, updateId, workflowId, response, err), { cause: err as Error });
    throw err;
  }
  return { handle: new WorkflowUpdateHandle(deps, updateId, workflowId, response.runId, updateName), response };
}

export function outcome<Ret>(deps: UpdateDeps, r: UpdateResponse): Ret {
  return outcomeOf<Ret>(deps, r);
}
