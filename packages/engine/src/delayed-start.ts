// A run whose first workflow task waits: for its cron schedule's next time, or for a start delay.
// The run exists (RUNNING, its start event written) from the start call; a durable timer offers
// its first task at the time, so a restart neither loses the wait nor cuts it short.
import { ApiError } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import { Mutation, type Run } from './run.js';

/** Ends the wait in `m`: the first workflow task is offered, the timer removed. */
export function endDelay(core: EngineCore, run: Run, m: Mutation, at: number): void {
  run.state.wft = { status: 'scheduled', attempt: 1 };
  delete run.state.delayedBy;
  run.state.executionTime = at;
  core.deleteTimer(run, m, { kind: 'delayedStart' });
  const row = core.wftRow(run, core.now());
  m.upsertTasks.push(row);
  m.offers.push(row);
}

/**
 * New input for a waiting run: a start delay ends (as in Temporal, a signal dispatches the first
 * task at once); a cron run keeps waiting for its time, and gets the input then.
 */
export function inputWhileDelayed(core: EngineCore, run: Run, m: Mutation): void {
  if (run.open && run.state.delayedBy === 'startDelay') endDelay(core, run, m, core.now());
}

/** The wait's timer fired: the run's code starts (at its scheduled time, which stays its executionTime). */
export function startDelayedRun(core: EngineCore, run: Run): Promise<void> | undefined {
  if (!run.open || run.state.wft.status !== 'delayed') return undefined;
  const m = new Mutation();
  endDelay(core, run, m, run.state.executionTime ?? core.now());
  return core.apply(run, m);
}

/** Queries need the workflow's code to have run; a waiting run's has not. */
export function refuseQueryWhileDelayed(run: Run, queryType: string): void {
  refuseWhileDelayed(run, `query '${queryType}'`, 'query it after that');
}

/** An update to a run that has not started either: no worker could accept it before then, so the caller is told at once instead of waiting. */
export function refuseUpdateWhileDelayed(run: Run, updateName: string): void {
  refuseWhileDelayed(run, `update '${updateName}'`, 'send it after that (a signal ends a startDelay early)');
}

function refuseWhileDelayed(run: Run, what: string, instead: string): void {
  if (!run.open || run.state.wft.status !== 'delayed') return;
  const at = new Date(run.state.executionTime ?? 0).toISOString();
  const why = run.state.delayedBy === 'cron' ? `waits for its cron schedule '${run.state.cronSchedule}'` : 'waits out its startDelay';
  throw new ApiError('FAILED_PRECONDITION', `${what}: workflow '${run.record.workflowId}' has not started running: it ${why} until ${at}; ${instead}`);
}
