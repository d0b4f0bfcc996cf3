import { z } from 'zod';
import { Payload } from './payload.js';
import { Failure } from './failure.js';
import { RetryPolicy } from './retry.js';
import { Command } from './commands.js';
import { HistoryEvent, ActivityTimeouts } from './events.js';
import type {
  AddSearchAttributesRequest,
  CountWorkflowsRequest,
  CountWorkflowsResponse,
  DescribeTaskQueueRequest,
  DescribeTaskQueueResponse,
  ListNamespacesResponse,
  ListSearchAttributesResponse,
  ListWorkflowsRequest,
  ListWorkflowsResponse,
  NamespaceInfo,
  NamespaceRef,
  RegisterNamespaceRequest,
} from './visibility.js';

const id = (what: string) =>
  z.string().min(1, `${what} must not be empty`).max(1000, `${what} must be at most 1000 characters`);

export const WorkflowIdReusePolicy = z.enum([
  'ALLOW_DUPLICATE',
  'ALLOW_DUPLICATE_FAILED_ONLY',
  'REJECT_DUPLICATE',
  'TERMINATE_IF_RUNNING',
]);
export type WorkflowIdReusePolicy = z.infer<typeof WorkflowIdReusePolicy>;
export const WorkflowIdConflictPolicy = z.enum(['FAIL', 'USE_EXISTING', 'TERMINATE_EXISTING']);
export type WorkflowIdConflictPolicy = z.infer<typeof WorkflowIdConflictPolicy>;

export const WorkflowStatus = z.enum([
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'TIMED_OUT',
  'CONTINUED_AS_NEW',
]);
export type WorkflowStatus = z.infer<typeof WorkflowStatus>;

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
  identity: z.string().optional(),
  requestId: z.string().optional(),
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
  signalName: z.string().min(1).optional(),
  signalInput: z.array(Payload).optional(),
});
export type StartWorkflowRequest = z.infer<typeof StartWorkflowRequest>;
export interface StartWorkflowResponse {
  runId: string;
  /** False when USE_EXISTING returned an already running workflow. */
  started: boolean;
}

export const ExecutionRef = z.object({
  namespace: id('namespace'),
  workflowId: id('workflowId'),
  runId: z.string().optional(),
});
export type ExecutionRef = z.infer<typeof ExecutionRef>;

export interface PendingActivityInfo {
  seq: number;
  activityId: string;
  activityType: string;
  state: 'SCHEDULED' | 'STARTED' | 'CANCEL_REQUESTED';
  attempt: number;
  lastFailure?: Failure;
  lastHeartbeatDetails?: Payload[];
  nextAttemptScheduleTime?: number;
}
export interface PendingWorkflowTaskInfo {
  attempt: number;
  state: 'SCHEDULED' | 'STARTED' | 'BACKING_OFF';
  lastFailure?: Failure;
  nextAttemptTime?: number;
}
export interface WorkflowDescription {
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: WorkflowStatus;
  startTime: number;
  closeTime?: number;
  historyLength: number;
  pendingActivities: PendingActivityInfo[];
  pendingWorkflowTask?: PendingWorkflowTaskInfo;
  memo: Record<string, Payload>;
  searchAttributes: Record<string, Payload>;
}

export const SignalWorkflowRequest = ExecutionRef.extend({
  signalName: z.string().min(1, 'signalName must not be empty'),
  input: z.array(Payload),
  identity: z.string().optional(),
});
export type SignalWorkflowRequest = z.infer<typeof SignalWorkflowRequest>;

export const QueryWorkflowRequest = ExecutionRef.extend({
  queryType: z.string().min(1, 'queryType must not be empty'),
  args: z.array(Payload),
  /** How long to wait for a worker to answer. Default 10 s. */
  timeoutMs: z.number().positive().optional(),
});
export type QueryWorkflowRequest = z.infer<typeof QueryWorkflowRequest>;
export interface QueryWorkflowResponse {
  result?: Payload;
}

export const UpdateStage = z.enum(['ACCEPTED', 'COMPLETED']);
export type UpdateStage = z.infer<typeof UpdateStage>;

export const UpdateWorkflowRequest = ExecutionRef.extend({
  updateId: z.string().min(1).max(1000),
  updateName: z.string().min(1, 'updateName must not be empty'),
  args: z.array(Payload),
  /** Return once the update reached this stage (or the wait timed out). Default COMPLETED. */
  waitForStage: UpdateStage.optional(),
  timeoutMs: z.number().positive().optional(),
  identity: z.string().optional(),
});
export type UpdateWorkflowRequest = z.infer<typeof UpdateWorkflowRequest>;

export const PollUpdateRequest = ExecutionRef.extend({
  updateId: z.string().min(1),
  waitForStage: UpdateStage.optional(),
  timeoutMs: z.number().positive().optional(),
});
export type PollUpdateRequest = z.infer<typeof PollUpdateRequest>;

/** Where an update is; `outcome` once it completed (or was rejected by its validator). */
export interface UpdateResponse {
  updateId: string;
  runId: string;
  stage: 'ADMITTED' | UpdateStage;
  outcome?: { result?: Payload } | { failure: Failure };
}

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
export interface GetHistoryResponse {
  runId: string;
  events: HistoryEvent[];
}

export const GetResultRequest = ExecutionRef.extend({ timeoutMs: z.number().min(0).optional() });
export type GetResultRequest = z.infer<typeof GetResultRequest>;
/** The close event of a run, or `closeEvent` absent when the wait timed out first. */
export interface GetResultResponse {
  runId: string;
  closeEvent?: HistoryEvent;
}

export const CancelWorkflowRequest = ExecutionRef.extend({ reason: z.string().optional(), identity: z.string().optional() });
export type CancelWorkflowRequest = z.infer<typeof CancelWorkflowRequest>;
export const TerminateWorkflowRequest = CancelWorkflowRequest;
export type TerminateWorkflowRequest = CancelWorkflowRequest;

export const PollRequest = z.object({
  namespace: id('namespace'),
  taskQueue: id('taskQueue'),
  identity: z.string(),
  timeoutMs: z.number().min(0).optional(),
});
export type PollRequest = z.infer<typeof PollRequest>;

export interface WorkflowTask {
  taskToken: string;
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  attempt: number;
  /** Events since the last activation the engine recorded; the full history when that is all of it. */
  events: HistoryEvent[];
  /** Id of the last event in history when the task was handed out. */
  lastEventId: number;
  /** The engine's clock when the task was handed out: the workflow's logical time for it. */
  startedTime: number;
  /** Set for a query task: answer it (respondQueryTask) from the run's state; change nothing. */
  query?: { queryType: string; args: Payload[] };
  /** Update requests to deliver in this task's live activation (validated there). */
  updates?: { updateId: string; name: string; args: Payload[] }[];
}

export const CompleteWorkflowTaskRequest = z.object({
  taskToken: z.string(),
  commands: z.array(Command),
  sawUpTo: z.number().int().positive(),
  time: z.number(),
  identity: z.string().optional(),
});
export type CompleteWorkflowTaskRequest = z.infer<typeof CompleteWorkflowTaskRequest>;
export const FailWorkflowTaskRequest = z.object({
  taskToken: z.string(),
  failure: Failure,
  identity: z.string().optional(),
});
export type FailWorkflowTaskRequest = z.infer<typeof FailWorkflowTaskRequest>;

export interface ActivityTask {
  taskToken: string;
  namespace: string;
  taskQueue: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  activityId: string;
  activityType: string;
  seq: number;
  input: Payload[];
  attempt: number;
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime: number;
  timeouts: ActivityTimeouts;
  retryPolicy: z.infer<typeof RetryPolicy>;
  heartbeatDetails?: Payload[];
}

export const CompleteActivityTaskRequest = z.object({ taskToken: z.string(), result: Payload.optional(), identity: z.string().optional() });
export type CompleteActivityTaskRequest = z.infer<typeof CompleteActivityTaskRequest>;
export const FailActivityTaskRequest = z.object({ taskToken: z.string(), failure: Failure, identity: z.string().optional() });
export type FailActivityTaskRequest = z.infer<typeof FailActivityTaskRequest>;
/** Reports that the activity honoured a cancellation request. */
export const CancelActivityTaskRequest = z.object({ taskToken: z.string(), details: z.array(Payload).optional() });
export type CancelActivityTaskRequest = z.infer<typeof CancelActivityTaskRequest>;
export const HeartbeatActivityTaskRequest = z.object({ taskToken: z.string(), details: z.array(Payload).optional() });
export type HeartbeatActivityTaskRequest = z.infer<typeof HeartbeatActivityTaskRequest>;
export interface HeartbeatActivityTaskResponse {
  cancelRequested: boolean;
}
/** Names a running activity by ids, for completing it from outside (async completion). */
export const ActivityRef = ExecutionRef.extend({ activityId: z.string().min(1) });
export type ActivityRef = z.infer<typeof ActivityRef>;

/** Hands a task back unstarted (worker shutting down): it is offered again at once. */
export const ReleaseTaskRequest = z.object({ taskToken: z.string() });
export type ReleaseTaskRequest = z.infer<typeof ReleaseTaskRequest>;

/**
 * Every operation the client and worker packages use. The embedded transport calls an engine
 * object directly; the HTTP transport maps each method to one route.
 */
export interface EngineApi {
  startWorkflow(req: StartWorkflowRequest): Promise<StartWorkflowResponse>;
  describeWorkflow(req: ExecutionRef): Promise<WorkflowDescription>;
  getHistory(req: GetHistoryRequest): Promise<GetHistoryResponse>;
  getResult(req: GetResultRequest, signal?: AbortSignal): Promise<GetResultResponse>;
  requestCancelWorkflow(req: CancelWorkflowRequest): Promise<void>;
  signalWorkflow(req: SignalWorkflowRequest): Promise<void>;
  queryWorkflow(req: QueryWorkflowRequest): Promise<QueryWorkflowResponse>;
  respondQueryTask(req: RespondQueryTaskRequest): Promise<void>;
  updateWorkflow(req: UpdateWorkflowRequest): Promise<UpdateResponse>;
  pollUpdate(req: PollUpdateRequest): Promise<UpdateResponse>;
  terminateWorkflow(req: TerminateWorkflowRequest): Promise<void>;
  pollWorkflowTask(req: PollRequest, signal?: AbortSignal): Promise<WorkflowTask | null>;
  completeWorkflowTask(req: CompleteWorkflowTaskRequest): Promise<void>;
  failWorkflowTask(req: FailWorkflowTaskRequest): Promise<void>;
  pollActivityTask(req: PollRequest, signal?: AbortSignal): Promise<ActivityTask | null>;
  completeActivityTask(req: CompleteActivityTaskRequest): Promise<void>;
  failActivityTask(req: FailActivityTaskRequest): Promise<void>;
  cancelActivityTask(req: CancelActivityTaskRequest): Promise<void>;
  heartbeatActivityTask(req: HeartbeatActivityTaskRequest): Promise<HeartbeatActivityTaskResponse>;
  releaseTask(req: ReleaseTaskRequest): Promise<void>;
  /** The task token of an activity's current attempt, found by its ids. */
  activityTaskToken(req: ActivityRef): Promise<{ taskToken: string }>;

  // Visibility and operations (issue 4): listing, namespaces, search attributes, task queues.
  listWorkflows(req: ListWorkflowsRequest): Promise<ListWorkflowsResponse>;
  countWorkflows(req: CountWorkflowsRequest): Promise<CountWorkflowsResponse>;
  registerNamespace(req: RegisterNamespaceRequest): Promise<NamespaceInfo>;
  describeNamespace(req: NamespaceRef): Promise<NamespaceInfo>;
  listNamespaces(req: Record<string, never>): Promise<ListNamespacesResponse>;
  addSearchAttributes(req: AddSearchAttributesRequest): Promise<void>;
  listSearchAttributes(req: NamespaceRef): Promise<ListSearchAttributesResponse>;
  describeTaskQueue(req: DescribeTaskQueueRequest): Promise<DescribeTaskQueueResponse>;
}

export { ActivityTimeouts };
