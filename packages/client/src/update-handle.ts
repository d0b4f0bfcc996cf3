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
  ) {}

  async result(): Promise<Ret> {
    for (;;) {
      const r = await call(() => this.deps.engine.pollUpdate({ namespace: this.deps.namespace, workflowId: this.workflowId, runId: this.workflowRunId, updateId: this.updateId, timeoutMs: 60_000 }), this.workflowId);
      if (r.outcome) return outcomeOf<Ret>(this.deps, r);
    }
  }
}

async function call<T>(fn: () => Promise<T>, workflowId: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // The call's own deadline or abort signal ended it (withDeadline/withAbortSignal), not the update.
    if (err instanceof ServiceError && (err.code === 'DEADLINE_EXCEEDED' || err.code === 'CANCELLED')) throw new WorkflowUpdateRPCTimeoutOrCancelledError(err.message, { cause: err });
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
  let response: UpdateResponse;
  do {
    response = await call(
      // Resent through an outage with the same updateId: the engine runs the update once.
      () =>
        retryWhileUnavailable(() =>
          deps.engine.updateWorkflow({ namespace: deps.namespace, workflowId, runId, firstExecutionRunId, updateId, updateName, args, waitForStage: stage, timeoutMs: 60_000, identity: deps.identity }),
        ),
      workflowId,
    );
  } while (response.stage === 'ADMITTED' || (stage === 'COMPLETED' && response.stage !== 'COMPLETED'));
  return { handle: new WorkflowUpdateHandle(deps, updateId, workflowId, response.runId), response };
}

export function outcome<Ret>(deps: UpdateDeps, r: UpdateResponse): Ret {
  return outcomeOf<Ret>(deps, r);
}
