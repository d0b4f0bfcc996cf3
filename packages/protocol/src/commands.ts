import { z } from 'zod';
import { Payload } from './payload.js';
import { Failure } from './failure.js';
import { RetryPolicy } from './retry.js';
import { ActivityTimeouts } from './events.js';

/** What workflow code asks the engine to do; each command becomes one history event. */
export const Command = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ScheduleActivity'),
    seq: z.number().int().positive(),
    activityId: z.string(),
    activityType: z.string(),
    taskQueue: z.string().optional(),
    args: z.array(Payload),
    timeouts: ActivityTimeouts,
    retryPolicy: RetryPolicy,
  }),
  z.object({ type: z.literal('RequestCancelActivity'), seq: z.number().int().positive() }),
  z.object({ type: z.literal('StartTimer'), seq: z.number().int().positive(), durationMs: z.number().min(0) }),
  z.object({ type: z.literal('CancelTimer'), seq: z.number().int().positive() }),
  /** Worker-side only: the worker runs it and replaces it with RecordLocalActivityMarker. */
  z.object({
    type: z.literal('ScheduleLocalActivity'),
    seq: z.number().int().positive(),
    activityType: z.string(),
    args: z.array(Payload),
    timeouts: ActivityTimeouts,
    retryPolicy: RetryPolicy,
  }),
  z.object({
    type: z.literal('RecordLocalActivityMarker'),
    seq: z.number().int().positive(),
    activityType: z.string(),
    attempt: z.number().int().positive(),
    result: Payload.optional(),
    failure: Failure.optional(),
  }),
  z.object({ type: z.literal('RecordPatchMarker'), patchId: z.string(), deprecated: z.boolean() }),
  z.object({
    type: z.literal('StartChildWorkflow'),
    seq: z.number().int().positive(),
    workflowId: z.string().min(1),
    workflowType: z.string().min(1),
    taskQueue: z.string().optional(),
    args: z.array(Payload),
    parentClosePolicy: z.enum(['TERMINATE', 'REQUEST_CANCEL', 'ABANDON']),
    workflowExecutionTimeoutMs: z.number().positive().optional(),
    workflowRunTimeoutMs: z.number().positive().optional(),
    workflowTaskTimeoutMs: z.number().positive().optional(),
  }),
  /** Signal or cancel another workflow (a child, or any by id). */
  z.object({
    type: z.literal('RequestExternal'),
    seq: z.number().int().positive(),
    kind: z.enum(['signal', 'cancel']),
    workflowId: z.string().min(1),
    runId: z.string().optional(),
    signalName: z.string().optional(),
    args: z.array(Payload).optional(),
  }),
  z.object({ type: z.literal('ModifyProperties'), memo: z.record(z.string(), Payload).optional(), searchAttributes: z.record(z.string(), Payload).optional() }),
  z.object({ type: z.literal('AcceptUpdate'), updateId: z.string(), updateName: z.string(), args: z.array(Payload) }),
  /** The validator refused the update: answered to the caller, never written to history. */
  z.object({ type: z.literal('RejectUpdate'), updateId: z.string(), failure: Failure }),
  z.object({ type: z.literal('CompleteUpdate'), updateId: z.string(), result: Payload.optional(), failure: Failure.optional() }),
  z.object({ type: z.literal('CompleteWorkflow'), result: Payload.optional() }),
  z.object({ type: z.literal('FailWorkflow'), failure: Failure }),
  z.object({ type: z.literal('CancelWorkflow'), details: z.array(Payload).optional() }),
  z.object({
    type: z.literal('ContinueAsNew'),
    workflowType: z.string().optional(),
    taskQueue: z.string().optional(),
    args: z.array(Payload),
    workflowRunTimeoutMs: z.number().positive().optional(),
    workflowTaskTimeoutMs: z.number().positive().optional(),
  }),
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command['type'];
