import type { Payload } from '@endure/protocol';
import { activator } from './current.js';

function encode(values: Record<string, unknown>, what: string): Record<string, Payload> {
  const a = activator(what);
  const out: Record<string, Payload> = {};
  for (const [k, v] of Object.entries(values)) out[k] = a.converter.toPayload(v === undefined ? null : v);
  return out;
}

function apply(into: Record<string, Payload> | undefined, changes: Record<string, Payload>): Record<string, Payload> {
  const out = { ...into };
  for (const [k, v] of Object.entries(changes)) {
    if (v.data === 'null') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Sets memo keys (null removes one); recorded in history, shown by describe(). */
export function upsertMemo(memo: Record<string, unknown>): void {
  const a = activator('upsertMemo()');
  const changes = encode(memo, 'upsertMemo()');
  a.push({ type: 'ModifyProperties', memo: changes });
  a.info.memo = apply(a.info.memo, changes);
}

/** Sets search attributes (null removes one); the list API filters on them. */
export function upsertSearchAttributes(attributes: Record<string, unknown>): void {
  const a = activator('upsertSearchAttributes()');
  for (const k of Object.keys(attributes)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`upsertSearchAttributes: '${k}' is not a valid name (letters, digits and _, not starting with a digit)`);
  }
  const changes = encode(attributes, 'upsertSearchAttributes()');
  a.push({ type: 'ModifyProperties', searchAttributes: changes });
  a.info.searchAttributes = apply(a.info.searchAttributes, changes);
}
