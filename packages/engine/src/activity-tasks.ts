import {
  ApiError,
  type ActivityTask,
  type CancelActivityTaskRequest,
  type CompleteActivityTaskRequest,
  type FailActivityTaskRequest,
  type Failure,
  type HeartbeatActivityTaskRequest,
  type HeartbeatActivityTaskResponse,
  type RetryState,
  type TimeoutType,
} from '@endure/protocol';
import { activityFailureMessage, nextRetry } from '@endure/common';
import type { EngineCore } from './engine-core.js';
import { Mutation, type Run } from './run.js';
import type { TaskRef } from './matching.js';
import type { ActivityState } from './run-state.js';
import type { TokenData } from './task-token.js';
import { runKeyString } from './keys.js';
import { activityTaskId, parseTaskId } from './task-ids.js';
import type { ActivityDeadline, TimerId } from './timer-ids.js';
import { scheduleWorkflowTask } from './lifecycle.js';
import { alreadyApplied, rememberOutcome } from './request-ids.js';

const startKey = (run: Run, seq: number) => `act-start\u0000${runKeyString(run.key)}\u0000${seq}`;
const heartbeatKey = (run: Run, seq: number) => `act-hb\u0000${runKeyString(run.key)}\u0000${seq}`;

function disarmAttempt(core: EngineCore, run: Run, seq: number): void {
  run.activityStarts.delete(seq);
  core.timers.delete(startKey(run, seq));
  core.timers.delete(heartbeatKey(run, seq));
}

/** The durable deadline timers an activity has (only those its timeouts created). */
export function activityTimerIds(a: ActivityState | undefined): TimerId[] {
  if (!a) return [];
  const ids: TimerId[] = [];
  if (a.timeouts.scheduleToCloseTimeoutMs) ids.push({ kind: 'activityDeadline', seq: a.seq, deadline: 'scheduleToClose' });
  if (a.timeouts.scheduleToStartTimeoutMs) ids.push({ kind: 'activityDeadline', seq: a.seq, deadline: 'scheduleToStart' });
  return ids;
}

/** Removes an activity from the run: state, in-memory attempt, task row and its timers. */
export function clearActivity(core: EngineCore, run: Run, seq: number, m: Mutation): void {
  const a = run.state.activities[seq];
  // Every outcome of an activity passes through here: refusing one for an activity that is no
  // longer pending is what makes a second outcome for the same attempt impossible to record.
  if (!a) throw new Error(`internal: an outcome for activity ${seq} of workflow ${run.record.workflowId}, which is not pending`);
  delete run.state.activities[seq];
  disarmAttempt(core, run, seq);
  m.deleteTasks.push(activityTaskId(seq));
  for (const id of activityTimerIds(a)) core.deleteTimer(run, m, id);
}

export async function dispatchActivityTask(core: EngineCore, ref: TaskRef, identity: string): Promise<ActivityTask | null> {
  const id = parseTaskId(ref.taskId);
  if (id.kind !== 'activity') throw new Error(`internal: task '${ref.taskId}' offered on an activity task queue`);
  const seq = id.seq;
  const run = await core.load(ref);
  // Retired: its shard left this node in the moment since it was loaded; the new owner offers the task.
  const a = run?.open && !run.retired ? run.state.activities[seq] : undefined;
  if (!run || !a || run.activityStarts.has(seq) || a.cancelRequested) return null;
  const now = core.now();
  const dispatchId = core.dispatchId();
  run.activityStarts.set(seq, { dispatchId, startedTime: now, identity });
  const startToClose = a.timeouts.startToCloseTimeoutMs ?? a.timeouts.scheduleToCloseTimeoutMs;
  if (startToClose) core.timers.set(startKey(run, seq), now + startToClose, () => attemptTimedOut(core, run, seq, dispatchId, 'START_TO_CLOSE'));
  if (a.timeouts.heartbeatTimeoutMs) core.timers.set(heartbeatKey(run, seq), now + a.timeouts.heartbeatTimeoutMs, () => attemptTimedOut(core, run, seq, dispatchId, 'HEARTBEAT'));
  const r = run.record;
  const token: TokenData = { namespace: r.namespace, workflowId: r.workflowId, runId: r.runId, kind: 'activity', seq, attempt: a.attempt, dispatchId };
  return {
    taskToken: core.tokens.encode(token),
    namespace: run.record.namespace,
    taskQueue: a.taskQueue,
    workflowId: run.record.workflowId,
    runId: run.record.runId,
    workflowType: run.record.workflowType,
    activityId: a.activityId,
    activityType: a.activityType,
    seq,
    input: a.input,
    attempt: a.attempt,
    scheduledTime: a.scheduledTime,
    currentAttemptScheduledTime: a.currentAttemptScheduledTime,
    startedTime: now,
    timeouts: a.timeouts,
    retryPolicy: a.retryPolicy,
    heartbeatDetails: a.heartbeatDetails,
  };
}

/** Decodes an activity task token and loads its run. Checking the attempt is left to the caller. */
async function loadTokenRun(core: EngineCore, token: string): Promise<{ run: Run; t: TokenData }> {
  const t = core.tokens.decode(token);
  if (t.kind !== 'activity' || t.seq === undefined) throw new ApiError('INVALID_ARGUMENT', 'taskToken: this is a workflow task token, not an activity task token');
  return { run: await core.mustLoad(t), t };
}

/**
 * The activity attempt a token names; it must still be the current attempt. Call it in the same
 * synchronous step as the change it guards (no `await` between): two outcomes for one attempt
 * arriving together must not both pass the check.
 */
function currentAttempt(run: Run, t: TokenData): ActivityState {
  const a = run.open ? run.state.activities[t.seq!] : undefined;
  if (!a || a.attempt !== t.attempt) {
    throw new ApiError('NOT_FOUND', `activity task not found: activity ${t.seq} of workflow ${t.workflowId} already completed, failed, timed out or was retried, or the workflow closed`);
  }
  return a;
}

function activityFailure(a: ActivityState, retryState: RetryState, cause: Failure): Failure {
  return {
    message: activityFailureMessage(a.activityType, a.activityId, cause.info?.type === 'timeout' ? `timed out (${cause.info.timeoutType})` : `failed: ${cause.message}`),
    info: { type: 'activity', activityType: a.activityType, activityId: a.activityId, retryState },
    cause,
  };
}

/** Schedules the next attempt if the retry policy and deadlines allow; else records the failure. */
function retryOrFail(core: EngineCore, run: Run, a: ActivityState, failure: Failure): Promise<void> {
  const m = new Mutation();
  const now = core.now();
  const r = nextRetry(a.retryPolicy, a.attempt, failure);
  const delay = 'delayMs' in r ? r.delayMs : undefined;
  let stop: RetryState | undefined = 'stop' in r ? r.stop : undefined;
  const deadline = a.timeouts.scheduleToCloseTimeoutMs ? a.scheduledTime + a.timeouts.scheduleToCloseTimeoutMs : Infinity;
  if (!stop && now + (delay ?? 0) >= deadline) stop = 'TIMEOUT';
  if (!stop && a.cancelRequested) stop = 'CANCEL_REQUESTED';
  if (!stop) {
    const at = now + (delay ?? 0);
    disarmAttempt(core, run, a.seq);
    a.attempt += 1;
    a.lastFailure = failure;
    a.currentAttemptScheduledTime = at;
    const row = { ...run.key, taskQueue: a.taskQueue, kind: 'activity' as const, taskId: activityTaskId(a.seq), visibleAt: at };
    m.upsertTasks.push(row);
    m.offers.push(row);
    return core.apply(run, m);
  }
  const state = stop;
  const attempt = a.attempt;
  const timedOut = failure.info?.type === 'timeout';
  clearActivity(core, run, a.seq, m);
  m.event(
    timedOut
      ? { type: 'ActivityTaskTimedOut', attributes: { seq: a.seq, failure: activityFailure(a, state, failure), attempt, retryState: state } }
      : { type: 'ActivityTaskFailed', attributes: { seq: a.seq, failure: activityFailure(a, state, failure), attempt, retryState: state } },
  );
  scheduleWorkflowTask(core, run, m);
  return core.apply(run, m);
}

function timeoutFailure(a: ActivityState, type: TimeoutType): Failure {
  const cause = type === 'SCHEDULE_TO_CLOSE' ? a.lastFailure : undefined;
  return { message: `activity ${type} timeout`, info: { type: 'timeout', timeoutType: type, lastHeartbeatDetails: a.heartbeatDetails }, cause };
}

function attemptTimedOut(core: EngineCore, run: Run, seq: number, dispatchId: number, type: TimeoutType): void {
  const a = run.state.activities[seq];
  if (!a || run.retired || run.activityStarts.get(seq)?.dispatchId !== dispatchId) return;
  retryOrFail(core, run, a, timeoutFailure(a, type)).catch(() => {});
}

/** A durable activity deadline (schedule-to-close, schedule-to-start) passed. */
export function activityDeadlinePassed(core: EngineCore, run: Run, seq: number, deadline: ActivityDeadline): void {
  const a = run.state.activities[seq];
  const m = new Mutation();
  core.deleteTimer(run, m, { kind: 'activityDeadline', seq, deadline });
  if (a && (deadline === 'scheduleToClose' || !run.activityStarts.has(seq))) {
    const type: TimeoutType = deadline === 'scheduleToClose' ? 'SCHEDULE_TO_CLOSE' : 'SCHEDULE_TO_START';
    const attempt = a.attempt;
    const failure = activityFailure(a, 'TIMEOUT', timeoutFailure(a, type));
    clearActivity(core, run, seq, m);
    m.event({ type: 'ActivityTaskTimedOut', attributes: { seq, failure, attempt, retryState: 'TIMEOUT' } });
    scheduleWorkflowTask(core, run, m);
  }
  core.apply(run, m).catch(() => {});
}

export async function completeActivityTask(core: EngineCore, req: CompleteActivityTaskRequest): Promise<void> {
  const { run, t } = await loadTokenRun(core, req.taskToken);
  if (alreadyApplied(run, req.requestId)) return run.lastCommit; // a resend of an outcome already recorded
  const a = currentAttempt(run, t);
  rememberOutcome(run, req.requestId);
  core.checkPayloads(`the result of activity '${a.activityType}'`, [req.result]);
  const m = new Mutation();
  const attempt = a.attempt;
  clearActivity(core, run, a.seq, m);
  m.event({ type: 'ActivityTaskCompleted', attributes: { seq: a.seq, result: req.result, attempt, identity: req.identity } });
  scheduleWorkflowTask(core, run, m);
  await core.apply(run, m);
}

export async function failActivityTask(core: EngineCore, req: FailActivityTaskRequest): Promise<void> {
  const { run, t } = await loadTokenRun(core, req.taskToken);
  if (alreadyApplied(run, req.requestId)) return run.lastCommit; // a resend of an outcome already recorded
  const a = currentAttempt(run, t);
  rememberOutcome(run, req.requestId);
  await retryOrFail(core, run, a, req.failure);
}

export async function cancelActivityTask(core: EngineCore, req: CancelActivityTaskRequest): Promise<void> {
  const { run, t } = await loadTokenRun(core, req.taskToken);
  if (alreadyApplied(run, req.requestId)) return run.lastCommit; // a resend of an outcome already recorded
  const a = currentAttempt(run, t);
  rememberOutcome(run, req.requestId);
  if (!a.cancelRequested) {
    throw new ApiError('FAILED_PRECONDITION', `activity ${a.activityId} was not asked to cancel; report the error with failActivityTask instead`);
  }
  const m = new Mutation();
  clearActivity(core, run, a.seq, m);
  m.event({ type: 'ActivityTaskCanceled', attributes: { seq: a.seq, details: req.details } });
  scheduleWorkflowTask(core, run, m);
  await core.apply(run, m);
}

export async function heartbeatActivityTask(core: EngineCore, req: HeartbeatActivityTaskRequest): Promise<HeartbeatActivityTaskResponse> {
  const { run, t } = await loadTokenRun(core, req.taskToken);
  const a = currentAttempt(run, t);
  core.checkPayloads(`heartbeat details of activity '${a.activityType}'`, req.details);
  const started = run.activityStarts.get(a.seq);
  if (started && a.timeouts.heartbeatTimeoutMs) {
    const dispatchId = started.dispatchId;
    core.timers.set(heartbeatKey(run, a.seq), core.now() + a.timeouts.heartbeatTimeoutMs, () => attemptTimedOut(core, run, a.seq, dispatchId, 'HEARTBEAT'));
  }
  if (req.details !== undefined) {
    a.heartbeatDetails = req.details;
    await core.apply(run, new Mutation()); // durable, so the next attempt resumes from them
  }
  return { cancelRequested: a.cancelRequested === true };
}

export function releaseActivityTask(core: EngineCore, run: Run, t: TokenData): void {
  const seq = t.seq ?? -1;
  const a = run.state.activities[seq];
  if (!a || run.activityStarts.get(seq)?.dispatchId !== t.dispatchId) return;
  disarmAttempt(core, run, seq);
  core.offerAt({ ...run.key, taskQueue: a.taskQueue, kind: 'activity', taskId: activityTaskId(seq), visibleAt: core.now() });
}
