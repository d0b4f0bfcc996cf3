// Mutations in two phases. `plan*` runs when the caller calls: it validates the input and turns
// it into rows (plain data, so later changes to the caller's objects cannot leak in, and it can
// be posted to the store thread). `applyPlan` runs there, inside the batch transaction.
import type { HistoryEvent } from '@endure/protocol';
import { CurrentRunConflictError, VersionConflictError, checkImportRun } from '@endure/storage';
import type { CreateWorkflow, Fence, ImportRun, RunKey, TaskRow, TimerRow, UpdateWorkflow, WorkflowRecord } from '@endure/storage';
import { keyParams, toTaskRow, toTimerRow, toWorkflowRow, type KeyParams, type TaskDbRow, type TimerDbRow, type WorkflowRow } from './rows.js';
import type { Statements } from './statements.js';
import { eventCrc, recordCrc } from './integrity.js';
import { planSearchAttributes, type AttributesPlan } from './search-attribute-rows.js';

/**
 * A mutation as plain data (it crosses to the store thread): rows ready to write, checks to make.
 * `row.state`, `properties` and `events` (JSON text, ids from `firstEventId`) are its long texts: they cross
 * as they are, outside the message's JSON (see plan-wire.ts), so each is encoded only once.
 */
export type Plan = PlanTexts &
  (
    | { kind: 'create'; key: KeyParams; row: WorkflowRow; expectedCurrentRunId: string | null; setsCurrent: boolean; rows: RowChanges; label: string; attrs?: AttributesPlan }
    | { kind: 'update'; key: KeyParams; row: WorkflowRow & { expected: number }; lean: boolean; rows: RowChanges; next?: Plan; attrs?: AttributesPlan }
  );

interface PlanTexts {
  /** Made under a shard lease: checked against the shard's token in the same savepoint. */
  fence?: Fence;
  events: string[];
  /** JSON of the record's properties, when it carries them (then they are written; else kept). */
  properties?: string;
  firstEventId: number;
  eventCount: number;
  /** On the wire only: where this plan's texts start in the message (plan-wire.ts). */
  textAt?: number;
}
interface RowChanges {
  delTasks: (KeyParams & { task_id: string })[];
  delTimers: (KeyParams & { timer_id: string })[];
  tasks: TaskDbRow[];
  timers: TimerDbRow[];
}

export function planCreate(c: CreateWorkflow): Plan {
  const k = keyParams(c.record);
  checkEvents(c.record, c.record.nextEventId - c.events.length, c.events, c.record.nextEventId);
  return {
    kind: 'create',
    key: k,
    row: toWorkflowRow(c.record),
    expectedCurrentRunId: c.expectedCurrentRunId,
    setsCurrent: true,
    events: eventTexts(c.events),
    properties: propertiesText(c.record),
    firstEventId: c.record.nextEventId - c.events.length,
    eventCount: c.events.length,
    rows: planRows(k, c.tasks, [], c.timers, []),
    label: describe(c.record),
    attrs: planSearchAttributes(c.record, true),
    ...(c.fence && { fence: { shardId: c.fence.shardId, token: c.fence.token } }),
  };
}

/** A whole run as another store held it: a create that may leave the current-run pointer alone. */
export function planImport(r: ImportRun): Plan {
  checkImportRun(r);
  const plan = planCreate({ record: r.record, events: r.events, tasks: r.tasks, timers: r.timers, expectedCurrentRunId: null });
  if (plan.kind === 'create') plan.setsCurrent = r.current;
  return plan;
}

export function planUpdate(u: UpdateWorkflow): Plan {
  const key: RunKey = { namespace: u.key.namespace, workflowId: u.key.workflowId, runId: u.key.runId };
  const k = keyParams(key);
  const r = u.record;
  if (r.namespace !== key.namespace || r.workflowId !== key.workflowId || r.runId !== key.runId) {
    throw new Error(`update of ${describe(key)} carries the record of ${describe(r)}`);
  }
  checkEvents(key, u.expectedNextEventId, u.events, r.nextEventId);
  const row = toWorkflowRow(r) as WorkflowRow & { expected: number };
  row.expected = u.expectedNextEventId; // (added, not spread: see toWorkflowRow)
  return {
    kind: 'update',
    key: k,
    row,
    // A run never returns to RUNNING, so a RUNNING record means status and close time are unchanged.
    lean: r.status === 'RUNNING',
    events: eventTexts(u.events),
    properties: propertiesText(r),
    firstEventId: u.expectedNextEventId,
    eventCount: u.events.length,
    rows: planRows(k, u.upsertTasks, u.deleteTasks, u.upsertTimers, u.deleteTimers),
    next: u.continueAsNew ? planCreate(u.continueAsNew) : undefined,
    attrs: planSearchAttributes(r, false),
    ...(u.fence && { fence: { shardId: u.fence.shardId, token: u.fence.token } }),
  };
}

/**
 * Runs a plan inside the batch transaction (in its own savepoint). Its checks read the database
 * as left by the earlier mutations of the same batch, so un-awaited mutations apply in call order.
 */
export function applyPlan(st: Statements, p: Plan, checkFence: (fence: Fence | undefined) => void): void {
  checkFence(p.fence);
  const k = p.key;
  p.row.crc = recordCrc(p.row);
  if (p.kind === 'create') {
    if (p.setsCurrent) {
      const current = st.getCurrentRunId.get({ namespace: k.namespace, workflow_id: k.workflow_id }) ?? null;
      if (current !== p.expectedCurrentRunId) throw new CurrentRunConflictError(k.namespace, k.workflow_id, current);
    }
    if (st.getNextEventId.get(k) !== undefined) throw new Error(`run ${p.label} already exists`);
    st.insertWorkflow.run(p.row);
    if (p.setsCurrent) st.setCurrentRun.run(k);
  } else if ((p.lean ? st.updateRunningWorkflow : st.updateWorkflow).run(p.row).changes !== 1) {
    // The conditional UPDATE is the compare-and-set; the SELECT only runs to explain a miss.
    const key = { namespace: k.namespace, workflowId: k.workflow_id, runId: k.run_id };
    throw new VersionConflictError(key, p.row.expected, st.getNextEventId.get(k));
  }
  if (p.attrs) st.searchAttributes.write(k, p.attrs, p.kind === 'create');
  if (p.properties !== undefined) st.putProperties.run(k.namespace, k.workflow_id, k.run_id, p.properties);
  for (let i = 0; i < p.events.length; i++) {
    const id = p.firstEventId + i;
    const text = p.events[i]!;
    st.insertEvent.run(k.namespace, k.workflow_id, k.run_id, id, text, eventCrc(id, text));
  }
  // Deletes first, so a mutation that deletes and re-adds the same id ends with the row present.
  for (const d of p.rows.delTasks) st.deleteTask.run(d);
  for (const d of p.rows.delTimers) st.deleteTimer.run(d);
  for (const t of p.rows.tasks) st.upsertTask.run(t);
  for (const t of p.rows.timers) st.upsertTimer.run(t);
  if (p.kind === 'update' && p.next) applyPlan(st, p.next, checkFence); // continue-as-new: same savepoint, same fate
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

function propertiesText(r: WorkflowRecord): string | undefined {
  return r.properties === undefined ? undefined : JSON.stringify(r.properties);
}

function eventTexts(events: readonly HistoryEvent[]): string[] {
  return events.map((e) => JSON.stringify(e));
}

function planRows(
  k: KeyParams,
  upsertTasks: readonly TaskRow[] = [],
  deleteTasks: readonly string[] = [],
  upsertTimers: readonly TimerRow[] = [],
  deleteTimers: readonly string[] = [],
): RowChanges {
  return {
    delTasks: deleteTasks.map((taskId) => ({ namespace: k.namespace, workflow_id: k.workflow_id, run_id: k.run_id, task_id: taskId })),
    delTimers: deleteTimers.map((timerId) => ({ namespace: k.namespace, workflow_id: k.workflow_id, run_id: k.run_id, timer_id: timerId })),
    tasks: upsertTasks.map(toTaskRow),
    timers: upsertTimers.map(toTimerRow),
  };
}

function describe(k: RunKey): string {
  return `${k.namespace}/${k.workflowId}/${k.runId}`;
}
