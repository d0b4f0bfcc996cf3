// Which attribute a name in a filter means, and which operators its type allows.
import { SYSTEM_SEARCH_ATTRIBUTES, type SearchAttributeType, type SystemSearchAttribute } from '../visibility.js';
import type { FilterField } from './ast.js';
import { filterError } from './errors.js';

const SYSTEM_NAMES = Object.keys(SYSTEM_SEARCH_ATTRIBUTES) as SystemSearchAttribute[];

export function resolveField(name: string, column: number, custom: Record<string, SearchAttributeType>): FilterField {
  if (Object.hasOwn(SYSTEM_SEARCH_ATTRIBUTES, name)) {
    const n = name as SystemSearchAttribute;
    return { kind: 'system', name: n, type: SYSTEM_SEARCH_ATTRIBUTES[n] };
  }
  if (Object.hasOwn(custom, name)) return { kind: 'custom', name, type: custom[name]! };
  throw filterError(column, unknownFieldMessage(name, custom));
}

function unknownFieldMessage(name: string, custom: Record<string, SearchAttributeType>): string {
  const customNames = Object.keys(custom).sort();
  const sameLetters = [...SYSTEM_NAMES, ...customNames].find((n) => n.toLowerCase() === name.toLowerCase());
  const shown = name.slice(0, 100);
  if (sameLetters) return `unknown search attribute '${shown}' (names are case-sensitive): did you mean '${sameLetters}'?`;
  const list = customNames.length > 30 ? `${customNames.slice(0, 30).join(', ')} and ${customNames.length - 30} more` : customNames.join(', ') || '(none)';
  return (
    `unknown search attribute '${shown}'. System attributes: ${SYSTEM_NAMES.join(', ')}. ` +
    `Custom attributes registered in this namespace: ${list}. ` +
    `To filter on a new one, register it: endure operator search-attribute create --name ${shown} --type Keyword (or Text, Int, Double, Bool, Datetime, KeywordList)`
  );
}

export const isStatusField = (f: FilterField) => f.kind === 'system' && f.name === 'ExecutionStatus';

/** Types that have an order, so `<`, `>`, BETWEEN make sense. ExecutionStatus is a name, not ordered. */
export function checkOrdered(f: FilterField, what: string, column: number): void {
  const ordered = (f.type === 'Keyword' || f.type === 'Int' || f.type === 'Double' || f.type === 'Datetime') && !isStatusField(f);
  if (!ordered) {
    throw filterError(column, `${what} does not apply to ${f.name} (${isStatusField(f) ? 'an execution status' : f.type}); it applies to Keyword, Int, Double and Datetime attributes. Use = or IN here`);
  }
}

export function checkStartsWith(f: FilterField, column: number): void {
  if (f.type !== 'Keyword' || isStatusField(f)) {
    throw filterError(column, `STARTS_WITH applies to Keyword attributes only; ${f.name} is ${isStatusField(f) ? 'an execution status' : f.type === 'Int' ? 'an Int' : `a ${f.type}`}`);
  }
}
