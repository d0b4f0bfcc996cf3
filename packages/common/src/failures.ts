import type { Failure, Payload, RetryState, TimeoutType } from '@endure/protocol';
import { defaultPayloadConverter, fromPayloads, type PayloadConverter } from './converter.js';

/** Base of every failure that crosses a workflow boundary (Temporal's TemporalFailure). */
export class TemporalFailure extends Error {
  override name = 'TemporalFailure';
  /** The serialized form this was decoded from, when it came over the wire. */
  failure?: Failure;
  constructor(message?: string, override readonly cause?: Error) {
    super(message ?? '');
  }
}

export interface ApplicationFailureOptions {
  message?: string;
  type?: string;
  nonRetryable?: boolean;
  details?: unknown[];
  cause?: Error;
  /** Overrides the retry policy's next back-off for this failure, in ms. */
  nextRetryDelayMs?: number;
}

/** A failure raised on purpose by user code. Thrown from a workflow, it fails the workflow. */
export class ApplicationFailure extends TemporalFailure {
  override name = 'ApplicationFailure';
  constructor(
    message?: string,
    readonly type?: string | null,
    readonly nonRetryable = false,
    readonly details?: unknown[],
    cause?: Error,
    readonly nextRetryDelayMs?: number,
  ) {
    super(message, cause);
  }
  static create(o: ApplicationFailureOptions): ApplicationFailure {
    return new ApplicationFailure(o.message, o.type, o.nonRetryable ?? false, o.details, o.cause, o.nextRetryDelayMs);
  }
  static retryable(message?: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, type ?? 'Error', false, details);
  }
  static nonRetryable(message?: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, type ?? 'Error', true, details);
  }
  /** Wraps any thrown value; an ApplicationFailure is returned as it is. */
  static fromError(error: unknown, overrides: ApplicationFailureOptions = {}): ApplicationFailure {
    if (error instanceof ApplicationFailure) return error;
    if (!isErrorLike(error)) return ApplicationFailure.create({ message: thrownValueMessage(error), type: thrownValueType(error), ...overrides });
    const f = ApplicationFailure.create({ message: error.message, type: error.name, ...overrides });
    f.stack = error.stack;
    return f;
  }
}

/**
 * The message of an ActivityFailure: it names the activity, so a log line or a caught error says
 * which call failed. `outcome` is e.g. 'failed: card declined', 'timed out', 'cancelled'.
 */
export function activityFailureMessage(activityType: string, activityId: string, outcome: string): string {
  return `activity '${activityType}' (activityId '${activityId}') ${outcome}`;
}

/** An activity failed for good; `cause` says why (ApplicationFailure, TimeoutFailure, CancelledFailure). */
export class ActivityFailure extends TemporalFailure {
  override name = 'ActivityFailure';
  constructor(
    message: string,
    readonly activityType: string,
    readonly activityId: string,
    readonly retryState: RetryState,
    cause?: Error,
  ) {
    super(message, cause);
  }
}

/** A child workflow did not complete; `cause` says how it ended. */
export class ChildWorkflowFailure extends TemporalFailure {
  override name = 'ChildWorkflowFailure';
  constructor(
    message: string,
    readonly workflowType: string,
    readonly execution: { workflowId: string; runId?: string },
    readonly retryState: RetryState,
    cause?: Error,
  ) {
    super(message, cause);
  }
}

export class TimeoutFailure extends TemporalFailure {
  override name = 'TimeoutFailure';
  constructor(
    message: string | undefined,
    readonly lastHeartbeatDetails: unknown,
    readonly timeoutType: TimeoutType,
  ) {
    super(message);
  }
}

export class CancelledFailure extends TemporalFailure {
  override name = 'CancelledFailure';
  constructor(
    message?: string,
    readonly details: unknown[] = [],
    cause?: Error,
  ) {
    super(message, cause);
  }
}

export class TerminatedFailure extends TemporalFailure {
  override name = 'TerminatedFailure';
}

export class ServerFailure extends TemporalFailure {
  override name = 'ServerFailure';
  constructor(
    message: string | undefined,
    readonly nonRetryable: boolean,
    cause?: Error,
  ) {
    super(message, cause);
  }
}

/** True for a cancellation, directly or as the cause of an activity or child failure. */
export function isCancellation(err: unknown): boolean {
  if (err instanceof CancelledFailure) return true;
  if (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) return err.cause instanceof CancelledFailure;
  return false;
}

function stackOf(err: Error): string | undefined {
  return typeof err.stack === 'string' ? err.stack : undefined;
}

/**
 * An Error, or what passes for one: errors made in another realm (the workflow sandbox, a vm
 * context) fail `instanceof Error` but have a message and a stack like any other.
 */
function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error) return true;
  const v = value as { message?: unknown; stack?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.message === 'string' && typeof v.stack === 'string';
}

const NON_ERROR_NOTE = ' (a non-Error value was thrown: throw an Error or ApplicationFailure to get a stack trace)';

/**
 * The message for a thrown value that is not an Error (`throw { code: 42 }`, `throw 'nope'`):
 * its content, as JSON for objects, never `[object Object]`.
 */
function thrownValueMessage(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value); // circular, or a BigInt inside
    }
  } else text = String(value);
  return text + NON_ERROR_NOTE;
}

/** Its type, as Temporal names it: the class of an object ('Object' for a literal); none for a primitive. */
function thrownValueType(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name ? name : 'Object';
}

/** Encodes a thrown non-Error: its content in the message, and the value itself as the details when the converter can carry it. */
function encodeThrownValue(value: unknown, converter: PayloadConverter): Failure {
  let details: Payload[] | undefined;
  try {
    details = value === undefined ? undefined : [converter.toPayload(value)];
  } catch {
    details = undefined; // a function, a symbol, a cycle: the message still has what could be said
  }
  return { message: thrownValueMessage(value), source: 'TypeScriptSDK', info: { type: 'application', errorType: thrownValueType(value), nonRetryable: false, details } };
}

/** Serializes any thrown value with its cause chain. */
export function encodeFailure(err: unknown, converter: PayloadConverter = defaultPayloadConverter): Failure {
  if (err instanceof TemporalFailure && err.failure) return err.failure;
  if (!isErrorLike(err)) return encodeThrownValue(err, converter);
  const base: Failure = { message: err.message, source: 'TypeScriptSDK', stackTrace: stackOf(err) };
  const cause = isErrorLike(err.cause) ? encodeFailure(err.cause, converter) : undefined;
  if (cause) base.cause = cause;
  const payloads = (vals: unknown[] | undefined) => (vals && vals.length ? vals.map((v) => converter.toPayload(v)) : undefined);
  if (err instanceof ApplicationFailure) {
    base.info = {
      type: 'application',
      errorType: err.type ?? undefined,
      nonRetryable: err.nonRetryable,
      details: payloads(err.details),
      nextRetryDelayMs: err.nextRetryDelayMs,
    };
  } else if (err instanceof TimeoutFailure) {
    base.info = {
      type: 'timeout',
      timeoutType: err.timeoutType,
      lastHeartbeatDetails: err.lastHeartbeatDetails === undefined ? undefined : [converter.toPayload(err.lastHeartbeatDetails)],
    };
  } else if (err instanceof CancelledFailure) {
    base.info = { type: 'canceled', details: payloads(err.details) };
  } else if (err instanceof TerminatedFailure) {
    base.info = { type: 'terminated' };
  } else if (err instanceof ServerFailure) {
    base.info = { type: 'server', nonRetryable: err.nonRetryable };
  } else if (err instanceof ChildWorkflowFailure) {
    base.info = { type: 'childWorkflow', workflowType: err.workflowType, workflowId: err.execution.workflowId, runId: err.execution.runId, retryState: err.retryState };
  } else if (err instanceof ActivityFailure) {
    base.info = { type: 'activity', activityType: err.activityType, activityId: err.activityId, retryState: err.retryState };
  } else {
    base.info = { type: 'application', errorType: err.name, nonRetryable: false };
  }
  return base;
}

/** Rebuilds the failure classes (in this realm) from their serialized form. */
export function decodeFailure(f: Failure, converter: PayloadConverter = defaultPayloadConverter): TemporalFailure {
  const cause = f.cause ? decodeFailure(f.cause, converter) : undefined;
  const info = f.info;
  let err: TemporalFailure;
  switch (info?.type) {
    case 'timeout':
      err = new TimeoutFailure(f.message, fromPayloads(converter, info.lastHeartbeatDetails)[0], info.timeoutType);
      break;
    case 'canceled':
      err = new CancelledFailure(f.message, fromPayloads(converter, info.details), cause);
      break;
    case 'terminated':
      err = new TerminatedFailure(f.message, cause);
      break;
    case 'server':
      err = new ServerFailure(f.message, info.nonRetryable, cause);
      break;
    case 'activity':
      err = new ActivityFailure(f.message, info.activityType, info.activityId, info.retryState, cause);
      break;
    case 'childWorkflow':
      err = new ChildWorkflowFailure(f.message, info.workflowType, { workflowId: info.workflowId, runId: info.runId }, info.retryState, cause);
      break;
    case 'application':
    case undefined:
      err = new ApplicationFailure(
        f.message,
        info?.errorType,
        info?.nonRetryable ?? false,
        fromPayloads(converter, info?.details),
        cause,
        info?.nextRetryDelayMs,
      );
      break;
  }
  err.failure = f;
  if (f.stackTrace) err.stack = f.stackTrace;
  return err;
}

/**
 * Thrown by an activity that will be completed later from outside (client.activity.complete):
 * the worker then reports nothing, and the activity stays running until completed or timed out.
 */
export class CompleteAsyncError extends Error {
  override name = 'CompleteAsyncError';
  constructor() {
    super('Activity will complete asynchronously');
  }
}
