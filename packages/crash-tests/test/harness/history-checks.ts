// Checks every crash test makes of each workflow's history, whatever the workflow does.
import assert from 'node:assert/strict';
import { eventsOf, type EventOf, type HistoryEvent } from '../../src/common/history.js';

/** An activity's completion as history recorded it. */
export interface ActivityCompletion {
  workflowId: string;
  activityId: string;
  activityType: string;
  completedTime: number;
  completedAttempt: number;
  completedIdentity: string | undefined;
  /** The pid of the runner process that reported the completion (its worker identity). */
  completedBy: number;
}

/** One run, started once: the first event names this run as its chain's first run, attempt 1. */
export function assertStartedOnce(id: string, runId: string, events: readonly HistoryEvent[]): asserts events is [EventOf<'WorkflowExecutionStarted'>, ...HistoryEvent[]] {
  const first = events[0];
  assert.ok(first?.type === 'WorkflowExecutionStarted', `${id}: history starts with WorkflowExecutionStarted`);
  assert.equal(first.attributes.firstRunId, runId, `${id}: the first run of its chain`);
  assert.equal(first.attributes.attempt, 1, `${id}: workflow attempt`);
}

export function assertGaplessEventIds(id: string, events: readonly HistoryEvent[]): void {
  assert.deepEqual(
    events.map((e) => e.eventId),
    events.map((_, i) => i + 1),
    `${id}: event ids are 1..n without gaps`,
  );
}

/**
 * Each scheduled activity completed exactly once, on the attempt planned for its type (1 unless
 * `plannedAttempt` says otherwise: a crash is not a failed attempt). Records each completion in
 * `completions` under `<workflowId>/<activityId>`; returns them in schedule order.
 */
export function assertCompletedOnce(
  id: string,
  events: readonly HistoryEvent[],
  completions: Map<string, ActivityCompletion>,
  plannedAttempt: (activityType: string) => number = () => 1,
): EventOf<'ActivityTaskCompleted'>[] {
  const completed = eventsOf(events, 'ActivityTaskCompleted');
  return eventsOf(events, 'ActivityTaskScheduled').map((s) => {
    const { seq, activityType, activityId } = s.attributes;
    const done = completed.filter((c) => c.attributes.seq === seq);
    assert.equal(done.length, 1, `${id}: activity seq ${seq} (${activityType}) completed exactly once`);
    const c = done[0]!;
    const attempt = plannedAttempt(activityType);
    assert.equal(c.attributes.attempt, attempt, `${id}: ${activityType} completed on attempt ${attempt}`);
    completions.set(`${id}/${activityId}`, {
      workflowId: id,
      activityId,
      activityType,
      completedTime: c.eventTime,
      completedAttempt: c.attributes.attempt,
      completedIdentity: c.attributes.identity,
      completedBy: Number.parseInt(c.attributes.identity ?? '', 10),
    });
    return c;
  });
}
