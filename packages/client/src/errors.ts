import { ApiError, type Failure, type RetryState } from '@endure/protocol';
import { decodeFailure } from '@endure/common';

/** The workflow closed without a result: failed, cancelled, terminated or timed out. `cause` says which. */
export class WorkflowFailedError extends Error {
  override name = 'WorkflowFailedError';
  constructor(
    message: string,
    override readonly cause: Error | undefined,
    readonly retryState: RetryState = 'NON_RETRYABLE_FAILURE',
  ) {
    super(message);
  }
}

export class WorkflowNotFoundError extends Error {
  override name = 'WorkflowNotFoundError';
  constructor(
    message: string,
    readonly workflowId: string,
    readonly runId: string | undefined,
  ) {
    super(message);
  }
}

export class WorkflowExecutionAlreadyStartedError extends Error {
  override name = 'WorkflowExecutionAlreadyStartedError';
  constructor(
    message: string,
    readonly workflowId: string,
    readonly workflowType: string,
  ) {
    super(message);
  }
}

/** A query failed in the workflow (its handler threw, or it returned something unusable). */
export class QueryFailedError extends Error {
  override name = 'QueryFailedError';
  constructor(
    message: string,
    override readonly cause: Error | undefined,
  ) {
    super(message);
  }
}

/** The workflow has no handler for that query. */
export class QueryNotRegisteredError extends QueryFailedError {
  override name = 'QueryNotRegisteredError';
}

/** result() with followRuns false: the run continued as new (its successor is `newExecutionRunId`). */
export class WorkflowContinuedAsNewError extends Error {
  override name = 'WorkflowContinuedAsNewError';
  constructor(
    message: string,
    readonly newExecutionRunId: string,
  ) {
    super(message);
  }
}

/** The client's queryRejectCondition refused the query; `status` is the run's status code (Temporal's WorkflowExecutionStatus). */
export class QueryRejectedError extends Error {
  override name = 'QueryRejectedError';
  constructor(readonly status: number) {
    super('Query rejected');
  }
}

/** An update call's own deadline passed or its abort signal fired (withDeadline/withAbortSignal); the update itself may still run. */
export class WorkflowUpdateRPCTimeoutOrCancelledError extends Error {
  override name = 'WorkflowUpdateRPCTimeoutOrCancelledError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Any other error the engine reported, with its code. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Maps engine errors to the client's error classes. */
export function translateError(err: unknown, ctx: { workflowId?: string; runId?: string; workflowType?: string } = {}): unknown {
  if (!(err instanceof ApiError)) return err;
  switch (err.code) {
    case 'ALREADY_STARTED':
      return new WorkflowExecutionAlreadyStartedError(err.message, ctx.workflowId ?? '', ctx.workflowType ?? '');
    case 'NOT_FOUND':
      return new WorkflowNotFoundError(err.message, ctx.workflowId ?? '', ctx.runId);
    case 'QUERY_FAILED': {
      const failure = err.details['failure'] as Failure | undefined;
      const cause = failure ? decodeFailure(failure) : undefined;
      const notRegistered = failure?.info?.type === 'application' && failure.info.errorType === 'QueryNotRegisteredError';
      return new (notRegistered ? QueryNotRegisteredError : QueryFailedError)(err.message, cause);
    }
    default:
      return new ServiceError(err.message, err.code);
  }
}
