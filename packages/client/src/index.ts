export { Connection, CONNECTION_OPTIONS_TABLE, type ConnectionOptions, type TLSConfig, type Metadata } from './connection.js';
export { Client, type LoadedClientOptions } from './client.js';
export {
  WorkflowClient,
  WithStartWorkflowOperation,
  type LoadedWorkflowClientOptions,
  type WorkflowHandleWithFirstExecutionRunId,
  type WorkflowHandleWithSignaledRunId,
} from './workflow-client.js';
export { type ClientOptions, type WorkflowClientOptions, type AsyncCompletionClientOptions, type BaseClientOptions, type DataConverter } from './client-options.js';
export { type WorkflowOptions, type WorkflowStartOptions, type WorkflowSignalWithStartOptions } from './workflow-options.js';
export {
  WorkflowUpdateStage,
  type WorkflowResultOptions,
  type GetWorkflowHandleOptions,
  type WorkflowUpdateOptions,
  type WorkflowStartUpdateOptions,
  type UpdateWithStartOptions,
  type StartUpdateWithStartOptions,
  type ListOptions,
  type IntoHistoriesOptions,
  type FullActivityId,
} from './handle-options.js';
export { QueryRejectCondition } from './query-reject.js';
export { WorkflowUpdateHandle, WorkflowUpdateFailedError, type UpdateRef } from './update-handle.js';
export { WorkflowHandle, type SignalRef, type QueryRef } from './workflow-handle.js';
export { type WorkflowExecutionDescription } from './describe.js';
export {
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowContinuedAsNewError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  ServiceError,
  QueryFailedError,
  QueryNotRegisteredError,
  QueryRejectedError,
} from './errors.js';
export { WorkflowIdReusePolicy, WorkflowIdConflictPolicy } from './policies.js';
export {
  ApplicationFailure,
  ActivityFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  TemporalFailure,
  ServerFailure,
  ChildWorkflowFailure,
  isCancellation,
  UnsupportedOptionError,
  UnsupportedOperationError,
} from '@endure/common';
export { AsyncCompletionClient, type ActivityTarget } from './activity-client.js';
export { ScheduleClient } from './schedule-client.js';
// Listing and operations:
// - client.workflow.list({ query, pageSize }) → async iterable of WorkflowExecutionInfo (pages fetched lazily);
//   client.workflow.count(query) → { count, groups: [] }.
// - client.operator: registerNamespace / describeNamespace / listNamespaces / addSearchAttributes /
//   listSearchAttributes (Temporal's raw OperatorService calls, as methods).
// - client.taskQueue.describe(name) → pollers seen and backlog.
export { type WorkflowExecutionInfo, type AsyncWorkflowListIterable } from './workflow-list.js';
export { type WorkflowExecutionStatusName } from './workflow-status.js';
export { OperatorClient, type RegisterNamespaceOptions } from './operator-client.js';
export { TaskQueueClient } from './task-queue-client.js';
export type { NamespaceInfo, SearchAttributeType, ListSearchAttributesResponse, DescribeTaskQueueResponse, TaskQueuePoller, DescribeClusterResponse, ClusterNode, ClusterShard } from '@endure/protocol';
