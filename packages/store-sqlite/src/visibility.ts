// The store thread's side of listing, counting, namespaces and retention. Reads run directly on
// the connection; namespace writes and run deletions are plans the write batcher commits in
// order with every other mutation.
import type Database from 'better-sqlite3';
import type { FilterExpr } from '@endure/protocol';
import type { ListCursor, NamespaceRecord, WorkflowRecord } from '@endure/storage';
import type { SqlParam } from './filter-sql.js';
import { countQuery, listQuery } from './list-query.js';
import { fromWorkflowRow, type KeyParams, type WorkflowRow } from './rows.js';

export type VisibilityReadOp =
  | { op: 'listWorkflows'; namespace: string; filter?: FilterExpr; after?: ListCursor; limit: number }
  | { op: 'countWorkflows'; namespace: string; filter?: FilterExpr }
  | { op: 'getNamespace'; name: string }
  | { op: 'listNamespaces' }
  | { op: 'closedRunsBefore'; namespace: string; before: number; limit: number };

export type VisibilityPlan =
  | { kind: 'putNamespace'; row: NamespaceRow }
  /** Deletes these runs, each only if it is still closed before `before`. */
  | { kind: 'deleteRuns'; keys: KeyParams[]; before: number };

export const isVisibilityPlan = (p: { kind: string }): p is VisibilityPlan => p.kind === 'putNamespace' || p.kind === 'deleteRuns';

interface NamespaceRow {
  name: string;
  description: string;
  retention_ms: number;
  created_time: number;
  search_attributes: string;
}

export function toNamespaceRow(ns: NamespaceRecord): NamespaceRow {
  return { name: ns.name, description: ns.description, retention_ms: ns.retentionMs, created_time: ns.createdTime, search_attributes: JSON.stringify(ns.searchAttributes) };
}

function fromNamespaceRow(r: NamespaceRow): NamespaceRecord {
  return {
    name: r.name,
    description: r.description,
    retentionMs: r.retention_ms,
    createdTime: r.created_time,
    searchAttributes: JSON.parse(r.search_attributes) as NamespaceRecord['searchAttributes'],
  };
}

/** Distinct filter shapes seen recently; values are parameters, so shapes repeat. */
const STATEMENT_CACHE_SIZE = 128;
/** Retention's candidates, oldest close first (served by the partial index workflows_by_close). */
// A closed run that still owns timer rows owes an effect to another run (fx: rows, e.g. telling
// its parent it closed): it stays until the engine has carried that out and deleted the row.
const OWES_NOTHING = `NOT EXISTS (SELECT 1 FROM timers t
    WHERE t.namespace = workflows.namespace AND t.workflow_id = workflows.workflow_id AND t.run_id = workflows.run_id)`;
export const CLOSED_RUNS_SQL = `SELECT namespace, workflow_id, run_id FROM workflows
  WHERE namespace = @namespace AND close_time IS NOT NULL AND close_time < @before AND ${OWES_NOTHING}
  ORDER BY close_time, workflow_id, run_id LIMIT @limit`;
const RUN_KEY = 'namespace = @namespace AND workflow_id = @workflow_id AND run_id = @run_id';

export class Visibility {
  private readonly cache = new Map<string, Database.Statement<SqlParam[]>>();
  private readonly getNamespace: Database.Statement<[string], NamespaceRow>;
  private readonly listNamespaces: Database.Statement<[], NamespaceRow>;
  private readonly putNamespace: Database.Statement<[NamespaceRow]>;
  private readonly closedRuns: Database.Statement<[{ namespace: string; before: number; limit: number }], KeyParams>;
  private readonly deleteClosedRun: Database.Statement<[KeyParams & { before: number }]>;
  private readonly deleteOwned: Database.Statement<[KeyParams]>[];

  constructor(private readonly db: Database.Database) {
    this.getNamespace = db.prepare('SELECT * FROM namespaces WHERE name = ?');
    this.listNamespaces = db.prepare('SELECT * FROM namespaces ORDER BY name');
    this.putNamespace = db.prepare(
      `INSERT OR REPLACE INTO namespaces (name, description, retention_ms, created_time, search_attributes)
       VALUES (@name, @description, @retention_ms, @created_time, @search_attributes)`,
    );
    this.closedRuns = db.prepare(CLOSED_RUNS_SQL);
    this.deleteClosedRun = db.prepare(`DELETE FROM workflows WHERE ${RUN_KEY} AND close_time IS NOT NULL AND close_time < @before AND ${OWES_NOTHING}`);
    // Explicit rather than by foreign key: tasks, timers and attribute rows have none (it would
    // cost every insert a parent lookup), and history/current_runs then need no pragma.
    this.deleteOwned = ['history', 'tasks', 'timers', 'search_attributes', 'run_properties', 'current_runs'].map((t) => db.prepare(`DELETE FROM ${t} WHERE ${RUN_KEY}`));
  }

  read(r: VisibilityReadOp): unknown {
    switch (r.op) {
      case 'listWorkflows': {
        const q = listQuery(r.namespace, r.filter, r.after, r.limit);
        const rows = this.statement(q.sql).all(...q.params) as WorkflowRow[];
        return rows.map(fromWorkflowRow) satisfies WorkflowRecord[];
      }
      case 'countWorkflows': {
        const q = countQuery(r.namespace, r.filter);
        return this.statement(q.sql).pluck().get(...q.params) as number;
      }
      case 'getNamespace': {
        const row = this.getNamespace.get(r.name);
        return row && fromNamespaceRow(row);
      }
      case 'listNamespaces':
        return this.listNamespaces.all().map(fromNamespaceRow);
      case 'closedRunsBefore':
        return this.closedRuns.all({ namespace: r.namespace, before: r.before, limit: r.limit });
    }
  }

  apply(p: VisibilityPlan): void {
    if (p.kind === 'putNamespace') {
      this.putNamespace.run(p.row);
      return;
    }
    for (const k of p.keys) {
      // The condition is checked again here: only a run that is still closed before the cutoff goes.
      if (this.deleteClosedRun.run({ ...k, before: p.before }).changes === 0) continue;
      for (const del of this.deleteOwned) del.run(k);
    }
  }

  /** The prepared statement for a query's SQL (prepared once per filter shape). */
  private statement(sql: string): Database.Statement<SqlParam[]> {
    let st = this.cache.get(sql);
    if (st) {
      this.cache.delete(sql); // re-inserted below: Map order is the recency order
    } else {
      st = this.db.prepare<SqlParam[]>(sql);
      if (this.cache.size >= STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(sql, st);
    return st;
  }
}
