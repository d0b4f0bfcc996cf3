// What the copy remembers of each source run to check the target against, without keeping the
// run: digests of its record (over key-sorted JSON, so two stores that return the same values
// with keys in another order still agree) and of its history (events round-trip exactly as JSON
// in every store, a rule of the port, so their own JSON is compared), and its counts.
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '@endure/protocol';
import type { WorkflowRecord } from './port.js';

export interface RunFingerprint {
  nextEventId: number;
  events: number;
  tasks: number;
  timers: number;
  current: boolean;
  record: string;
  history: string;
}

/** JSON with every object's keys sorted (and undefined members left out, as JSON does). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const digestOf = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('base64');

/** A running digest of a history read in pages. */
export class HistoryDigest {
  private readonly hash = createHash('sha256');
  count = 0;
  add(events: readonly HistoryEvent[]): void {
    for (const e of events) this.hash.update(JSON.stringify(e)).update('\n');
    this.count += events.length;
  }
  digest(): string {
    return this.hash.digest('base64');
  }
}

export function fingerprintOf(record: WorkflowRecord, events: readonly HistoryEvent[], tasks: number, timers: number, current: boolean): RunFingerprint {
  const h = new HistoryDigest();
  h.add(events);
  return { nextEventId: record.nextEventId, events: h.count, tasks, timers, current, record: digestOf(record), history: h.digest() };
}
