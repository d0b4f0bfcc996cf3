import { ApiError, type Command, type NewEvent, type Payload } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import type { Mutation, Run } from './run.js';
import { closeRun } from './lifecycle.js';
import { activityTaskId } from './task-ids.js';
import { clearActivity } from './activity-tasks.js';
import { prepareRun } from './new-run.js';
import { indexSearchAttributes } from './search-attributes.js';
import { continueCronChain } from './cron/cron-chain.js';

/** Rejects a completion whose commands cannot apply, before anything is changed. */
export function validateCommands(core: EngineCore, run: Run, commands: Command[]): void {
  const seen = new Set<string>();
  commands.forEach((c, i) => {
    const bad = (why: string) => new ApiError('INVALID_ARGUMENT', `commands[${i}] (${c.type}): ${why}`);
    const closing = c.type === 'CompleteWorkflow' || c.type === 'FailWorkflow' || c.type === 'CancelWorkflow' || c.type === 'ContinueAsNew';
    if (closing && i !== commands.length - 1) throw bad('a command that closes the workflow must be the last one');
    if (c.type === 'ScheduleActivity') {
      if (run.state.activities[c.seq] || seen.has(`a${c.seq}`)) throw bad(`activity seq ${c.seq} is already in use`);
      seen.add(`a${c.seq}`);
      core.checkPayloads(`the arguments of activity '${c.activityType}'`, c.args);
    } else if (c.type === 'StartTimer') {
      if (run.state.timers[c.seq] || seen.has(`t${c.seq}`)) throw bad(`timer seq ${c.seq} is already in use`);
      seen.add(`t${c.seq}`);
    } else if (c.type === 'CompleteWorkflow') {
      core.checkPayloads('the workflow result', [c.result]);
    } else if (c.type === 'ScheduleLocalActivity') {
      throw bad('a local activity must be run by the worker and recorded (RecordLocalActivityMarker), not sent to the engine');
    } else if (c.type === 'RecordLocalActivityMarker') {
      core.checkPayloads(`the result of local activity '${c.activityType}'`, [c.result]);
    } else if (c.type === 'ModifyProperties') {
      core.checkPayloads('memo', Object.values(c.memo ?? {}));
      core.checkPayloads('search attributes', Object.values(c.searchAttributes ?? {}));
      // An unregistered key or a mistyped value is a bug in the workflow code: its task fails.
      try {
        if (c.searchAttributes) indexSearchAttributes(core.namespaces.get(run.record.namespace), c.searchAttributes);
      } catch (err) {
        throw err instanceof ApiError ? bad(`upsertSearchAttributes: ${err.message}`) : err;
      }
    } else if (c.type === 'CompleteUpdate') {
      core.checkPayloads('the update result', [c.result]);
    } else if (c.type === 'ContinueAsNew') {
      core.checkPayloads('the continue-as-new arguments', c.args);
    }
  });
}

/**
 * Turns a workflow task's commands into history events and engine state. Events that are
 * inputs to the workflow (an activity cancelled before it started) go after all command events,
 * so the activation's commands stay contiguous in history.
 */
export function applyCommands(core: EngineCore, run: Run, m: Mutation, commands: Command[], activationTime: number): void {
  const now = core.now();
  // A timer runs from when the code asked for it (its logical time: the engine's clock when the
  // task was handed out), not from when this completion got here.
  const timerBase = activationTime <= now && activationTime >= now - run.state.workflowTaskTimeoutMs ? activationTime : now;
  const trailingInputs: NewEvent[] = [];
  for (const c of commands) {
    switch (c.type) {
      case 'ScheduleActivity': {
        const taskQueue = c.taskQueue ?? run.record.taskQueue;
        m.event({
          type: 'ActivityTaskScheduled',
          attributes: { seq: c.seq, activityId: c.activityId, activityType: c.activityType, taskQueue, input: c.args, timeouts: c.timeouts, retryPolicy: c.retryPolicy },
        });
        run.state.activities[c.seq] = {
          seq: c.seq, activityId: c.activityId, activityType: c.activityType, taskQueue, input: c.args,
          timeouts: c.timeouts, retryPolicy: c.retryPolicy, scheduledTime: now, attempt: 1, currentAttemptScheduledTime: now,
        };
        const r = run.record;
        const row = { namespace: r.namespace, workflowId: r.workflowId, runId: r.runId, taskQueue, kind: 'activity' as const, taskId: activityTaskId(c.seq), visibleAt: now };
        m.upsertTasks.push(row);
        m.offers.push(row);
        if (c.timeouts.scheduleToCloseTimeoutMs) m.upsertTimers.push(core.timerRow(run, { kind: 'activityDeadline', seq: c.seq, deadline: 'scheduleToClose' }, now + c.timeouts.scheduleToCloseTimeoutMs));
        if (c.timeouts.scheduleToStartTimeoutMs) m.upsertTimers.push(core.timerRow(run, { kind: 'activityDeadline', seq: c.seq, deadline: 'scheduleToStart' }, now + c.timeouts.scheduleToStartTimeoutMs));
        break;
      }
      case 'RequestCancelActivity': {
        m.event({ type: 'ActivityTaskCancelRequested', attributes: { seq: c.seq } });
        const a = run.state.activities[c.seq];
        if (!a) break; // it finished meanwhile; the code will see that outcome
        if (run.activityStarts.has(c.seq)) {
          a.cancelRequested = true; // the worker learns it from its next heartbeat
        } else {
          clearActivity(core, run, c.seq, m);
          trailingInputs.push({ type: 'ActivityTaskCanceled', attributes: { seq: c.seq } });
        }
        break;
      }
      case 'StartTimer': {
        const fireAt = timerBase + c.durationMs;
        m.event({ type: 'TimerStarted', attributes: { seq: c.seq, durationMs: c.durationMs, fireAt } });
        run.state.timers[c.seq] = { fireAt };
        m.upsertTimers.push(core.timerRow(run, { kind: 'userTimer', seq: c.seq }, fireAt));
        break;
      }
      case 'CancelTimer': {
        m.event({ type: 'TimerCanceled', attributes: { seq: c.seq } });
        delete run.state.timers[c.seq];
        core.deleteTimer(run, m, { kind: 'userTimer', seq: c.seq });
        break;
      }
      case 'AcceptUpdate':
        m.event({ type: 'WorkflowExecutionUpdateAccepted', attributes: { updateId: c.updateId, updateName: c.updateName, input: c.args } });
        run.pendingUpdates.delete(c.updateId);
        (run.state.updates ??= {})[c.updateId] = { stage: 'ACCEPTED' };
        break;
      case 'CompleteUpdate':
        m.event({ type: 'WorkflowExecutionUpdateCompleted', attributes: { updateId: c.updateId, result: c.result, failure: c.failure } });
        (run.state.updates ??= {})[c.updateId] = { stage: 'COMPLETED', outcome: c.failure ? { failure: c.failure } : { result: c.result } };
        break;
      case 'RejectUpdate':
        run.pendingUpdates.delete(c.updateId);
        run.rejectedUpdates.set(c.updateId, c.failure);
        break;
      case 'StartChildWorkflow': {
        const taskQueue = c.taskQueue ?? run.record.taskQueue;
        m.event({
          type: 'StartChildWorkflowExecutionInitiated',
          attributes: {
            seq: c.seq, workflowId: c.workflowId, workflowType: c.workflowType, taskQueue, input: c.args, parentClosePolicy: c.parentClosePolicy,
            workflowExecutionTimeoutMs: c.workflowExecutionTimeoutMs, workflowRunTimeoutMs: c.workflowRunTimeoutMs, workflowTaskTimeoutMs: c.workflowTaskTimeoutMs,
          },
        });
        (run.state.children ??= {})[c.seq] = {
          workflowId: c.workflowId, workflowType: c.workflowType, taskQueue, input: c.args, parentClosePolicy: c.parentClosePolicy, status: 'initiated',
          workflowExecutionTimeoutMs: c.workflowExecutionTimeoutMs, workflowRunTimeoutMs: c.workflowRunTimeoutMs, workflowTaskTimeoutMs: c.workflowTaskTimeoutMs,
        };
        m.upsertTimers.push(core.timerRow(run, { kind: 'effect', effect: { kind: 'childStart', seq: c.seq } }, now));
        break;
      }
      case 'RequestExternal':
        m.event({ type: 'ExternalWorkflowRequestInitiated', attributes: { seq: c.seq, kind: c.kind, workflowId: c.workflowId, runId: c.runId, signalName: c.signalName, input: c.args } });
        (run.state.externalRequests ??= {})[c.seq] = { kind: c.kind, workflowId: c.workflowId, runId: c.runId, signalName: c.signalName, input: c.args };
        m.upsertTimers.push(core.timerRow(run, { kind: 'effect', effect: { kind: 'external', seq: c.seq } }, now));
        break;
      case 'RecordLocalActivityMarker':
        m.event({ type: 'LocalActivityMarkerRecorded', attributes: { seq: c.seq, activityType: c.activityType, attempt: c.attempt, result: c.result, failure: c.failure } });
        break;
      case 'ModifyProperties': {
        m.event({ type: 'WorkflowPropertiesModified', attributes: { memo: c.memo, searchAttributes: c.searchAttributes } });
        const { memo, searchAttributes } = run.properties;
        run.properties = { memo: mergeProperties(memo, c.memo), searchAttributes: mergeProperties(searchAttributes, c.searchAttributes) };
        m.properties = run.properties;
        if (c.searchAttributes) m.searchAttributes = indexSearchAttributes(core.namespaces.get(run.record.namespace), run.properties.searchAttributes ?? {}, true);
        break;
      }
      case 'RecordPatchMarker':
        m.event({ type: 'MarkerRecorded', attributes: { markerName: 'patch', patchId: c.patchId, deprecated: c.deprecated } });
        break;
      case 'CompleteWorkflow':
        m.event({ type: 'WorkflowExecutionCompleted', attributes: { result: c.result, ...continueCronChain(core, run, m, { status: 'COMPLETED', result: c.result }) } });
        closeRun(core, run, m, 'COMPLETED');
        return;
      case 'FailWorkflow':
        m.event({ type: 'WorkflowExecutionFailed', attributes: { failure: c.failure, ...continueCronChain(core, run, m, { status: 'FAILED', failure: c.failure }) } });
        closeRun(core, run, m, 'FAILED');
        return;
      case 'CancelWorkflow':
        m.event({ type: 'WorkflowExecutionCanceled', attributes: { details: c.details } });
        closeRun(core, run, m, 'CANCELED');
        return;
      case 'ContinueAsNew': {
        const r = run.record;
        const next = prepareRun(
          core,
          {
            namespace: r.namespace,
            workflowId: r.workflowId,
            workflowType: c.workflowType ?? r.workflowType,
            taskQueue: c.taskQueue ?? r.taskQueue,
            input: c.args,
            workflowRunTimeoutMs: c.workflowRunTimeoutMs ?? run.state.workflowRunTimeoutMs,
            workflowTaskTimeoutMs: c.workflowTaskTimeoutMs ?? run.state.workflowTaskTimeoutMs,
            chain: { firstRunId: run.state.firstRunId ?? r.runId, continuedFromRunId: r.runId, executionExpirationTime: run.state.executionExpirationTime },
            parent: run.state.parent,
            // Memo and search attributes carry over to the new run (as in Temporal), so it stays findable.
            memo: run.properties.memo,
            searchAttributes: run.properties.searchAttributes,
            // A cron chain stays one: the continued run closes into the chain's next run, and
            // carries the chain's last result for a run after it that fails (start attributes
            // are loaded before a cron run's task completes: cron-chain.ts).
            cronSchedule: run.state.cronSchedule,
            lastCompletionResult: run.state.cronSchedule ? run.startAttributes?.lastCompletionResult : undefined,
            indexedSearchAttributes: run.properties.searchAttributes && indexSearchAttributes(core.namespaces.get(r.namespace), run.properties.searchAttributes, true),
          },
          r.runId,
        );
        const n = next.run.record;
        m.event({ type: 'WorkflowExecutionContinuedAsNew', attributes: { newRunId: n.runId, workflowType: n.workflowType, taskQueue: n.taskQueue, input: c.args } });
        closeRun(core, run, m, 'CONTINUED_AS_NEW');
        m.continueAsNew = next;
        return;
      }
    }
  }
  for (const e of trailingInputs) m.event(e);
}

/** Applies upserted keys; a payload holding JSON null removes its key. */
function mergeProperties(into: Record<string, Payload> | undefined, changes: Record<string, Payload> | undefined): Record<string, Payload> | undefined {
  if (!changes) return into;
  const out = { ...into };
  for (const [k, v] of Object.entries(changes)) {
    if (v.metadata['encoding'] === 'json/plain' && v.data === 'null') delete out[k];
    else out[k] = v;
  }
  return out;
}
