// Mutations in two phases. `plan*` runs when the caller calls: it validates the input and turns
// it into rows, so later changes to the caller's objects cannot leak in. The returned `Apply`
// runs inside the batch transaction (in its own savepoint); its checks read the database as left
// by the earlier mutations of the same batch, which makes un-awaited mutations apply in call order.
import type { HistoryEvent } from '@endure/protocol';
import { CurrentRunConflictError, VersionConflictError } from '@endure/storage';
import type { CreateWorkflow, RunKey, TaskRow, TimerRow, UpdateWorkflow } from '@endure/storage';
import { keyParams, toTaskRow, toTimerRow, toWorkflowRow, type KeyParams } from './rows.js';
import type { Statements } from './statements.js';

export type Apply = (st: Statements) => void;

export function planCreate(c: CreateWorkflow): Apply {
  const k = keyParams(c.record);
  const key = { namespace: k.namespace, workflow_id: k.workflow_id };
  checkEvents(c.record, c.record.nextEventId - c.events.length, c.events, c.record.nextEventId);
  const row = toWorkflowRow(c.record);
  const events = eventRows(k, c.events);
  const rows = planRows(k, c.tasks, [], c.timers, []);
  const expected = c.expectedCurrentRunId;
  return (st) => {
    const current = st.getCurrentRunId.get(key) ?? null;
    if (current !== expected) throw new CurrentRunConflictError(k.namespace, k.workflow_id, current);
    if (st.getNextEventId.get(k) !== undefined) throw new Error(`run ${describe(c.record)} already exists`);
    st.insertWorkflow.run(row);
    st.setCurrentRun.run(k);
    for (const e of events) st.insertEvent.run(e);
    rows(st);
  };
}

export function planUpdate(u: UpdateWorkflow): Apply {
  const key: RunKey = { namespace: u.key.namespace, workflowId: u.key.workflowId, runId: u.key.runId };
  const k = keyParams(key);
  const r = u.record;
  if (r.namespace !== key.namespace || r.workflowId !== key.workflowId || r.runId !== key.runId) {
    throw new Error(`update of ${describe(key)} carries the record of ${describe(r)}`);
  }
  const expected = u.expectedNextEventId;
  checkEvents(key, expected, u.events, r.nextEventId);
  const row = { ...toWorkflowRow(r), expected };
  const events = eventRows(k, u.events);
  const rows = planRows(k, u.upsertTasks, u.deleteTasks, u.upsertTimers, u.deleteTimers);
  // A run never returns to RUNNING, so a RUNNING record means status and close time are unchanged.
  const lean = r.status === 'RUNNING';
  return (st) => {
    // The conditional UPDATE is the compare-and-set; the SELECT only runs to explain a miss.
    if ((lean ? st.updateRunningWorkflow : st.updateWorkflow).run(row).changes !== 1) throw new VersionConflictError(key, expected, st.getNextEventId.get(k));
    for (const e of events) st.insertEvent.run(e);
    rows(st);
  };
}

/** Event ids must run contiguously from `first`, and the record's version must follow them. */
function checkEvents(k: RunKey, first: number, events: readonly HistoryEvent[], nextEventId: number): void {
  events.forEach((e, i) => {
    if (e.eventId !== first + i) {
      throw new Error(`${describe(k)}: event at position ${i} has id ${e.eventId}, expected ${first + i}`);
    }
  });
  if (nextEventId !== first + events.length) {
    throw new Error(`${describe(k)}: record nextEventId ${nextEventId} does not follow its events (expected ${first + events.length})`);
  }
}

function eventRows(k: KeyParams, events: readonly HistoryEvent[]): (KeyParams & { event_id: number; event: string })[] {
  return events.map((e) => ({ ...k, event_id: e.eventId, event: JSON.stringify(e) }));
}

function planRows(
  k: KeyParams,
  upsertTasks: readonly TaskRow[] = [],
  deleteTasks: readonly string[] = [],
  upsertTimers: readonly TimerRow[] = [],
  deleteTimers: readonly string[] = [],
): Apply {
  const delTasks = deleteTasks.map((taskId) => ({ ...k, task_id: taskId }));
  const delTimers = deleteTimers.map((timerId) => ({ ...k, timer_id: timerId }));
  const tasks = upsertTasks.map(toTaskRow);
  const timers = upsertTimers.map(toTimerRow);
  return (st) => {
    // Deletes first, so a mutation that deletes and re-adds the same id ends with the row present.
    for (const p of delTasks) st.deleteTask.run(p);
    for (const p of delTimers) st.deleteTimer.run(p);
    for (const t of tasks) st.upsertTask.run(t);
    for (const t of timers) st.upsertTimer.run(t);
  };
}

function describe(k: RunKey): string {
  return `${k.namespace}/${k.workflowId}/${k.runId}`;
}
