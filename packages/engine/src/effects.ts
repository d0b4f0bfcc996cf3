// Durable effects on other runs. Each is a timer row on the run that owes it, due at once, so it
// survives a crash (recovery re-arms timers) and may run more than once: every effect here is
// idempotent, and its timer row is deleted only once it is done. The other run is asked through
// `runActionsFor` (cluster/failed-writes.ts): this engine, or in a cluster the node owning its shard. A
// refusal that is final (not found, closed) is recorded; one that may pass (UNAVAILABLE: a shard
// moving, a node down) is thrown, and the effect is tried again.
import { ApiError, CLOSE_EVENT_TYPES, type Failure, type HistoryEvent } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import { Mutation, type Run } from './run.js';
import { scheduleWorkflowTask } from './lifecycle.js';
import { runActionsFor } from './cluster/failed-writes.js';
import { formatTimerId, type Effect } from './timer-ids.js';

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
    const started = await runActionsFor(core, r.namespace, c.workflowId).startChildWorkflow({
      request: {
        namespace: r.namespace, workflowId: c.workflowId, workflowType: c.workflowType, taskQueue: c.taskQueue, input: c.input,
        workflowExecutionTimeoutMs: c.workflowExecutionTimeoutMs, workflowRunTimeoutMs: c.workflowRunTimeoutMs, workflowTaskTimeoutMs: c.workflowTaskTimeoutMs,
        requestId: `${r.runId}:child:${seq}`, // a retried effect finds the run it started
      },
      parent: { namespace: r.namespace, workflowId: r.workflowId, runId: r.runId, seq },
    });
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
  const close = p && (run.closeEvent ?? (await core.readHistory(run.key, r.nextEventId - 1)).find((e) => CLOSE_EVENT_TYPES.has(e.type)));
  if (p && close) {
    const told = await runActionsFor(core, p.namespace, p.workflowId).recordChildClosed({ parent: p, child: { workflowId: r.workflowId, runId: r.runId }, outcome: outcomeOf(close) });
    if (!told.done) {
      // The parent has not recorded this child as started yet: tell it after, never before.
      core.armTimer({ ...run.key, timerId: formatTimerId({ kind: 'effect', effect }), fireAt: core.now() + 50 });
      return;
    }
  }
  return done(core, run, effect);
}

async function closeChild(core: EngineCore, run: Run, effect: Effect & { kind: 'closeChild' }): Promise<void> {
  const r = run.record;
  const c = run.state.children?.[effect.seq];
  if (c && (c.parentClosePolicy === 'TERMINATE' || c.parentClosePolicy === 'REQUEST_CANCEL')) {
    const policy = c.parentClosePolicy;
    const reason = `parent ${r.workflowId} closed (parentClosePolicy ${policy})`;
    await runActionsFor(core, r.namespace, c.workflowId).closeChild({ namespace: r.namespace, workflowId: c.workflowId, parentRunId: r.runId, policy, reason });
  }
  return done(core, run, effect);
}

/** Refusals an external signal or cancel records as its failure: they will not pass by trying again. */
const FINAL_REFUSALS = new Set(['NOT_FOUND', 'FAILED_PRECONDITION', 'INVALID_ARGUMENT', 'PAYLOAD_TOO_LARGE']);

async function requestExternal(core: EngineCore, run: Run, effect: Effect & { kind: 'external' }): Promise<void> {
  const seq = effect.seq;
  const r = run.record;
  const x = run.state.externalRequests?.[seq];
  if (!x) return done(core, run, effect);
  let failure: Failure | undefined;
  try {
    const target = runActionsFor(core, r.namespace, x.workflowId);
    // A re-fired effect (a crash before its timer row was deleted) finds its request applied: the target answers as if it were new.
    const requestId = `${r.runId}:external:${seq}`;
    const ref = { namespace: r.namespace, workflowId: x.workflowId, runId: x.runId, requestId };
    if (x.kind === 'signal') await target.signalWorkflow({ ...ref, signalName: x.signalName ?? '', input: x.input ?? [] });
    else await target.requestCancelWorkflow({ ...ref, reason: `requested by workflow ${r.workflowId}` });
  } catch (err) {
    if (!(err instanceof ApiError && FINAL_REFUSALS.has(err.code))) throw err;
    failure = failureOf(err);
  }
  if (!run.state.externalRequests?.[seq]) return; // done by another attempt meanwhile
  delete run.state.externalRequests[seq];
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
