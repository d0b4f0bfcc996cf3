// The listing queries SQLite runs for typical filters: each must be an index range scan in
// listing order (no sort of all matches), which is what keeps a page fast at a million runs.
import assert from 'node:assert/strict';
import { after as afterAll, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { FilterExpr } from '@endure/protocol';
import { migrate } from '../src/migrations.js';
import { countQuery, listQuery } from '../src/list-query.js';
import { CLOSED_RUNS_SQL } from '../src/visibility.js';

const sys = (name: 'WorkflowType' | 'ExecutionStatus' | 'StartTime' | 'WorkflowId' | 'CloseTime', value: string | number, cmp: '=' | '>=' = '='): FilterExpr => ({
  op: 'compare',
  field: { kind: 'system', name, type: typeof value === 'number' ? 'Datetime' : 'Keyword' },
  cmp,
  value,
});
const kw = (value: string): FilterExpr => ({ op: 'compare', field: { kind: 'custom', name: 'CustomKeywordField', type: 'Keyword' }, cmp: '=', value });
const and = (...args: FilterExpr[]): FilterExpr => ({ op: 'and', args });

function plan(db: Database.Database, q: { sql: string; params: unknown[] }): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[];
  return rows.map((r) => r.detail).join(' | ');
}

void describe('listing query plans', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:');
  afterAll(() => db.close());
  const after = { startTime: 5, workflowId: 'w', runId: 'r' };
  const cases: [string, FilterExpr | undefined, RegExp][] = [
    ['no filter', undefined, /workflows_by_start/],
    ['type and status', and(sys('WorkflowType', 'order'), sys('ExecutionStatus', 'RUNNING')), /workflows_by_type_status \(namespace=\? AND workflow_type=\? AND status=\?/],
    ['type', sys('WorkflowType', 'order'), /workflows_by_type \(namespace=\? AND workflow_type=\?/],
    ['status', sys('ExecutionStatus', 'RUNNING'), /workflows_by_status \(namespace=\? AND status=\?/],
    ['start time range', sys('StartTime', 5, '>='), /workflows_by_start \(namespace=\? AND start_time/],
    ['custom keyword', kw('gold'), /SEARCH d USING PRIMARY KEY \(namespace=\? AND name=\? AND value=\?/],
    ['custom keyword and status', and(kw('gold'), sys('ExecutionStatus', 'RUNNING')), /SEARCH d USING PRIMARY KEY \(namespace=\? AND name=\? AND value=\?/],
  ];
  for (const [name, filter, index] of cases) {
    void it(`${name}: an index scan in listing order, first page and later pages`, () => {
      for (const cursor of [undefined, after]) {
        const p = plan(db, listQuery('default', filter, cursor, 101));
        assert.match(p, index, p);
        assert.doesNotMatch(p, /TEMP B-TREE/, `${name} sorts its matches: ${p}`);
      }
    });
  }

  void it('a page token seeks into the index instead of skipping rows', () => {
    const p = plan(db, listQuery('default', and(sys('WorkflowType', 'order'), sys('ExecutionStatus', 'RUNNING')), after, 101));
    assert.match(p, /status=\? AND \(start_time,workflow_id,run_id\)<\(\?,\?,\?\)/, p);
  });

  void it('count by type and status reads only the index', () => {
    const p = plan(db, countQuery('default', and(sys('WorkflowType', 'order'), sys('ExecutionStatus', 'RUNNING'))));
    assert.match(p, /USING COVERING INDEX workflows_by_type_status/, p);
  });

  void it('retention finds closed runs through the close-time index', () => {
    const p = db.prepare(`EXPLAIN QUERY PLAN ${CLOSED_RUNS_SQL}`).all({ namespace: 'default', before: 1, limit: 10 }) as { detail: string }[];
    const detail = p.map((r) => r.detail).join(' | ');
    assert.match(detail, /workflows_by_close/, detail);
    assert.doesNotMatch(detail, /TEMP B-TREE/, detail);
  });
});
