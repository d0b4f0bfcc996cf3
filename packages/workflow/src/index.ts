// The API workflow code imports. It runs inside the worker's deterministic sandbox.
export { proxyActivities, proxyLocalActivities, type LocalActivityOptions, type ActivityOptions, type RetryOptions, type RetryPolicy, type ActivityInterfaceFor } from './activities.js';
export { sleep, condition, type TimerOptions } from './timers.js';
export { patched, deprecatePatch } from './patches.js';
export { upsertMemo, upsertSearchAttributes } from './properties.js';
export {
  startChild,
  executeChild,
  getExternalWorkflowHandle,
  type ChildWorkflowOptions,
  type ChildWorkflowHandle,
  type ExternalWorkflowHandle,
} from './children.js';
export { continueAsNew, makeContinueAsNewFunc, ContinueAsNew, type ContinueAsNewOptions } from './continue-as-new.js';
export { workflowInfo, uuid4, log, type WorkflowInfo, type WorkflowInfoView } from './info.js';
export { CancellationScope, type CancellationScopeOptions } from './cancellation-scope.js';
export {
  defineSignal,
  defineQuery,
  defineUpdate,
  setHandler,
  setDefaultSignalHandler,
  setDefaultQueryHandler,
  setDefaultUpdateHandler,
  allHandlersFinished,
  HandlerUnfinishedPolicy,
  type SignalHandlerOptions,
  type QueryHandlerOptions,
  type DefaultSignalHandler,
  type DefaultQueryHandler,
  type DefaultUpdateHandler,
  type SignalDefinition,
  type QueryDefinition,
  type UpdateDefinition,
  type UpdateHandlerOptions,
  type Handler,
} from './handlers.js';
export {
  ApplicationFailure,
  ActivityFailure,
  TimeoutFailure,
  CancelledFailure,
  TerminatedFailure,
  ServerFailure,
  TemporalFailure,
  ChildWorkflowFailure,
  isCancellation,
  ActivityCancellationType,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  WorkflowIdConflictPolicy,
  RetryState,
  TimeoutType,
  type Duration,
  type ApplicationFailureOptions,
} from '@endure/common';
