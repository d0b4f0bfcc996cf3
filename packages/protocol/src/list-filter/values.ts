// Turns a literal in a filter into the value of its field's type (see FilterValue).
import type { WorkflowStatus } from '../workflow-status.js';
import type { FilterField, FilterValue } from './ast.js';
import { filterError } from './errors.js';
import { describeToken, type Token } from './lexer.js';
import { isStatusField } from './fields.js';

/** Temporal's status names (compared without case and underscores) → ours. */
const STATUS_NAMES: Record<string, WorkflowStatus> = {
  running: 'RUNNING',
  completed: 'COMPLETED',
  failed: 'FAILED',
  canceled: 'CANCELED',
  terminated: 'TERMINATED',
  timedout: 'TIMED_OUT',
  continuedasnew: 'CONTINUED_AS_NEW',
};
const STATUS_LIST = "'Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'TimedOut', 'ContinuedAsNew'";

// RFC 3339: a date, optionally a time with a zone (a time without a zone would be ambiguous).
const RFC3339 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:\d{2}))?$/;

/** Epoch ms of an RFC 3339 date or date-time with a zone; undefined if it is not one. */
export function parseRfc3339(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

export function literalValue(field: FilterField, t: Token): FilterValue {
  const found = describeToken(t);
  const bad = (expected: string) => filterError(t.column, `${field.name} is ${article(field)}; expected ${expected}, found ${found}`);
  if (isStatusField(field)) {
    if (t.kind !== 'string') throw bad(`a status in quotes, one of ${STATUS_LIST}`);
    const status = STATUS_NAMES[t.text.toLowerCase().replace(/_/g, '')];
    if (!status) throw filterError(t.column, `'${t.text.slice(0, 40)}' is not an execution status; use one of ${STATUS_LIST}`);
    return status;
  }
  switch (field.type) {
    case 'Keyword':
    case 'Text':
    case 'KeywordList':
      if (t.kind !== 'string') throw bad("a string in quotes, e.g. 'value'");
      return t.text;
    case 'Int':
      if (t.kind !== 'number' || !Number.isSafeInteger(t.value)) throw bad('an integer, e.g. 42');
      return t.value;
    case 'Double':
      if (t.kind !== 'number') throw bad('a number, e.g. 1.5');
      return t.value;
    case 'Bool': {
      const word = t.kind === 'word' ? t.text.toLowerCase() : '';
      if (word !== 'true' && word !== 'false') throw bad('true or false');
      return word === 'true';
    }
    case 'Datetime':
      if (t.kind === 'number') {
        if (!Number.isSafeInteger(t.value)) throw bad('epoch milliseconds as an integer');
        return t.value;
      }
      if (t.kind === 'string') {
        const ms = parseRfc3339(t.text);
        if (ms !== undefined) return ms;
      }
      throw bad("an RFC 3339 time in quotes, e.g. '2024-05-01T12:00:00Z', or epoch milliseconds");
  }
}

function article(f: FilterField): string {
  return f.type === 'Int' ? 'an Int' : `a ${f.type}`;
}
