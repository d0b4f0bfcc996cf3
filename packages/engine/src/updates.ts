import { ApiError, type Payload, type UpdateResponse, type UpdateStage } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import { Mutation, type Run } from './run.js';
import { scheduleWorkflowTask } from './lifecycle.js';
import { taskQueuePolling } from './task-queue-polling.js';

/** Where an update stands on a run, or undefined if the run has never heard of it. */
export function updateStatus(run: Run, updateId: string): UpdateResponse | undefined {
  const base = { updateId, runId: run.record.runId };
  const durable = run.state.updates?.[updateId];
  if (durable) return { ...base, stage: durable.stage, outcome: durable.outcome };
  const rejected = run.rejectedUpdates.get(updateId);
  if (rejected) return { ...base, stage: 'COMPLETED', outcome: { failure: rejected } };
  if (run.pendingUpdates.has(updateId)) return { ...base, stage: 'ADMITTED' };
  return undefined;
}

function reached(r: UpdateResponse, stage: UpdateStage): boolean {
  return r.stage === 'COMPLETED' || (stage === 'ACCEPTED' && r.stage === 'ACCEPTED');
}

/** Admits an update request (once per id) and makes sure a workflow task will deliver it. */
export async function admitUpdate(core: EngineCore, run: Run, updateId: string, name: string, args: Payload[]): Promise<void> {
  if (updateStatus(run, updateId)) return; // the same id again: the first request stands
  if (!run.open) throw new ApiError('FAILED_PRECONDITION', `workflow '${run.record.workflowId}' is already closed (${run.record.status}): it cannot take update '${name}'`);
  core.checkPayloads(`the arguments of update '${name}'`, args);
  run.pendingUpdates.set(updateId, { name, args });
  const m = new Mutation();
  scheduleWorkflowTask(core, run, m);
  if (m.upsertTasks.length) await core.apply(run, m);
}

/** Waits until the update reaches `stage` (or the wait times out or is aborted: the stage so far is returned). */
export async function waitForUpdate(core: EngineCore, run: Run, updateId: string, stage: UpdateStage, timeoutMs: number, signal?: AbortSignal): Promise<UpdateResponse> {
  const deadline = core.now() + timeoutMs;
  for (;;) {
    core.check(); // a shut-down engine ends the wait (close() wakes every waiter)
    core.checkHeld(run); // so does the run's shard moving to another node
    const r = updateStatus(run, updateId);
    if (!r) throw new ApiError('NOT_FOUND', `update '${updateId}' not found on workflow '${run.record.workflowId}' run ${run.record.runId}`);
    if (reached(r, stage)) {
      await run.lastCommit; // an outcome is only told once it is durable
      return r;
    }
    if (!run.open) throw new ApiError('FAILED_PRECONDITION', `workflow '${run.record.workflowId}' closed (${run.record.status}) before update '${updateId}' completed`);
    const left = deadline - core.now();
    // Still waiting for a worker to take it: say whether any worker polls the run's queue.
    if (left <= 0 || signal?.aborted) return r.stage === 'ADMITTED' ? { ...r, taskQueuePolling: taskQueuePolling(core, run.record.namespace, run.record.taskQueue, 'workflow') } : r;
    await core.waitForEvent(run.key, left, signal);
  }
}
