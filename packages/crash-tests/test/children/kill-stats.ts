// What each kill of the child-workflow crash test cut through, judged by history times, next to
// what the copy of the database taken after it showed.
import { eventsOf, type HistoryEvent } from '../../src/common/history.js';
import { allChildren, type LogLine } from '../../src/children/shared.js';
import { executionsBegunBy } from '../harness/activity-log.js';
import type { RunnerProcess } from '../harness/child-process.js';
import { cutByKill } from '../harness/kills.js';
import type { KillSnapshot } from './kill-snapshot.js';
import { childEventsOf, closeEventIn } from './workflow-checks.js';

/** A launch whose kill chased a window: the window, and how long after its announcement the kill came. */
export type Chase = { window: string; workflowId: string; eventTime: number; seenAt: number; killedAt: number };

/**
 * 8. Per launch, what its kill cut through (see cutByKill):
 * - initiated: the parent's Initiated event, then its Started event (the start effect);
 *   startRetried: of those, the child's run already existed at the kill (its first event before it);
 * - open: the parent's Started event, then its Closed event (family children);
 * - untold: the child's close, then the parent's Closed event (the notify effect);
 * - closing: a closer parent's close, then its child's termination or cancel request.
 * Times in the table are ms since `t0`.
 */
export function killStats(
  launches: readonly RunnerProcess[],
  chases: ReadonlyMap<RunnerProcess, Chase>,
  snapshots: readonly KillSnapshot[],
  histories: ReadonlyMap<string, readonly HistoryEvent[]>,
  log: readonly LogLine[],
  t0: number,
) {
  const closeEvent = closeEventIn(histories);
  return launches.map((c, i) => {
    const K = c.killedAt;
    const cut = cutByKill(c, launches[i + 1]);
    let initiated = 0;
    let startRetried = 0;
    let open = 0;
    let untold = 0;
    let closing = 0;
    for (const ch of allChildren()) {
      const events = histories.get(ch.parentId)!;
      const { initiated: ini, started, closed } = childEventsOf(events);
      const iEv = ini.find((e) => e.attributes.workflowId === ch.childId)!;
      const sEv = started.find((e) => e.attributes.seq === iEv.attributes.seq);
      const cEv = closed.find((e) => e.attributes.seq === iEv.attributes.seq);
      const own = histories.get(ch.childId)!;
      if (cut(iEv.eventTime, sEv?.eventTime)) {
        initiated++;
        if (K !== undefined && own[0]!.eventTime <= K) startRetried++;
      }
      if (ch.family !== undefined) {
        if (cut(sEv?.eventTime, cEv?.eventTime)) open++;
        if (cut(own.at(-1)!.eventTime, cEv?.eventTime)) untold++;
      } else if (ch.policy !== 'ABANDON') {
        const reached = ch.policy === 'TERMINATE' ? own.at(-1) : eventsOf(own, 'WorkflowExecutionCancelRequested')[0];
        if (cut(closeEvent(ch.parentId).eventTime, reached?.eventTime)) closing++;
      }
    }
    const { begun, interrupted } = executionsBegunBy(log, c.pid);
    const snap = snapshots[i];
    const chased = chases.get(c);
    return {
      launch: c.index,
      pid: c.pid,
      spawnedAt: c.spawnedAt - t0,
      killedAt: c.killedAt === undefined ? null : c.killedAt - t0,
      chased: chased ? `${chased.window} ${chased.eventTime - t0}/+${chased.seenAt - chased.eventTime}/+${chased.killedAt - chased.seenAt}` : '',
      activities: begun.length,
      interrupted,
      initiated,
      startRetried,
      open,
      untold,
      closing,
      snap: snap ? `i${snap.initiated}/r${snap.initiatedRunExists} o${snap.open} u${snap.closedUntold} fx:${snap.fxChildStart}/${snap.fxNotifyParent}/${snap.fxCloseChild}` : '',
    };
  });
}
