// What must hold of every history a cluster wrote, however its nodes died and its shards moved:
// events numbered 1, 2, 3… without a gap, one close event and nothing after it, and each thing
// recorded once — one outcome per activity and per child, one firing per timer, each signal once.
import assert from 'node:assert/strict';
import type { Client } from '@endure/client';
import { CLOSE_EVENT_TYPES, type HistoryEvent } from '@endure/protocol';

const ACTIVITY_OUTCOMES = new Set(['ActivityTaskCompleted', 'ActivityTaskFailed', 'ActivityTaskTimedOut', 'ActivityTaskCanceled']);

/** The problems of one history (empty when it is sound). */
export function historyProblems(workflowId: string, events: HistoryEvent[]): string[] {
  const problems: string[] = [];
  events.forEach((e, i) => e.eventId !== i + 1 && problems.push(`${workflowId}: event ${i + 1} has id ${e.eventId} (a gap or a repeat)`));
  const closes = events.filter((e) => CLOSE_EVENT_TYPES.has(e.type));
  if (closes.length !== 1) problems.push(`${workflowId}: ${closes.length} close events`);
  else if (events.at(-1) !== closes[0]) problems.push(`${workflowId}: events after its close`);
  const once = (what: string, keys: (string | number)[]) => {
    const seen = new Set<string | number>();
    for (const k of keys) {
      if (seen.has(k)) problems.push(`${workflowId}: ${what} ${k} recorded twice`);
      seen.add(k);
    }
  };
  const seqOf = (e: HistoryEvent) => (e.attributes as { seq?: number }).seq ?? -1;
  once('activity outcome for seq', events.filter((e) => ACTIVITY_OUTCOMES.has(e.type)).map(seqOf));
  once('timer firing for seq', events.filter((e) => e.type === 'TimerFired').map(seqOf));
  once('child close for seq', events.filter((e) => e.type === 'ChildWorkflowExecutionClosed').map(seqOf));
  once('child start for seq', events.filter((e) => e.type === 'ChildWorkflowExecutionStarted').map(seqOf));
  const signals = events.filter((e) => e.type === 'WorkflowExecutionSignaled').map((e) => JSON.stringify(e.attributes.input));
  once('signal with input', signals);
  return problems;
}

/** Reads each workflow's history through the client and fails with every problem found. */
export async function checkClusterHistories(client: Client, workflowIds: string[]): Promise<void> {
  const problems: string[] = [];
  for (const id of workflowIds) {
    const { events } = await client.workflow.getHandle(id).fetchHistory();
    problems.push(...historyProblems(id, events));
  }
  assert.deepEqual(problems, [], problems.slice(0, 20).join('\n'));
}
