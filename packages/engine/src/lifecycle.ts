import type { Payload, WorkflowStatus } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import { Mutation, type Run } from './run.js';
import { activityTaskId, WFT_TASK_ID } from './task-ids.js';
import { formatTimerId, type TimerId } from './timer-ids.js';
import { activityTimerIds } from './activity-tasks.js';
import { rememberRequest } from './request-ids.js';
import { inputWhileDelayed } from './delayed-start.js';
import { continueCronChain } from './cron/cron-chain.js';

/** Makes sure a workflow task will run for the run's new input (unless one is already due). */
export function scheduleWorkflowTask(core: EngineCore, run: Run, m: Mutation): void {
  if (run.state.wft.status === 'delayed') return inputWhileDelayed(core, run, m);
  if (!run.open || run.wftStarted || run.state.wft.status !== 'none') return;
  run.state.wft = { status: 'scheduled', attempt: 1 };
  const row = core.wftRow(run, core.now());
  m.upsertTasks.push(row);
  m.offers.push(row);
}

/** Every timer a run may hold but its effects, so closing it removes them all. */
function allTimerIds(run: Run): TimerId[] {
  const ids: TimerId[] = [{ kind: 'runTimeout' }, { kind: 'executionTimeout' }, { kind: 'delayedStart' }];
  for (const seq of Object.keys(run.state.timers)) ids.push({ kind: 'userTimer', seq: Number(seq) });
  for (const a of Object.values(run.state.activities)) ids.push(...activityTimerIds(a));
  return ids;
}

/** Turns `m` into the run's closing mutation: status, and no more tasks or timers. */
export function closeRun(core: EngineCore, run: Run, m: Mutation, status: WorkflowStatus): void {
  m.close = { status };
  core.backoff.delete(run); // a closed run has no task left to retry
  m.deleteTasks.push(WFT_TASK_ID, ...Object.keys(run.state.activities).map((s) => activityTaskId(Number(s))));
  for (const id of allTimerIds(run)) core.deleteTimer(run, m, id);
  run.state.activities = {};
  run.state.timers = {};
  run.state.wft = { status: 'none', attempt: 1 };
  // Effects on other runs, made durable here and carried out by effects.ts.
  const now = core.now();
  // A run followed by another (continue-as-new, the next run of a cron chain) leaves telling the parent to the last.
  if (run.state.parent && status !== 'CONTINUED_AS_NEW' && !m.continueAsNew) m.upsertTimers.push(core.timerRow(run, { kind: 'effect', effect: { kind: 'notifyParent' } }, now));
  for (const [seq, c] of Object.entries(run.state.children ?? {})) {
    if (c.parentClosePolicy !== 'ABANDON') m.upsertTimers.push(core.timerRow(run, { kind: 'effect', effect: { kind: 'closeChild', seq: Number(seq) } }, now));
  }
}

export function terminateRun(core: EngineCore, run: Run, reason?: string, identity?: string, requestId?: string): Promise<void> {
  rememberRequest(run, requestId, core.now());
  const m = new Mutation().event({ type: 'WorkflowExecutionTerminated', attributes: { reason, identity } });
  closeRun(core, run, m, 'TERMINATED');
  return core.apply(run, m);
}

export function requestCancel(core: EngineCore, run: Run, reason?: string, identity?: string, requestId?: string): Promise<void> {
  if (run.state.cancelRequested) return run.lastCommit;
  rememberRequest(run, requestId, core.now());
  run.state.cancelRequested = true;
  const m = new Mutation().event({ type: 'WorkflowExecutionCancelRequested', attributes: { reason, identity } });
  scheduleWorkflowTask(core, run, m);
  return core.apply(run, m);
}

export function signalRun(core: EngineCore, run: Run, signalName: string, input: Payload[], identity?: string, requestId?: string): Promise<void> {
  core.checkPayloads(`the arguments of signal '${signalName}'`, input);
  rememberRequest(run, requestId, core.now());
  const m = new Mutation().event({ type: 'WorkflowExecutionSignaled', attributes: { signalName, input, identity } });
  scheduleWorkflowTask(core, run, m);
  return core.apply(run, m);
}

/** The run's (or its chain's) timeout passed. A cron run that times out is followed by the chain's next run. */
export function timeOutRun(core: EngineCore, run: Run, which: 'RUN' | 'EXECUTION'): Promise<void> {
  const m = new Mutation();
  const next = which === 'RUN' ? continueCronChain(core, run, m, { status: 'TIMED_OUT' }) : {};
  m.event({ type: 'WorkflowExecutionTimedOut', attributes: { timeoutType: which, ...next } });
  closeRun(core, run, m, 'TIMED_OUT');
  return core.apply(run, m);
}

/** A user timer's deadline passed. */
export function fireUserTimer(core: EngineCore, run: Run, seq: number): Promise<void> | undefined {
  if (!run.state.timers[seq]) return undefined; // cancelled, or already fired
  delete run.state.timers[seq];
  const m = new Mutation().event({ type: 'TimerFired', attributes: { seq } });
  m.deleteTimers.push(formatTimerId({ kind: 'userTimer', seq }));
  scheduleWorkflowTask(core, run, m);
  return core.apply(run, m);
}
