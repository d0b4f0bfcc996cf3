// Builds the listing and counting SELECTs: which table drives the scan, the filter condition,
// the keyset seek and the order. Every listing index ends in (start_time, workflow_id, run_id),
// so the ORDER BY is that index read backwards and LIMIT stops the scan after one page.
import type { FilterExpr } from '@endure/protocol';
import type { ListCursor } from '@endure/storage';
import { compileFilter, sqlValue, type SqlParam } from './filter-sql.js';
import { WF_READ_COLS } from './statements.js';

export interface SqlQuery {
  sql: string;
  params: SqlParam[];
}

const SELECT_COLS = WF_READ_COLS;

/**
 * With an equality on a custom attribute (and no WorkflowId equality, which is more selective
 * still), the scan runs over that attribute's index rows for the value: they are kept in listing
 * order, so a rare value costs as little as a common one. Otherwise SQLite picks a workflows
 * index from the system-field conditions.
 */
function driver(filter: FilterExpr | undefined): { name: string; value: SqlParam } | undefined {
  const terms = filter === undefined ? [] : filter.op === 'and' ? filter.args : [filter];
  if (terms.some((t) => t.op === 'compare' && t.cmp === '=' && t.field.kind === 'system' && t.field.name === 'WorkflowId')) return undefined;
  for (const t of terms) {
    if (t.op === 'compare' && t.cmp === '=' && t.field.kind === 'custom') return { name: t.field.name, value: sqlValue(t.value) };
  }
  return undefined;
}

/** FROM/WHERE shared by list and count; `t` is the alias whose columns give the order. */
function from(namespace: string, filter: FilterExpr | undefined): { sql: string; params: SqlParam[]; t: 'w' | 'd' } {
  const cond = filter ? compileFilter(filter) : undefined;
  const where = cond ? ` AND ${cond.sql}` : '';
  const d = driver(filter);
  if (d) {
    return {
      // CROSS JOIN fixes the join order: attribute rows outside, the run looked up by key.
      sql: `FROM search_attributes d CROSS JOIN workflows w ON w.namespace = d.namespace AND w.workflow_id = d.workflow_id AND w.run_id = d.run_id
            WHERE d.namespace = ? AND d.name = ? AND d.value = ?${where}`,
      params: [namespace, d.name, d.value, ...(cond?.params ?? [])],
      t: 'd',
    };
  }
  return { sql: `FROM workflows w WHERE w.namespace = ?${where}`, params: [namespace, ...(cond?.params ?? [])], t: 'w' };
}

export function listQuery(namespace: string, filter: FilterExpr | undefined, after: ListCursor | undefined, limit: number): SqlQuery {
  const f = from(namespace, filter);
  const { t } = f;
  const seek = after ? ` AND (${t}.start_time, ${t}.workflow_id, ${t}.run_id) < (?, ?, ?)` : '';
  return {
    sql: `SELECT ${SELECT_COLS} ${f.sql}${seek} ORDER BY ${t}.start_time DESC, ${t}.workflow_id DESC, ${t}.run_id DESC LIMIT ?`,
    params: [...f.params, ...(after ? [after.startTime, after.workflowId, after.runId] : []), limit],
  };
}

export function countQuery(namespace: string, filter: FilterExpr | undefined): SqlQuery {
  const f = from(namespace, filter);
  return { sql: `SELECT count(*) ${f.sql}`, params: f.params };
}
