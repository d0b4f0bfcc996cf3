import type { Payload } from '@endure/protocol';

/** Turns values into payloads and back; replace it to encrypt, compress or use another format. */
export interface PayloadConverter {
  toPayload(value: unknown): Payload;
  fromPayload(payload: Payload): unknown;
}

export class ValueError extends Error {
  override name = 'ValueError';
}

/** Finds the first thing JSON would silently drop or mangle, as a path like `args[0].user.cb`. */
function findUnserializable(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'function':
      return `${path} is a function`;
    case 'symbol':
      return `${path} is a symbol`;
    case 'bigint':
      return `${path} is a BigInt (convert it to a string or number)`;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot represent`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return `${path} refers back to itself (a circular structure)`;
      if (value instanceof Date || value instanceof Error) return undefined;
      if (value instanceof Map || value instanceof Set) {
        return `${path} is a ${value instanceof Map ? 'Map' : 'Set'}, which JSON turns into {} (convert it to an array or object)`;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
      seen.add(value);
      const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [`.${k}`, v] as const);
      for (const [k, v] of entries) {
        if (!Array.isArray(value) && (v === undefined || typeof v === 'function')) {
          if (typeof v === 'function') return `${path}${k} is a function`;
          continue;
        }
        const bad = findUnserializable(v, `${path}${k}`, seen);
        if (bad) return bad;
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** JSON payloads (`json/plain`), with `undefined` as its own encoding so it round-trips. */
export class JsonPayloadConverter implements PayloadConverter {
  toPayload(value: unknown): Payload {
    if (value === undefined) return { metadata: { encoding: 'binary/null' }, data: '' };
    const bad = findUnserializable(value, 'value', new Set());
    if (bad) throw new ValueError(`cannot serialize: ${bad}; payloads must be JSON-serializable`);
    return { metadata: { encoding: 'json/plain' }, data: JSON.stringify(value) };
  }
  fromPayload(payload: Payload): unknown {
    const encoding = payload.metadata['encoding'];
    if (encoding === 'binary/null') return undefined;
    if (encoding === 'json/plain') return JSON.parse(payload.data);
    throw new ValueError(`unknown payload encoding '${encoding}': is a custom PayloadConverter missing on this side?`);
  }
}

export const defaultPayloadConverter: PayloadConverter = new JsonPayloadConverter();

/** Converts a list of values, naming the failing one: `what` is e.g. "argument" or "result". */
export function toPayloads(converter: PayloadConverter, values: unknown[], what: string): Payload[] {
  return values.map((v, i) => {
    try {
      return converter.toPayload(v);
    } catch (e) {
      throw new ValueError(`${what} ${i}: ${(e as Error).message}`);
    }
  });
}

export function fromPayloads(converter: PayloadConverter, payloads: Payload[] | undefined): unknown[] {
  return (payloads ?? []).map((p) => converter.fromPayload(p));
}

/** Size of a payload as the limit counts it: the encoded data's length in bytes (UTF-16 units ≈ bytes for ASCII JSON). */
export function payloadSize(p: Payload): number {
  return p.data.length;
}
