// Validation every store runs on a list/count filter before using it: the AST may come from
// anywhere (not only our parser), and a store interpolates field and operator names into its
// own query language, so only known names and well-typed values get through.
import { MAX_FILTER_DEPTH, MAX_FILTER_TERMS, SYSTEM_SEARCH_ATTRIBUTES, SearchAttributeType, type FilterExpr, type FilterField, type FilterValue } from '@endure/protocol';
import { ListQueryError } from './port.js';

const COMPARISONS = new Set(['=', '!=', '<', '>', '<=', '>=']);
/** Page sizes a store serves in one call. */
export const MAX_PAGE_SIZE = 10_000;

/** Throws ListQueryError naming the first problem; otherwise the filter is safe to translate. */
export function checkFilter(filter: FilterExpr): void {
  let terms = 0;
  const count = (n: number) => {
    terms += n;
    if (terms > MAX_FILTER_TERMS) throw new ListQueryError(`filter has more than ${MAX_FILTER_TERMS} conditions and values; split it into several queries`);
  };
  const visit = (f: FilterExpr, depth: number): void => {
    if (depth > MAX_FILTER_DEPTH) throw new ListQueryError(`filter nests deeper than ${MAX_FILTER_DEPTH} levels; simplify it`);
    if (typeof f !== 'object' || f === null) throw new ListQueryError(`filter node is ${String(f)}, expected an object with an op`);
    switch (f.op) {
      case 'and':
      case 'or':
        if (!Array.isArray(f.args)) throw new ListQueryError(`filter '${f.op}' node needs an args array`);
        for (const a of f.args) visit(a, depth + 1);
        return;
      case 'compare':
        count(1);
        checkField(f.field);
        if (!COMPARISONS.has(f.cmp)) throw new ListQueryError(`filter comparison '${String(f.cmp)}' is not one of = != < > <= >=`);
        checkValue(f.field, f.value);
        return;
      case 'in':
        checkField(f.field);
        if (!Array.isArray(f.values)) throw new ListQueryError(`filter IN on ${f.field.name} needs a values array`);
        count(1 + f.values.length);
        for (const v of f.values) checkValue(f.field, v);
        return;
      case 'between':
        count(1);
        checkField(f.field);
        checkValue(f.field, f.low);
        checkValue(f.field, f.high);
        return;
      case 'startsWith':
        count(1);
        checkField(f.field);
        if (typeof f.prefix !== 'string') throw new ListQueryError(`STARTS_WITH on ${f.field.name} needs a string prefix`);
        return;
      case 'isNull':
        count(1);
        checkField(f.field);
        return;
      default:
        throw new ListQueryError(`filter op '${String((f as { op: unknown }).op)}' is not one of and, or, compare, in, between, startsWith, isNull`);
    }
  };
  visit(filter, 0);
}

export function checkPageSize(pageSize: number): void {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new ListQueryError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(pageSize)}`);
  }
}

/** The type a field's values have: a system field's is fixed, whatever the node says. */
export function fieldType(f: FilterField): SearchAttributeType {
  return f.kind === 'system' ? SYSTEM_SEARCH_ATTRIBUTES[f.name] : f.type;
}

function checkField(f: FilterField): void {
  if (typeof f !== 'object' || f === null || typeof f.name !== 'string') throw new ListQueryError('filter condition has no field');
  if (f.kind === 'system') {
    if (!Object.hasOwn(SYSTEM_SEARCH_ATTRIBUTES, f.name)) throw new ListQueryError(`'${f.name.slice(0, 100)}' is not a system search attribute`);
  } else if (f.kind === 'custom') {
    if (f.name.length === 0 || f.name.length > 256) throw new ListQueryError('custom search attribute names are 1 to 256 characters');
    if (!SearchAttributeType.safeParse(f.type).success) throw new ListQueryError(`search attribute ${f.name.slice(0, 100)} has unknown type '${String(f.type)}'`);
  } else {
    throw new ListQueryError(`filter field kind '${String((f as { kind: unknown }).kind)}' is not system or custom`);
  }
}

function checkValue(f: FilterField, v: FilterValue): void {
  const type = fieldType(f);
  const expected = valueKind(type);
  const ok = expected === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === expected;
  if (!ok) throw new ListQueryError(`${f.name.slice(0, 100)} is a ${type} attribute; the value ${JSON.stringify(v)?.slice(0, 100)} is not a ${expected === 'number' ? 'finite number' : expected}`);
}

/** The JavaScript type of values of a search-attribute type (a KeywordList's elements are strings). */
export function valueKind(type: SearchAttributeType): 'string' | 'number' | 'boolean' {
  switch (type) {
    case 'Keyword':
    case 'Text':
    case 'KeywordList':
      return 'string';
    case 'Int':
    case 'Double':
    case 'Datetime':
      return 'number';
    case 'Bool':
      return 'boolean';
  }
}
