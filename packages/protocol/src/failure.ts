import { z } from 'zod';
import { Payload } from './payload.js';

export const TimeoutType = z.enum(['START_TO_CLOSE', 'SCHEDULE_TO_START', 'SCHEDULE_TO_CLOSE', 'HEARTBEAT']);
export type TimeoutType = z.infer<typeof TimeoutType>;

export const RetryState = z.enum([
  'RETRY_STATE_UNSPECIFIED',
  'IN_PROGRESS',
  'NON_RETRYABLE_FAILURE',
  'TIMEOUT',
  'MAXIMUM_ATTEMPTS_REACHED',
  'RETRY_POLICY_NOT_SET',
  'INTERNAL_SERVER_ERROR',
  'CANCEL_REQUESTED',
]);
export type RetryState = z.infer<typeof RetryState>;

/** What kind of failure this is, and the facts that kind carries. */
export const FailureInfo = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('application'),
    errorType: z.string().optional(),
    nonRetryable: z.boolean(),
    details: z.array(Payload).optional(),
    nextRetryDelayMs: z.number().optional(),
  }),
  z.object({ type: z.literal('timeout'), timeoutType: TimeoutType, lastHeartbeatDetails: z.array(Payload).optional() }),
  z.object({ type: z.literal('canceled'), details: z.array(Payload).optional() }),
  z.object({ type: z.literal('terminated') }),
  z.object({ type: z.literal('server'), nonRetryable: z.boolean() }),
  z.object({
    type: z.literal('childWorkflow'),
    workflowType: z.string(),
    workflowId: z.string(),
    runId: z.string().optional(),
    retryState: RetryState,
  }),
  z.object({
    type: z.literal('activity'),
    activityType: z.string(),
    activityId: z.string(),
    retryState: RetryState,
    scheduledEventId: z.number().optional(),
  }),
]);
export type FailureInfo = z.infer<typeof FailureInfo>;

/** A serialized error with its cause chain, as it crosses the wire and lives in history. */
export interface Failure {
  message: string;
  source?: string;
  stackTrace?: string;
  info?: FailureInfo;
  cause?: Failure;
}
export const Failure: z.ZodType<Failure> = z.lazy(() =>
  z.object({
    message: z.string(),
    source: z.string().optional(),
    stackTrace: z.string().optional(),
    info: FailureInfo.optional(),
    cause: Failure.optional(),
  }),
);
