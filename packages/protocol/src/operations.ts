// The engine API, one entry per operation: what it takes, what it answers, whether (and how) it
// waits, whether a resend is safe. Everything else is derived from this table: the EngineApi
// type, the server's routes, validation, OpenAPI, batching, the transports' long-poll handling
// and the client's deadlines. Adding an entry here is the only way to add an operation.
import { z } from 'zod';
import {
  ActivityRef,
  ActivityTask,
  ActivityTaskTokenResponse,
  CancelActivityTaskRequest,
  CancelWorkflowRequest,
  CompleteActivityTaskRequest,
  CompleteWorkflowTaskRequest,
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
  PollActivityTasksResponse,
  PollRequest,
  PollTasksRequest,
  PollUpdateRequest,
  PollWorkflowTasksResponse,
  QueryWorkflowRequest,
  QueryWorkflowResponse,
  ReleaseTaskRequest,
  RespondQueryTaskRequest,
  SignalWorkflowRequest,
  StartWorkflowRequest,
  StartWorkflowResponse,
  TerminateWorkflowRequest,
  UpdateResponse,
  UpdateWorkflowRequest,
  WorkflowDescription,
  WorkflowTask,
} from './api.js';
import {
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
import { CreateApiKeyRequest, CreateApiKeyResponse, ListApiKeysResponse, RevokeApiKeyRequest, RotateTokenKeyResponse } from './security.js';
import { DescribeClusterResponse } from './cluster.js';
import type { RetrySafety } from './retry-safety.js';

/** The request of operations that take nothing, and the answer of those that return nothing (`void` in process). */
export const Empty = z.object({});
export const WorkflowTaskOrNull = WorkflowTask.nullable();
export const ActivityTaskOrNull = ActivityTask.nullable();

/**
 * An operation that may wait, up to its request's `timeoutMs`, for something to happen (an event,
 * a task, an update's stage, a worker's answer). `ends` says what can end the wait sooner (the
 * server shutting down, the caller going away):
 * - 'signal': the method takes an AbortSignal and, when it aborts, answers at once with what it
 *   has (`abortedAnswer` is that answer, for a transport that cuts the call off itself; without
 *   one the caller gets the abort);
 * - 'asking-again': the wait cannot be interrupted; `now(req)` is the request that answers at
 *   once with what is there;
 * - 'timeout': nothing but its timeout (a query waits for a worker's answer).
 */
export type Wait<Req, Res> =
  | {
      ends: 'signal';
      abortedAnswer?: (req: Req) => Res;
      /** Hands out tasks: tasks handed to a poller that went away are released at once. */
      handsOutTasks?: true;
    }
  | { ends: 'asking-again'; now: (req: Req) => Req }
  | { ends: 'timeout' };

interface OperationBase<Req extends z.ZodType, Res extends z.ZodType> {
  /** One line for the API documentation. */
  summary: string;
  request: Req;
  response: Res;
  /** What a caller may do when it cannot tell whether the request was applied (retry-safety.ts). */
  retry: RetrySafety;
}

/**
 * `batched`: answers as soon as its write is durable, so calls of one event-loop turn may travel
 * together (POST /v1/batch). A call that waits never is: it would hold up every other answer.
 */
export type Operation<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> = OperationBase<Req, Res> &
  ({ wait: Wait<z.output<Req>, z.output<Res>>; batched?: never } | { wait?: never; batched?: true });

type Ends = Wait<unknown, unknown>['ends'];
/**
 * Types one entry: its callbacks see its own request and response types, and the entry keeps
 * how its wait ends (a method whose wait a signal ends takes one).
 */
function op<Req extends z.ZodType, Res extends z.ZodType, const E extends Ends | undefined = undefined>(
  spec: Operation<Req, Res> & { wait?: { ends: E } },
): Operation<Req, Res> & (E extends Ends ? { wait: { ends: E } } : unknown) {
  return spec as Operation<Req, Res> & (E extends Ends ? { wait: { ends: E } } : unknown);
}

const polls = { ends: 'signal', handsOutTasks: true } as const;

export const OPERATIONS = {
  startWorkflow: op({ summary: 'Start a workflow (or signal-with-start).', request: StartWorkflowRequest, response: StartWorkflowResponse, retry: 'keyed', batched: true }),
  describeWorkflow: op({ summary: 'Describe a run: status, pending activities and workflow task.', request: ExecutionRef, response: WorkflowDescription, retry: 'read' }),
  getHistory: op({
    summary: "Read a run's history from an event id; with waitNewEvent, long-polls for the next event.",
    request: GetHistoryRequest,
    response: GetHistoryResponse,
    retry: 'read',
    wait: { ends: 'asking-again', now: (req) => ({ ...req, waitNewEvent: false }) },
  }),
  getResult: op({
    summary: "Long-poll for a run's close event (absent when the wait timed out).",
    request: GetResultRequest,
    response: GetResultResponse,
    retry: 'read',
    wait: { ends: 'signal', abortedAnswer: (req) => ({ runId: req.runId ?? '' }) },
  }),
  requestCancelWorkflow: op({ summary: 'Ask a workflow to cancel.', request: CancelWorkflowRequest, response: Empty, retry: 'keyed', batched: true }),
  signalWorkflow: op({ summary: 'Send a signal to a running workflow.', request: SignalWorkflowRequest, response: Empty, retry: 'keyed', batched: true }),
  queryWorkflow: op({ summary: "Query a workflow's state (answered by a worker).", request: QueryWorkflowRequest, response: QueryWorkflowResponse, retry: 'read', wait: { ends: 'timeout' } }),
  respondQueryTask: op({ summary: 'Worker: answer a query task.', request: RespondQueryTaskRequest, response: Empty, retry: 'idempotent', batched: true }),
  updateWorkflow: op({
    summary: 'Send an update and wait until it reaches the requested stage (or the wait times out).',
    request: UpdateWorkflowRequest,
    response: UpdateResponse,
    retry: 'keyed',
    wait: { ends: 'signal' },
  }),
  pollUpdate: op({ summary: 'Long-poll for the stage or outcome of an update.', request: PollUpdateRequest, response: UpdateResponse, retry: 'read', wait: { ends: 'signal' } }),
  terminateWorkflow: op({ summary: 'Terminate a running workflow.', request: TerminateWorkflowRequest, response: Empty, retry: 'keyed', batched: true }),
  pollWorkflowTask: op({
    summary: 'Worker: long-poll a task queue for a workflow task (null when none arrived in time).',
    request: PollRequest,
    response: WorkflowTaskOrNull,
    retry: 'read',
    wait: { ...polls, abortedAnswer: () => null },
  }),
  pollWorkflowTasks: op({
    summary: 'Worker: long-poll a task queue for workflow tasks: waits for the first, then takes up to maxTasks that are ready (none when none arrived in time).',
    request: PollTasksRequest,
    response: PollWorkflowTasksResponse,
    retry: 'read',
    wait: { ...polls, abortedAnswer: () => ({ tasks: [] }) },
  }),
  completeWorkflowTask: op({ summary: "Worker: complete a workflow task with the code's commands.", request: CompleteWorkflowTaskRequest, response: Empty, retry: 'keyed', batched: true }),
  failWorkflowTask: op({ summary: 'Worker: fail a workflow task (it is retried).', request: FailWorkflowTaskRequest, response: Empty, retry: 'keyed', batched: true }),
  pollActivityTask: op({
    summary: 'Worker: long-poll a task queue for an activity task (null when none arrived in time).',
    request: PollRequest,
    response: ActivityTaskOrNull,
    retry: 'read',
    wait: { ...polls, abortedAnswer: () => null },
  }),
  pollActivityTasks: op({
    summary: 'Worker: long-poll a task queue for activity tasks: waits for the first, then takes up to maxTasks that are ready (none when none arrived in time).',
    request: PollTasksRequest,
    response: PollActivityTasksResponse,
    retry: 'read',
    wait: { ...polls, abortedAnswer: () => ({ tasks: [] }) },
  }),
  completeActivityTask: op({ summary: 'Worker: report an activity result.', request: CompleteActivityTaskRequest, response: Empty, retry: 'keyed', batched: true }),
  failActivityTask: op({ summary: 'Worker: report an activity failure.', request: FailActivityTaskRequest, response: Empty, retry: 'keyed', batched: true }),
  cancelActivityTask: op({ summary: 'Worker: report that an activity honoured its cancellation.', request: CancelActivityTaskRequest, response: Empty, retry: 'keyed', batched: true }),
  heartbeatActivityTask: op({
    summary: 'Worker: record an activity heartbeat; tells whether cancellation was requested.',
    request: HeartbeatActivityTaskRequest,
    response: HeartbeatActivityTaskResponse,
    retry: 'idempotent',
    batched: true,
  }),
  releaseTask: op({ summary: 'Worker: hand a task back unstarted, so it is offered again at once.', request: ReleaseTaskRequest, response: Empty, retry: 'idempotent', batched: true }),
  heartbeatWorkflowTask: op({
    summary: 'Worker: still working on a workflow task (its local activities): restart its timeout.',
    request: HeartbeatWorkflowTaskRequest,
    response: Empty,
    retry: 'idempotent',
    batched: true,
  }),
  activityTaskToken: op({ summary: "The task token of an activity's current attempt (for async completion).", request: ActivityRef, response: ActivityTaskTokenResponse, retry: 'read' }),
  listWorkflows: op({ summary: 'List runs matching a filter, newest first, a page at a time.', request: ListWorkflowsRequest, response: ListWorkflowsResponse, retry: 'read' }),
  countWorkflows: op({ summary: 'Count runs matching a filter.', request: CountWorkflowsRequest, response: CountWorkflowsResponse, retry: 'read' }),
  registerNamespace: op({ summary: 'Create a namespace.', request: RegisterNamespaceRequest, response: NamespaceInfo, retry: 'once' }),
  describeNamespace: op({ summary: 'Describe a namespace.', request: NamespaceRef, response: NamespaceInfo, retry: 'read' }),
  listNamespaces: op({ summary: 'List namespaces.', request: Empty, response: ListNamespacesResponse, retry: 'read' }),
  addSearchAttributes: op({ summary: 'Register custom search attributes with their types.', request: AddSearchAttributesRequest, response: Empty, retry: 'once' }),
  listSearchAttributes: op({ summary: 'List system and custom search attributes of a namespace.', request: NamespaceRef, response: ListSearchAttributesResponse, retry: 'read' }),
  describeTaskQueue: op({ summary: 'Pollers seen on a task queue and its backlog.', request: DescribeTaskQueueRequest, response: DescribeTaskQueueResponse, retry: 'read' }),
  rotateTokenKey: op({
    summary: 'Make a new task-token signing key. Tokens signed by the previous key stay valid until the next rotation; older ones are refused.',
    request: Empty,
    response: RotateTokenKeyResponse,
    retry: 'unsafe',
  }),
  createApiKey: op({
    summary: 'Make an API key for the server: a role (reader, writer, worker, admin) in some namespaces or all. The answer holds the key, shown this once.',
    request: CreateApiKeyRequest,
    response: CreateApiKeyResponse,
    retry: 'unsafe',
  }),
  listApiKeys: op({ summary: 'The API keys: ids, roles, namespaces, creation times; never their secrets.', request: Empty, response: ListApiKeysResponse, retry: 'read' }),
  revokeApiKey: op({ summary: 'Revoke an API key: requests carrying it are refused from now on.', request: RevokeApiKeyRequest, response: Empty, retry: 'once' }),
  describeCluster: op({
    summary: 'The cluster: its nodes (address, alive or not, the shards each holds), every shard lease, and the shards nobody holds.',
    request: Empty,
    response: DescribeClusterResponse,
    retry: 'read',
  }),
};

export type EngineOperation = keyof typeof OPERATIONS;
/** Every operation by name, in the table's order; in server mode each is the route `POST /v1/<name>`. */
export const ENGINE_OPERATIONS = Object.keys(OPERATIONS) as readonly EngineOperation[];

/** An operation's entry, typed for code that handles every operation alike. */
export function specOf(operation: EngineOperation): Operation {
  return OPERATIONS[operation] as Operation;
}

/** The table's entry for `name`, if it names an operation (a name from the wire). */
export function operationOf(name: string): { operation: EngineOperation; spec: Operation } | undefined {
  return Object.hasOwn(OPERATIONS, name) ? { operation: name as EngineOperation, spec: specOf(name as EngineOperation) } : undefined;
}

type Spec<K extends EngineOperation> = (typeof OPERATIONS)[K];
/**
 * The request, as parsed: what the engine's methods take. Callers pass the same type (the schemas
 * have no defaults or transforms; only recursive ones such as Failure type their input loosely).
 */
export type RequestOf<K extends EngineOperation> = z.output<Spec<K>['request']>;
/** The answer; `void` where the wire answer is the empty object. */
export type ResponseOf<K extends EngineOperation> = IsEmpty<Spec<K>['response']> extends true ? void : z.output<Spec<K>['response']>;
// Both ways: a schema with fields is assignable to the empty object's schema.
type IsEmpty<R> = [R] extends [typeof Empty] ? ([typeof Empty] extends [R] ? true : false) : false;

type Method<K extends EngineOperation> = Spec<K> extends { wait: { ends: 'signal' } }
  ? (req: RequestOf<K>, signal?: AbortSignal) => Promise<ResponseOf<K>>
  : (req: RequestOf<K>) => Promise<ResponseOf<K>>;

/**
 * Every operation the client and worker packages use, as methods. The embedded transport calls
 * an engine object (through `validatingApi`); the HTTP transport maps each method to one route.
 */
export type EngineApi = { [K in EngineOperation]: Method<K> };
