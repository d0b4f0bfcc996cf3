import { COMMAND_EVENT_TYPES, type ActivationResult, type Command, type Failure, type HistoryEvent, type Job, type Payload, type QueryResult } from '@endure/protocol';
import type { WorkflowCode } from './workflow-code.js';
import { jobFromEvent, type RunIdentity } from './jobs-from-events.js';
import { NondeterminismError, describeCommand, describeEvent } from './nondeterminism.js';

export type TaskOutcome =
  | { ok: true; commands: Command[]; sawUpTo: number; time: number }
  | { ok: false; failure: Failure; nondeterminism: boolean };

/** The history given does not continue where this replayer stopped: replay from scratch. */
export class HistoryGapError extends Error {
  override name = 'HistoryGapError';
}

function commandMatches(c: Command, e: HistoryEvent): boolean {
  switch (c.type) {
    case 'ScheduleActivity':
      return e.type === 'ActivityTaskScheduled' && e.attributes.seq === c.seq && e.attributes.activityType === c.activityType;
    case 'RequestCancelActivity':
      return e.type === 'ActivityTaskCancelRequested' && e.attributes.seq === c.seq;
    case 'StartTimer':
      return e.type === 'TimerStarted' && e.attributes.seq === c.seq;
    case 'CancelTimer':
      return e.type === 'TimerCanceled' && e.attributes.seq === c.seq;
    case 'RecordPatchMarker':
      return e.type === 'MarkerRecorded' && e.attributes.patchId === c.patchId;
    case 'CompleteWorkflow':
      return e.type === 'WorkflowExecutionCompleted';
    case 'FailWorkflow':
      return e.type === 'WorkflowExecutionFailed';
    case 'CancelWorkflow':
      return e.type === 'WorkflowExecutionCanceled';
    case 'ContinueAsNew':
      return e.type === 'WorkflowExecutionContinuedAsNew';
    case 'AcceptUpdate':
      return e.type === 'WorkflowExecutionUpdateAccepted' && e.attributes.updateId === c.updateId;
    case 'CompleteUpdate':
      return e.type === 'WorkflowExecutionUpdateCompleted' && e.attributes.updateId === c.updateId;
    case 'RejectUpdate':
      return false; // never in history
    case 'ModifyProperties':
      return e.type === 'WorkflowPropertiesModified';
    case 'ScheduleLocalActivity':
    case 'RecordLocalActivityMarker':
      return e.type === 'LocalActivityMarkerRecorded' && e.attributes.seq === c.seq && e.attributes.activityType === c.activityType;
    case 'StartChildWorkflow':
      return e.type === 'StartChildWorkflowExecutionInitiated' && e.attributes.seq === c.seq && e.attributes.workflowType === c.workflowType;
    case 'RequestExternal':
      return e.type === 'ExternalWorkflowRequestInitiated' && e.attributes.seq === c.seq && e.attributes.kind === c.kind;
  }
}

/**
 * An event's size as JSON, estimated without serializing it (this runs for every event): a fixed
 * overhead plus the payloads, which are what makes histories big.
 */
function approxEventSize(e: HistoryEvent): number {
  const a = e.attributes as { input?: Payload[]; args?: Payload[]; result?: Payload; details?: Payload[] };
  let n = 150;
  for (const p of a.input ?? []) n += p.data.length + 40;
  for (const p of a.details ?? []) n += p.data.length + 40;
  if (a.result) n += a.result.data.length + 40;
  return n;
}

/** Code that once ran an activation cleanly now throws while replaying it. */
class ReplayedActivationFailed extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

function failureOf(err: unknown): Failure {
  const e = err instanceof Error ? err : new Error(String(err));
  return { message: e.message, stackTrace: e.stack, info: { type: 'application', errorType: e.name, nonRetryable: false } };
}

/**
 * Drives one run's workflow code from its history. Recorded activations are re-run and their
 * commands checked against the events they produced; what history holds past the last recorded
 * activation becomes one live activation whose commands complete the task. Pure: no I/O, no clock.
 *
 * A replayer can be kept between tasks (the sticky cache): feed it only the events it has not
 * seen. It remembers the commands of its own live activation and accepts them when they come
 * back as history.
 */
export class WorkflowReplayer {
  /** Id of the last event consumed. */
  lastEventId = 0;
  private pendingInputs: HistoryEvent[] = [];
  /** Commands issued by the activation being matched against history, in order. */
  private unmatched: Command[] = [];
  private unmatchedFromEvent = 0;
  /** Logical time of the latest recorded activation: time never runs backwards. */
  private lastTime = 0;
  /** The live activation whose WorkflowTaskCompleted has not come back yet. */
  private awaiting: { sawUpTo: number; commands: Command[] } | undefined;

  /** Bytes of history consumed (events as JSON). */
  private historySize = 0;

  constructor(
    private readonly code: WorkflowCode,
    private readonly run: RunIdentity,
    /** When workflowInfo().continueAsNewSuggested turns true. */
    private readonly suggestContinueAsNewAt = { events: 10_000, bytes: 10 * 1024 * 1024 },
  ) {}

  private sizes(): { historySize: number; continueAsNewSuggested: boolean } {
    const t = this.suggestContinueAsNewAt;
    return { historySize: this.historySize, continueAsNewSuggested: this.lastEventId >= t.events || this.historySize >= t.bytes };
  }

  /**
   * Consumes `events` (which must start at lastEventId + 1) and runs the live activation at
   * logical time `now`. Throws HistoryGapError if the events do not continue this replayer.
   */
  advance(events: HistoryEvent[], now: number, updates: Extract<Job, { type: 'doUpdate' }>[] = []): TaskOutcome {
    try {
      this.notePatches(events);
      this.noteAcceptedUpdates(events);
      for (const e of events) this.consume(e);
      this.expectAllMatched(undefined);
      if (this.awaiting) throw new HistoryGapError('the last activation was never recorded; replay from the start');
      const jobs = [...this.takeInputs(this.lastEventId), ...updates];
      const time = Math.max(now, this.lastTime);
      const result = this.code.activate(jobs, { time, historyLength: this.lastEventId, replaying: false, ...this.sizes() });
      if (!result.ok) return { ok: false, failure: result.failure, nondeterminism: false };
      this.awaiting = { sawUpTo: this.lastEventId, commands: [...result.commands] };
      this.liveTime = time;
      return { ok: true, commands: this.awaiting.commands, sawUpTo: this.lastEventId, time };
    } catch (err) {
      if (err instanceof HistoryGapError) throw err;
      const f = err instanceof ReplayedActivationFailed ? err.failure : failureOf(err);
      return { ok: false, failure: f, nondeterminism: err instanceof NondeterminismError };
    }
  }

  /**
   * Replays recorded activations only (no live activation): the state a query should see is
   * that of the last completed workflow task. Returns a failure if replay went wrong.
   */
  catchUp(events: HistoryEvent[]): Failure | undefined {
    try {
      this.notePatches(events);
      this.noteAcceptedUpdates(events);
      for (const e of events) this.consume(e);
      this.expectAllMatched(undefined);
      return undefined;
    } catch (err) {
      if (err instanceof HistoryGapError) throw err;
      return err instanceof ReplayedActivationFailed ? err.failure : failureOf(err);
    }
  }

  /**
   * Live: a local activity of the running activation finished. Its command becomes the marker
   * that records the outcome, and the code goes on (a further activation in the same task).
   * Returns the task's outcome so far: commands, and whether local activities still run.
   */
  resolveLocalActivity(seq: number, attempt: number, outcome: { result?: Payload; failure?: Failure }): TaskOutcome {
    const a = this.awaiting;
    if (!a) throw new Error(`no live activation is waiting for local activity ${seq}`);
    try {
      const i = a.commands.findIndex((c) => c.type === 'ScheduleLocalActivity' && c.seq === seq);
      const scheduled = a.commands[i];
      if (!scheduled || scheduled.type !== 'ScheduleLocalActivity') throw new Error(`local activity ${seq} is not pending`);
      a.commands[i] = { type: 'RecordLocalActivityMarker', seq, activityType: scheduled.activityType, attempt, ...outcome };
      a.commands.push(...this.subActivation({ type: 'resolveLocalActivity', seq, ...outcome }, false));
      return { ok: true, commands: a.commands, sawUpTo: a.sawUpTo, time: this.liveTime };
    } catch (err) {
      if (err instanceof ReplayedActivationFailed) return { ok: false, failure: err.failure, nondeterminism: false };
      return { ok: false, failure: failureOf(err), nondeterminism: false };
    }
  }

  private liveTime = 0;

  /** One more activation inside the current task, with a single job. */
  private subActivation(job: Job, replaying: boolean): Command[] {
    const result = this.code.activate([job], { time: replaying ? this.lastTime : this.liveTime, historyLength: this.lastEventId, replaying, ...this.sizes() });
    if (!result.ok) throw new ReplayedActivationFailed(result.failure);
    return result.commands;
  }

  query(queryType: string, args: Payload[]): QueryResult {
    if (!this.code.query) return { ok: false, failure: { message: 'this workflow code cannot answer queries' } };
    return this.code.query(queryType, args);
  }

  /** Patches recorded anywhere in a replayed history: replayed code sees patched(id) true for them. */
  private patchJobs: Job[] = [];
  private notePatches(events: HistoryEvent[]): void {
    if (this.lastEventId !== 0) return; // a cached run already knows: it is running new code
    for (const e of events) if (e.type === 'MarkerRecorded') this.patchJobs.push({ type: 'notifyHasPatch', patchId: e.attributes.patchId });
  }

  /**
   * Updates accepted by a recorded activation: their acceptance events follow its
   * WorkflowTaskCompleted, so on replay they become that activation's last jobs (no validator).
   */
  private acceptedUpdates = new Map<number, Job[]>();
  private noteAcceptedUpdates(events: HistoryEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      if (events[i]!.type !== 'WorkflowTaskCompleted') continue;
      const jobs: Job[] = [];
      for (let j = i + 1; j < events.length && COMMAND_EVENT_TYPES.has(events[j]!.type); j++) {
        const e = events[j]!;
        if (e.type === 'WorkflowExecutionUpdateAccepted') jobs.push({ type: 'doUpdate', updateId: e.attributes.updateId, name: e.attributes.updateName, args: e.attributes.input, validate: false });
      }
      if (jobs.length) this.acceptedUpdates.set(events[i]!.eventId, jobs);
    }
  }

  private consume(e: HistoryEvent): void {
    if (e.eventId !== this.lastEventId + 1) {
      throw new HistoryGapError(`expected event ${this.lastEventId + 1}, got ${e.eventId}`);
    }
    this.lastEventId = e.eventId;
    this.historySize += approxEventSize(e);
    if (e.type === 'WorkflowTaskCompleted') {
      this.expectAllMatched(e);
      this.lastTime = Math.max(this.lastTime, e.attributes.time);
      if (this.awaiting) {
        if (this.awaiting.sawUpTo !== e.attributes.sawUpTo) {
          throw new HistoryGapError('history recorded an activation this cache did not run');
        }
        this.takeInputs(e.attributes.sawUpTo);
        this.setUnmatched(this.awaiting.commands, e.eventId);
        this.awaiting = undefined;
        return;
      }
      const jobs = [...this.takeInputs(e.attributes.sawUpTo), ...(this.acceptedUpdates.get(e.eventId) ?? [])];
      this.acceptedUpdates.delete(e.eventId);
      const result: ActivationResult = this.code.activate(jobs, {
        time: e.attributes.time,
        historyLength: e.attributes.sawUpTo,
        replaying: true,
        ...this.sizes(),
      });
      if (!result.ok) throw new ReplayedActivationFailed(result.failure);
      this.setUnmatched(result.commands, e.eventId);
    } else if (COMMAND_EVENT_TYPES.has(e.type)) {
      this.skipDeprecatedMarkerCommands(e);
      if (e.type === 'MarkerRecorded' && e.attributes.deprecated && !this.matchesNext(e)) return; // code no longer marks it
      const c = this.unmatched.shift();
      if (!c) throw new NondeterminismError(e.eventId, describeEvent(e), 'issues no such command');
      if (!commandMatches(c, e)) throw new NondeterminismError(e.eventId, describeEvent(e), `issues ${describeCommand(c)}`);
      if (c.type === 'ScheduleLocalActivity' && e.type === 'LocalActivityMarkerRecorded') {
        // Replay: the recorded outcome resolves the call, and the code goes on in the same task.
        const more = this.subActivation({ type: 'resolveLocalActivity', seq: e.attributes.seq, result: e.attributes.result, failure: e.attributes.failure }, true);
        this.unmatched.push(...more.filter((x) => x.type !== 'RejectUpdate'));
      }
    } else {
      this.expectAllMatched(e);
      this.pendingInputs.push(e);
    }
  }

  private matchesNext(e: HistoryEvent): boolean {
    const c = this.unmatched[0];
    return c !== undefined && commandMatches(c, e);
  }

  /** A deprecated patch's marker may be absent from old histories: its command needs no event. */
  private skipDeprecatedMarkerCommands(e: HistoryEvent): void {
    while (this.unmatched[0]?.type === 'RecordPatchMarker' && this.unmatched[0].deprecated && !commandMatches(this.unmatched[0], e)) this.unmatched.shift();
  }

  private setUnmatched(commands: Command[], afterEventId: number): void {
    this.unmatched = commands.filter((c) => c.type !== 'RejectUpdate'); // rejections leave no event
    this.unmatchedFromEvent = afterEventId + 1;
  }

  /** Every command of the activation being checked must have appeared by the time `next` does. */
  private expectAllMatched(next: HistoryEvent | undefined): void {
    while (this.unmatched[0]?.type === 'RecordPatchMarker' && this.unmatched[0].deprecated) this.unmatched.shift();
    const c = this.unmatched[0];
    if (!c) return;
    const where = next ? next.eventId : this.unmatchedFromEvent;
    const recorded = next ? `${describeEvent(next)} (the activation's commands ended before it)` : 'no further command';
    throw new NondeterminismError(where, recorded, `issues ${describeCommand(c)}`);
  }

  private takeInputs(upTo: number): Job[] {
    const jobs: Job[] = this.patchJobs.splice(0);
    let keep = 0;
    for (const e of this.pendingInputs) {
      if (e.eventId <= upTo) {
        const job = jobFromEvent(e, this.run);
        if (job) jobs.push(job);
      } else {
        this.pendingInputs[keep++] = e;
      }
    }
    this.pendingInputs.length = keep;
    return jobs;
  }
}
