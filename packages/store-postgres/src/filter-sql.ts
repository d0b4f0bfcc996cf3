// Translates a list filter (already through checkFilter) into a SQL condition over `workflows w`.
// Values only ever travel as bound parameters (each cast to its type); field and operator names
// come from fixed tables. The meaning is matchesFilter's (packages/storage/src/filter-eval.ts).
import type { FilterExpr, FilterField, FilterValue, SystemSearchAttribute } from '@endure/protocol';
import { fieldType, valueKind } from '@endure/storage';

export type SqlParam = string | number | boolean;

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

const OPERATORS = { '=': '=', '!=': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=' } as const;

/** The index-row column of each value kind: a comparison only meets values of its own type. */
const VALUE_COLUMN = { string: 's.str', number: 's.num', boolean: 's.bool' } as const;
const SQL_TYPE = { string: 'text', number: 'float8', boolean: 'boolean' } as const;

type Leaf = Exclude<FilterExpr, { op: 'and' | 'or' }>;

/** `params` is shared with the rest of the query: placeholders continue its numbering. */
export function compileFilter(f: FilterExpr, params: SqlParam[]): string {
  return new Compiler(params).expr(f);
}

class Compiler {
  constructor(private readonly params: SqlParam[]) {}

  expr(f: FilterExpr): string {
    switch (f.op) {
      case 'and':
        return balanced(f.args.map((a) => this.expr(a)), 'AND', 'TRUE');
      case 'or':
        return balanced(f.args.map((a) => this.expr(a)), 'OR', 'FALSE');
      default:
        return f.field.kind === 'system' ? this.system(f, COLUMNS[f.field.name], valueKind(fieldType(f.field))) : this.custom(f, f.field);
    }
  }

  /** A column of the run. Only close_time can be NULL; SQL's NULL comparisons are false, as wanted. */
  private system(f: Leaf, col: string, kind: 'string' | 'number' | 'boolean'): string {
    const present = col === 'w.close_time' ? `${col} IS NOT NULL` : 'TRUE';
    switch (f.op) {
      case 'isNull':
        return f.negated ? present : col === 'w.close_time' ? `${col} IS NULL` : 'FALSE';
      case 'compare':
        return `${col} ${OPERATORS[f.cmp]} ${this.bind(f.value, kind)}`;
      case 'in':
        if (f.values.length === 0) return f.negated ? present : 'FALSE';
        return `${col} ${f.negated ? 'NOT IN' : 'IN'} (${f.values.map((v) => this.bind(v, kind)).join(', ')})`;
      case 'between':
        return `${col} ${f.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.bind(f.low, kind)} AND ${this.bind(f.high, kind)}`;
      case 'startsWith':
        return this.prefix(col, f.prefix);
    }
  }

  /**
   * A custom attribute, through its index rows (a KeywordList has one per element): a positive
   * condition holds if some row matches; a negated one if the run has the attribute and no row
   * matches the positive form.
   */
  private custom(f: Leaf, field: FilterField): string {
    const kind = valueKind(field.type);
    const col = VALUE_COLUMN[kind];
    switch (f.op) {
      case 'isNull':
        return f.negated ? this.has(field) : `NOT ${this.has(field)}`;
      case 'compare': {
        const c = f.cmp;
        if (c === '!=') return this.without(field, () => `${col} = ${this.bind(f.value, kind)}`);
        return this.has(field, () => `${col} ${OPERATORS[c]} ${this.bind(f.value, kind)}`);
      }
      case 'in': {
        const pred = () => (f.values.length === 0 ? 'FALSE' : `${col} IN (${f.values.map((v) => this.bind(v, kind)).join(', ')})`);
        return f.negated ? this.without(field, pred) : this.has(field, pred);
      }
      case 'between': {
        const pred = () => `${col} BETWEEN ${this.bind(f.low, kind)} AND ${this.bind(f.high, kind)}`;
        return f.negated ? this.without(field, pred) : this.has(field, pred);
      }
      case 'startsWith':
        return this.has(field, () => this.prefix('s.str', f.prefix));
    }
  }

  private has(field: FilterField, pred?: () => string): string {
    const rows = `EXISTS (SELECT 1 FROM search_attributes s WHERE s.namespace = w.namespace AND s.workflow_id = w.workflow_id AND s.run_id = w.run_id AND s.name = ${this.bind(field.name, 'string')}`;
    return pred ? `${rows} AND ${pred()})` : `${rows})`;
  }

  private without(field: FilterField, pred: () => string): string {
    return `(${this.has(field)} AND NOT ${this.has(field, pred)})`;
  }

  /** `>=` lets an index seek to the prefix; starts_with decides. */
  private prefix(col: string, prefix: string): string {
    const p = this.bind(prefix, 'string');
    return `(${col} >= ${p} AND starts_with(${col}, ${p}))`;
  }

  private bind(v: FilterValue, kind: 'string' | 'number' | 'boolean'): string {
    this.params.push(v);
    return `$${this.params.length}::${SQL_TYPE[kind]}`;
  }
}

/** Joins as a balanced tree, so a long flat AND/OR chain does not nest one level per term. */
function balanced(parts: string[], op: 'AND' | 'OR', empty: string): string {
  if (parts.length === 0) return empty;
  if (parts.length === 1) return parts[0]!;
  const mid = parts.length >> 1;
  return `(${balanced(parts.slice(0, mid), op, empty)} ${op} ${balanced(parts.slice(mid), op, empty)})`;
}
