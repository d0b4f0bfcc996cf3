// What one run's effects ask of another run (effects.ts): start it as a child, tell it (a parent)
// that its child closed, close it (a child) by its parent's policy, signal or cancel it. A single
// engine answers them all itself; in a cluster the run asked may be in another node's shard, and
// the same calls go to that node (`PeerApi` over HTTP). Each is idempotent: an effect is retried
// until it is done, perhaps by another node after a crash.
import type { EngineApi, ParentRef, PeerApi } from '@endure/protocol';
import { Mutation } from './run.js';
import type { EngineCore } from './engine-core.js';
import { requestCancel, scheduleWorkflowTask, terminateRun } from './lifecycle.js';

export type RunActions = PeerApi & Pick<EngineApi, 'signalWorkflow' | 'requestCancelWorkflow'>;

/** The parent side of a child's close: records it in the parent, unless the parent is not ready for it yet. */
export async function recordChildClosed(core: EngineCore, req: Parameters<PeerApi['recordChildClosed']>[0]): Promise<{ done: boolean }> {
  const p: ParentRef = req.parent;
  const parent = await core.load(p);
  const c = parent?.state.children?.[p.seq];
  // The parent has not recorded this child as started yet: tell it after, never before.
  if (parent?.open && c?.status === 'initiated' && c.workflowId === req.child.workflowId) return { done: false };
  if (parent?.open && c && c.workflowId === req.child.workflowId) {
    delete parent.state.children![p.seq];
    const m = new Mutation().event({ type: 'ChildWorkflowExecutionClosed', attributes: { seq: p.seq, workflowId: req.child.workflowId, runId: req.child.runId, ...req.outcome } });
    scheduleWorkflowTask(core, parent, m);
    await core.apply(parent, m);
  }
  return { done: true };
}

/** The child side of a parent's close: its parentClosePolicy, applied if the child still belongs to that parent run. */
export async function closeChild(core: EngineCore, req: Parameters<PeerApi['closeChild']>[0]): Promise<void> {
  const current = await core.store.getCurrentRun(req.namespace, req.workflowId);
  const child = current ? await core.load(current) : undefined;
  if (!child?.open || child.state.parent?.runId !== req.parentRunId) return;
  if (req.policy === 'TERMINATE') await terminateRun(core, child, req.reason);
  else await requestCancel(core, child, req.reason);
}
