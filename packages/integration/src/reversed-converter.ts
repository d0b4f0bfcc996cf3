// A custom payload converter for tests: JSON text stored reversed, under its own encoding name.
import type { Payload } from '@endure/protocol';
import type { PayloadConverter } from '@endure/common';

const reverse = (s: string) => s.split('').reverse().join('');

export const payloadConverter: PayloadConverter = {
  toPayload(value: unknown): Payload {
    if (value === undefined) return { metadata: { encoding: 'binary/null' }, data: '' };
    return { metadata: { encoding: 'json/reversed' }, data: reverse(JSON.stringify(value)) };
  },
  fromPayload(p: Payload): unknown {
    if (p.metadata['encoding'] === 'binary/null') return undefined;
    if (p.metadata['encoding'] !== 'json/reversed') throw new Error(`expected json/reversed, got ${p.metadata['encoding']}`);
    return JSON.parse(reverse(p.data));
  },
};
