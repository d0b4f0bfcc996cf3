// Reading a whole store through the port, in bounded pieces: runs a page at a time, history a
// page at a time, and the task and timer rows (which the port lists only globally) grouped by run.
import type { HistoryEvent } from '@endure/protocol';
import { MAX_PAGE_SIZE } from './filter-check.js';
import type { RunKey, Store, TaskRow, TimerRow, WorkflowRecord } from './port.js';

/** Events per readHistory call: a long history is read in pieces, never in one answer. */
export const HISTORY_PAGE = 1000;
const TASK_PAGE = 10_000;
/** Runs whose reads are in flight at once: reads issued together reach the store together. */
export const READS_IN_FLIGHT = 32;

export const runKeyOf = (k: RunKey): string => JSON.stringify([k.namespace, k.workflowId, k.runId]);

/** Every run of the namespace, a listing page at a time (newest start first). */
export async function* runPages(store: Store, namespace: string): AsyncGenerator<WorkflowRecord[]> {
  let pageToken: string | undefined;
  do {
    const page = await store.listWorkflows({ namespace, pageSize: MAX_PAGE_SIZE, pageToken });
    if (page.records.length > 0) yield page.records;
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
}

/** The run's whole history, read in pages. */
export async function readWholeHistory(store: Store, key: RunKey): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for (;;) {
    const page = await store.readHistory(key, events.length + 1, HISTORY_PAGE);
    events.push(...page);
    if (page.length < HISTORY_PAGE) return events;
  }
}

export interface RowsByRun {
  tasks: Map<string, TaskRow[]>;
  timers: Map<string, TimerRow[]>;
  taskCount: number;
  timerCount: number;
}

/** Every task and timer row of the store, grouped by the run that owns it. */
export async function rowsByRun(store: Store): Promise<RowsByRun> {
  const tasks = new Map<string, TaskRow[]>();
  let taskCount = 0;
  for (let after: TaskRow | undefined; ; ) {
    const page = await store.listTasks(TASK_PAGE, after);
    for (const t of page) push(tasks, runKeyOf(t), t);
    taskCount += page.length;
    if (page.length < TASK_PAGE) break;
    after = page.at(-1);
  }
  // listTimers has no cursor (ties on fireAt would make one ambiguous): one read of every row.
  const allTimers = await store.listTimers(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const timers = new Map<string, TimerRow[]>();
  for (const t of allTimers) push(timers, runKeyOf(t), t);
  return { tasks, timers, taskCount, timerCount: allTimers.length };
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Runs `fn` over `items` with at most `width` calls in flight. */
export async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}
