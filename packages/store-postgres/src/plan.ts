// A mutation's first phase, run when the caller calls: validate the input and turn it into plain
// rows (so later changes to the caller's objects cannot leak in). The write batcher checks the
// plans' preconditions in call order and writes the accepted ones together (batch-*.ts).
import type { HistoryEvent, SearchAttributeValue } from '@endure/protocol';
import { checkImportRun } from '@endure/storage';
import type { CreateWorkflow, Fence, ImportRun, RunKey, TaskRow, TimerRow, UpdateWorkflow, WorkflowRecord } from '@endure/storage';
import { eventCrc, recordCrc } from './integrity.js';

export interface RecordRow {
  workflowType: string;
  taskQueue: string;
  status: string;
  startTime: number;
  closeTime: number | null;
  nextEventId: number;
  state: string;
  crc: number;
}

export interface AttributeRow {
  name: string;
  str: string | null;
  num: number | null;
  bool: boolean | null;
}

export interface RunPlan {
  kind: 'create' | 'update';
  namespace: string;
  workflowId: string;
  runId: string;
  record: RecordRow;
  /** Update: the stored nextEventId it requires. */
  expected: number;
  /** Create: the workflow id's current run it requires. */
  expectedCurrentRunId: string | null;
  /** Create: whether the run becomes its workflow id's current run (an import may leave the pointer alone). Default true. */
  setsCurrent?: boolean;
  /** A RUNNING record: the stored run must still be running (a closed run never reopens). */
  running: boolean;
  events: { id: number; text: string; crc: number }[];
  /** Absent: the stored set is kept. `json` null: the run has none. */
  attrs?: { json: string | null; rows: AttributeRow[] };
  /** JSON of the record's properties when it carries them (then written; else kept). */
  properties?: string;
  delTasks: string[];
  tasks: TaskRow[];
  delTimers: string[];
  timers: TimerRow[];
  /** Continue-as-new: the successor, created in the same atomic write. */
  next?: RunPlan;
  /** Made under a shard lease: applied only while its token is the shard's. */
  fence?: Fence;
}

export function planCreate(c: CreateWorkflow): RunPlan {
  const r = c.record;
  checkText('expectedCurrentRunId', c.expectedCurrentRunId ?? '');
  return {
    ...base('create', r, r, r.nextEventId - c.events.length, c.events),
    expectedCurrentRunId: c.expectedCurrentRunId,
    attrs: planAttributes(r, true),
    ...rowChanges(r, c.tasks, [], c.timers, []),
    ...fenceOf(c.fence),
  };
}

/** A whole run as another store held it: a create that sets the current-run pointer only when asked. */
export function planImport(r: ImportRun): RunPlan {
  checkImportRun(r);
  return { ...planCreate({ record: r.record, events: r.events, tasks: r.tasks, timers: r.timers, expectedCurrentRunId: null }), setsCurrent: r.current };
}

export function planUpdate(u: UpdateWorkflow): RunPlan {
  const k = u.key;
  const r = u.record;
  if (r.namespace !== k.namespace || r.workflowId !== k.workflowId || r.runId !== k.runId) {
    throw new Error(`update of ${describe(k)} carries the record of ${describe(r)}`);
  }
  return {
    ...base('update', k, r, u.expectedNextEventId, u.events),
    expectedCurrentRunId: null,
    attrs: planAttributes(r, false),
    ...rowChanges(k, u.upsertTasks, u.deleteTasks, u.upsertTimers, u.deleteTimers),
    ...(u.continueAsNew ? { next: planCreate(u.continueAsNew) } : {}),
    ...fenceOf(u.fence),
  };
}

function fenceOf(fence: Fence | undefined): { fence?: Fence } {
  if (!fence) return {};
  if (!Number.isInteger(fence.shardId) || !Number.isInteger(fence.token)) throw new RangeError(`fence must name an integer shardId and token, got ${JSON.stringify(fence)}`);
  return { fence: { shardId: fence.shardId, token: fence.token } };
}

function base(kind: 'create' | 'update', k: RunKey, r: WorkflowRecord, first: number, events: readonly HistoryEvent[]) {
  checkText('namespace', k.namespace);
  checkText('workflowId', k.workflowId);
  checkText('runId', k.runId);
  checkText('workflowType', r.workflowType);
  checkText('taskQueue', r.taskQueue);
  checkText('state', r.state);
  events.forEach((e, i) => {
    if (e.eventId !== first + i) throw new Error(`${describe(k)}: event at position ${i} has id ${e.eventId}, expected ${first + i}`);
  });
  if (r.nextEventId !== first + events.length) {
    throw new Error(`${describe(k)}: record nextEventId ${r.nextEventId} does not follow its events (expected ${first + events.length})`);
  }
  const record: RecordRow = {
    workflowType: r.workflowType,
    taskQueue: r.taskQueue,
    status: r.status,
    startTime: r.startTime,
    closeTime: r.closeTime,
    nextEventId: r.nextEventId,
    state: r.state,
    crc: recordCrc(r),
  };
  return {
    kind,
    namespace: k.namespace,
    workflowId: k.workflowId,
    runId: k.runId,
    record,
    expected: first,
    running: r.status === 'RUNNING',
    events: events.map((e, i) => {
      const text = JSON.stringify(e); // escapes \u0000 and lone surrogates: always storable text
      return { id: first + i, text, crc: eventCrc(first + i, text) };
    }),
    ...(r.properties !== undefined ? { properties: JSON.stringify(r.properties) } : {}),
  };
}

function rowChanges(k: RunKey, tasks: readonly TaskRow[] = [], delTasks: readonly string[] = [], timers: readonly TimerRow[] = [], delTimers: readonly string[] = []) {
  const mine = (what: string, row: { namespace: string; workflowId: string; runId: string }) => {
    if (row.namespace !== k.namespace || row.workflowId !== k.workflowId || row.runId !== k.runId) {
      throw new Error(`${describe(k)}: a ${what} row names another run (${describe(row)})`);
    }
  };
  for (const t of tasks) {
    mine('task', t);
    checkText('taskId', t.taskId);
    checkText('taskQueue', t.taskQueue);
  }
  for (const t of timers) {
    mine('timer', t);
    checkText('timerId', t.timerId);
  }
  for (const id of [...delTasks, ...delTimers]) checkText('deleted task or timer id', id);
  return {
    tasks: tasks.map((t) => ({ ...t })),
    delTasks: [...delTasks],
    timers: timers.map((t) => ({ ...t })),
    delTimers: [...delTimers],
  };
}

/**
 * Undefined when the record leaves its attributes as they are: an update without the key, or a
 * new run without any. Throws, naming the attribute, for a value no search-attribute type has.
 */
function planAttributes(r: WorkflowRecord, creating: boolean): RunPlan['attrs'] {
  const attrs = r.searchAttributes;
  if (attrs === undefined) return undefined;
  const names = Object.keys(attrs);
  if (names.length === 0) return creating ? undefined : { json: null, rows: [] };
  const rows: AttributeRow[] = [];
  for (const name of names) {
    checkText('search attribute name', name);
    const v = attrs[name];
    if (Array.isArray(v)) {
      for (const e of new Set(v)) {
        if (typeof e !== 'string') throw badValue(name, v);
        checkText(`search attribute ${name}`, e);
        rows.push({ name, str: e, num: null, bool: null });
      }
    } else {
      rows.push(attributeRow(name, v));
    }
  }
  return { json: JSON.stringify(attrs), rows };
}

function attributeRow(name: string, v: SearchAttributeValue | undefined): AttributeRow {
  if (typeof v === 'string') {
    checkText(`search attribute ${name}`, v);
    return { name, str: v, num: null, bool: null };
  }
  if (typeof v === 'number' && Number.isFinite(v)) return { name, str: null, num: v, bool: null };
  if (typeof v === 'boolean') return { name, str: null, num: null, bool: v };
  throw badValue(name, v);
}

function badValue(name: string, v: unknown): Error {
  const shown = typeof v === 'number' ? String(v) : String(JSON.stringify(v)).slice(0, 100);
  return new Error(`search attribute ${name.slice(0, 100)} has value ${shown}; values are strings, finite numbers, booleans or (KeywordList) arrays of strings`);
}

/** NUL, or half of a surrogate pair: PostgreSQL text cannot hold the first, UTF-8 not the second. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Refuses a string PostgreSQL would reject or silently change, naming the field. */
export function checkText(field: string, s: string): void {
  if (UNSTORABLE.test(s)) {
    throw new Error(`${field} contains a NUL character or an unpaired surrogate, which PostgreSQL text cannot store: remove it (encode binary data, e.g. as base64)`);
  }
}

export function describe(k: RunKey): string {
  return `${k.namespace}/${k.workflowId}/${k.runId}`;
}
