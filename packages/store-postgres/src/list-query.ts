// The listing and counting SELECTs: the filter, the keyset seek and the order. Every listing
// index ends in (start_time, workflow_id, run_id), so ORDER BY is an index read backwards and
// LIMIT stops the scan after one page.
import type { FilterExpr } from '@endure/protocol';
import type { ListCursor } from '@endure/storage';
import { compileFilter, type SqlParam } from './filter-sql.js';
import { RECORD_COLUMNS } from './records.js';

export interface SqlQuery {
  sql: string;
  params: SqlParam[];
}

function where(namespace: string, filter: FilterExpr | undefined, params: SqlParam[]): string {
  params.push(namespace);
  const cond = filter ? ` AND ${compileFilter(filter, params)}` : '';
  return `FROM workflows w WHERE w.namespace = $1::text${cond}`;
}

export function listQuery(namespace: string, filter: FilterExpr | undefined, after: ListCursor | undefined, limit: number): SqlQuery {
  const params: SqlParam[] = [];
  let sql = `SELECT ${RECORD_COLUMNS} ${where(namespace, filter, params)}`;
  if (after) {
    params.push(after.startTime, after.workflowId, after.runId);
    const n = params.length;
    sql += ` AND (w.start_time, w.workflow_id, w.run_id) < ($${n - 2}::float8, $${n - 1}::text, $${n}::text)`;
  }
  params.push(limit);
  sql += ` ORDER BY w.start_time DESC, w.workflow_id DESC, w.run_id DESC LIMIT $${params.length}::int`;
  return { sql, params };
}

export function countQuery(namespace: string, filter: FilterExpr | undefined): SqlQuery {
  const params: SqlParam[] = [];
  return { sql: `SELECT count(*)::float8 AS n ${where(namespace, filter, params)}`, params };
}
