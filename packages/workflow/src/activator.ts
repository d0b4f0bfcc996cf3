import type { ActivationResult, ActivityResolution, Command, Job, Payload, WorkflowInfo } from '@endure/protocol';
import {
  ActivityFailure,
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

/** Builds a fresh copy of the user's workflow modules (module-level state is per run). */
export type ModuleFactory = () => Record<string, unknown>;

export interface HostHooks {
  log(level: string, message: string, attrs: Record<string, unknown>): void;
}

interface PendingActivity {
  activityType: string;
  activityId: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Condition {
  fn(): boolean;
  resolve(): void;
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
  readonly rootScope = new CancellationScope();
  private nextSeq = { activity: 0, timer: 0 };
  private commands: Command[] = [];
  private closed = false;
  private taskFailure: unknown;
  readonly activities = new Map<number, PendingActivity>();
  private timers = new Map<number, () => void>();
  private conditions = new Set<Condition>();

  constructor(
    private readonly factory: ModuleFactory,
    readonly host: HostHooks,
  ) {}

  begin(ctx: { time: number; historyLength: number; replaying: boolean }): void {
    this.now = ctx.time;
    this.replaying = ctx.replaying;
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
          const fire = this.timers.get(job.seq);
          this.timers.delete(job.seq);
          return fire?.();
        }
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
    if (!this.closed) this.commands.push(c);
  }

  nextActivitySeq(): number {
    return ++this.nextSeq.activity;
  }

  nextTimerSeq(): number {
    return ++this.nextSeq.timer;
  }

  /** Starts a durable timer; `onCancel` cleanup is left to the caller. */
  startTimer(durationMs: number, fire: () => void): number {
    const seq = this.nextTimerSeq();
    this.timers.set(seq, fire);
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
    this.conditions.add(c);
    return () => this.conditions.delete(c);
  }

  private start(workflowType: string, args: Payload[], info: WorkflowInfo, seed: string): void {
    this.info = { ...info };
    this.random = seededRandom(seed);
    const exports = this.factory();
    const custom = exports['__endurePayloadConverter'] as PayloadConverter | undefined;
    if (custom) this.converter = custom;
    const fn = exports[workflowType];
    if (typeof fn !== 'function') {
      const known = Object.keys(exports).filter((k) => typeof exports[k] === 'function' && !k.startsWith('__endure'));
      throw Object.assign(
        new Error(`workflow type '${workflowType}' is not exported by the worker's workflows module (it exports: ${known.join(', ') || 'nothing'})`),
        { name: 'WorkflowTypeNotFoundError' },
      );
    }
    const values = fromPayloads(this.converter, args);
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve((fn as (...a: unknown[]) => unknown)(...values));
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.then(
      (result) => this.complete(result),
      (err) => this.onWorkflowError(err),
    );
  }

  private complete(result: unknown): void {
    try {
      this.push({ type: 'CompleteWorkflow', result: this.converter.toPayload(result) });
      this.closed = true;
    } catch (err) {
      this.failTask(err);
    }
  }

  private onWorkflowError(err: unknown): void {
    if (this.rootScope.reason && isCancellation(err)) {
      this.push({ type: 'CancelWorkflow' });
      this.closed = true;
    } else if (err instanceof TemporalFailure) {
      this.push({ type: 'FailWorkflow', failure: encodeFailure(err, this.converter) });
      this.closed = true;
    } else {
      this.failTask(err);
    }
  }

  private resolveActivity(seq: number, r: ActivityResolution): void {
    const a = this.activities.get(seq);
    if (!a) return; // already settled, e.g. rejected at once when cancelled with TRY_CANCEL
    this.activities.delete(seq);
    if (r.status === 'completed') a.resolve(r.result ? this.converter.fromPayload(r.result) : undefined);
    else if (r.status === 'failed') a.reject(decodeFailure(r.failure, this.converter));
    else {
      const cause = new CancelledFailure('Activity cancelled', fromPayloads(this.converter, r.details));
      a.reject(new ActivityFailure('Activity task cancelled', a.activityType, a.activityId, 'CANCEL_REQUESTED', cause));
    }
  }
}
