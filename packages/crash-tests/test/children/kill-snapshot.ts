// What one kill of the child-workflow crash test cut through, read from a copy of the database
// taken while no process holds it (the killed process is gone, the next one not yet spawned):
// exactly what was durable at the kill.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLOSE_TYPES, eventsOf } from '../../src/common/history.js';
import { allChildren } from '../../src/children/shared.js';
import { storedHistories, storedRuns, storedTimerIds, withDatabase } from '../harness/db.js';

export interface KillSnapshot {
  /** Children initiated in the parent's history but not yet started there (fx:child-start pending). */
  initiated: number;
  /** …of which the child run already existed: the restart retries a start that happened. */
  initiatedRunExists: number;
  /** Family children started in the parent's history whose close the parent had not recorded yet. */
  open: number;
  /** Children closed in their own history, whose close their (open) parent had not recorded yet. */
  closedUntold: number;
  /** Pending effect rows by kind. */
  fxChildStart: number;
  fxNotifyParent: number;
  fxCloseChild: number;
}

/** The narrow windows a launch announces (see src/children/runner.ts). */
export const WINDOWS = ['initiated', 'created', 'untold', 'closing'] as const;
export type Window = (typeof WINDOWS)[number];

/** Whether any kill so far cut through window `w`, by the copies taken after the kills. */
export function windowHit(snapshots: readonly KillSnapshot[], w: Window): boolean {
  return snapshots.some((s) =>
    w === 'initiated' ? s.initiated > 0
    : w === 'created' ? s.initiatedRunExists > 0
    : w === 'untold' ? s.closedUntold > 0 || s.fxNotifyParent > 0
    : s.fxCloseChild > 0,
  );
}

/** Copies the database at `dbPath` into `dir` and reads the copy; `keep` keeps the copy. */
export function snapshotAfterKill(dbPath: string, dir: string, keep: boolean): KillSnapshot {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, 'copy.db');
  copyFileSync(dbPath, copy);
  // The engine runs WAL with locking_mode=EXCLUSIVE: the WAL holds the latest commits and there
  // is no -shm; opening the copy read-write replays the WAL like the next launch will.
  if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
  try {
    return withDatabase(copy, (db) => {
      const runs = new Set(storedRuns(db).map((r) => r.id));
      const historyOf = storedHistories(db);
      const timers = storedTimerIds(db);
      const s: KillSnapshot = {
        initiated: 0,
        initiatedRunExists: 0,
        open: 0,
        closedUntold: 0,
        fxChildStart: timers.filter((t) => t.startsWith('fx:child-start:')).length,
        fxNotifyParent: timers.filter((t) => t === 'fx:notify-parent').length,
        fxCloseChild: timers.filter((t) => t.startsWith('fx:close-child:')).length,
      };
      for (const { parentId, childId: cid, policy } of allChildren()) {
        const events = historyOf.get(parentId) ?? [];
        const initiated = eventsOf(events, 'StartChildWorkflowExecutionInitiated').find((e) => e.attributes.workflowId === cid);
        if (!initiated) continue;
        const seq = initiated.attributes.seq;
        const started = eventsOf(events, 'ChildWorkflowExecutionStarted').some((e) => e.attributes.seq === seq);
        const told = eventsOf(events, 'ChildWorkflowExecutionClosed').some((e) => e.attributes.seq === seq);
        if (!started) {
          s.initiated++;
          if (runs.has(cid)) s.initiatedRunExists++;
        } else if (!told && policy === undefined) {
          s.open++;
          const own = historyOf.get(cid) ?? [];
          if (own.some((e) => CLOSE_TYPES.has(e.type))) s.closedUntold++;
        }
      }
      return s;
    }, { writable: true });
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}
