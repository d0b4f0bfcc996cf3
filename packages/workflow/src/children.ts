import { ChildWorkflowFailure, CancelledFailure, checkOptions, optionalMs, toPayloads, type ChildWorkflowCancellationType, type Duration, type ParentClosePolicy } from '@endure/common';
import { childWorkflowOptionTable } from './option-tables.js';
import { activator } from './current.js';
import { currentScope } from './cancellation-scope.js';
import { uuid4From } from './random.js';
import type { Activator } from './activator.js';

export interface ChildWorkflowOptions<A extends unknown[] = unknown[]> {
  workflowId?: string;
  args?: A;
  taskQueue?: string;
  /** What happens to the child when this workflow closes. Default TERMINATE. */
  parentClosePolicy?: ParentClosePolicy;
  /** What cancelling the scope that started the child does. Default WAIT_CANCELLATION_COMPLETED. */
  cancellationType?: ChildWorkflowCancellationType;
  workflowExecutionTimeout?: Duration;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  /** @deprecated Not supported by Endure: a child always starts a new run; refused when set. */
  workflowIdReusePolicy?: never;
  /** @deprecated Not supported by Endure: there are no workflow retry policies; refused when set. */
  retry?: never;
  /** @deprecated Not supported by Endure: there are no cron children; refused when set. */
  cronSchedule?: never;
  /** @deprecated Not supported by Endure: call upsertMemo() in the child; refused when set. */
  memo?: never;
  /** @deprecated Not supported by Endure: call upsertSearchAttributes() in the child; refused when set. */
  searchAttributes?: never;
  /** @deprecated Not supported by Endure: call upsertSearchAttributes() in the child; refused when set. */
  typedSearchAttributes?: never;
  /** @deprecated Not supported by Endure: there is no user metadata; refused when set. */
  staticSummary?: never;
  /** @deprecated Not supported by Endure: there is no user metadata; refused when set. */
  staticDetails?: never;
  /** @deprecated Not supported by Endure: there are no task priorities; refused when set. */
  priority?: never;
  /** @deprecated Not supported by Endure: there is no worker versioning; refused when set. */
  versioningIntent?: never;
}

const CHILD_CANCELLATION_TYPES: readonly unknown[] = ['TRY_CANCEL', 'WAIT_CANCELLATION_COMPLETED', 'WAIT_CANCELLATION_REQUESTED', 'ABANDON'];
const PARENT_CLOSE_POLICIES: readonly unknown[] = ['TERMINATE', 'REQUEST_CANCEL', 'ABANDON'];

type WorkflowFn = (...args: never[]) => Promise<unknown>;

export interface ChildWorkflowHandle<R = unknown> {
  workflowId: string;
  firstExecutionRunId: string;
  result(): Promise<R>;
  signal<Args extends unknown[]>(def: string | { name: string }, ...args: Args): Promise<void>;
}

export interface ExternalWorkflowHandle {
  workflowId: string;
  runId?: string;
  signal<Args extends unknown[]>(def: string | { name: string }, ...args: Args): Promise<void>;
  cancel(): Promise<void>;
}

function requestExternal(a: Activator, kind: 'signal' | 'cancel', workflowId: string, runId: string | undefined, signal?: { name: string; args: unknown[] }): Promise<void> {
  const seq = a.nextExternalSeq();
  return new Promise<void>((resolve, reject) => {
    a.externals.set(seq, { resolve, reject });
    a.push({
      type: 'RequestExternal',
      seq,
      kind,
      workflowId,
      runId,
      signalName: signal?.name,
      args: signal ? toPayloads(a.converter, signal.args, `signal '${signal.name}' argument`) : undefined,
    });
  });
}

/** Starts a child workflow and resolves once it has started. */
export async function startChild<T extends WorkflowFn | string>(workflow: T, options: ChildWorkflowOptions = {}): Promise<ChildWorkflowHandle<T extends (...a: never[]) => Promise<infer R> ? R : unknown>> {
  const a = activator('startChild()');
  checkOptions('startChild', 'ChildWorkflowOptions', options, childWorkflowOptionTable);
  if (options.cancellationType !== undefined && !CHILD_CANCELLATION_TYPES.includes(options.cancellationType)) {
    throw new TypeError(`startChild: cancellationType '${String(options.cancellationType)}' is not supported by Endure; use one of ${CHILD_CANCELLATION_TYPES.join(', ')}`);
  }
  if (options.parentClosePolicy !== undefined && !PARENT_CLOSE_POLICIES.includes(options.parentClosePolicy)) {
    throw new TypeError(`startChild: parentClosePolicy '${String(options.parentClosePolicy)}' is not one of ${PARENT_CLOSE_POLICIES.join(', ')}`);
  }
  const workflowType = typeof workflow === 'string' ? workflow : workflow.name;
  if (!workflowType) throw new TypeError('startChild: pass a named workflow function or the workflow type name');
  const workflowId = options.workflowId ?? uuid4From(a.random);
  const scope = currentScope(a.rootScope);
  if (scope.consideredCancelled) throw new ChildWorkflowFailure('child workflow cancelled before it started', workflowType, { workflowId }, 'CANCEL_REQUESTED', new CancelledFailure('cancelled'));
  const seq = a.nextChildSeq();
  let started!: { resolve(v: string): void; reject(e: unknown): void };
  let settled!: { resolve(v: unknown): void; reject(e: unknown): void };
  const startedP = new Promise<string>((resolve, reject) => (started = { resolve, reject }));
  const resultP = new Promise<unknown>((resolve, reject) => (settled = { resolve, reject }));
  resultP.catch(() => {}); // observed through handle.result()
  a.children.set(seq, { workflowType, workflowId, started, result: settled });
  a.push({
    type: 'StartChildWorkflow',
    seq,
    workflowId,
    workflowType,
    taskQueue: options.taskQueue,
    args: toPayloads(a.converter, options.args ?? [], `child workflow '${workflowType}' argument`),
    parentClosePolicy: options.parentClosePolicy ?? 'TERMINATE',
    workflowExecutionTimeoutMs: optionalMs(options.workflowExecutionTimeout, 'workflowExecutionTimeout'),
    workflowRunTimeoutMs: optionalMs(options.workflowRunTimeout, 'workflowRunTimeout'),
    workflowTaskTimeoutMs: optionalMs(options.workflowTaskTimeout, 'workflowTaskTimeout'),
  });
  const cancellationType = options.cancellationType ?? 'WAIT_CANCELLATION_COMPLETED';
  // TRY_CANCEL asks the child to cancel and reports the cancellation at once; ABANDON reports it
  // at once and leaves the child alone; WAIT_CANCELLATION_COMPLETED asks, then waits for its close.
  const off = scope.onCancel((reason) => {
    if (!a.children.has(seq)) return;
    const cancelled = () => settled.reject(new ChildWorkflowFailure('child workflow cancelled', workflowType, { workflowId }, 'CANCEL_REQUESTED', reason));
    // ABANDON: the child is left alone and the cancellation reported at once, as Temporal's.
    if (cancellationType === 'ABANDON') return cancelled();
    const requested = requestExternal(a, 'cancel', workflowId, undefined);
    // WAIT_CANCELLATION_REQUESTED: the result rejects once the request reached the child; if it
    // could not (the child closed meanwhile), the child's own outcome settles it.
    requested.then(cancellationType === 'WAIT_CANCELLATION_REQUESTED' ? cancelled : undefined, () => {});
    if (cancellationType === 'TRY_CANCEL') cancelled();
  });
  resultP.then(off, off);
  const runId = await startedP;
  return {
    workflowId,
    firstExecutionRunId: runId,
    result: () => resultP as Promise<never>,
    signal: (def, ...args) => requestExternal(activator('signal()'), 'signal', workflowId, undefined, { name: typeof def === 'string' ? def : def.name, args }),
  };
}

/** Starts a child workflow and waits for its result (rejects with ChildWorkflowFailure). */
export async function executeChild<T extends WorkflowFn | string>(workflow: T, options: ChildWorkflowOptions = {}): Promise<T extends (...a: never[]) => Promise<infer R> ? R : unknown> {
  const handle = await startChild(workflow, options);
  return handle.result();
}

/** Signals or cancels another workflow by id. */
export function getExternalWorkflowHandle(workflowId: string, runId?: string): ExternalWorkflowHandle {
  return {
    workflowId,
    runId,
    signal: (def, ...args) => requestExternal(activator('signal()'), 'signal', workflowId, runId, { name: typeof def === 'string' ? def : def.name, args }),
    cancel: () => requestExternal(activator('cancel()'), 'cancel', workflowId, runId),
  };
}
