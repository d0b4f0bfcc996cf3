// Builders for the conformance suite: small, valid-looking records and events so each test reads
// as the guarantee it checks rather than as object literals.
import assert from 'node:assert/strict';
import type { HistoryEvent } from '@endure/protocol';
import type { CreateWorkflow, RunKey, Store, TaskRow, TimerRow, UpdateWorkflow, WorkflowRecord } from '../port.js';

export const T0 = 1_700_000_000_000;

export function key(workflowId: string, runId = 'r1', namespace = 'default'): RunKey {
  return { namespace, workflowId, runId };
}

export function started(runId: string): HistoryEvent {
  return {
    eventId: 1,
    eventTime: T0,
    type: 'WorkflowExecutionStarted',
    attributes: {
      workflowType: 'w',
      taskQueue: 'q',
      input: [{ metadata: { encoding: 'json/plain' }, data: '"hi"' }],
      firstRunId: runId,
      attempt: 1,
      randomnessSeed: 's',
      workflowTaskTimeoutMs: 10_000,
    },
  };
}

export function timerFired(eventId: number): HistoryEvent {
  return { eventId, eventTime: T0 + eventId, type: 'TimerFired', attributes: { seq: eventId } };
}

/** `count` TimerFired events with ids from..from+count-1. */
export function events(from: number, count: number): HistoryEvent[] {
  return Array.from({ length: count }, (_, i) => timerFired(from + i));
}

export function record(k: RunKey, nextEventId: number, patch: Partial<WorkflowRecord> = {}): WorkflowRecord {
  return {
    ...k,
    workflowType: 'w',
    taskQueue: 'q',
    status: 'RUNNING',
    startTime: T0,
    closeTime: null,
    nextEventId,
    state: JSON.stringify({ at: nextEventId }),
    ...patch,
  };
}

export function task(k: RunKey, taskId: string, visibleAt: number, patch: Partial<TaskRow> = {}): TaskRow {
  return { namespace: k.namespace, taskQueue: 'q', kind: 'workflow', workflowId: k.workflowId, runId: k.runId, taskId, visibleAt, ...patch };
}

export function timer(k: RunKey, timerId: string, fireAt: number): TimerRow {
  return { namespace: k.namespace, workflowId: k.workflowId, runId: k.runId, timerId, fireAt };
}

/** A run with a started event plus `extra` timer events; nextEventId follows them. */
export function createOf(
  k: RunKey,
  opts: { expectedCurrentRunId?: string | null; extra?: number; tasks?: TaskRow[]; timers?: TimerRow[] } = {},
): CreateWorkflow {
  const evs = [started(k.runId), ...events(2, opts.extra ?? 0)];
  return {
    record: record(k, evs.length + 1),
    events: evs,
    tasks: opts.tasks,
    timers: opts.timers,
    expectedCurrentRunId: opts.expectedCurrentRunId ?? null,
  };
}

/** Appends `count` events after `expectedNextEventId`, with a record that matches. */
export function updateOf(k: RunKey, expectedNextEventId: number, count: number, patch: Partial<UpdateWorkflow> = {}): UpdateWorkflow {
  return {
    key: k,
    expectedNextEventId,
    record: record(k, expectedNextEventId + count),
    events: events(expectedNextEventId, count),
    ...patch,
  };
}

/** The full task list, following `after` until a short page. */
export async function allTasks(store: Store): Promise<TaskRow[]> {
  const out: TaskRow[] = [];
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 100, 'listTasks paging does not end');
    const page = await store.listTasks(1000, out.at(-1));
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

export async function allTimers(store: Store): Promise<TimerRow[]> {
  return store.listTimers(Number.MAX_SAFE_INTEGER, 100_000);
}

/** Asserts `p` rejects with an instance of `cls`, then runs `check` on it. */
export async function rejectsWith<E extends Error>(
  p: Promise<unknown>,
  cls: abstract new (...args: never[]) => E,
  check: (e: E) => void = () => undefined,
): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    check(e);
    return true;
  });
}

/** (visibleAt, namespace, workflowId, runId, taskId) order; the suite uses ASCII ids only. */
export function compareTasks(a: TaskRow, b: TaskRow): number {
  return (
    a.visibleAt - b.visibleAt ||
    cmp(a.namespace, b.namespace) ||
    cmp(a.workflowId, b.workflowId) ||
    cmp(a.runId, b.runId) ||
    cmp(a.taskId, b.taskId)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
