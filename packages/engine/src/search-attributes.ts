// Turns search-attribute payloads (as clients and workflow code send them) into the typed
// values the store indexes, checking each key against the namespace's registry.
import { ApiError, parseRfc3339, type Payload, type SearchAttributeType, type SearchAttributeValue } from '@endure/protocol';
import type { NamespaceRecord } from '@endure/storage';
import { DEFAULT_NAMESPACE } from './namespaces.js';

const EXPECTED: Record<SearchAttributeType, string> = {
  Keyword: 'a string',
  Text: 'a string',
  Int: 'an integer',
  Double: 'a number',
  Bool: 'true or false',
  Datetime: "an RFC 3339 time (a Date, or a string like '2024-05-01T12:00:00Z') or epoch milliseconds",
  KeywordList: 'an array of strings',
};

/**
 * The typed, indexable form of a run's search attributes. A null (or undefined) value means
 * "no value": the key is left out. Throws INVALID_ARGUMENT naming the key, its type and the fix —
 * or, with `skipInvalid` (re-indexing a run's whole set, whose changes were checked one by one),
 * leaves out what does not index.
 */
export function indexSearchAttributes(ns: NamespaceRecord, payloads: Record<string, Payload>, skipInvalid = false): Record<string, SearchAttributeValue> {
  const out: Record<string, SearchAttributeValue> = {};
  for (const [key, payload] of Object.entries(payloads)) {
    if (skipInvalid) {
      try {
        Object.assign(out, indexSearchAttributes(ns, { [key]: payload }));
      } catch {
        // a value from before its key's registration rules applied: not indexed
      }
      continue;
    }
    const type = Object.hasOwn(ns.searchAttributes, key) ? ns.searchAttributes[key] : undefined;
    if (!type) throw unregistered(ns.name, key);
    const raw = decode(key, payload);
    const value = typed(type, raw);
    if (value === null) continue;
    if (value === undefined) {
      throw new ApiError(
        'INVALID_ARGUMENT',
        `search attribute '${key}' is registered as ${type}, so its value must be ${EXPECTED[type]}; got ${shown(raw)}`,
        { key, type },
      );
    }
    out[key] = value;
  }
  return out;
}

function unregistered(namespace: string, key: string): ApiError {
  const nsFlag = namespace === DEFAULT_NAMESPACE ? '' : ` --namespace ${namespace}`;
  return new ApiError(
    'INVALID_ARGUMENT',
    `search attribute '${key}' is not registered in namespace '${namespace}'; register it with its type first: ` +
      `endure operator search-attribute create${nsFlag} --name ${key} --type Keyword (or Text, Int, Double, Bool, Datetime, KeywordList), ` +
      `or client.operator.addSearchAttributes({ ${key}: 'Keyword' })`,
    { key },
  );
}

function decode(key: string, p: Payload): unknown {
  const encoding = p.metadata['encoding'];
  if (encoding === 'binary/null') return null;
  if (encoding !== 'json/plain') {
    throw new ApiError('INVALID_ARGUMENT', `search attribute '${key}' is encoded as '${encoding ?? '(none)'}': the engine indexes JSON values only (json/plain, what the default payload converter writes)`, { key });
  }
  try {
    return JSON.parse(p.data) as unknown;
  } catch {
    throw new ApiError('INVALID_ARGUMENT', `search attribute '${key}' is not valid JSON although its encoding says json/plain`, { key });
  }
}

/** The value as `type`: null for "no value", undefined if it does not fit the type. */
function typed(type: SearchAttributeType, v: unknown): SearchAttributeValue | null | undefined {
  if (v === null) return null;
  if (type === 'KeywordList') {
    if (typeof v === 'string') return [v];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  }
  // Temporal's older SDKs send every value as an array: a one-element array is that value.
  if (Array.isArray(v)) return v.length === 0 ? null : v.length === 1 ? typed(type, v[0]) : undefined;
  switch (type) {
    case 'Keyword':
    case 'Text':
      return typeof v === 'string' ? v : undefined;
    case 'Int':
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
    case 'Double':
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    case 'Bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'Datetime':
      if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
      return typeof v === 'string' ? parseRfc3339(v) : undefined;
  }
}

function shown(v: unknown): string {
  const json = JSON.stringify(v) ?? String(v);
  const what = Array.isArray(v) ? 'an array' : typeof v === 'number' ? (Number.isInteger(v) ? 'the integer' : 'the number') : typeof v === 'string' ? 'the string' : typeof v === 'boolean' ? 'the boolean' : 'the value';
  return `${what} ${json.length > 80 ? `${json.slice(0, 80)}…` : json}`;
}
