// The route table: every EngineApi operation is `POST /v1/<operation>` with a JSON body, and
// who may call it (`access`: roles, and where it acts). One entry per operation: a new operation
// without its route, or a route without its access, does not compile.
import { z } from 'zod';
import {
  ActivityRef,
  ActivityTask,
  ActivityTaskTokenResponse,
  AddSearchAttributesRequest,
  CancelActivityTaskRequest,
  CancelWorkflowRequest,
  CompleteActivityTaskRequest,
  CompleteWorkflowTaskRequest,
  CountWorkflowsRequest,
  CountWorkflowsResponse,
  DescribeTaskQueueRequest,
  DescribeTaskQueueResponse,
  ExecutionRef,
  FailActivityTaskRequest,
  FailWorkflowTaskRequest,
  GetHistoryRequest,
  GetHistoryResponse,
  GetResultRequest,
  GetResultResponse,
  HeartbeatActivityTaskRequest,
  HeartbeatActivityTaskResponse,
  HeartbeatWorkflowTaskRequest,
  ListNamespacesResponse,
  ListSearchAttributesResponse,
  ListWorkflowsRequest,
  ListWorkflowsResponse,
  NamespaceInfo,
  NamespaceRef,
  PollRequest,
  PollTasksRequest,
  PollActivityTasksResponse,
  PollWorkflowTasksResponse,
  PollUpdateRequest,
  QueryWorkflowRequest,
  QueryWorkflowResponse,
  RegisterNamespaceRequest,
  ReleaseTaskRequest,
  RotateTokenKeyResponse,
  CreateApiKeyRequest,
  CreateApiKeyResponse,
  ListApiKeysResponse,
  RevokeApiKeyRequest,
  RespondQueryTaskRequest,
  SignalWorkflowRequest,
  StartWorkflowRequest,
  StartWorkflowResponse,
  TerminateWorkflowRequest,
  UpdateResponse,
  UpdateWorkflowRequest,
  WorkflowDescription,
  WorkflowTask,
  type EngineApi,
  type EngineOperation,
} from '@endure/protocol';
import { ACTIVITY_COMPLETERS, ADMINS, READERS, READERS_AND_WORKERS, WORKERS, WRITERS, type Access } from './access.js';

/** The answer of operations that return nothing. */
export const Empty = z.object({});

export interface Route {
  summary: string;
  request: z.ZodType;
  response: z.ZodType;
  /**
   * A long-poll. 'signal': the engine call takes an AbortSignal and returns its empty answer
   * when aborted. A function: the call cannot be interrupted, so at shutdown the waiter gets
   * this immediate answer instead.
   */
  wait?: 'signal' | ((api: EngineApi, req: never) => Promise<unknown>);
  /** Polls that hand out a task: a task given to a poller that went away is released. */
  handsOutTask?: boolean;
  /** Which API-key roles may call it, and where it acts (access.ts). */
  access: Access;
}

export const WorkflowTaskOrNull = WorkflowTask.nullable();
export const ActivityTaskOrNull = ActivityTask.nullable();

export const ROUTES: { [K in EngineOperation]: Route } = {
  startWorkflow: { summary: 'Start a workflow (or signal-with-start).', request: StartWorkflowRequest, response: StartWorkflowResponse, access: { roles: WRITERS, namespace: 'request' } },
  describeWorkflow: { summary: "Describe a run: status, pending activities and workflow task.", request: ExecutionRef, response: WorkflowDescription, access: { roles: READERS, namespace: 'request' } },
  getHistory: {
    summary: 'Read a run\'s history from an event id; with waitNewEvent, long-polls for the next event.',
    request: GetHistoryRequest,
    response: GetHistoryResponse,
    wait: (api, req: GetHistoryRequest) => api.getHistory({ ...req, waitNewEvent: false }),
    access: { roles: READERS_AND_WORKERS, namespace: 'request' },
  },
  getResult: { summary: "Long-poll for a run's close event (absent when the wait timed out).", request: GetResultRequest, response: GetResultResponse, wait: 'signal', access: { roles: READERS, namespace: 'request' } },
  requestCancelWorkflow: { summary: 'Ask a workflow to cancel.', request: CancelWorkflowRequest, response: Empty, access: { roles: WRITERS, namespace: 'request' } },
  signalWorkflow: { summary: 'Send a signal to a running workflow.', request: SignalWorkflowRequest, response: Empty, access: { roles: WRITERS, namespace: 'request' } },
  queryWorkflow: { summary: "Query a workflow's state (answered by a worker).", request: QueryWorkflowRequest, response: QueryWorkflowResponse, access: { roles: READERS, namespace: 'request' } },
  respondQueryTask: { summary: 'Worker: answer a query task.', request: RespondQueryTaskRequest, response: Empty, access: { roles: WORKERS, namespace: 'taskToken' } },
  updateWorkflow: {
    summary: 'Send an update and wait until it reaches the requested stage (or the wait times out).',
    request: UpdateWorkflowRequest,
    response: UpdateResponse,
    wait: 'signal',
    access: { roles: WRITERS, namespace: 'request' },
  },
  pollUpdate: {
    summary: 'Long-poll for the stage or outcome of an update.',
    request: PollUpdateRequest,
    response: UpdateResponse,
    wait: 'signal',
    access: { roles: READERS, namespace: 'request' },
  },
  terminateWorkflow: { summary: 'Terminate a running workflow.', request: TerminateWorkflowRequest, response: Empty, access: { roles: WRITERS, namespace: 'request' } },
  pollWorkflowTask: {
    summary: 'Worker: long-poll a task queue for a workflow task (null when none arrived in time).',
    request: PollRequest,
    response: WorkflowTaskOrNull,
    wait: 'signal',
    handsOutTask: true,
    access: { roles: WORKERS, namespace: 'request' },
  },
  pollWorkflowTasks: {
    summary: 'Worker: long-poll a task queue for workflow tasks: waits for the first, then takes up to maxTasks that are ready (none when none arrived in time).',
    request: PollTasksRequest,
    response: PollWorkflowTasksResponse,
    wait: 'signal',
    handsOutTask: true,
    access: { roles: WORKERS, namespace: 'request' },
  },
  completeWorkflowTask: { summary: "Worker: complete a workflow task with the code's commands.", request: CompleteWorkflowTaskRequest, response: Empty, access: { roles: WORKERS, namespace: 'taskToken' } },
  failWorkflowTask: { summary: 'Worker: fail a workflow task (it is retried).', request: FailWorkflowTaskRequest, response: Empty, access: { roles: WORKERS, namespace: 'taskToken' } },
  pollActivityTask: {
    summary: 'Worker: long-poll a task queue for an activity task (null when none arrived in time).',
    request: PollRequest,
    response: ActivityTaskOrNull,
    wait: 'signal',
    handsOutTask: true,
    access: { roles: WORKERS, namespace: 'request' },
  },
  pollActivityTasks: {
    summary: 'Worker: long-poll a task queue for activity tasks: waits for the first, then takes up to maxTasks that are ready (none when none arrived in time).',
    request: PollTasksRequest,
    response: PollActivityTasksResponse,
    wait: 'signal',
    handsOutTask: true,
    access: { roles: WORKERS, namespace: 'request' },
  },
  completeActivityTask: { summary: 'Worker: report an activity result.', request: CompleteActivityTaskRequest, response: Empty, access: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' } },
  failActivityTask: { summary: 'Worker: report an activity failure.', request: FailActivityTaskRequest, response: Empty, access: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' } },
  cancelActivityTask: { summary: 'Worker: report that an activity honoured its cancellation.', request: CancelActivityTaskRequest, response: Empty, access: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' } },
  heartbeatActivityTask: { summary: 'Worker: record an activity heartbeat; tells whether cancellation was requested.', request: HeartbeatActivityTaskRequest, response: HeartbeatActivityTaskResponse, access: { roles: ACTIVITY_COMPLETERS, namespace: 'taskToken' } },
  heartbeatWorkflowTask: { summary: 'Worker: still working on a workflow task (its local activities): restart its timeout.', request: HeartbeatWorkflowTaskRequest, response: Empty, access: { roles: WORKERS, namespace: 'taskToken' } },
  releaseTask: { summary: 'Worker: hand a task back unstarted, so it is offered again at once.', request: ReleaseTaskRequest, response: Empty, access: { roles: WORKERS, namespace: 'taskToken' } },
  activityTaskToken: { summary: "The task token of an activity's current attempt (for async completion).", request: ActivityRef, response: ActivityTaskTokenResponse, access: { roles: WRITERS, namespace: 'request' } },
  listWorkflows: { summary: 'List runs matching a filter, newest first, a page at a time.', request: ListWorkflowsRequest, response: ListWorkflowsResponse, access: { roles: READERS, namespace: 'request' } },
  countWorkflows: { summary: 'Count runs matching a filter.', request: CountWorkflowsRequest, response: CountWorkflowsResponse, access: { roles: READERS, namespace: 'request' } },
  registerNamespace: { summary: 'Create a namespace.', request: RegisterNamespaceRequest, response: NamespaceInfo, access: { roles: ADMINS, namespace: 'request' } },
  describeNamespace: { summary: 'Describe a namespace.', request: NamespaceRef, response: NamespaceInfo, access: { roles: READERS_AND_WORKERS, namespace: 'request' } },
  listNamespaces: { summary: 'List namespaces.', request: Empty, response: ListNamespacesResponse, access: { roles: READERS_AND_WORKERS, namespace: 'listed' } },
  addSearchAttributes: { summary: 'Register custom search attributes with their types.', request: AddSearchAttributesRequest, response: Empty, access: { roles: ADMINS, namespace: 'request' } },
  listSearchAttributes: { summary: 'List system and custom search attributes of a namespace.', request: NamespaceRef, response: ListSearchAttributesResponse, access: { roles: READERS, namespace: 'request' } },
  describeTaskQueue: { summary: 'Pollers seen on a task queue and its backlog.', request: DescribeTaskQueueRequest, response: DescribeTaskQueueResponse, access: { roles: READERS, namespace: 'request' } },
  rotateTokenKey: {
    summary: 'Make a new task-token signing key. Tokens signed by the previous key stay valid until the next rotation; older ones are refused.',
    request: Empty,
    response: RotateTokenKeyResponse,
    access: { roles: ADMINS, namespace: 'global' },
  },
  createApiKey: {
    summary: 'Make an API key for the server: a role (reader, writer, worker, admin) in some namespaces or all. The answer holds the key, shown this once.',
    request: CreateApiKeyRequest,
    response: CreateApiKeyResponse,
    access: { roles: ADMINS, namespace: 'global' },
  },
  listApiKeys: { summary: 'The API keys: ids, roles, namespaces, creation times; never their secrets.', request: Empty, response: ListApiKeysResponse, access: { roles: ADMINS, namespace: 'global' } },
  revokeApiKey: { summary: 'Revoke an API key: requests carrying it are refused from now on.', request: RevokeApiKeyRequest, response: Empty, access: { roles: ADMINS, namespace: 'global' } },
};

export function routeOf(operation: string): Route | undefined {
  return Object.hasOwn(ROUTES, operation) ? ROUTES[operation as EngineOperation] : undefined;
}
