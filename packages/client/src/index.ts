export { Connection, CONNECTION_OPTIONS_TABLE, type ConnectionOptions, type TLSConfig, type Metadata } from './connection.js';
export { Client, WorkflowClient, WithStartWorkflowOperation, type ClientOptions, type WorkflowStartOptions } from './client.js';
export { WorkflowUpdateHandle, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type UpdateRef } from './update-handle.js';
export { WorkflowHandle, type SignalRef, type QueryRef } from './workflow-handle.js';
export { WorkflowFailedError, WorkflowNotFoundError, WorkflowExecutionAlreadyStartedError, ServiceError, QueryFailedError, QueryNotRegisteredError } from './errors.js';
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
} from '@endure/common';
export { AsyncCompletionClient, type ActivityTarget } from './activity-client.js';
// Listing and operations:
// - client.workflow.list({ query, pageSize }) → async iterable of WorkflowExecutionInfo (pages fetched lazily);
//   client.workflow.count(query) → { count, groups: [] }.
// - client.operator: registerNamespace / describeNamespace / listNamespaces / addSearchAttributes /
//   listSearchAttributes (Temporal's raw OperatorService calls, as methods).
// - client.taskQueue.describe(name) → pollers seen and backlog.
export { type WorkflowExecutionInfo, type ListOptions, type AsyncWorkflowListIterable } from './workflow-list.js';
export { type WorkflowExecutionStatusName } from './workflow-status.js';
export { OperatorClient, type RegisterNamespaceOptions } from './operator-client.js';
export { TaskQueueClient } from './task-queue-client.js';
export type { NamespaceInfo, SearchAttributeType, ListSearchAttributesResponse, DescribeTaskQueueResponse, TaskQueuePoller } from '@endure/protocol';
