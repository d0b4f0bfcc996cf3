// Translates a list filter (already through checkFilter) into a SQL condition over `workflows w`.
// Values only ever travel as bound parameters; field and operator names come from fixed tables.
// The meaning is matchesFilter's (packages/storage/src/filter-eval.ts); see port.ts for a summary.
import type { FilterExpr, FilterField, FilterValue, SystemSearchAttribute } from '@endure/protocol';
import { valueKind } from '@endure/storage';

export type SqlParam = string | number;

export interface SqlCondition {
  sql: string;
  params: SqlParam[];
}

const COLUMNS: Record<SystemSearchAttribute, string> = {
  WorkflowId: 'w.workflow_id',
  RunId: 'w.run_id',
  WorkflowType: 'w.workflow_type',
  ExecutionStatus: 'w.status',
  TaskQueue: 'w.task_queue',
  StartTime: 'w.start_time',
  CloseTime: 'w.close_time',
  HistoryLength: '(w.next_event_id - 1)',
};

const OPERATORS = { '=': '=', '!=': '!=', '<': '<', '>': '>', '<=': '<=', '>=': '>=' } as const;

/** The run's index rows for one attribute; `pred` narrows them to matching values. */
const ATTRIBUTE_ROW =
  'EXISTS (SELECT 1 FROM search_attributes s WHERE s.namespace = w.namespace AND s.workflow_id = w.workflow_id AND s.run_id = w.run_id AND s.name = ?';

export function compileFilter(f: FilterExpr): SqlCondition {
  const params: SqlParam[] = [];
  const sql = new Compiler(params).expr(f);
  return { sql, params };
}

/** SQLite has no boolean type: booleans are stored (and so compared) as 0/1. */
export function sqlValue(v: FilterValue): SqlParam {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

class Compiler {
  constructor(private readonly params: SqlParam[]) {}

  expr(f: FilterExpr): string {
    switch (f.op) {
      case 'and':
        return balanced(f.args.map((a) => this.expr(a)), 'AND', '1');
      case 'or':
        return balanced(f.args.map((a) => this.expr(a)), 'OR', '0');
      default:
        return f.field.kind === 'system' ? this.system(f, COLUMNS[f.field.name]) : this.custom(f, f.field);
    }
  }

  /** A column of the run. Only close_time can be NULL; SQL's NULL comparisons are false, as wanted. */
  private system(f: Exclude<FilterExpr, { op: 'and' | 'or' }>, col: string): string {
    const present = col === 'w.close_time' ? `${col} IS NOT NULL` : '1';
    switch (f.op) {
      case 'isNull':
        return f.negated ? present : col === 'w.close_time' ? `${col} IS NULL` : '0';
      case 'compare':
        return `${col} ${OPERATORS[f.cmp]} ${this.bind(f.value)}`;
      case 'in':
        // An empty list: IN () is false, and NOT IN () true even for NULL, so spell both out.
        if (f.values.length === 0) return f.negated ? present : '0';
        return `${col} ${f.negated ? 'NOT IN' : 'IN'} (${f.values.map((v) => this.bind(v)).join(', ')})`;
      case 'between':
        return `${col} ${f.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.bind(f.low)} AND ${this.bind(f.high)}`;
      case 'startsWith':
        return this.prefix(col, f.prefix);
    }
  }

  /**
   * A custom attribute, through its index rows (a KeywordList has one per element): a positive
   * condition holds if some row matches; a negated one if the run has the attribute and no row
   * matches the positive form.
   */
  private custom(f: Exclude<FilterExpr, { op: 'and' | 'or' }>, field: FilterField): string {
    switch (f.op) {
      case 'isNull':
        return f.negated ? this.has(field) : `NOT ${this.has(field)}`;
      case 'compare':
        if (f.cmp === '!=') return this.without(field, () => `s.value = ${this.bind(f.value)}`);
        if (f.cmp === '=') return this.has(field, () => `s.value = ${this.bind(f.value)}`);
        return this.has(field, () => `s.value ${OPERATORS[f.cmp]} ${this.bind(f.value)} AND ${typeGuard(field)}`);
      case 'in': {
        const pred = () => (f.values.length === 0 ? '0' : `s.value IN (${f.values.map((v) => this.bind(v)).join(', ')})`);
        return f.negated ? this.without(field, pred) : this.has(field, pred);
      }
      case 'between': {
        const pred = () => `s.value BETWEEN ${this.bind(f.low)} AND ${this.bind(f.high)} AND ${typeGuard(field)}`;
        return f.negated ? this.without(field, pred) : this.has(field, pred);
      }
      case 'startsWith':
        return this.has(field, () => this.prefix('s.value', f.prefix));
    }
  }

  private has(field: FilterField, pred?: () => string): string {
    this.params.push(field.name);
    return pred ? `${ATTRIBUTE_ROW} AND ${pred()})` : `${ATTRIBUTE_ROW})`;
  }

  private without(field: FilterField, pred: () => string): string {
    return `(${this.has(field)} AND NOT ${this.has(field, pred)})`;
  }

  /** `>=` lets an index seek to the prefix (and excludes numbers, which sort before text). */
  private prefix(col: string, prefix: string): string {
    return `(${col} >= ${this.bind(prefix)} AND substr(${col}, 1, ${this.bind([...prefix].length)}) = ${this.bind(prefix)})`;
  }

  private bind(v: FilterValue): string {
    this.params.push(sqlValue(v));
    return '?';
  }
}

/** Range conditions only compare values of the attribute's own type (numbers sort before text). */
function typeGuard(field: FilterField): string {
  // Numbers and booleans (0/1) are both numeric to SQLite.
  return valueKind(field.type) === 'string' ? "typeof(s.value) = 'text'" : "typeof(s.value) IN ('integer', 'real')";
}

/**
 * Joins as a balanced tree: a long flat AND/OR chain would otherwise nest one level per term and
 * hit SQLite's expression depth limit (1000).
 */
function balanced(parts: string[], op: 'AND' | 'OR', empty: string): string {
  if (parts.length === 0) return empty;
  if (parts.length === 1) return parts[0]!;
  const mid = parts.length >> 1;
  return `(${balanced(parts.slice(0, mid), op, empty)} ${op} ${balanced(parts.slice(mid), op, empty)})`;
}
