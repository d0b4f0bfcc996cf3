// Reading the engine's sqlite database directly: the raw rows behind what the API reports.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { HistoryEvent } from '../../src/common/history.js';

export type Db = Database.Database;

/**
 * Opens the database file, runs `read` and closes it. Read-only unless `writable`: a copy whose
 * WAL is to be replayed must be opened read-write, like the engine's next launch would.
 */
export function withDatabase<T>(path: string, read: (db: Db) => T, { writable = false } = {}): T {
  const db = new Database(path, { fileMustExist: true, readonly: !writable });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export function rowCount(db: Db, table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

export function storedRuns(db: Db): { id: string; runId: string; status: string }[] {
  return db.prepare('SELECT workflow_id AS id, run_id AS runId, status FROM workflows ORDER BY workflow_id').all() as { id: string; runId: string; status: string }[];
}

/** Every stored history by workflow id, in event order. */
export function storedHistories(db: Db): Map<string, HistoryEvent[]> {
  const histories = new Map<string, HistoryEvent[]>();
  for (const row of db.prepare('SELECT workflow_id AS id, event FROM history ORDER BY workflow_id, event_id').all() as { id: string; event: string }[]) {
    let list = histories.get(row.id);
    if (!list) histories.set(row.id, (list = []));
    list.push(JSON.parse(row.event) as HistoryEvent);
  }
  return histories;
}

export function storedTimerIds(db: Db): string[] {
  return (db.prepare('SELECT timer_id AS id FROM timers').all() as { id: string }[]).map((r) => r.id);
}

/**
 * No workflow lost or duplicated: the stored runs are exactly one per expected id (`message` says
 * which ids), each the run the API reported.
 */
export function assertStoredRuns(runs: readonly { id: string; runId: string }[], expectedIds: readonly string[], runIds: ReadonlyMap<string, string>, message: string): void {
  assert.deepEqual(runs.map((r) => r.id).sort(), [...expectedIds].sort(), message);
  for (const r of runs) assert.equal(r.runId, runIds.get(r.id), `${r.id}: the stored run is the one the API reports`);
}
