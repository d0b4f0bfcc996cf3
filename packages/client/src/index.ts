export { Connection, type ConnectionOptions } from './connection.js';
export { Client, WorkflowClient, WithStartWorkflowOperation, type ClientOptions, type WorkflowStartOptions } from './client.js';
export { WorkflowUpdateHandle, WorkflowUpdateFailedError, type UpdateRef } from './update-handle.js';
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
