import { z } from 'zod';
import { Payload } from './payload.js';
import { Failure, RetryState } from './failure.js';
import { RetryPolicy } from './retry.js';

/** Timeouts of one activity, in milliseconds, as scheduled. */
export const ActivityTimeouts = z.object({
  scheduleToCloseTimeoutMs: z.number().positive().optional(),
  scheduleToStartTimeoutMs: z.number().positive().optional(),
  startToCloseTimeoutMs: z.number().positive().optional(),
  heartbeatTimeoutMs: z.number().positive().optional(),
});
export type ActivityTimeouts = z.infer<typeof ActivityTimeouts>;

function event<T extends string, A extends z.ZodRawShape>(type: T, attributes: A) {
  return z.object({
    eventId: z.number().int().positive(),
    eventTime: z.number(),
    type: z.literal(type),
    attributes: z.object(attributes),
  });
}

export const WorkflowExecutionStarted = event('WorkflowExecutionStarted', {
  workflowType: z.string(),
  taskQueue: z.string(),
  input: z.array(Payload),
  firstRunId: z.string(),
  attempt: z.number().int().positive(),
  randomnessSeed: z.string(),
  workflowExecutionTimeoutMs: z.number().positive().optional(),
  workflowRunTimeoutMs: z.number().positive().optional(),
  workflowTaskTimeoutMs: z.number().positive(),
  /** Deadline of the whole chain of runs, carried from the first run. */
  executionExpirationTime: z.number().optional(),
  continuedFromRunId: z.string().optional(),
  identity: z.string().optional(),
  memo: z.record(z.string(), Payload).optional(),
  searchAttributes: z.record(z.string(), Payload).optional(),
  cronSchedule: z.string().optional(),
  /** The first workflow task waits this long after the start (a cron schedule's next time, or a start delay). */
  firstWorkflowTaskBackoffMs: z.number().positive().optional(),
  /** A cron run: the result of the chain's last run that completed, and the failure of the run before, if it failed. */
  lastCompletionResult: Payload.optional(),
  continuedFailure: Failure.optional(),
});

/**
 * One workflow activation was applied. The activation saw every input event with an id up to
 * `sawUpTo` and ran at logical time `time`; its commands' events follow this one directly.
 */
export const WorkflowTaskCompleted = event('WorkflowTaskCompleted', {
  sawUpTo: z.number().int().positive(),
  time: z.number(),
  identity: z.string().optional(),
});

export const ActivityTaskScheduled = event('ActivityTaskScheduled', {
  seq: z.number().int().positive(),
  activityId: z.string(),
  activityType: z.string(),
  taskQueue: z.string(),
  input: z.array(Payload),
  timeouts: ActivityTimeouts,
  retryPolicy: RetryPolicy,
});
export const ActivityTaskCompleted = event('ActivityTaskCompleted', {
  seq: z.number().int().positive(),
  result: Payload.optional(),
  attempt: z.number().int().positive(),
  identity: z.string().optional(),
});
export const ActivityTaskFailed = event('ActivityTaskFailed', {
  seq: z.number().int().positive(),
  failure: Failure,
  attempt: z.number().int().positive(),
  retryState: RetryState,
});
export const ActivityTaskTimedOut = event('ActivityTaskTimedOut', {
  seq: z.number().int().positive(),
  failure: Failure,
  attempt: z.number().int().positive(),
  retryState: RetryState,
});
export const ActivityTaskCancelRequested = event('ActivityTaskCancelRequested', { seq: z.number().int().positive() });
export const ActivityTaskCanceled = event('ActivityTaskCanceled', {
  seq: z.number().int().positive(),
  details: z.array(Payload).optional(),
});
export const TimerStarted = event('TimerStarted', {
  seq: z.number().int().positive(),
  durationMs: z.number().min(0),
  fireAt: z.number(),
});
export const TimerFired = event('TimerFired', { seq: z.number().int().positive() });
export const TimerCanceled = event('TimerCanceled', { seq: z.number().int().positive() });
export const WorkflowExecutionCancelRequested = event('WorkflowExecutionCancelRequested', {
  reason: z.string().optional(),
  identity: z.string().optional(),
});
export const ParentClosePolicy = z.enum(['TERMINATE', 'REQUEST_CANCEL', 'ABANDON']);
export const StartChildWorkflowExecutionInitiated = event('StartChildWorkflowExecutionInitiated', {
  seq: z.number().int().positive(),
  workflowId: z.string(),
  workflowType: z.string(),
  taskQueue: z.string(),
  input: z.array(Payload),
  parentClosePolicy: ParentClosePolicy,
  workflowExecutionTimeoutMs: z.number().positive().optional(),
  workflowRunTimeoutMs: z.number().positive().optional(),
  workflowTaskTimeoutMs: z.number().positive().optional(),
});
export const ChildWorkflowExecutionStarted = event('ChildWorkflowExecutionStarted', { seq: z.number().int().positive(), workflowId: z.string(), runId: z.string() });
export const StartChildWorkflowExecutionFailed = event('StartChildWorkflowExecutionFailed', { seq: z.number().int().positive(), workflowId: z.string(), cause: z.string() });
/** A child closed; `outcome` is its close event's kind and content. */
export const ChildWorkflowExecutionClosed = event('ChildWorkflowExecutionClosed', {
  seq: z.number().int().positive(),
  workflowId: z.string(),
  runId: z.string(),
  status: z.enum(['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'TIMED_OUT']),
  result: Payload.optional(),
  failure: Failure.optional(),
});
/** A signal or cancel request sent to another workflow was initiated / delivered / failed. */
export const ExternalWorkflowRequestInitiated = event('ExternalWorkflowRequestInitiated', {
  seq: z.number().int().positive(),
  kind: z.enum(['signal', 'cancel']),
  workflowId: z.string(),
  runId: z.string().optional(),
  signalName: z.string().optional(),
  input: z.array(Payload).optional(),
});
export const ExternalWorkflowRequestDone = event('ExternalWorkflowRequestDone', {
  seq: z.number().int().positive(),
  kind: z.enum(['signal', 'cancel']),
  failure: Failure.optional(),
});
/** A local activity ran inside the workflow's own worker; its outcome, so replay need not run it again. */
export const LocalActivityMarkerRecorded = event('LocalActivityMarkerRecorded', {
  seq: z.number().int().positive(),
  activityType: z.string(),
  attempt: z.number().int().positive(),
  result: Payload.optional(),
  failure: Failure.optional(),
});
/** A patch marker: the run took the new code path of `patchId` (see patched()). */
export const MarkerRecorded = event('MarkerRecorded', {
  markerName: z.literal('patch'),
  patchId: z.string(),
  deprecated: z.boolean(),
});
/** An update passed its validator; its handler runs from this point of history. */
export const WorkflowExecutionUpdateAccepted = event('WorkflowExecutionUpdateAccepted', {
  updateId: z.string(),
  updateName: z.string(),
  input: z.array(Payload),
});
export const WorkflowExecutionUpdateCompleted = event('WorkflowExecutionUpdateCompleted', {
  updateId: z.string(),
  result: Payload.optional(),
  failure: Failure.optional(),
});
/** upsertMemo / upsertSearchAttributes: keys set (a null payload value removes the key). */
export const WorkflowPropertiesModified = event('WorkflowPropertiesModified', {
  memo: z.record(z.string(), Payload).optional(),
  searchAttributes: z.record(z.string(), Payload).optional(),
});
export const WorkflowExecutionSignaled = event('WorkflowExecutionSignaled', {
  signalName: z.string(),
  input: z.array(Payload),
  identity: z.string().optional(),
});
// `newRunId`: the next run of a cron chain, started by this close (see WorkflowOptions.cronSchedule).
export const WorkflowExecutionCompleted = event('WorkflowExecutionCompleted', { result: Payload.optional(), newRunId: z.string().optional() });
export const WorkflowExecutionFailed = event('WorkflowExecutionFailed', { failure: Failure, newRunId: z.string().optional() });
export const WorkflowExecutionCanceled = event('WorkflowExecutionCanceled', { details: z.array(Payload).optional() });
export const WorkflowExecutionTerminated = event('WorkflowExecutionTerminated', {
  reason: z.string().optional(),
  identity: z.string().optional(),
});
export const WorkflowExecutionContinuedAsNew = event('WorkflowExecutionContinuedAsNew', {
  newRunId: z.string(),
  workflowType: z.string(),
  taskQueue: z.string(),
  input: z.array(Payload),
});
export const WorkflowExecutionTimedOut = event('WorkflowExecutionTimedOut', {
  timeoutType: z.enum(['RUN', 'EXECUTION']),
  newRunId: z.string().optional(),
});

export const HistoryEvent = z.discriminatedUnion('type', [
  WorkflowExecutionStarted,
  WorkflowTaskCompleted,
  ActivityTaskScheduled,
  ActivityTaskCompleted,
  ActivityTaskFailed,
  ActivityTaskTimedOut,
  ActivityTaskCancelRequested,
  ActivityTaskCanceled,
  TimerStarted,
  TimerFired,
  TimerCanceled,
  WorkflowExecutionCancelRequested,
  WorkflowExecutionSignaled,
  WorkflowPropertiesModified,
  LocalActivityMarkerRecorded,
  StartChildWorkflowExecutionInitiated,
  ChildWorkflowExecutionStarted,
  StartChildWorkflowExecutionFailed,
  ChildWorkflowExecutionClosed,
  ExternalWorkflowRequestInitiated,
  ExternalWorkflowRequestDone,
  WorkflowExecutionUpdateAccepted,
  WorkflowExecutionUpdateCompleted,
  MarkerRecorded,
  WorkflowExecutionCompleted,
  WorkflowExecutionFailed,
  WorkflowExecutionCanceled,
  WorkflowExecutionTerminated,
  WorkflowExecutionTimedOut,
  WorkflowExecutionContinuedAsNew,
]);
export type HistoryEvent = z.infer<typeof HistoryEvent>;
export type EventType = HistoryEvent['type'];
export type EventOf<T extends EventType> = Extract<HistoryEvent, { type: T }>;
/** An event before the engine numbers and stamps it. */
export type NewEvent = { [T in EventType]: { type: T; attributes: EventOf<T>['attributes'] } }[EventType];

/** Events written as the result of a workflow command (they follow a WorkflowTaskCompleted). */
export const COMMAND_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'ActivityTaskScheduled',
  'ActivityTaskCancelRequested',
  'TimerStarted',
  'TimerCanceled',
  'MarkerRecorded',
  'LocalActivityMarkerRecorded',
  'WorkflowPropertiesModified',
  'StartChildWorkflowExecutionInitiated',
  'ExternalWorkflowRequestInitiated',
  'WorkflowExecutionUpdateAccepted',
  'WorkflowExecutionUpdateCompleted',
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionContinuedAsNew',
]);

/** Events that close a run. */
export const CLOSE_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
]);

