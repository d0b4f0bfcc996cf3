// Writing a batch's accepted run mutations with a fixed number of set-based statements (arrays
// unnested server-side), however many mutations the batch holds: a statement per row would
// cost a round trip each (see bench/driver-bench.ts). The statements compute nothing that
// depends on order, so the batch's net effect is worked out here first: each run's last record,
// the last attribute set and properties it was given, each workflow id's last current run, and
// for each task and timer row whether it ends present (and with which values) or deleted.
import type { TaskRow, TimerRow } from '@endure/storage';
import { runKey, idKey, type BatchState } from './batch-check.js';
import { query, type TxSql } from './connect.js';
import type { AttributeRow, RecordRow, RunPlan } from './plan.js';

interface RunFinal {
  plan: RunPlan;
  record: RecordRow;
  /** The stored version before the batch (what the UPDATE's own check requires). */
  before: number;
  attrs?: RunPlan['attrs'];
  properties?: string;
}

/** Writes `plans` (already checked, in call order); `before` is the state loadState read. */
export async function writeRuns(tx: TxSql, plans: readonly RunPlan[], before: BatchState): Promise<void> {
  const creates: RunPlan[] = [];
  const updates = new Map<string, RunFinal>();
  const current = new Map<string, RunPlan>();
  /** Runs whose attribute rows are replaced, and whether they existed before the batch. */
  const attrs = new Map<string, { plan: RunPlan; rows: AttributeRow[]; existed: boolean; startTime: number }>();
  const events: [string, string, string, number, string, number][] = [];
  const tasks = new Map<string, { del: [string, string, string, string] } | { row: TaskRow }>();
  const timers = new Map<string, { del: [string, string, string, string] } | { row: TimerRow }>();
  const startTimes = new Map<string, number>();

  const add = (p: RunPlan) => {
    const rk = runKey(p);
    if (p.kind === 'create') {
      creates.push(p);
      if (p.setsCurrent !== false) current.set(idKey(p), p);
      startTimes.set(rk, p.record.startTime);
    } else {
      const prev = updates.get(rk);
      const stored = before.runs.get(rk);
      updates.set(rk, {
        plan: p,
        record: p.record,
        before: prev?.before ?? stored?.next ?? p.expected,
        attrs: p.attrs ?? prev?.attrs,
        properties: p.properties ?? prev?.properties,
      });
    }
    if (p.attrs) {
      const existed = !!before.runs.get(rk);
      attrs.set(rk, { plan: p, rows: p.attrs.rows, existed, startTime: startTimes.get(rk) ?? NaN });
    }
    for (const e of p.events) events.push([p.namespace, p.workflowId, p.runId, e.id, e.text, e.crc]);
    // Deletes before upserts, within one mutation.
    for (const id of p.delTasks) tasks.set(`${rk}\u0000${id}`, { del: [p.namespace, p.workflowId, p.runId, id] });
    for (const id of p.delTimers) timers.set(`${rk}\u0000${id}`, { del: [p.namespace, p.workflowId, p.runId, id] });
    for (const t of p.tasks) tasks.set(`${rk}\u0000${t.taskId}`, { row: t });
    for (const t of p.timers) timers.set(`${rk}\u0000${t.timerId}`, { row: t });
    if (p.next) add(p.next);
  };
  for (const p of plans) add(p);

  // A run created in this batch keeps its created start time for its attribute rows; a stored one
  // needs its start time read: it is the listing order the rows carry.
  const needStart = [...attrs.entries()].filter(([, a]) => Number.isNaN(a.startTime));
  if (needStart.length > 0) {
    const rows = await query<{ namespace: string; workflow_id: string; run_id: string; start_time: number }[]>(
      tx,
      `SELECT w.namespace, w.workflow_id, w.run_id, w.start_time FROM unnest($1::text[], $2::text[], $3::text[]) AS k(namespace, workflow_id, run_id)
       JOIN workflows w ON w.namespace = k.namespace AND w.workflow_id = k.workflow_id AND w.run_id = k.run_id`,
      [needStart.map(([, a]) => a.plan.namespace), needStart.map(([, a]) => a.plan.workflowId), needStart.map(([, a]) => a.plan.runId)],
    );
    for (const r of rows) attrs.get(runKey({ namespace: r.namespace, workflowId: r.workflow_id, runId: r.run_id }))!.startTime = r.start_time;
  }

  const pending: Promise<unknown>[] = [];
  // execute() sends each statement now, in this order (a query is otherwise sent when first
  // awaited); they pipeline on the connection and the transaction runs them in sequence.
  const run = (sql: string, params: unknown[]) => pending.push(query(tx, sql, params).execute());
  const cols = <T, R>(rows: readonly T[], ...fns: ((r: T) => R)[]) => fns.map((f) => rows.map(f));

  if (creates.length > 0) {
    run(
      `INSERT INTO workflows (namespace, workflow_id, run_id, workflow_type, task_queue, status, start_time, close_time, next_event_id, state, crc, search_attributes, properties)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::int[], $10::text[], $11::int[], $12::text[], $13::text[])`,
      [
        ...cols(creates, (p) => p.namespace, (p) => p.workflowId, (p) => p.runId, (p) => p.record.workflowType, (p) => p.record.taskQueue, (p) => p.record.status),
        creates.map((p) => p.record.startTime),
        creates.map((p) => p.record.closeTime),
        creates.map((p) => p.record.nextEventId),
        creates.map((p) => p.record.state),
        creates.map((p) => p.record.crc),
        creates.map((p) => p.attrs?.json ?? null),
        creates.map((p) => p.properties ?? null),
      ],
    );
  }
  if (updates.size > 0) {
    const u = [...updates.values()];
    const expected = u.length;
    pending.push(
      query(
          tx,
          `UPDATE workflows w SET status = u.status, close_time = u.close_time, next_event_id = u.next_event_id, state = u.state, crc = u.crc,
             search_attributes = CASE WHEN u.set_attrs THEN u.attrs ELSE w.search_attributes END,
             properties = CASE WHEN u.set_props THEN u.props ELSE w.properties END
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::int[], $7::text[], $8::int[], $9::text[]::bool[], $10::text[], $11::text[]::bool[], $12::text[], $13::int[])
             AS u(namespace, workflow_id, run_id, status, close_time, next_event_id, state, crc, set_attrs, attrs, set_props, props, before)
           WHERE w.namespace = u.namespace AND w.workflow_id = u.workflow_id AND w.run_id = u.run_id AND w.next_event_id = u.before`,
          [
            u.map((f) => f.plan.namespace),
            u.map((f) => f.plan.workflowId),
            u.map((f) => f.plan.runId),
            u.map((f) => f.record.status),
            u.map((f) => f.record.closeTime),
            u.map((f) => f.record.nextEventId),
            u.map((f) => f.record.state),
            u.map((f) => f.record.crc),
            u.map((f) => boolText(f.attrs !== undefined)),
            u.map((f) => f.attrs?.json ?? null),
            u.map((f) => boolText(f.properties !== undefined)),
            u.map((f) => f.properties ?? null),
            u.map((f) => f.before),
          ],
        )
        .execute()
        .then((r) => {
          // The checks above make this hold; if it does not, something else wrote to the schema.
          if (r.count !== expected) throw new Error(`batch write: ${expected - r.count} of ${expected} run updates found their run changed underneath; is another process writing to this schema?`);
        }),
    );
  }
  if (current.size > 0) {
    const c = [...current.values()];
    run(
      `INSERT INTO current_runs (namespace, workflow_id, run_id) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (namespace, workflow_id) DO UPDATE SET run_id = excluded.run_id`,
      cols(c, (p) => p.namespace, (p) => p.workflowId, (p) => p.runId),
    );
  }
  const replaced = [...attrs.values()].filter((a) => a.existed);
  if (replaced.length > 0) {
    run(
      `DELETE FROM search_attributes s USING unnest($1::text[], $2::text[], $3::text[]) AS k(namespace, workflow_id, run_id)
       WHERE s.namespace = k.namespace AND s.workflow_id = k.workflow_id AND s.run_id = k.run_id`,
      cols(replaced, (a) => a.plan.namespace, (a) => a.plan.workflowId, (a) => a.plan.runId),
    );
  }
  const attrRows = [...attrs.values()].flatMap((a) => a.rows.map((r) => ({ a, r })));
  if (attrRows.length > 0) {
    run(
      `INSERT INTO search_attributes (namespace, workflow_id, run_id, name, str, num, bool, start_time)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[]::bool[], $8::float8[])`,
      [
        ...cols(attrRows, (x) => x.a.plan.namespace, (x) => x.a.plan.workflowId, (x) => x.a.plan.runId, (x) => x.r.name, (x) => x.r.str),
        attrRows.map((x) => x.r.num),
        attrRows.map((x) => (x.r.bool === null ? null : boolText(x.r.bool))),
        attrRows.map((x) => x.a.startTime),
      ],
    );
  }
  if (events.length > 0) {
    run(
      `INSERT INTO history (namespace, workflow_id, run_id, event_id, event, crc)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[])`,
      [0, 1, 2, 3, 4, 5].map((i) => events.map((e) => e[i])),
    );
  }
  writeRows(run, 'tasks', 'task_id', tasks, ['task_queue', 'kind', 'visible_at'], (t: TaskRow) => [t.namespace, t.workflowId, t.runId, t.taskId, t.taskQueue, t.kind, t.visibleAt], ['text', 'text', 'float8']);
  writeRows(run, 'timers', 'timer_id', timers, ['fire_at'], (t: TimerRow) => [t.namespace, t.workflowId, t.runId, t.timerId, t.fireAt], ['float8']);
  await Promise.all(pending);
}

/** Deletes the rows that end deleted and upserts the rows that end present. */
function writeRows<T>(
  run: (sql: string, params: unknown[]) => void,
  table: string,
  idColumn: string,
  net: Map<string, { del: [string, string, string, string] } | { row: T }>,
  valueColumns: string[],
  values: (row: T) => (string | number)[],
  valueTypes: string[],
): void {
  const dels: [string, string, string, string][] = [];
  const rows: (string | number)[][] = [];
  for (const v of net.values()) {
    if ('del' in v) dels.push(v.del);
    else rows.push(values(v.row));
  }
  if (dels.length > 0) {
    run(
      `DELETE FROM ${table} t USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(namespace, workflow_id, run_id, id)
       WHERE t.namespace = k.namespace AND t.workflow_id = k.workflow_id AND t.run_id = k.run_id AND t.${idColumn} = k.id`,
      [0, 1, 2, 3].map((i) => dels.map((d) => d[i])),
    );
  }
  if (rows.length > 0) {
    const types = ['text', 'text', 'text', 'text', ...valueTypes];
    run(
      `INSERT INTO ${table} (namespace, workflow_id, run_id, ${idColumn}, ${valueColumns.join(', ')})
       SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
       ON CONFLICT (namespace, workflow_id, run_id, ${idColumn}) DO UPDATE SET ${valueColumns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      types.map((_, i) => rows.map((r) => r[i])),
    );
  }
}

/** Booleans travel as text: the driver types a JavaScript array of booleans as a single boolean. */
function boolText(b: boolean): string {
  return b ? 'true' : 'false';
}
