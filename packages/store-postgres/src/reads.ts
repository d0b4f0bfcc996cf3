// The port's reads of runs, history, tasks and timers, on the read pool. Each read is one
// statement, so it sees one snapshot (a history and its run's version agree).
import type { FilterExpr, HistoryEvent } from '@endure/protocol';
import { checkFilter, checkPageSize, cursorOf, decodePageToken, encodePageToken } from '@endure/storage';
import type { ListWorkflowsPage, ListWorkflowsQuery, RunKey, TaskRow, TimerRow, WorkflowRecord } from '@endure/storage';
import { query, type Sql } from './connect.js';
import { checkedHistory } from './integrity.js';
import { countQuery, listQuery } from './list-query.js';
import { RECORD_COLUMNS, fromTaskRow, fromTimerRow, fromWorkflowRow, type TaskDbRow, type TimerDbRow, type WorkflowDbRow } from './records.js';

const TASK_COLS = 'namespace, workflow_id, run_id, task_id, task_queue, kind, visible_at';
const TIMER_COLS = 'namespace, workflow_id, run_id, timer_id, fire_at';

export class Reads {
  constructor(
    /** The read pool's client now (replaced after a lost connection: renewable-client.ts). */
    private readonly client: () => Sql,
    /** Names the database in damage reports. */
    private readonly where: string,
  ) {}

  private get sql(): Sql {
    return this.client();
  }

  async getWorkflow(k: RunKey): Promise<WorkflowRecord | undefined> {
    const [row] = await this.sql<WorkflowDbRow[]>`
      SELECT ${this.sql.unsafe(RECORD_COLUMNS)} FROM workflows w
      WHERE w.namespace = ${k.namespace} AND w.workflow_id = ${k.workflowId} AND w.run_id = ${k.runId}`;
    return row && fromWorkflowRow(row, this.where);
  }

  async getCurrentRun(namespace: string, workflowId: string): Promise<WorkflowRecord | undefined> {
    const [row] = await this.sql<WorkflowDbRow[]>`
      SELECT ${this.sql.unsafe(RECORD_COLUMNS)} FROM current_runs c
      JOIN workflows w ON w.namespace = c.namespace AND w.workflow_id = c.workflow_id AND w.run_id = c.run_id
      WHERE c.namespace = ${namespace} AND c.workflow_id = ${workflowId}`;
    return row && fromWorkflowRow(row, this.where);
  }

  async readHistory(k: RunKey, fromEventId = 1, limit?: number): Promise<HistoryEvent[]> {
    // The run's version rides along as a row without an event, in the same statement (snapshot).
    const rows = await this.sql<{ event_id: number | null; event: string; crc: number; next: number | null }[]>`
      SELECT NULL::int AS event_id, NULL::text AS event, NULL::int AS crc,
        (SELECT next_event_id FROM workflows WHERE namespace = ${k.namespace} AND workflow_id = ${k.workflowId} AND run_id = ${k.runId}) AS next
      UNION ALL
      (SELECT event_id, event, crc, NULL FROM history
       WHERE namespace = ${k.namespace} AND workflow_id = ${k.workflowId} AND run_id = ${k.runId} AND event_id >= ${fromEventId}
       ORDER BY event_id LIMIT ${limit ?? null}::bigint)`;
    const meta = rows.find((r) => r.event_id === null);
    const events = rows.filter((r): r is typeof r & { event_id: number } => r.event_id !== null).sort((a, b) => a.event_id - b.event_id);
    const texts = checkedHistory(k, events, fromEventId, limit ?? null, meta?.next ?? null, this.where);
    return texts.map((t) => JSON.parse(t) as HistoryEvent);
  }

  async listTimers(before: number, limit: number): Promise<TimerRow[]> {
    const rows = await this.sql<TimerDbRow[]>`
      SELECT ${this.sql.unsafe(TIMER_COLS)} FROM timers WHERE fire_at < ${before}::float8
      ORDER BY fire_at, namespace, workflow_id, run_id, timer_id LIMIT ${limit}::bigint`;
    return rows.map(fromTimerRow);
  }

  async listTasks(limit: number, after?: TaskRow): Promise<TaskRow[]> {
    const seek = after
      ? this.sql`WHERE (visible_at, namespace, workflow_id, run_id, task_id) > (${after.visibleAt}::float8, ${after.namespace}::text, ${after.workflowId}::text, ${after.runId}::text, ${after.taskId}::text)`
      : this.sql``;
    const rows = await this.sql<TaskDbRow[]>`
      SELECT ${this.sql.unsafe(TASK_COLS)} FROM tasks ${seek}
      ORDER BY visible_at, namespace, workflow_id, run_id, task_id LIMIT ${limit}::bigint`;
    return rows.map(fromTaskRow);
  }

  async listWorkflows(q: ListWorkflowsQuery): Promise<ListWorkflowsPage> {
    checkPageSize(q.pageSize);
    if (q.filter) checkFilter(q.filter);
    const after = q.pageToken ? decodePageToken(q.pageToken) : undefined; // '' = first page, as Temporal's clients send
    // One row more than the page: whether it exists decides whether there is a next page.
    const q2 = listQuery(q.namespace, q.filter, after, q.pageSize + 1);
    const rows = await query<WorkflowDbRow[]>(this.sql, q2.sql, q2.params);
    const records = rows.map((r) => fromWorkflowRow(r, this.where));
    if (records.length <= q.pageSize) return { records };
    const page = records.slice(0, q.pageSize);
    return { records: page, nextPageToken: encodePageToken(cursorOf(page.at(-1)!)) };
  }

  async countWorkflows(namespace: string, filter?: FilterExpr): Promise<number> {
    if (filter) checkFilter(filter);
    const q2 = countQuery(namespace, filter);
    const [row] = await query<{ n: number }[]>(this.sql, q2.sql, q2.params);
    return row!.n;
  }
}
