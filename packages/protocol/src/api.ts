import { z } from 'zod';
import { Payload } from './payload.js';
import { Failure } from './failure.js';
import { RetryPolicy } from './retry.js';
import { Command } from './commands.js';
import { HistoryEvent, ActivityTimeouts } from './events.js';
import { TaskQueuePolling, WorkflowExecutionEntry } from './visibility.js';

const id = (what: string) =>
  z.string().min(1, `${what} must not be empty`).max(1000, `${what} must be at most 1000 characters`);
/** Free-form labels (identities, request ids): bounded, since the engine keeps some in memory. */
const label = (what: string) => z.string().max(1000, `${what} must be at most 1000 characters`);
/**
 * An idempotency key: a request resent with the same id (after a dropped connection, an outage)
 * is answered as the first one was and never applied twice. Clients and workers generate one
 * per call when the caller gives none; the engine remembers applied ids for an hour.
 */
const requestId = () => z.string().min(1, 'requestId must not be empty').max(200, 'requestId must be at most 200 characters').optional();

export const WorkflowIdReusePolicy = z.enum([
  'ALLOW_DUPLICATE',
  'ALLOW_DUPLICATE_FAILED_ONLY',
  'REJECT_DUPLICATE',
  'TERMINATE_IF_RUNNING',
]);
export type WorkflowIdReusePolicy = z.infer<typeof WorkflowIdReusePolicy>;
export const WorkflowIdConflictPolicy = z.enum(['FAIL', 'USE_EXISTING', 'TERMINATE_EXISTING']);
export type WorkflowIdConflictPolicy = z.infer<typeof WorkflowIdConflictPolicy>;


export const StartWorkflowRequest = z.object({
  namespace: id('namespace'),
  workflowId: id('workflowId'),
  workflowType: id('workflowType'),
  taskQueue: id('taskQueue'),
  input: z.array(Payload),
  workflowIdReusePolicy: WorkflowIdReusePolicy.optional(),
  workflowIdConflictPolicy: WorkflowIdConflictPolicy.optional(),
  workflowExecutionTimeoutMs: z.number().positive().optional(),
  workflowRunTimeoutMs: z.number().positive().optional(),
  workflowTaskTimeoutMs: z.number().positive().optional(),
  identity: label('identity').optional(),
  requestId: requestId(),
  memo: z.record(z.string(), Payload).optional(),
  searchAttributes: z
    .record(z.string(), Payload)
    .superRefine((attrs, ctx) => {
      for (const k of Object.keys(attrs)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
          ctx.addIssue({ code: 'custom', path: [k], message: `search attribute names are letters, digits and _ (not starting with a digit); '${k}' is not` });
        }
      }
    })
    .optional(),
  /** signalWithStart: this signal is delivered to the running run, or to the new one. */
  signalName: id('signalName').optional(),
  signalInput: z.array(Payload).optional(),
  /**
   * A cron schedule (5 fields or a descriptor such as `@hourly`, UTC): the run waits for the next
   * matching time, and each run that completes, fails or times out is followed by the next one.
   */
  cronSchedule: z.string().min(1).max(200).optional(),
  /** Wait this long before the first workflow task (a signal, not the start's own, ends the wait). */
  startDelayMs: z.number().positive().optional(),
});
export type StartWorkflowRequest = z.infer<typeof StartWorkflowRequest>;
export const StartWorkflowResponse = z.object({
  runId: z.string(),
  /** False when USE_EXISTING returned an already running workflow. */
  started: z.boolean(),
});
export type StartWorkflowResponse = z.infer<typeof StartWorkflowResponse>;

export const ExecutionRef = z.object({
  namespace: id('namespace'),
  workflowId: id('workflowId'),
  runId: label('runId').optional(),
});
export type ExecutionRef = z.infer<typeof ExecutionRef>;

// Responses are schemas too, so the HTTP API's OpenAPI document describes them; times are epoch ms.
export const PendingActivityInfo = z.object({
  seq: z.number(),
  activityId: z.string(),
  activityType: z.string(),
  state: z.enum(['SCHEDULED', 'STARTED', 'CANCEL_REQUESTED']),
  attempt: z.number(),
  lastFailure: Failure.optional(),
  lastHeartbeatDetails: z.array(Payload).optional(),
  nextAttemptScheduleTime: z.number().optional(),
});
export type PendingActivityInfo = z.infer<typeof PendingActivityInfo>;
export const PendingWorkflowTaskInfo = z.object({
  attempt: z.number(),
  state: z.enum(['SCHEDULED', 'STARTED', 'BACKING_OFF']),
  lastFailure: Failure.optional(),
  nextAttemptTime: z.number().optional(),
});
export type PendingWorkflowTaskInfo = z.infer<typeof PendingWorkflowTaskInfo>;
/** A run as listed, plus what it is waiting on. */
export const WorkflowDescription = WorkflowExecutionEntry.extend({
  pendingActivities: z.array(PendingActivityInfo),
  pendingWorkflowTask: PendingWorkflowTaskInfo.optional(),
  /** For an open run: whether workers poll its task queue for workflow tasks (a mistyped queue shows here). */
  taskQueuePolling: TaskQueuePolling.optional(),
  /** When the run's code starts (or started): its start, or later with a cron schedule or a start delay. */
  executionTime: z.number().optional(),
  cronSchedule: z.string().optional(),
  /** The first run of the chain this run belongs to (continue-as-new, cron). */
  firstRunId: z.string().optional(),
});
export type WorkflowDescription = z.infer<typeof WorkflowDescription>;

export const SignalWorkflowRequest = ExecutionRef.extend({
  signalName: id('signalName'),
  input: z.array(Payload),
  identity: label('identity').optional(),
  requestId: requestId(),
});
export type SignalWorkflowRequest = z.infer<typeof SignalWorkflowRequest>;

export const QueryWorkflowRequest = ExecutionRef.extend({
  queryType: id('queryType'),
  args: z.array(Payload),
  /** How long to wait for a worker to answer. Default 10 s. */
  timeoutMs: z.number().positive().optional(),
});
export type QueryWorkflowRequest = z.infer<typeof QueryWorkflowRequest>;
export const QueryWorkflowResponse = z.object({ result: Payload.optional() });
export type QueryWorkflowResponse = z.infer<typeof QueryWorkflowResponse>;

export const UpdateStage = z.enum(['ACCEPTED', 'COMPLETED']);
export type UpdateStage = z.infer<typeof UpdateStage>;

export const UpdateWorkflowRequest = ExecutionRef.extend({
  updateId: z.string().min(1).max(1000),
  updateName: id('updateName'),
  args: z.array(Payload),
  /** Return once the update reached this stage (or the wait timed out). Default COMPLETED. */
  waitForStage: UpdateStage.optional(),
  timeoutMs: z.number().positive().optional(),
  identity: label('identity').optional(),
  /** Without a runId: update the latest run only if it belongs to the chain that this run started. */
  firstExecutionRunId: label('firstExecutionRunId').optional(),
});
export type UpdateWorkflowRequest = z.infer<typeof UpdateWorkflowRequest>;

export const PollUpdateRequest = ExecutionRef.extend({
  updateId: z.string().min(1).max(1000),
  waitForStage: UpdateStage.optional(),
  timeoutMs: z.number().positive().optional(),
});
export type PollUpdateRequest = z.infer<typeof PollUpdateRequest>;

/** Where an update is; `outcome` once it completed (or was rejected by its validator). */
export const UpdateResponse = z.object({
  updateId: z.string(),
  runId: z.string(),
  stage: z.enum(['ADMITTED', ...UpdateStage.options]),
  outcome: z.union([z.object({ result: Payload.optional() }), z.object({ failure: Failure })]).optional(),
  /** While the update waits for a worker to take it (stage ADMITTED): whether any worker polls the run's task queue. */
  taskQueuePolling: TaskQueuePolling.optional(),
});
export type UpdateResponse = z.infer<typeof UpdateResponse>;

export const RespondQueryTaskRequest = z.object({
  taskToken: z.string(),
  result: Payload.optional(),
  failure: Failure.optional(),
});
export type RespondQueryTaskRequest = z.infer<typeof RespondQueryTaskRequest>;

export const GetHistoryRequest = ExecutionRef.extend({
  fromEventId: z.number().int().positive().optional(),
  /** Long-poll: when no event past fromEventId exists yet, wait up to timeoutMs for one. */
  waitNewEvent: z.boolean().optional(),
  timeoutMs: z.number().min(0).optional(),
});
export type GetHistoryRequest = z.infer<typeof GetHistoryRequest>;
export const GetHistoryResponse = z.object({ runId: z.string(), events: z.array(HistoryEvent) });
export type GetHistoryResponse = z.infer<typeof GetHistoryResponse>;

export const GetResultRequest = ExecutionRef.extend({ timeoutMs: z.number().min(0).optional() });
export type GetResultRequest = z.infer<typeof GetResultRequest>;
/** The close event of a run, or `closeEvent` absent when the wait timed out first. */
export const GetResultResponse = z.object({ runId: z.string(), closeEvent: HistoryEvent.optional() });
export type GetResultResponse = z.infer<typeof GetResultResponse>;

export const CancelWorkflowRequest = ExecutionRef.extend({
  reason: z.string().optional(),
  identity: label('identity').optional(),
  requestId: requestId(),
  /** Without a runId: act on the latest run only if it belongs to the chain that this run started. */
  firstExecutionRunId: label('firstExecutionRunId').optional(),
});
export type CancelWorkflowRequest = z.infer<typeof CancelWorkflowRequest>;
export const TerminateWorkflowRequest = CancelWorkflowRequest;
export type TerminateWorkflowRequest = CancelWorkflowRequest;

export const PollRequest = z.object({
  namespace: id('namespace'),
  taskQueue: id('taskQueue'),
  identity: label('identity'),
  timeoutMs: z.number().min(0).optional(),
  /** The polling Worker instance: workflow tasks of runs it has cached come to it first (sticky). */
  workerId: label('workerId').optional(),
});
export type PollRequest = z.infer<typeof PollRequest>;

/** Most tasks one pollWorkflowTasks / pollActivityTasks call hands out. */
export const MAX_TASKS_PER_POLL = 64;

export const PollTasksRequest = PollRequest.extend({
  /**
   * Take up to this many tasks: the poll waits for the first, then takes what else is ready at
   * that moment. One exchange for a burst of tasks instead of one each (a worker asks for as
   * many as it has free slots).
   */
  maxTasks: z.number().int().min(1).max(MAX_TASKS_PER_POLL),
});
export type PollTasksRequest = z.infer<typeof PollTasksRequest>;

export const WorkflowTask = z.object({
  taskToken: z.string(),
  namespace: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  workflowType: z.string(),
  attempt: z.number(),
  /** Events since the last activation the engine recorded; the full history when that is all of it. */
  events: z.array(HistoryEvent),
  /** Id of the last event in history when the task was handed out. */
  lastEventId: z.number(),
  /** The engine's clock when the task was handed out: the workflow's logical time for it. */
  startedTime: z.number(),
  /** The task's start-to-close timeout: a worker still on it (local activities) heartbeats it before then. */
  timeoutMs: z.number().optional(),
  /** Set for a query task: answer it (respondQueryTask) from the run's state; change nothing. */
  query: z.object({ queryType: z.string(), args: z.array(Payload) }).optional(),
  /** Update requests to deliver in this task's live activation (validated there). */
  updates: z.array(z.object({ updateId: z.string(), name: z.string(), args: z.array(Payload) })).optional(),
});
export type WorkflowTask = z.infer<typeof WorkflowTask>;
/** What pollWorkflowTasks hands out: none when the wait timed out (or was aborted). */
export const PollWorkflowTasksResponse = z.object({ tasks: z.array(WorkflowTask) });
export type PollWorkflowTasksResponse = z.infer<typeof PollWorkflowTasksResponse>;

export const CompleteWorkflowTaskRequest = z.object({
  taskToken: z.string(),
  commands: z.array(Command),
  sawUpTo: z.number().int().positive(),
  time: z.number(),
  identity: label('identity').optional(),
  /** The completing Worker instance keeps the run cached: send its next tasks there first. */
  stickyWorkerId: label('stickyWorkerId').optional(),
  requestId: requestId(),
});
export type CompleteWorkflowTaskRequest = z.infer<typeof CompleteWorkflowTaskRequest>;
export const FailWorkflowTaskRequest = z.object({
  taskToken: z.string(),
  failure: Failure,
  identity: label('identity').optional(),
  requestId: requestId(),
});
export type FailWorkflowTaskRequest = z.infer<typeof FailWorkflowTaskRequest>;

export const ActivityTask = z.object({
  taskToken: z.string(),
  namespace: z.string(),
  taskQueue: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  workflowType: z.string(),
  activityId: z.string(),
  activityType: z.string(),
  seq: z.number(),
  input: z.array(Payload),
  attempt: z.number(),
  scheduledTime: z.number(),
  currentAttemptScheduledTime: z.number(),
  startedTime: z.number(),
  timeouts: ActivityTimeouts,
  retryPolicy: RetryPolicy,
  heartbeatDetails: z.array(Payload).optional(),
});
export type ActivityTask = z.infer<typeof ActivityTask>;
/** What pollActivityTasks hands out: none when the wait timed out (or was aborted). */
export const PollActivityTasksResponse = z.object({ tasks: z.array(ActivityTask) });
export type PollActivityTasksResponse = z.infer<typeof PollActivityTasksResponse>;

export const CompleteActivityTaskRequest = z.object({ taskToken: z.string(), result: Payload.optional(), identity: label('identity').optional(), requestId: requestId() });
export type CompleteActivityTaskRequest = z.infer<typeof CompleteActivityTaskRequest>;
export const FailActivityTaskRequest = z.object({ taskToken: z.string(), failure: Failure, identity: label('identity').optional(), requestId: requestId() });
export type FailActivityTaskRequest = z.infer<typeof FailActivityTaskRequest>;
/** Reports that the activity honoured a cancellation request. */
export const CancelActivityTaskRequest = z.object({ taskToken: z.string(), details: z.array(Payload).optional(), requestId: requestId() });
export type CancelActivityTaskRequest = z.infer<typeof CancelActivityTaskRequest>;
export const HeartbeatActivityTaskRequest = z.object({ taskToken: z.string(), details: z.array(Payload).optional() });
export type HeartbeatActivityTaskRequest = z.infer<typeof HeartbeatActivityTaskRequest>;
export const HeartbeatActivityTaskResponse = z.object({ cancelRequested: z.boolean() });
export type HeartbeatActivityTaskResponse = z.infer<typeof HeartbeatActivityTaskResponse>;
/** Names a running activity by ids, for completing it from outside (async completion). */
export const ActivityRef = ExecutionRef.extend({ activityId: id('activityId') });
export type ActivityRef = z.infer<typeof ActivityRef>;
export const ActivityTaskTokenResponse = z.object({ taskToken: z.string() });
export type ActivityTaskTokenResponse = z.infer<typeof ActivityTaskTokenResponse>;

/** Hands a task back unstarted (worker shutting down): it is offered again at once. */
export const ReleaseTaskRequest = z.object({ taskToken: z.string() });
export type ReleaseTaskRequest = z.infer<typeof ReleaseTaskRequest>;

/** A worker still working on a workflow task (running its local activities): restarts its timeout. */
export const HeartbeatWorkflowTaskRequest = z.object({ taskToken: z.string() });
export type HeartbeatWorkflowTaskRequest = z.infer<typeof HeartbeatWorkflowTaskRequest>;

export { ActivityTimeouts };
