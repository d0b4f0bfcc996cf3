// The workflow every simulated worker runs, as a pure function of its history: given the events
// up to a workflow task, the commands the code issues. It runs activities one after another,
// sleeps, waits for signals, then completes with what it saw — every kind of input the engine
// records, and a result the invariants can recompute from the history.
import type { Command, HistoryEvent, Payload } from '@endure/protocol';

export interface SimWorkflowInput {
  activities: number;
  sleepMs: number;
  signals: number;
  /** Start this child (a workflow of the same kind), signal it once, and wait for its result. */
  child?: string;
}

export interface SimWorkflowResult {
  /** Each activity's result, or 'failed' when its retries ran out. */
  activities: string[];
  signals: string[];
  /** The child's result (its JSON), or its close status when it did not complete. */
  child?: string;
}

export const TIMER_SEQ = 1_000;
export const CHILD_SEQ = 2_000;
export const EXTERNAL_SEQ = 2_001;
/** The signal a parent sends its child (the child waits for one signal). */
export const fromParent = (child: string): string => `${child}/from-parent`;
/** What a parent starts its child with. */
export const childInput = (): SimWorkflowInput => ({ activities: 1, sleepMs: 100, signals: 1 });
export const ACTIVITY_TYPE = 'sim-activity';

export const payload = (v: unknown): Payload => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });
export const valueOf = <T>(p: Payload | undefined): T => JSON.parse(p?.data ?? 'null') as T;

/** What the workflow has seen so far, read off its history. */
export interface Progress {
  input: SimWorkflowInput;
  scheduled: Set<number>;
  outcomes: Map<number, string>;
  timerStarted: boolean;
  timerFired: boolean;
  signals: string[];
  child: { initiated: boolean; started: boolean; signalled: boolean; signalDone: boolean; outcome?: string };
}

export function progress(events: HistoryEvent[]): Progress {
  let input: SimWorkflowInput = { activities: 0, sleepMs: 0, signals: 0 };
  const scheduled = new Set<number>();
  const outcomes = new Map<number, string>();
  const signals: string[] = [];
  let timerStarted = false;
  let timerFired = false;
  const child: Progress['child'] = { initiated: false, started: false, signalled: false, signalDone: false };
  for (const e of events) {
    switch (e.type) {
      case 'WorkflowExecutionStarted':
        input = valueOf<SimWorkflowInput>(e.attributes.input[0]);
        break;
      case 'ActivityTaskScheduled':
        scheduled.add(e.attributes.seq);
        break;
      case 'ActivityTaskCompleted':
        outcomes.set(e.attributes.seq, valueOf<string>(e.attributes.result));
        break;
      case 'ActivityTaskFailed':
      case 'ActivityTaskTimedOut':
        outcomes.set(e.attributes.seq, 'failed');
        break;
      case 'TimerStarted':
        if (e.attributes.seq === TIMER_SEQ) timerStarted = true;
        break;
      case 'TimerFired':
        if (e.attributes.seq === TIMER_SEQ) timerFired = true;
        break;
      case 'WorkflowExecutionSignaled':
        signals.push(valueOf<string>(e.attributes.input[0]));
        break;
      case 'StartChildWorkflowExecutionInitiated':
        child.initiated = true;
        break;
      case 'ChildWorkflowExecutionStarted':
        child.started = true;
        break;
      case 'StartChildWorkflowExecutionFailed':
        child.outcome = `not started: ${e.attributes.cause}`;
        break;
      case 'ChildWorkflowExecutionClosed':
        child.outcome = e.attributes.status === 'COMPLETED' ? (e.attributes.result?.data ?? '') : e.attributes.status;
        break;
      case 'ExternalWorkflowRequestInitiated':
        child.signalled = true;
        break;
      case 'ExternalWorkflowRequestDone':
        child.signalDone = true;
        break;
      default:
        break;
    }
  }
  return { input, scheduled, outcomes, timerStarted, timerFired, signals, child };
}

/** The commands of the workflow task that saw `events`. */
export function decide(events: HistoryEvent[]): Command[] {
  const p = progress(events);
  for (let seq = 1; seq <= p.input.activities; seq++) {
    if (!p.scheduled.has(seq)) {
      return [
        {
          type: 'ScheduleActivity',
          seq,
          activityId: String(seq),
          activityType: ACTIVITY_TYPE,
          args: [payload(seq)],
          timeouts: { startToCloseTimeoutMs: 2_000, scheduleToCloseTimeoutMs: 60_000 },
          retryPolicy: { initialIntervalMs: 100, maximumIntervalMs: 1_000, maximumAttempts: 4 },
        },
      ];
    }
    if (!p.outcomes.has(seq)) return [];
  }
  const childId = p.input.child;
  if (childId) {
    if (!p.child.initiated) {
      return [{ type: 'StartChildWorkflow', seq: CHILD_SEQ, workflowId: childId, workflowType: 'sim', args: [payload(childInput())], parentClosePolicy: 'TERMINATE' }];
    }
    if (p.child.started && !p.child.signalled) {
      return [{ type: 'RequestExternal', seq: EXTERNAL_SEQ, kind: 'signal', workflowId: childId, signalName: 'go', args: [payload(fromParent(childId))] }];
    }
    if (p.child.outcome === undefined || (p.child.signalled && !p.child.signalDone)) return [];
  }
  if (!p.timerStarted) return [{ type: 'StartTimer', seq: TIMER_SEQ, durationMs: p.input.sleepMs }];
  if (!p.timerFired || p.signals.length < p.input.signals) return [];
  return [{ type: 'CompleteWorkflow', result: payload(resultOf(events)) }];
}

/** The result the workflow completes with, given its history. */
export function resultOf(events: HistoryEvent[]): SimWorkflowResult {
  const p = progress(events);
  const result: SimWorkflowResult = { activities: Array.from({ length: p.input.activities }, (_, i) => p.outcomes.get(i + 1) ?? 'missing'), signals: p.signals.slice(0, p.input.signals) };
  if (p.input.child) result.child = p.child.outcome;
  return result;
}
