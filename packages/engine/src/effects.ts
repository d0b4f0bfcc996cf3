// Durable effects on other runs. Each is a timer row on the run that owes it, due at once, so it
// survives a crash (recovery re-arms timers) and may run more than once: every effect here is
// idempotent, and its timer row is deleted only once it is done.
import { ApiError, CLOSE_EVENT_TYPES, type Failure, type HistoryEvent } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import { Mutation, type Run } from './run.js';
import { requestCancel, scheduleWorkflowTask, signalRun, terminateRun } from './lifecycle.js';
import { startWorkflow } from './start.js';
import { alreadyApplied } from './request-ids.js';
import { formatTimerId, type Effect } from './timer-ids.js';

async function currentRun(core: EngineCore, namespace: string, workflowId: string, runId?: string): Promise<Run | undefined> {
  if (runId) return core.load({ namespace, workflowId, runId });
  const rec = await core.store.getCurrentRun(namespace, workflowId);
  return rec ? core.load(rec) : undefined;
}

/** Finishes an effect: removes its timer (and anything else `m` holds) on the run that owed it. */
function done(core: EngineCore, run: Run, effect: Effect, m = new Mutation()): Promise<void> {
  m.deleteTimers.push(formatTimerId({ kind: 'effect', effect }));
  if (m.events.length) scheduleWorkflowTask(core, run, m);
  return core.apply(run, m);
}

const failureOf = (err: unknown): Failure => ({ message: err instanceof Error ? err.message : String(err), info: { type: 'application', errorType: err instanceof ApiError ? err.code : 'Error', nonRetryable: true } });

export function runEffect(core: EngineCore, run: Run, effect: Effect): Promise<void> {
  switch (effect.kind) {
    case 'childStart':
      return startChild(core, run, effect);
    case 'notifyParent':
      return notifyParent(core, run, effect);
    case 'closeChild':
      return closeChild(core, run, effect);
    case 'external':
      return requestExternal(core, run, effect);
    default: {
      const unknown: never = effect;
      throw new Error(`internal: an effect of unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

async function startChild(core: EngineCore, run: Run, effect: Effect & { kind: 'childStart' }): Promise<void> {
  const seq = effect.seq;
  const r = run.record;
  const c = run.state.children?.[seq];
  if (!run.open || !c || c.status !== 'initiated') return done(core, run, effect);
  const m = new Mutation();
  try {
    const started = await startWorkflow(
      core,
      {
        namespace: r.namespace, workflowId: c.workflowId, workflowType: c.workflowType, taskQueue: c.taskQueue, input: c.input,
        workflowExecutionTimeoutMs: c.workflowExecutionTimeoutMs, workflowRunTimeoutMs: c.workflowRunTimeoutMs, workflowTaskTimeoutMs: c.workflowTaskTimeoutMs,
        requestId: `${r.runId}:child:${seq}`, // a retried effect finds the run it started
      },
      { namespace: r.namespace, workflowId: r.workflowId, runId: r.runId, seq },
    );
    if (run.state.children?.[seq]?.status !== 'initiated') return; // raced with another attempt
    if (!run.open) return done(core, run, effect); // closed meanwhile: its close-child effect handles the child
    c.status = 'started';
    c.runId = started.runId;
    m.event({ type: 'ChildWorkflowExecutionStarted', attributes: { seq, workflowId: c.workflowId, runId: started.runId } });
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'ALREADY_STARTED')) throw err;
    if (!run.open || run.state.children?.[seq]?.status !== 'initiated') return done(core, run, effect);
    delete run.state.children![seq];
    m.event({ type: 'StartChildWorkflowExecutionFailed', attributes: { seq, workflowId: c.workflowId, cause: 'WORKFLOW_ALREADY_EXISTS' } });
  }
  return done(core, run, effect, m);
}

async function notifyParent(core: EngineCore, run: Run, effect: Effect & { kind: 'notifyParent' }): Promise<void> {
  const r = run.record;
  const p = run.state.parent;
  const parent = p ? await core.load(p) : undefined;
  const c = parent?.state.children?.[p!.seq];
  if (parent?.open && c?.status === 'initiated' && c.workflowId === r.workflowId) {
    // The parent has not recorded this child as started yet: tell it after, never before.
    core.armTimer({ ...run.key, timerId: formatTimerId({ kind: 'effect', effect }), fireAt: core.now() + 50 });
    return;
  }
  if (parent?.open && c && c.workflowId === r.workflowId) {
    const close = (await core.readHistory(run.key, r.nextEventId - 1)).find((e) => CLOSE_EVENT_TYPES.has(e.type));
    // Checked again after the read: the parent may have closed, or been told, meanwhile.
    if (close && parent.open && parent.state.children?.[p!.seq] === c) {
      delete parent.state.children![p!.seq];
      const m = new Mutation().event({ type: 'ChildWorkflowExecutionClosed', attributes: { seq: p!.seq, workflowId: r.workflowId, runId: r.runId, ...outcomeOf(close) } });
      scheduleWorkflowTask(core, parent, m);
      await core.apply(parent, m);
    }
  }
  return done(core, run, effect);
}

async function closeChild(core: EngineCore, run: Run, effect: Effect & { kind: 'closeChild' }): Promise<void> {
  const r = run.record;
  const c = run.state.children?.[effect.seq];
  const child = c ? await currentRun(core, r.namespace, c.workflowId, undefined) : undefined;
  if (c && child?.open && child.state.parent?.runId === r.runId) {
    if (c.parentClosePolicy === 'TERMINATE') await terminateRun(core, child, `parent ${r.workflowId} closed (parentClosePolicy TERMINATE)`);
    else if (c.parentClosePolicy === 'REQUEST_CANCEL') await requestCancel(core, child, `parent ${r.workflowId} closed (parentClosePolicy REQUEST_CANCEL)`);
  }
  return done(core, run, effect);
}

async function requestExternal(core: EngineCore, run: Run, effect: Effect & { kind: 'external' }): Promise<void> {
  const seq = effect.seq;
  const r = run.record;
  const x = run.state.externalRequests?.[seq];
  if (!x) return done(core, run, effect);
  let failure: Failure | undefined;
  try {
    const target = await currentRun(core, r.namespace, x.workflowId, x.runId);
    if (!target) throw new ApiError('NOT_FOUND', `workflow '${x.workflowId}' not found`);
    // A re-fired effect (a crash before its timer row was deleted) finds its signal applied.
    const requestId = `${r.runId}:external:${seq}`;
    if (alreadyApplied(target, requestId)) await target.lastCommit;
    else if (!target.open) throw new ApiError('FAILED_PRECONDITION', `workflow '${x.workflowId}' is already closed (${target.record.status})`);
    else if (x.kind === 'signal') await signalRun(core, target, x.signalName ?? '', x.input ?? [], undefined, requestId);
    else await requestCancel(core, target, `requested by workflow ${r.workflowId}`, undefined, requestId);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    failure = failureOf(err);
  }
  delete run.state.externalRequests![seq];
  const m = new Mutation();
  if (run.open) m.event({ type: 'ExternalWorkflowRequestDone', attributes: { seq, kind: x.kind, failure } });
  return done(core, run, effect, m);
}

function outcomeOf(close: HistoryEvent): { status: 'COMPLETED' | 'FAILED' | 'CANCELED' | 'TERMINATED' | 'TIMED_OUT'; result?: import('@endure/protocol').Payload; failure?: Failure } {
  switch (close.type) {
    case 'WorkflowExecutionCompleted':
      return { status: 'COMPLETED', result: close.attributes.result };
    case 'WorkflowExecutionFailed':
      return { status: 'FAILED', failure: close.attributes.failure };
    case 'WorkflowExecutionCanceled':
      return { status: 'CANCELED' };
    case 'WorkflowExecutionTerminated':
      return { status: 'TERMINATED' };
    default:
      return { status: 'TIMED_OUT' };
  }
}
