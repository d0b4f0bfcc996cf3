import type { ActivationResult, ActivityResolution, Command, Job, Payload, QueryResult, WorkflowInfo } from '@endure/protocol';
import {
  ApplicationFailure,
  ActivityFailure,
  activityFailureMessage,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
  CancelledFailure,
  TemporalFailure,
  decodeFailure,
  defaultPayloadConverter,
  encodeFailure,
  fromPayloads,
  isCancellation,
  type PayloadConverter,
} from '@endure/common';
import { CancellationScope } from './cancellation-scope.js';
import { seededRandom } from './random.js';
import { ContinueAsNew } from './continue-as-new.js';
import { unfinishedHandlersWarning, workflowMetadata, type RunningHandler } from './handler-reports.js';

/** Builds a fresh copy of the user's workflow modules (module-level state is per run). */
export type ModuleFactory = () => Record<string, unknown>;

export interface HostHooks {
  log(level: string, message: string, attrs: Record<string, unknown>): void;
}

interface PendingActivity {
  /** Where the workflow code started it (for the __stack_trace query). */
  stack?: Error;
  activityType: string;
  activityId: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Condition {
  fn(): boolean;
  resolve(): void;
  stack?: Error;
}

type Handler = (...args: unknown[]) => unknown;
type UnfinishedPolicy = 'WARN_AND_ABANDON' | 'ABANDON';
export interface Settle<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}

/**
 * Where workflow code started an operation, for the __stack_trace query. Capturing is cheap;
 * formatting the trace (the costly part) waits until someone asks.
 */
export function callerStack(): Error {
  return new Error();
}

function formatStack(e: Error | undefined): string {
  return (e?.stack ?? '').split('\n').slice(3).join('\n');
}

/** The state of one run inside the sandbox: its clock, randomness, pending operations and commands. */
export class Activator {
  info!: WorkflowInfo;
  now = 0;
  replaying = false;
  random: () => number = () => {
    throw new Error('Math.random() is not available before the workflow starts');
  };
  converter: PayloadConverter = defaultPayloadConverter;
  readonly rootScope = new CancellationScope({ root: true });
  readonly signalHandlers = new Map<string, { handler: Handler; description?: string; unfinishedPolicy: UnfinishedPolicy }>();
  defaultSignalHandler: ((name: string, ...args: unknown[]) => unknown) | undefined;
  /** Signals that arrived before their handler was set, delivered in order when it is. */
  readonly bufferedSignals: { name: string; args: unknown[] }[] = [];
  readonly queryHandlers = new Map<string, { handler: Handler; description?: string }>();
  defaultQueryHandler: ((name: string, ...args: unknown[]) => unknown) | undefined;
  readonly updateHandlers = new Map<string, { handler: Handler; validator?: Handler; description?: string; unfinishedPolicy: UnfinishedPolicy }>();
  defaultUpdateHandler: ((name: string, ...args: unknown[]) => unknown) | undefined;
  /** Signal and update handlers whose promises have not settled (allHandlersFinished, unfinished warnings). */
  readonly runningHandlers = new Map<number, RunningHandler>();
  private nextHandlerId = 0;
  /** Patches whose markers replayed history holds. */
  readonly knownPatches = new Set<string>();
  /** Each patch is decided once per run, then sticks. */
  readonly patchDecisions = new Map<string, boolean>();
  /** Set while a query handler runs: anything that would change the workflow throws. */
  private readOnly = false;
  /** True while a query handler or an update validator runs. */
  get inReadOnlyHandler(): boolean {
    return this.readOnly;
  }
  /** What a query handler tried to change (even if the handler swallowed the error). */
  private queryViolation: string | undefined;
  private nextSeq = { activity: 0, timer: 0, child: 0, external: 0 };
  /** Children by seq: their start and their result. */
  readonly children = new Map<number, { workflowType: string; workflowId: string; runId?: string; started: Settle<string>; result: Settle<unknown> }>();
  /** Signals and cancel requests sent to other workflows, by seq. */
  readonly externals = new Map<number, Settle<void>>();
  private commands: Command[] = [];
  private closed = false;
  private taskFailure: unknown;
  readonly activities = new Map<number, PendingActivity>();
  private timers = new Map<number, { fire: () => void; stack: Error }>();
  private conditions = new Set<Condition>();

  constructor(
    private readonly factory: ModuleFactory,
    readonly host: HostHooks,
  ) {}

  /** History size in bytes and whether it is past the thresholds (set per activation). */
  historySize = 0;
  continueAsNewSuggested = false;

  begin(ctx: { time: number; historyLength: number; replaying: boolean; historySize?: number; continueAsNewSuggested?: boolean }): void {
    this.now = ctx.time;
    this.replaying = ctx.replaying;
    this.historySize = ctx.historySize ?? 0;
    this.continueAsNewSuggested = ctx.continueAsNewSuggested ?? false;
    if (this.info) this.info.historyLength = ctx.historyLength;
  }

  applyJob(job: Job): void {
    try {
      switch (job.type) {
        case 'startWorkflow':
          return this.start(job.workflowType, job.args, job.info, job.randomnessSeed);
        case 'resolveActivity':
          return this.resolveActivity(job.seq, job.resolution);
        case 'fireTimer': {
          const t = this.timers.get(job.seq);
          this.timers.delete(job.seq);
          return t?.fire();
        }
        case 'resolveLocalActivity':
          return this.resolveActivity(job.seq, job.failure ? { status: 'failed', failure: job.failure } : { status: 'completed', result: job.result });
        case 'resolveChildStart': {
          const c = this.children.get(job.seq);
          if (!c) return;
          if (job.runId) {
            c.runId = job.runId;
            return c.started.resolve(job.runId);
          }
          this.children.delete(job.seq);
          const err = Object.assign(new Error(`child workflow id '${c.workflowId}' is already in use (${job.failedCause ?? 'start failed'})`), { name: 'WorkflowExecutionAlreadyStartedError' });
          c.started.reject(err);
          return c.result.reject(err);
        }
        case 'resolveChild':
          return this.resolveChild(job.seq, job.status, job.result, job.failure);
        case 'resolveExternal': {
          const x = this.externals.get(job.seq);
          this.externals.delete(job.seq);
          if (job.failure) x?.reject(decodeFailure(job.failure, this.converter));
          else x?.resolve();
          return;
        }
        case 'doUpdate':
          return this.runUpdate(job.updateId, job.name, job.args, job.validate);
        case 'notifyHasPatch':
          this.knownPatches.add(job.patchId);
          return;
        case 'signalWorkflow':
          return this.deliverSignal(job.signalName, fromPayloads(this.converter, job.args));
        case 'cancelWorkflow':
          return this.rootScope.cancel(new CancelledFailure(job.reason ?? 'Workflow cancelled'));
      }
    } catch (err) {
      this.failTask(err);
    }
  }

  /** Resolves every condition that now holds; true if any did (their continuations then run). */
  checkConditions(): boolean {
    let fired = false;
    for (const c of this.conditions) {
      let ok = false;
      try {
        ok = c.fn();
      } catch (err) {
        this.failTask(err);
        return false;
      }
      if (ok) {
        this.conditions.delete(c);
        c.resolve();
        fired = true;
      }
    }
    return fired;
  }

  takeResult(): ActivationResult {
    const commands = this.commands;
    this.commands = [];
    if (this.taskFailure !== undefined) return { ok: false, failure: encodeFailure(this.taskFailure, this.converter) };
    return { ok: true, commands };
  }

  /** A bug in workflow code: the task fails and is retried; the run is not failed. */
  failTask(err: unknown): void {
    if (this.taskFailure === undefined) this.taskFailure = err;
  }

  push(c: Command): void {
    this.assertWritable(c.type);
    if (!this.closed) this.commands.push(c);
  }

  private assertWritable(what: string): void {
    if (!this.readOnly) return;
    const message = `${what} was called from a query handler: queries must not change workflow state`;
    this.queryViolation ??= message;
    throw new Error(message);
  }

  nextActivitySeq(): number {
    this.assertWritable('ScheduleActivity');
    return ++this.nextSeq.activity;
  }

  nextChildSeq(): number {
    this.assertWritable('StartChildWorkflow');
    return ++this.nextSeq.child;
  }

  nextExternalSeq(): number {
    this.assertWritable('RequestExternal');
    return ++this.nextSeq.external;
  }

  nextTimerSeq(): number {
    this.assertWritable('StartTimer');
    return ++this.nextSeq.timer;
  }

  /** Runs a handler for a signal, or keeps the signal until a handler is set. */
  deliverSignal(name: string, args: unknown[]): void {
    const entry = this.signalHandlers.get(name);
    if (entry) this.runHandler({ kind: 'signal', name, unfinishedPolicy: entry.unfinishedPolicy }, () => entry.handler(...args));
    else if (this.defaultSignalHandler) {
      const d = this.defaultSignalHandler;
      this.runHandler({ kind: 'signal', name, unfinishedPolicy: 'WARN_AND_ABANDON' }, () => d(name, ...args));
    } else this.bufferedSignals.push({ name, args });
  }

  /** Runs a signal handler, tracked until its promise settles; its failure is the workflow's. */
  private runHandler(running: RunningHandler, fn: () => unknown): void {
    const id = ++this.nextHandlerId;
    this.runningHandlers.set(id, running);
    try {
      void Promise.resolve(fn())
        .catch((err: unknown) => this.onHandlerError(err))
        .finally(() => this.runningHandlers.delete(id));
    } catch (err) {
      this.runningHandlers.delete(id);
      this.onHandlerError(err);
    }
  }

  /** A handler's failure is the workflow's: an ApplicationFailure fails it, a bug fails the task. */
  private onHandlerError(err: unknown): void {
    if (err instanceof TemporalFailure) {
      this.push({ type: 'FailWorkflow', failure: encodeFailure(err, this.converter) });
      this.closed = true;
    } else {
      this.failTask(err);
    }
  }

  /** Delivers buffered signals that now have a handler, in arrival order. */
  flushBufferedSignals(): void {
    const pending = this.bufferedSignals.splice(0);
    for (const s of pending) this.deliverSignal(s.name, s.args);
  }

  /**
   * Runs an update: live, its validator first (read-only; throwing rejects it, and nothing is
   * recorded); then acceptance, then its handler, whose outcome completes it.
   */
  private runUpdate(updateId: string, name: string, payloads: Payload[], validate: boolean): void {
    const entry = this.updateHandlers.get(name);
    const dynamic = entry ? undefined : this.defaultUpdateHandler;
    const args = fromPayloads(this.converter, payloads);
    if (validate) {
      const reject = (err: unknown) => this.push({ type: 'RejectUpdate', updateId, failure: encodeFailure(err, this.converter) });
      if (!entry && !dynamic) {
        const known = [...this.updateHandlers.keys()];
        return reject(ApplicationFailure.create({ type: 'UpdateNotRegisteredError', message: `update '${name}' is not registered by this workflow (registered: ${known.join(', ') || 'none'})`, nonRetryable: true }));
      }
      if (entry?.validator) {
        let refused: unknown;
        this.readOnly = true;
        this.queryViolation = undefined;
        try {
          entry.validator(...args);
          const violation = this.queryViolation as string | undefined; // set by assertWritable during the call
          if (violation) refused = new Error(violation.replace('query handler', 'update validator'));
        } catch (err) {
          refused = err;
        } finally {
          this.readOnly = false;
        }
        if (refused !== undefined) return reject(refused);
      }
    } else if (!entry && !dynamic) {
      throw new Error(`update '${name}' was accepted in history but the workflow no longer registers a handler for it (nor a default update handler)`);
    }
    this.push({ type: 'AcceptUpdate', updateId, updateName: name, args: payloads });
    const id = ++this.nextHandlerId;
    this.runningHandlers.set(id, { kind: 'update', name, updateId, unfinishedPolicy: entry?.unfinishedPolicy ?? 'WARN_AND_ABANDON' });
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(entry ? entry.handler(...args) : dynamic!(name, ...args));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (result) => this.push({ type: 'CompleteUpdate', updateId, result: this.converter.toPayload(result) }),
      (err: unknown) => {
        if (err instanceof TemporalFailure) this.push({ type: 'CompleteUpdate', updateId, failure: encodeFailure(err, this.converter) });
        else this.failTask(err);
      },
    ).finally(() => this.runningHandlers.delete(id));
  }

  /** Answers a query from the current state; a handler that tries to change anything fails. */
  query(queryType: string, args: Payload[]): QueryResult {
    if (queryType === '__stack_trace') return { ok: true, result: this.converter.toPayload(this.stackTrace()) };
    if (queryType === '__temporal_workflow_metadata') return { ok: true, result: this.converter.toPayload(workflowMetadata(this)) };
    const entry = this.queryHandlers.get(queryType);
    const dynamic = this.defaultQueryHandler;
    if (!entry && !dynamic) {
      const known = [...this.queryHandlers.keys()];
      return {
        ok: false,
        failure: {
          message: `query '${queryType}' is not registered by this workflow (registered: ${known.join(', ') || 'none'}, plus __stack_trace and __temporal_workflow_metadata)`,
          info: { type: 'application', errorType: 'QueryNotRegisteredError', nonRetryable: true },
        },
      };
    }
    this.readOnly = true;
    this.queryViolation = undefined;
    try {
      const values = fromPayloads(this.converter, args);
      const result = entry ? entry.handler(...values) : dynamic!(queryType, ...values);
      if (this.queryViolation) throw new Error(this.queryViolation);
      if (result instanceof Promise) throw new TypeError(`query handler '${queryType}' returned a Promise: query handlers must be synchronous`);
      return { ok: true, result: this.converter.toPayload(result) };
    } catch (err) {
      return { ok: false, failure: encodeFailure(err, this.converter) };
    } finally {
      this.readOnly = false;
    }
  }

  /** The workflow is closing: says which signal and update handlers it leaves unfinished, unless their policy is ABANDON. */
  private warnUnfinishedHandlers(): void {
    const warning = unfinishedHandlersWarning(this.runningHandlers.values());
    if (warning === undefined || this.replaying) return;
    this.host.log('WARN', warning, { namespace: this.info?.namespace, workflowId: this.info?.workflowId, runId: this.info?.runId, workflowType: this.info?.workflowType });
  }

  /** Where the workflow waits: one entry per pending timer, activity and condition. */
  private stackTrace(): string {
    const lines: string[] = [];
    for (const [seq, a] of this.activities) lines.push(`waiting for activity '${a.activityType}' (seq ${seq})\n${formatStack(a.stack)}`);
    for (const [seq, t] of this.timers) lines.push(`waiting for timer ${seq}\n${formatStack(t.stack)}`);
    for (const c of this.conditions) lines.push(`waiting for a condition\n${formatStack(c.stack)}`);
    return lines.join('\n\n') || 'not waiting on anything';
  }

  /** Starts a durable timer; `onCancel` cleanup is left to the caller. */
  startTimer(durationMs: number, fire: () => void): number {
    const seq = this.nextTimerSeq();
    this.timers.set(seq, { fire, stack: callerStack() });
    this.push({ type: 'StartTimer', seq, durationMs });
    return seq;
  }

  /** Cancels a timer that has not fired; false if it already had. */
  cancelTimer(seq: number): boolean {
    if (!this.timers.delete(seq)) return false;
    this.push({ type: 'CancelTimer', seq });
    return true;
  }

  addCondition(c: Condition): () => void {
    this.assertWritable('condition');
    c.stack ??= callerStack();
    this.conditions.add(c);
    return () => this.conditions.delete(c);
  }

  private start(workflowType: string, args: Payload[], info: WorkflowInfo, seed: string): void {
    this.info = { ...info };
    this.random = seededRandom(seed);
    const exports = this.factory();
    const custom = exports['__endurePayloadConverter'] as PayloadConverter | undefined;
    if (custom) this.converter = custom;
    // A type without a function of its own goes to the module's default export (Temporal's
    // dynamic workflow), which reads the type from workflowInfo().workflowType.
    const own = Object.hasOwn(exports, workflowType) && workflowType !== 'default' ? exports[workflowType] : undefined;
    const fn = typeof own === 'function' ? own : exports['default'];
    if (typeof fn !== 'function') {
      const known = Object.keys(exports).filter((k) => typeof exports[k] === 'function' && !k.startsWith('__endure'));
      throw Object.assign(
        new Error(`workflow type '${workflowType}' is not exported by the worker's workflows module (it exports: ${known.join(', ') || 'nothing'}), and the module has no default export to receive it`),
        { name: 'WorkflowTypeNotFoundError' },
      );
    }
    const values = fromPayloads(this.converter, args);
    // The workflow function runs in the run's root scope: cancelling the workflow cancels it.
    const promise = this.rootScope.run(async () => (fn as (...a: unknown[]) => unknown)(...values));
    promise.then(
      (result) => this.complete(result),
      (err) => this.onWorkflowError(err),
    );
  }

  private complete(result: unknown): void {
    try {
      this.push({ type: 'CompleteWorkflow', result: this.converter.toPayload(result) });
      this.warnUnfinishedHandlers();
      this.closed = true;
    } catch (err) {
      this.failTask(err);
    }
  }

  private onWorkflowError(err: unknown): void {
    if (err instanceof ContinueAsNew) {
      this.push({ type: 'ContinueAsNew', ...err.command });
      this.warnUnfinishedHandlers();
      this.closed = true;
    } else if (this.rootScope.reason && isCancellation(err)) {
      this.push({ type: 'CancelWorkflow' });
      this.closed = true;
    } else if (err instanceof TemporalFailure) {
      this.push({ type: 'FailWorkflow', failure: encodeFailure(err, this.converter) });
      this.warnUnfinishedHandlers();
      this.closed = true;
    } else {
      this.failTask(err);
    }
  }

  private resolveChild(seq: number, status: string, result: Payload | undefined, failure: import('@endure/protocol').Failure | undefined): void {
    const c = this.children.get(seq);
    if (!c) return;
    this.children.delete(seq);
    if (status === 'COMPLETED') return c.result.resolve(result ? this.converter.fromPayload(result) : undefined);
    const cause =
      status === 'FAILED' && failure ? decodeFailure(failure, this.converter)
      : status === 'CANCELED' ? new CancelledFailure('Child workflow cancelled')
      : status === 'TERMINATED' ? new TerminatedFailure('Child workflow terminated')
      : new TimeoutFailure('Child workflow timed out', undefined, 'START_TO_CLOSE');
    c.result.reject(new ChildWorkflowFailure(`child workflow ${status.toLowerCase().replace('_', ' ')}`, c.workflowType, { workflowId: c.workflowId, runId: c.runId }, status === 'TIMED_OUT' ? 'TIMEOUT' : 'NON_RETRYABLE_FAILURE', cause));
  }

  private resolveActivity(seq: number, r: ActivityResolution): void {
    const a = this.activities.get(seq);
    if (!a) return; // already settled, e.g. rejected at once when cancelled with TRY_CANCEL
    this.activities.delete(seq);
    if (r.status === 'completed') a.resolve(r.result ? this.converter.fromPayload(r.result) : undefined);
    else if (r.status === 'failed') a.reject(decodeFailure(r.failure, this.converter));
    else {
      const cause = new CancelledFailure('Activity cancelled', fromPayloads(this.converter, r.details));
      a.reject(new ActivityFailure(activityFailureMessage(a.activityType, a.activityId, 'cancelled'), a.activityType, a.activityId, 'CANCEL_REQUESTED', cause));
    }
  }
}
