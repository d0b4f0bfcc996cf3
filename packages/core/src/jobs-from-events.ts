import type { HistoryEvent, Job, WorkflowInfo } from '@endure/protocol';

export interface RunIdentity {
  namespace: string;
  workflowId: string;
  runId: string;
}

/** The job an input event delivers to workflow code, or undefined for events code never sees. */
export function jobFromEvent(e: HistoryEvent, run: RunIdentity): Job | undefined {
  switch (e.type) {
    case 'WorkflowExecutionStarted': {
      const a = e.attributes;
      const info: WorkflowInfo = {
        namespace: run.namespace,
        workflowId: run.workflowId,
        runId: run.runId,
        firstRunId: a.firstRunId,
        workflowType: a.workflowType,
        taskQueue: a.taskQueue,
        attempt: a.attempt,
        startTime: e.eventTime,
        runStartTime: e.eventTime,
        executionTimeoutMs: a.workflowExecutionTimeoutMs,
        runTimeoutMs: a.workflowRunTimeoutMs,
        taskTimeoutMs: a.workflowTaskTimeoutMs,
        executionExpirationTime: a.executionExpirationTime,
        continuedFromExecutionRunId: a.continuedFromRunId,
        historyLength: e.eventId,
        memo: a.memo,
        searchAttributes: a.searchAttributes,
        cronSchedule: a.cronSchedule,
        cronScheduleToScheduleInterval: a.cronSchedule ? (a.firstWorkflowTaskBackoffMs ?? 0) : undefined,
        lastCompletionResult: a.lastCompletionResult,
        lastFailure: a.continuedFailure,
      };
      return { type: 'startWorkflow', workflowType: a.workflowType, args: a.input, info, randomnessSeed: a.randomnessSeed };
    }
    case 'ActivityTaskCompleted':
      return { type: 'resolveActivity', seq: e.attributes.seq, resolution: { status: 'completed', result: e.attributes.result } };
    case 'ActivityTaskFailed':
    case 'ActivityTaskTimedOut':
      return { type: 'resolveActivity', seq: e.attributes.seq, resolution: { status: 'failed', failure: e.attributes.failure } };
    case 'ActivityTaskCanceled':
      return { type: 'resolveActivity', seq: e.attributes.seq, resolution: { status: 'cancelled', details: e.attributes.details } };
    case 'ChildWorkflowExecutionStarted':
      return { type: 'resolveChildStart', seq: e.attributes.seq, runId: e.attributes.runId };
    case 'StartChildWorkflowExecutionFailed':
      return { type: 'resolveChildStart', seq: e.attributes.seq, failedCause: e.attributes.cause };
    case 'ChildWorkflowExecutionClosed':
      return { type: 'resolveChild', seq: e.attributes.seq, status: e.attributes.status, result: e.attributes.result, failure: e.attributes.failure };
    case 'ExternalWorkflowRequestDone':
      return { type: 'resolveExternal', seq: e.attributes.seq, failure: e.attributes.failure };
    case 'TimerFired':
      return { type: 'fireTimer', seq: e.attributes.seq };
    case 'WorkflowExecutionCancelRequested':
      return { type: 'cancelWorkflow', reason: e.attributes.reason };
    case 'WorkflowExecutionSignaled':
      return { type: 'signalWorkflow', signalName: e.attributes.signalName, args: e.attributes.input };
    default:
      return undefined;
  }
}
