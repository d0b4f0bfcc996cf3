// Detecting damage: a database page overwritten by a disk, a bad copy or another program must
// never be served as data. Each history event and each run record is stored with a CRC-32 of its
// content (bound to its event id, or to the record's status and version); reads check them,
// check that a history has no gap up to the run's version, and the database's own structure is
// checked when the file is opened (PRAGMA quick_check), up to a size where that stays quick.
import { crc32 } from 'node:zlib';
import type Database from 'better-sqlite3';
import { StoredDataCorruptError } from '@endure/storage';

/** The checksum stored with one history event's JSON text. */
export function eventCrc(eventId: number, text: string): number {
  return crc32(text, eventId >>> 0);
}

/** The checksum stored with a run record: its state, status, version and close time. */
export function recordCrc(r: { status: string; next_event_id: number; close_time: number | null; state: string }): number {
  return crc32(r.state, crc32(`${r.status}\u0000${r.next_event_id}\u0000${r.close_time ?? ''}`));
}

const what = (k: { namespace: string; workflow_id: string; run_id: string }) => `workflow ${k.workflow_id} run ${k.run_id} (namespace ${k.namespace})`;

/** Refuses a run record whose checksum does not match (records written before schema 5 have none). */
export function checkRecord(row: { namespace: string; workflow_id: string; run_id: string; status: string; next_event_id: number; close_time: number | null; state: string; crc?: number | null }): void {
  if (row.crc !== null && row.crc !== undefined && row.crc !== recordCrc(row)) {
    throw new StoredDataCorruptError(`the stored record of ${what(row)} is damaged (checksum mismatch)`);
  }
}

/**
 * The texts of a history read, checked: each event's checksum, ids consecutive from `from`,
 * and — unless the read stopped at its limit — running up to the run's last event.
 */
export function checkedHistory(
  key: { namespace: string; workflow_id: string; run_id: string },
  rows: { event_id: number; event: string; crc: number | null }[],
  from: number,
  limit: number,
  nextEventId: number | undefined,
): string[] {
  const texts: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (r.event_id !== from + i) throw new StoredDataCorruptError(`the stored history of ${what(key)} is damaged: event ${from + i} is missing`);
    if (r.crc !== null && r.crc !== eventCrc(r.event_id, r.event)) throw new StoredDataCorruptError(`the stored history of ${what(key)} is damaged: event ${r.event_id} fails its checksum`);
    texts.push(r.event);
  }
  const last = nextEventId === undefined ? undefined : nextEventId - 1;
  const complete = limit < 0 || rows.length < limit;
  if (last !== undefined && complete && from <= last && from + rows.length - 1 !== last) {
    throw new StoredDataCorruptError(`the stored history of ${what(key)} is damaged: it ends at event ${from + rows.length - 1}, but the run has ${last} events`);
  }
  return texts;
}

/** SQLite's own verdict that the file is damaged (or not a database at all). */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** The error a caller sees, naming the file and what to do. */
export function damaged(path: string, detail: string): StoredDataCorruptError {
  return new StoredDataCorruptError(
    `database ${path} is damaged: ${detail}. Endure will not serve or write to it: restore the file from a backup (or move it aside to start with an empty database)`,
  );
}

/**
 * Files up to this size get SQLite's structure check at every open. It reads the whole file
 * (~0.6 s per 400 MB from the page cache here, ~10 s for a 2 GB file of 1M runs on a loaded
 * machine), so a larger file opens without it and relies on the checksums and on SQLite's own
 * checks of every page it reads; run the check on such a file offline (`sqlite3 FILE 'PRAGMA
 * quick_check'`) or raise the limit (store option structureCheckMaxBytes).
 */
export const DEFAULT_STRUCTURE_CHECK_MAX_BYTES = 512 * 2 ** 20;

/** Checks the file's structure at open, if it is small enough; throws `damaged(...)` if SQLite finds a problem. */
export function checkStructure(db: Database.Database, path: string, maxBytes: number): void {
  const bytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  if (bytes > maxBytes) return;
  let problems: string[];
  try {
    problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (e) {
    if (isCorruption(e)) throw damaged(path, (e as Error).message);
    throw e;
  }
  if (problems.length !== 1 || problems[0] !== 'ok') throw damaged(path, `SQLite's integrity check found: ${problems.join('; ')}`);
}
