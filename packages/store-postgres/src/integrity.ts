// Damage is detected, never served. Each history event and each run record is stored with a
// CRC-32 of its content (bound to its event id, or to the record's status and version); reads
// check them, and check that a history has no gap up to the run's version, so rows lost or
// altered outside Endure (a bad restore, a hand-made UPDATE) are refused rather than returned.
import { crc32 } from 'node:zlib';
import { StoredDataCorruptError } from '@endure/storage';

/** As a signed 32-bit integer, PostgreSQL's `integer`. */
export function eventCrc(eventId: number, text: string): number {
  return crc32(text, eventId >>> 0) | 0;
}

export function recordCrc(r: { status: string; nextEventId: number; closeTime: number | null; state: string }): number {
  return crc32(r.state, crc32(`${r.status}\u0000${r.nextEventId}\u0000${r.closeTime ?? ''}`)) | 0;
}

export interface RunName {
  namespace: string;
  workflowId: string;
  runId: string;
}

const what = (k: RunName) => `workflow ${k.workflowId} run ${k.runId} (namespace ${k.namespace})`;

export function checkRecord(r: RunName & { status: string; nextEventId: number; closeTime: number | null; state: string }, crc: number, where: string): void {
  if (crc !== recordCrc(r)) throw damaged(where, `the stored record of ${what(r)} fails its checksum`);
}

/**
 * The texts of a history read, checked: each event's checksum, ids consecutive from `from`,
 * and — unless the read stopped at its limit — running up to the run's last event.
 */
export function checkedHistory(
  k: RunName,
  rows: readonly { event_id: number; event: string; crc: number }[],
  from: number,
  limit: number | null,
  nextEventId: number | null,
  where: string,
): string[] {
  const texts: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.event_id !== from + i) throw damaged(where, `the stored history of ${what(k)} has lost event ${from + i}`);
    if (r.crc !== eventCrc(r.event_id, r.event)) throw damaged(where, `event ${r.event_id} of ${what(k)} fails its checksum`);
    texts.push(r.event);
  }
  const complete = limit === null || rows.length < limit;
  if (nextEventId !== null && complete && from <= nextEventId - 1 && from + rows.length !== nextEventId) {
    throw damaged(where, `the stored history of ${what(k)} ends at event ${from + rows.length - 1}, but the run has ${nextEventId - 1} events`);
  }
  return texts;
}

export function damaged(where: string, detail: string): StoredDataCorruptError {
  return new StoredDataCorruptError(`${where} is damaged: ${detail}. Endure will not serve or write to it: restore the database from a backup`);
}
