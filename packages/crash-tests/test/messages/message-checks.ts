// The messages crash test's checks of the messages the children sent (signals, cancels, updates)
// against history: acknowledged means durable, and nothing durable was sent again.
import { decodePayload, eventsOf, type HistoryEvent } from '../../src/common/history.js';
import { STEPS, allWorkflowIds, expectedUpdateResult, updateId, type LogLine } from '../../src/messages/shared.js';
import { linesOf } from '../harness/activity-log.js';

/** Every update id, with the result its handler must return. */
export function expectedUpdateResults(): Map<string, string> {
  return new Map(allWorkflowIds().filter((w) => w.kind === 'stepper').flatMap(({ n }) => Array.from({ length: STEPS }, (_, k) => [updateId(n, k), expectedUpdateResult(n, k)] as const)));
}

/** The first event of `workflowId`'s history that matches `pred`: when it was recorded. */
export function eventTimeIn(histories: ReadonlyMap<string, readonly HistoryEvent[]>) {
  return (workflowId: string, pred: (e: HistoryEvent) => boolean) => histories.get(workflowId)!.find(pred)?.eventTime;
}

/**
 * 6. Each acknowledged signal is in history (recorded no later than its acknowledgement, give or
 * take `clockSlackMs`), and none was acknowledged twice (a lost signal would have been sent
 * again); the same for first cancel requests; accepted updates were durably accepted, and every
 * update result any child got is the handler's. Returns the violations.
 */
export function messageViolations(log: readonly LogLine[], histories: ReadonlyMap<string, readonly HistoryEvent[]>, clockSlackMs: number): string[] {
  const violations: string[] = [];
  const eventTimeOf = eventTimeIn(histories);
  const signalKeys = new Map<string, number>();
  for (const l of linesOf(log, 'signal')) {
    const key = `${l.workflowId}/${l.name}#${l.index}`;
    signalKeys.set(key, (signalKeys.get(key) ?? 0) + 1);
    const events = histories.get(l.workflowId)!;
    const recorded = eventsOf(events, 'WorkflowExecutionSignaled').filter((e) => e.attributes.signalName === l.name)[l.index];
    if (!recorded || decodePayload(recorded.attributes.input[0]) !== (l.arg ?? undefined)) violations.push(`${key}: acknowledged (pid ${l.pid}) but not in history as signal #${l.index}`);
    else if (recorded.eventTime > l.time + clockSlackMs) violations.push(`${key}: acknowledged at ${l.time} but recorded only at ${recorded.eventTime}`);
  }
  for (const [key, times] of signalKeys) if (times > 1) violations.push(`${key}: acknowledged ${times} times (sent again after it was durable)`);
  // Cancels: a first cancel request was acknowledged at most once per booking, and only after it was durable.
  for (const l of linesOf(log, 'cancel')) {
    const at = eventTimeOf(l.workflowId, (e) => e.type === 'WorkflowExecutionCancelRequested');
    if (at === undefined || at > l.time + clockSlackMs) violations.push(`${l.workflowId}: cancel acknowledged at ${l.time} (pid ${l.pid}) but recorded at ${at}`);
  }
  const firstCancels = linesOf(log, 'cancel').filter((l) => !l.resend);
  for (const wf of new Set(firstCancels.map((l) => l.workflowId))) {
    const n = firstCancels.filter((l) => l.workflowId === wf).length;
    if (n > 1) violations.push(`${wf}: cancelled ${n} times though history held the request`);
  }
  // Updates: accepted means durably accepted; every result any child got is the handler's result.
  const expectedUpdate = expectedUpdateResults();
  for (const l of linesOf(log, 'update-accepted')) {
    const at = eventTimeOf(l.workflowId, (e) => e.type === 'WorkflowExecutionUpdateAccepted' && e.attributes.updateId === l.updateId);
    if (at === undefined || at > l.time + clockSlackMs) violations.push(`${l.updateId}: startUpdate returned at ${l.time} (pid ${l.pid}) but acceptance recorded at ${at}`);
  }
  for (const l of linesOf(log, 'update-result')) {
    if (l.result !== expectedUpdate.get(l.updateId)) violations.push(`${l.updateId}: pid ${l.pid} got ${JSON.stringify(l.result)}, expected ${expectedUpdate.get(l.updateId)}`);
  }
  return violations;
}
