import { ApiError, type CompleteWorkflowTaskRequest, type FailWorkflowTaskRequest, type HeartbeatWorkflowTaskRequest, type WorkflowTask } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import { Mutation, type Run } from './run.js';
import type { TaskRef } from './matching.js';
import type { TokenData, VerifiedToken } from './task-token.js';
import { runKeyString } from './keys.js';
import { parseTaskId, WFT_TASK_ID } from './task-ids.js';
import { applyCommands, validateCommands } from './commands.js';
import { scheduleWorkflowTask } from './lifecycle.js';
import { alreadyApplied, rememberOutcome } from './request-ids.js';
import { dispatchQueryTask } from './queries.js';
import { loadStartAttributes } from './cron/cron-chain.js';

/** Back-off after a failed workflow task: short at first (a flaky bug), then at most 10 s. */
export function workflowTaskBackoffMs(failedAttempt: number): number {
  return Math.min(200 * 2 ** (failedAttempt - 1), 10_000);
}

const timeoutKey = (run: Run) => `wft-timeout\u0000${runKeyString(run.key)}`;

/** Hands a workflow task to a poller, or null if the task is no longer wanted. */
export async function dispatchWorkflowTask(core: EngineCore, ref: TaskRef): Promise<WorkflowTask | null> {
  const id = parseTaskId(ref.taskId);
  if (id.kind === 'activity') throw new Error(`internal: task '${ref.taskId}' offered on a workflow task queue`);
  const run = await core.load(ref);
  if (run && id.kind === 'query') return dispatchQueryTask(core, run, id.queryId);
  // 'delayed': the run's first task waits for its time (its timer offers it then).
  // Retired: its shard left this node in the moment since it was loaded; the new owner offers the task.
  if (!run?.open || run.retired || run.wftStarted || run.state.wft.status === 'none' || run.state.wft.status === 'delayed') return null;
  const now = core.now();
  const dispatchId = core.dispatchId();
  run.wftStarted = { dispatchId, startedTime: now };
  core.backoff.delete(run);
  armTaskTimeout(core, run, dispatchId);
  const r = run.record;
  const token: TokenData = { namespace: r.namespace, workflowId: r.workflowId, runId: r.runId, kind: 'wft', attempt: run.state.wft.attempt, dispatchId };
  return {
    taskToken: core.tokens.encode(token),
    namespace: run.record.namespace,
    workflowId: run.record.workflowId,
    runId: run.record.runId,
    workflowType: run.record.workflowType,
    attempt: run.state.wft.attempt,
    events: [...run.tail],
    lastEventId: run.record.nextEventId - 1,
    startedTime: now,
    timeoutMs: run.state.workflowTaskTimeoutMs,
    updates: run.pendingUpdates.size ? [...run.pendingUpdates].map(([updateId, u]) => ({ updateId, name: u.name, args: u.args })) : undefined,
  };
}

/** Decodes a workflow task token and loads its run. Checking the dispatch is left to the caller. */
async function loadTokenRun(core: EngineCore, token: string): Promise<{ run: Run; t: VerifiedToken }> {
  const t = core.tokens.decode(token);
  if (t.kind !== 'wft') throw new ApiError('INVALID_ARGUMENT', 'taskToken: this is an activity task token, not a workflow task token');
  return { run: await core.mustLoad(t), t };
}

/**
 * The token's dispatch must still be the run's started workflow task. Call it in the same
 * synchronous step as the change it guards (no `await` between), so two completions of one task
 * cannot both pass.
 */
function checkStarted(run: Run, t: VerifiedToken): void {
  if (!run.open) throw new ApiError('FAILED_PRECONDITION', `workflow ${t.workflowId} is already closed (${run.record.status})`);
  // Dispatch numbers start again at each engine start: a token from before a restart is never current.
  if (!t.fromThisInstance || run.wftStarted?.dispatchId !== t.dispatchId) {
    throw new ApiError('FAILED_PRECONDITION', 'this workflow task is no longer current (it timed out, or the engine restarted); a new one will be offered');
  }
}

export async function completeWorkflowTask(core: EngineCore, req: CompleteWorkflowTaskRequest): Promise<void> {
  const { run, t } = await loadTokenRun(core, req.taskToken);
  await loadStartAttributes(core, run); // a cron run's close starts the next run with them
  if (alreadyApplied(run, req.requestId)) return run.lastCommit; // a resend of a completion already recorded
  checkStarted(run, t);
  const last = run.record.nextEventId - 1;
  if (req.sawUpTo > last || req.sawUpTo < run.state.lastSawUpTo) {
    throw new ApiError('INVALID_ARGUMENT', `sawUpTo ${req.sawUpTo} is outside this task's history (${run.state.lastSawUpTo}..${last})`);
  }
  validateCommands(core, run, req.commands);
  rememberOutcome(run, req.requestId);
  core.timers.delete(timeoutKey(run));
  run.wftStarted = undefined;
  run.stickyWorkerId = req.stickyWorkerId;
  const onlyRejections = req.commands.length > 0 && req.commands.every((c) => c.type === 'RejectUpdate');
  if (onlyRejections && !run.tail.some((e) => e.eventId <= req.sawUpTo && run.isInput(e))) {
    return rejectOnly(core, run, req.commands);
  }
  run.state.lastSawUpTo = req.sawUpTo;
  run.state.wft = { status: 'none', attempt: 1 };
  run.tail = run.tail.filter((e) => e.eventId > req.sawUpTo);
  const m = new Mutation().event({ type: 'WorkflowTaskCompleted', attributes: { sawUpTo: req.sawUpTo, time: req.time, identity: req.identity } });
  applyCommands(core, run, m, req.commands, req.time);
  if (!m.close) {
    if (run.hasUnseenInput(req.sawUpTo) || run.pendingUpdates.size > 0 || m.events.some((e) => e.type === 'ActivityTaskCanceled')) scheduleWorkflowTask(core, run, m);
    if (run.state.wft.status === 'none') m.deleteTasks.push(WFT_TASK_ID);
  }
  await core.apply(run, m);
  if (req.commands.some((c) => c.type === 'RejectUpdate')) core.wake(run.key);
}

/**
 * A task that saw nothing new and only rejected updates changed nothing: it leaves no trace in
 * history (validators reject without writing history), only its task is retired.
 */
async function rejectOnly(core: EngineCore, run: Run, commands: CompleteWorkflowTaskRequest['commands']): Promise<void> {
  for (const c of commands) {
    if (c.type !== 'RejectUpdate') continue;
    run.pendingUpdates.delete(c.updateId);
    run.rejectedUpdates.set(c.updateId, c.failure);
  }
  run.state.wft = { status: 'none', attempt: 1 };
  const m = new Mutation();
  if (run.pendingUpdates.size > 0) scheduleWorkflowTask(core, run, m);
  else m.deleteTasks.push(WFT_TASK_ID);
  await core.apply(run, m);
  core.wake(run.key);
}

export async function failWorkflowTask(core: EngineCore, req: FailWorkflowTaskRequest): Promise<void> {
  const { run, t } = await loadTokenRun(core, req.taskToken);
  if (alreadyApplied(run, req.requestId)) return run.lastCommit; // a resend of a completion already recorded
  checkStarted(run, t);
  rememberOutcome(run, req.requestId);
  core.timers.delete(timeoutKey(run));
  run.wftStarted = undefined;
  run.stickyWorkerId = undefined; // the worker dropped the run from its cache
  retryLater(core, run, req.failure);
  await run.lastCommit;
}

function retryLater(core: EngineCore, run: Run, failure: FailWorkflowTaskRequest['failure']): void {
  const attempt = run.state.wft.attempt;
  const at = core.now() + workflowTaskBackoffMs(attempt);
  run.state.wft = { status: 'backoff', attempt: attempt + 1, lastFailure: failure, nextAttemptTime: at };
  core.backoff.add(run);
  const m = new Mutation();
  const row = core.wftRow(run, at);
  m.upsertTasks.push(row);
  m.offers.push(row);
  void core.apply(run, m);
}

/** The worker is still on the task (running local activities): its timeout starts again. */
export async function heartbeatWorkflowTask(core: EngineCore, req: HeartbeatWorkflowTaskRequest): Promise<void> {
  const { run, t } = await loadTokenRun(core, req.taskToken);
  checkStarted(run, t);
  armTaskTimeout(core, run, t.dispatchId);
}

/** The started task times out workflowTaskTimeoutMs from now (unless completed, or heartbeaten). */
function armTaskTimeout(core: EngineCore, run: Run, dispatchId: number): void {
  core.timers.set(timeoutKey(run), core.now() + run.state.workflowTaskTimeoutMs, () => timeOutWorkflowTask(core, run, dispatchId));
}

function timeOutWorkflowTask(core: EngineCore, run: Run, dispatchId: number): void {
  if (run.wftStarted?.dispatchId !== dispatchId || !run.open || run.retired) return;
  run.wftStarted = undefined;
  run.stickyWorkerId = undefined; // that worker may be gone
  const attempt = run.state.wft.attempt;
  run.state.wft = {
    status: 'scheduled',
    attempt: attempt + 1,
    lastFailure: { message: `workflow task timed out: no worker completed it within ${run.state.workflowTaskTimeoutMs} ms`, info: { type: 'timeout', timeoutType: 'START_TO_CLOSE' } },
  };
  const m = new Mutation();
  const row = core.wftRow(run, core.now());
  m.upsertTasks.push(row);
  m.offers.push(row);
  core.apply(run, m).catch(() => {});
}

/** A worker appeared on a queue: failed workflow tasks there retry now (it may carry the fix). */
export function retryBackedOffNow(core: EngineCore, namespace: string, taskQueue: string): void {
  for (const run of core.backoff) {
    if (run.record.namespace === namespace && run.record.taskQueue === taskQueue && run.open && run.state.wft.status === 'backoff') {
      core.offerAt(core.wftRow(run, core.now()));
    }
  }
}

export function releaseWorkflowTask(core: EngineCore, run: Run, t: TokenData): void {
  if (run.wftStarted?.dispatchId !== t.dispatchId) return;
  core.timers.delete(timeoutKey(run));
  run.wftStarted = undefined;
  run.stickyWorkerId = undefined; // handed back by a worker shutting down
  core.offerAt(core.wftRow(run, core.now()));
}
