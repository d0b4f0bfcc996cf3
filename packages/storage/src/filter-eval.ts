// The meaning of a list filter, as plain evaluation over one record: the reference every store's
// translation is tested against (see the filter semantics on ListWorkflowsQuery in port.ts).
import type { FilterExpr, FilterField, FilterValue, SearchAttributeValue } from '@endure/protocol';
import type { WorkflowRecord } from './port.js';

type Scalar = string | number | boolean;

/** Whether `r` matches `f`. The filter is assumed to have passed checkFilter. */
export function matchesFilter(r: WorkflowRecord, f: FilterExpr): boolean {
  switch (f.op) {
    case 'and':
      return f.args.every((a) => matchesFilter(r, a));
    case 'or':
      return f.args.some((a) => matchesFilter(r, a));
    case 'isNull':
      return (valuesOf(r, f.field) === undefined) !== f.negated;
    case 'compare': {
      const cmp = f.cmp;
      if (cmp === '!=') return negated(r, f.field, (v) => compareScalars(v, f.value) === 0);
      return positive(r, f.field, f.value, (v) => holds(cmp, compareScalars(v, f.value)));
    }
    case 'in': {
      const one = (v: Scalar) => f.values.some((x) => typeof x === typeof v && compareScalars(v, x) === 0);
      return f.negated ? negated(r, f.field, one) : anyOf(r, f.field, one);
    }
    case 'between': {
      const inRange = (v: Scalar) => typeof v === typeof f.low && compareScalars(v, f.low) >= 0 && compareScalars(v, f.high) <= 0;
      return f.negated ? negated(r, f.field, inRange) : anyOf(r, f.field, inRange);
    }
    case 'startsWith':
      return anyOf(r, f.field, (v) => typeof v === 'string' && v.startsWith(f.prefix));
  }
}

/** A record's values for a field: undefined when it lacks it, else one or more (a KeywordList). */
export function valuesOf(r: WorkflowRecord, field: FilterField): Scalar[] | undefined {
  const v = field.kind === 'system' ? systemValue(r, field.name) : r.searchAttributes?.[field.name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v;
  return [v];
}

function systemValue(r: WorkflowRecord, name: string): SearchAttributeValue | null | undefined {
  switch (name) {
    case 'WorkflowId':
      return r.workflowId;
    case 'RunId':
      return r.runId;
    case 'WorkflowType':
      return r.workflowType;
    case 'ExecutionStatus':
      return r.status;
    case 'TaskQueue':
      return r.taskQueue;
    case 'StartTime':
      return r.startTime;
    case 'CloseTime':
      return r.closeTime;
    case 'HistoryLength':
      return r.nextEventId - 1;
    default:
      return undefined;
  }
}

/** Values of another type than the filter's never match a positive condition. */
function positive(r: WorkflowRecord, field: FilterField, like: FilterValue, test: (v: Scalar) => boolean): boolean {
  return anyOf(r, field, (v) => typeof v === typeof like && test(v));
}

function anyOf(r: WorkflowRecord, field: FilterField, test: (v: Scalar) => boolean): boolean {
  return valuesOf(r, field)?.some(test) ?? false;
}

/** The negated forms: the run has the attribute and no value of it passes the positive test. */
function negated(r: WorkflowRecord, field: FilterField, test: (v: Scalar) => boolean): boolean {
  const vs = valuesOf(r, field);
  return vs !== undefined && !vs.some(test);
}

function holds(cmp: '=' | '<' | '>' | '<=' | '>=', c: number): boolean {
  switch (cmp) {
    case '=':
      return c === 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '>=':
      return c >= 0;
  }
}

/** Orders two values of the same type; values of different types are never equal. */
export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return Number.NaN;
}

/** Code-point order, i.e. the order of UTF-8 bytes (what SQLite's BINARY collation uses). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // a surrogate pair: both strings hold the same one, skip its second half
  }
  return a.length - b.length;
}
