// What must hold after any simulated run, whatever failed during it, checked over the durable
// state a restarted engine would find: every acknowledged write is there, nothing is recorded
// twice, histories are whole, and every workflow finished exactly once with the right result.
import { CLOSE_EVENT_TYPES, type HistoryEvent } from '@endure/protocol';
import type { Data } from '@endure/storage/memory';
import type { Ledger } from './actors.js';
import { CHILD_SEQ, TIMER_SEQ, fromParent, resultOf, valueOf } from './workflow-script.js';

const ACTIVITY_OUTCOMES = new Set(['ActivityTaskCompleted', 'ActivityTaskFailed', 'ActivityTaskTimedOut', 'ActivityTaskCanceled']);

/** Violations of the invariants in one run's history (empty when it is sound). */
export function checkHistory(workflowId: string, events: HistoryEvent[]): string[] {
  const bad: string[] = [];
  const at = (e: HistoryEvent) => `${workflowId} event ${e.eventId} ${e.type}`;
  events.forEach((e, i) => {
    if (e.eventId !== i + 1) bad.push(`${workflowId}: event ids are not gap-free (position ${i + 1} holds id ${e.eventId})`);
  });
  if (events[0]?.type !== 'WorkflowExecutionStarted') bad.push(`${workflowId}: history does not begin with WorkflowExecutionStarted`);
  const closes = events.filter((e) => CLOSE_EVENT_TYPES.has(e.type));
  if (closes.length > 1) bad.push(`${workflowId}: ${closes.length} close events (${closes.map((e) => e.eventId).join(', ')})`);
  if (closes.length === 1 && events[events.length - 1] !== closes[0]) bad.push(`${at(closes[0]!)} is not the last event`);
  const scheduled = new Set<number>();
  const outcome = new Map<number, number>();
  const timers = { started: 0, fired: 0 };
  for (const e of events) {
    if (e.type === 'ActivityTaskScheduled') {
      if (scheduled.has(e.attributes.seq)) bad.push(`${at(e)}: activity ${e.attributes.seq} scheduled twice`);
      scheduled.add(e.attributes.seq);
    } else if (ACTIVITY_OUTCOMES.has(e.type)) {
      const seq = (e.attributes as { seq: number }).seq;
      if (!scheduled.has(seq)) bad.push(`${at(e)}: outcome of activity ${seq}, which was never scheduled`);
      if (outcome.has(seq)) bad.push(`${at(e)}: a second outcome for activity ${seq} (the first is event ${outcome.get(seq)})`);
      outcome.set(seq, e.eventId);
    } else if (e.type === 'TimerStarted' && e.attributes.seq === TIMER_SEQ) timers.started++;
    else if (e.type === 'TimerFired' && e.attributes.seq === TIMER_SEQ) {
      timers.fired++;
      if (timers.started === 0) bad.push(`${at(e)}: timer fired before it started`);
    }
  }
  if (timers.started > 1 || timers.fired > 1) bad.push(`${workflowId}: timer started ${timers.started}× and fired ${timers.fired}×`);
  return bad;
}

/** Violations over the whole durable state, against what the actors were told. */
export function checkInvariants(data: Data, ledger: Ledger): string[] {
  const bad = [...ledger.surprises];
  const runsOf = new Map<string, string[]>();
  for (const [key, record] of data.runs) runsOf.set(record.workflowId, [...(runsOf.get(record.workflowId) ?? []), key]);
  for (const [workflowId, input] of ledger.started) {
    const runs = runsOf.get(workflowId) ?? [];
    if (runs.length !== 1) {
      bad.push(`${workflowId}: an acknowledged start left ${runs.length} runs`);
      continue;
    }
    const record = data.runs.get(runs[0]!)!;
    const events = data.history.get(runs[0]!) ?? [];
    bad.push(...checkHistory(workflowId, events));
    const signals = events.filter((e) => e.type === 'WorkflowExecutionSignaled').map((e) => valueOf<string>(e.attributes.input[0]));
    for (const s of new Set(signals)) if (signals.filter((x) => x === s).length > 1) bad.push(`${workflowId}: signal ${s} recorded ${signals.filter((x) => x === s).length}×`);
    for (const s of ledger.signalsAcked.get(workflowId) ?? []) if (!signals.includes(s)) bad.push(`${workflowId}: acknowledged signal ${s} is not in history`);
    for (const s of signals) if (!(ledger.signalsSent.get(workflowId) ?? []).includes(s)) bad.push(`${workflowId}: signal ${s} in history was never sent`);
    for (let seq = 1; seq <= input.activities; seq++) {
      if (!ledger.completionsAcked.has(`${workflowId}#${seq}`)) continue;
      const done = events.some((e) => e.type === 'ActivityTaskCompleted' && e.attributes.seq === seq);
      if (!done) bad.push(`${workflowId}: activity ${seq}'s acknowledged completion is not in history`);
    }
    const close = events[events.length - 1];
    if (record.status !== 'COMPLETED' || close?.type !== 'WorkflowExecutionCompleted') {
      bad.push(`${workflowId}: did not complete (status ${record.status}, last event ${close?.type})`);
      continue;
    }
    const expected = JSON.stringify(resultOf(events));
    if (close.attributes.result?.data !== expected) bad.push(`${workflowId}: completed with ${close.attributes.result?.data}, its history says ${expected}`);
    if (input.child) bad.push(...checkChild(data, runsOf, workflowId, input.child, events));
    const seen = ledger.results.get(workflowId);
    if (seen && JSON.stringify(seen) !== JSON.stringify(close)) bad.push(`${workflowId}: the client was given a close event that is not the durable one`);
    if (!seen) bad.push(`${workflowId}: the client never got its result`);
  }
  for (const [key, record] of data.runs) {
    if (!ledger.started.has(record.workflowId)) {
      // A start whose answer was lost and never resent successfully may exist; it must still be sound.
      bad.push(...checkHistory(record.workflowId, data.history.get(key) ?? []));
    }
  }
  return bad;
}

/** A child started once, got its parent's signal once, and its parent recorded its real result. */
function checkChild(data: Data, runsOf: Map<string, string[]>, parentId: string, childId: string, parentEvents: HistoryEvent[]): string[] {
  const bad: string[] = [];
  const starts = parentEvents.filter((e) => e.type === 'ChildWorkflowExecutionStarted' && e.attributes.seq === CHILD_SEQ).length;
  const closes = parentEvents.filter((e) => e.type === 'ChildWorkflowExecutionClosed' && e.attributes.seq === CHILD_SEQ);
  if (starts > 1 || closes.length > 1) bad.push(`${parentId}: its child started ${starts}× and closed ${closes.length}× in its history`);
  const runs = runsOf.get(childId) ?? [];
  if (starts === 1 && runs.length !== 1) return [...bad, `${childId}: the child has ${runs.length} runs`];
  if (runs.length === 0) return bad;
  const events = data.history.get(runs[0]!) ?? [];
  const got = events.filter((e) => e.type === 'WorkflowExecutionSignaled').map((e) => valueOf<string>(e.attributes.input[0]));
  if (got.filter((v) => v === fromParent(childId)).length !== 1) bad.push(`${childId}: got its parent's signal ${got.filter((v) => v === fromParent(childId)).length}×`);
  const close = events[events.length - 1];
  const recorded = closes[0];
  if (close?.type === 'WorkflowExecutionCompleted' && recorded?.type === 'ChildWorkflowExecutionClosed' && recorded.attributes.result?.data !== close.attributes.result?.data) {
    bad.push(`${parentId}: recorded its child's result as ${recorded.attributes.result?.data}, the child completed with ${close.attributes.result?.data}`);
  }
  return bad;
}
