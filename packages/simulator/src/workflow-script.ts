// The workflow every simulated worker runs, as a pure function of its history: given the events
// up to a workflow task, the commands the code issues. It runs activities one after another,
// sleeps, waits for signals, then completes with what it saw — every kind of input the engine
// records, and a result the invariants can recompute from the history.
import type { Command, HistoryEvent, Payload } from '@endure/protocol';

export interface SimWorkflowInput {
  activities: number;
  sleepMs: number;
  signals: number;
}

export interface SimWorkflowResult {
  /** Each activity's result, or 'failed' when its retries ran out. */
  activities: string[];
  signals: string[];
}

export const TIMER_SEQ = 1_000;
export const ACTIVITY_TYPE = 'sim-activity';

export const payload = (v: unknown): Payload => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });
export const valueOf = <T>(p: Payload | undefined): T => JSON.parse(p?.data ?? 'null') as T;

/** What the workflow has seen so far, read off its history. */
export function progress(events: HistoryEvent[]): { input: SimWorkflowInput; scheduled: Set<number>; outcomes: Map<number, string>; timerStarted: boolean; timerFired: boolean; signals: string[] } {
  let input: SimWorkflowInput = { activities: 0, sleepMs: 0, signals: 0 };
  const scheduled = new Set<number>();
  const outcomes = new Map<number, string>();
  const signals: string[] = [];
  let timerStarted = false;
  let timerFired = false;
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
      default:
        break;
    }
  }
  return { input, scheduled, outcomes, timerStarted, timerFired, signals };
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
  if (!p.timerStarted) return [{ type: 'StartTimer', seq: TIMER_SEQ, durationMs: p.input.sleepMs }];
  if (!p.timerFired || p.signals.length < p.input.signals) return [];
  return [{ type: 'CompleteWorkflow', result: payload(resultOf(events)) }];
}

/** The result the workflow completes with, given its history. */
export function resultOf(events: HistoryEvent[]): SimWorkflowResult {
  const p = progress(events);
  return { activities: Array.from({ length: p.input.activities }, (_, i) => p.outcomes.get(i + 1) ?? 'missing'), signals: p.signals.slice(0, p.input.signals) };
}
