// What the kills of the messages crash test cut through: while the children come and go, read
// from the log; at the end, judged exactly by history times.
import { eventsOf, updateEvents, type HistoryEvent } from '../../src/common/history.js';
import { STEPS, allWorkflowIds, updateId, type LogLine } from '../../src/messages/shared.js';
import { executionsBegunBy, linesOf } from '../harness/activity-log.js';
import type { RunnerProcess } from '../harness/child-process.js';
import { cutByKill } from '../harness/kills.js';
import { eventTimeIn, expectedUpdateResults } from './message-checks.js';

/**
 * What the log says a kill of `pid` cut through (the log is all the test can read while children
 * come and go; the exact, history-based check follows at the end):
 * - update: an update this child saw accepted, whose result it never got;
 * - signal: an acknowledged addItem signal whose pricing activity has not ended yet;
 * - cancel: an acknowledged cancel whose booking had not been seen closed.
 */
export function logCoverage(log: readonly LogLine[], pid: number) {
  const mine = log.filter((l) => l.pid === pid);
  const answered = new Set(linesOf(mine, 'update-result').map((l) => l.updateId));
  const update = linesOf(mine, 'update-accepted').some((l) => !answered.has(l.updateId));
  const signal = [...new Set(linesOf(log, 'signal').filter((l) => l.name === 'addItem').map((l) => l.workflowId))].some((wf) => {
    const sent = linesOf(log, 'signal').filter((l) => l.workflowId === wf && l.name === 'addItem').length;
    const priced = new Set(linesOf(log, 'activity').filter((l) => l.workflowId === wf && l.activityType === 'priceItem' && l.phase === 'end').map((l) => l.activityId)).size;
    return sent > priced;
  });
  const closed = new Set(linesOf(log, 'closed').map((l) => l.workflowId));
  const cancel = linesOf(log, 'cancel').some((l) => !closed.has(l.workflowId));
  return { update, signal, cancel };
}

/**
 * 8. Per child: what it sent and ran, and what its kill cut through, judged by history times (see
 * cutByKill). Mid-update: an update accepted before the kill and completed only by a later child;
 * mid-signal: an addItem signal recorded before the kill whose pricing activity completed only in
 * a later child; mid-cancellation: a cancel request recorded before the kill whose run closed
 * CANCELED only in a later child; "unprocessed": a signal recorded before the kill that no
 * workflow task had seen yet (reported only).
 */
export function killStats(children: readonly RunnerProcess[], histories: ReadonlyMap<string, readonly HistoryEvent[]>, log: readonly LogLine[]) {
  return children.map((c, i) => {
    const cut = cutByKill(c, children[i + 1]);
    let midUpdate = 0;
    let midSignal = 0;
    let unprocessed = 0;
    let midCancel = 0;
    for (const { kind, n, id } of allWorkflowIds()) {
      const events = histories.get(id)!;
      if (kind === 'stepper') {
        for (let k = 0; k < STEPS; k++) {
          const u = updateEvents(events, updateId(n, k));
          if (cut(u.accepted[0]?.eventTime, u.completed[0]?.eventTime)) midUpdate++;
        }
      } else if (kind === 'cart') {
        const sigs = eventsOf(events, 'WorkflowExecutionSignaled').filter((e) => e.attributes.signalName === 'addItem');
        const priced = eventsOf(events, 'ActivityTaskScheduled').filter((e) => e.attributes.activityType === 'priceItem');
        const wfts = eventsOf(events, 'WorkflowTaskCompleted');
        sigs.forEach((s, k) => {
          const done = eventsOf(events, 'ActivityTaskCompleted').find((e) => e.attributes.seq === priced[k]?.attributes.seq);
          if (cut(s.eventTime, done?.eventTime)) midSignal++;
          if (cut(s.eventTime, wfts.find((w) => w.attributes.sawUpTo >= s.eventId)?.eventTime)) unprocessed++;
        });
      } else {
        const req = eventsOf(events, 'WorkflowExecutionCancelRequested')[0];
        if (cut(req?.eventTime, eventsOf(events, 'WorkflowExecutionCanceled')[0]?.eventTime)) midCancel++;
      }
    }
    const mine = log.filter((l) => l.pid === c.pid);
    const { begun, interrupted } = executionsBegunBy(log, c.pid);
    return {
      child: c.index,
      pid: c.pid,
      killAfterMs: c.killDelay ?? null,
      signals: linesOf(mine, 'signal').length,
      updAccepted: linesOf(mine, 'update-accepted').length,
      updResumed: linesOf(mine, 'update-resumed').length,
      cancels: linesOf(mine, 'cancel').length,
      activities: begun.length,
      interrupted,
      midSignal,
      unprocessed,
      midUpdate,
      midCancel,
    };
  });
}

/**
 * 9. Updates accepted before a crash and answered after it: a killed child saw the update accepted
 * but never got its result; a later child waited for it by id (no new request) and got the
 * handler's result, which history recorded only after the kill.
 */
export function updatesAnsweredAfterCrash(children: readonly RunnerProcess[], kills: number, histories: ReadonlyMap<string, readonly HistoryEvent[]>, log: readonly LogLine[]): string[] {
  const eventTimeOf = eventTimeIn(histories);
  const expectedUpdate = expectedUpdateResults();
  const pids = children.map((c) => c.pid);
  const answered: string[] = [];
  for (const [i, c] of children.slice(0, kills).entries()) {
    const mine = log.filter((l) => l.pid === c.pid);
    const gotResult = new Set(linesOf(mine, 'update-result').map((l) => l.updateId));
    for (const a of linesOf(mine, 'update-accepted')) {
      if (gotResult.has(a.updateId)) continue;
      const later = linesOf(log, 'update-result').find((l) => l.updateId === a.updateId && l.resumed && pids.indexOf(l.pid) > i);
      const completedAt = eventTimeOf(a.workflowId, (e) => e.type === 'WorkflowExecutionUpdateCompleted' && e.attributes.updateId === a.updateId);
      if (later && later.result === expectedUpdate.get(a.updateId) && completedAt !== undefined && completedAt >= children[i + 1]!.spawnedAt) {
        answered.push(`${a.updateId} (accepted in child #${i}, answered in child #${children[pids.indexOf(later.pid)]!.index})`);
      }
    }
  }
  return answered;
}
