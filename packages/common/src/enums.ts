// Temporal's enum-like names, as values and as types (`const X = {...} as const` and the union of
// its values), so code written for Temporal that passes or compares `ParentClosePolicy.ABANDON`
// works unchanged. The older prefixed spellings (`PARENT_CLOSE_POLICY_ABANDON`) stay accepted where
// Temporal still accepts them; their `…_UNSPECIFIED` member is `undefined`, which means "the default".

/** What happens to a child workflow when its parent closes. */
export const ParentClosePolicy = {
  /** The child is terminated (the default). */
  TERMINATE: 'TERMINATE',
  /** Nothing is done to the child: it runs on. */
  ABANDON: 'ABANDON',
  /** The child is asked to cancel. */
  REQUEST_CANCEL: 'REQUEST_CANCEL',
  /** @deprecated Leave the option undefined instead. */
  PARENT_CLOSE_POLICY_UNSPECIFIED: undefined,
  /** @deprecated Use ParentClosePolicy.TERMINATE. */
  PARENT_CLOSE_POLICY_TERMINATE: 'TERMINATE',
  /** @deprecated Use ParentClosePolicy.ABANDON. */
  PARENT_CLOSE_POLICY_ABANDON: 'ABANDON',
  /** @deprecated Use ParentClosePolicy.REQUEST_CANCEL. */
  PARENT_CLOSE_POLICY_REQUEST_CANCEL: 'REQUEST_CANCEL',
} as const;
export type ParentClosePolicy = (typeof ParentClosePolicy)[keyof typeof ParentClosePolicy];

/** What cancelling the scope that started a child workflow does, and when its result rejects. */
export const ChildWorkflowCancellationType = {
  /** No cancel request is sent; the result rejects at once. */
  ABANDON: 'ABANDON',
  /** A cancel request is sent; the result rejects at once. */
  TRY_CANCEL: 'TRY_CANCEL',
  /** A cancel request is sent; the result settles when the child closes (the default). */
  WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED',
  /** A cancel request is sent; the result rejects once the request reached the child. */
  WAIT_CANCELLATION_REQUESTED: 'WAIT_CANCELLATION_REQUESTED',
} as const;
export type ChildWorkflowCancellationType = (typeof ChildWorkflowCancellationType)[keyof typeof ChildWorkflowCancellationType];

/** What cancelling the scope of an activity call does, and when the call rejects. */
export const ActivityCancellationType = {
  /** No cancel request reaches the activity; the call rejects at once. */
  ABANDON: 'ABANDON',
  /** The activity is asked to cancel; the call rejects at once. */
  TRY_CANCEL: 'TRY_CANCEL',
  /** The activity is asked to cancel; the call settles when the activity finishes (as cancelled, or not). */
  WAIT_CANCELLATION_COMPLETED: 'WAIT_CANCELLATION_COMPLETED',
} as const;
export type ActivityCancellationType = (typeof ActivityCancellationType)[keyof typeof ActivityCancellationType];

/** What a start does when the workflow id was used by a closed run. */
export const WorkflowIdReusePolicy = {
  /** Start a new run (the default). */
  ALLOW_DUPLICATE: 'ALLOW_DUPLICATE',
  /** Start a new run only if the last one did not complete successfully. */
  ALLOW_DUPLICATE_FAILED_ONLY: 'ALLOW_DUPLICATE_FAILED_ONLY',
  /** Refuse the start. */
  REJECT_DUPLICATE: 'REJECT_DUPLICATE',
  /**
   * Terminate a running run and start a new one.
   * @deprecated Use ALLOW_DUPLICATE with workflowIdConflictPolicy TERMINATE_EXISTING.
   */
  TERMINATE_IF_RUNNING: 'TERMINATE_IF_RUNNING',
  /** @deprecated Leave the option undefined instead. */
  WORKFLOW_ID_REUSE_POLICY_UNSPECIFIED: undefined,
  /** @deprecated Use WorkflowIdReusePolicy.ALLOW_DUPLICATE. */
  WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE: 'ALLOW_DUPLICATE',
  /** @deprecated Use WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY. */
  WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY: 'ALLOW_DUPLICATE_FAILED_ONLY',
  /** @deprecated Use WorkflowIdReusePolicy.REJECT_DUPLICATE. */
  WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE: 'REJECT_DUPLICATE',
  /** @deprecated Use WorkflowIdReusePolicy.TERMINATE_IF_RUNNING. */
  WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING: 'TERMINATE_IF_RUNNING',
} as const;
export type WorkflowIdReusePolicy = (typeof WorkflowIdReusePolicy)[keyof typeof WorkflowIdReusePolicy];

/** What a start does when the workflow id is in use by a running run. */
export const WorkflowIdConflictPolicy = {
  /** Refuse the start with WorkflowExecutionAlreadyStartedError (the default for start). */
  FAIL: 'FAIL',
  /** Return a handle to the running run. */
  USE_EXISTING: 'USE_EXISTING',
  /** Terminate the running run and start a new one. */
  TERMINATE_EXISTING: 'TERMINATE_EXISTING',
} as const;
export type WorkflowIdConflictPolicy = (typeof WorkflowIdConflictPolicy)[keyof typeof WorkflowIdConflictPolicy];

/** Which timeout a TimeoutFailure reports. */
export const TimeoutType = {
  START_TO_CLOSE: 'START_TO_CLOSE',
  SCHEDULE_TO_START: 'SCHEDULE_TO_START',
  SCHEDULE_TO_CLOSE: 'SCHEDULE_TO_CLOSE',
  HEARTBEAT: 'HEARTBEAT',
  /** @deprecated Use TimeoutType.START_TO_CLOSE. */
  TIMEOUT_TYPE_START_TO_CLOSE: 'START_TO_CLOSE',
  /** @deprecated Use TimeoutType.SCHEDULE_TO_START. */
  TIMEOUT_TYPE_SCHEDULE_TO_START: 'SCHEDULE_TO_START',
  /** @deprecated Use TimeoutType.SCHEDULE_TO_CLOSE. */
  TIMEOUT_TYPE_SCHEDULE_TO_CLOSE: 'SCHEDULE_TO_CLOSE',
  /** @deprecated Use TimeoutType.HEARTBEAT. */
  TIMEOUT_TYPE_HEARTBEAT: 'HEARTBEAT',
  /** @deprecated Use undefined. */
  TIMEOUT_TYPE_UNSPECIFIED: undefined,
} as const;
export type TimeoutType = (typeof TimeoutType)[keyof typeof TimeoutType];

/** Why an activity, child or workflow stopped being retried (ActivityFailure.retryState, WorkflowFailedError.retryState). */
export const RetryState = {
  IN_PROGRESS: 'IN_PROGRESS',
  NON_RETRYABLE_FAILURE: 'NON_RETRYABLE_FAILURE',
  TIMEOUT: 'TIMEOUT',
  MAXIMUM_ATTEMPTS_REACHED: 'MAXIMUM_ATTEMPTS_REACHED',
  RETRY_POLICY_NOT_SET: 'RETRY_POLICY_NOT_SET',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  CANCEL_REQUESTED: 'CANCEL_REQUESTED',
  /** @deprecated Use RetryState.IN_PROGRESS. */
  RETRY_STATE_IN_PROGRESS: 'IN_PROGRESS',
  /** @deprecated Use RetryState.NON_RETRYABLE_FAILURE. */
  RETRY_STATE_NON_RETRYABLE_FAILURE: 'NON_RETRYABLE_FAILURE',
  /** @deprecated Use RetryState.TIMEOUT. */
  RETRY_STATE_TIMEOUT: 'TIMEOUT',
  /** @deprecated Use RetryState.MAXIMUM_ATTEMPTS_REACHED. */
  RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED: 'MAXIMUM_ATTEMPTS_REACHED',
  /** @deprecated Use RetryState.RETRY_POLICY_NOT_SET. */
  RETRY_STATE_RETRY_POLICY_NOT_SET: 'RETRY_POLICY_NOT_SET',
  /** @deprecated Use RetryState.INTERNAL_SERVER_ERROR. */
  RETRY_STATE_INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** @deprecated Use RetryState.CANCEL_REQUESTED. */
  RETRY_STATE_CANCEL_REQUESTED: 'CANCEL_REQUESTED',
  /** @deprecated Use undefined. */
  RETRY_STATE_UNSPECIFIED: undefined,
} as const;
export type RetryState = (typeof RetryState)[keyof typeof RetryState];
