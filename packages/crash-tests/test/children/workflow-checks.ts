// What the child-workflow crash test expects of each parent and child workflow (see
// src/children/shared.ts): the final launch's report of it, and its history.
import assert from 'node:assert/strict';
import type { Outcome } from '../../src/children/runner.js';
import { decodePayload, eventsOf, type EventOf, type HistoryEvent } from '../../src/common/history.js';
import {
  ABANDONED_SLEEP_MS,
  CHILDREN_PER_FAMILY,
  CHILD_SLEEP_MS,
  abandonedValue,
  allChildren,
  allParents,
  childId,
  childValue,
  cleanupValue,
  closerChildId,
  closerValue,
  expectedAbandonedResult,
  expectedChildResult,
  expectedCloserResult,
  expectedFamilyResult,
  prepared,
  type Top,
} from '../../src/children/shared.js';

type Child = ReturnType<typeof allChildren>[number];
type Histories = ReadonlyMap<string, readonly HistoryEvent[]>;

/** Never expected anywhere: a crash must not look like a failure, a timeout or a refused start. */
export const FORBIDDEN_EVENTS = new Set([
  'ActivityTaskFailed',
  'ActivityTaskTimedOut',
  'ActivityTaskCancelRequested',
  'ActivityTaskCanceled',
  'WorkflowExecutionFailed',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
  'StartChildWorkflowExecutionFailed',
  'ExternalWorkflowRequestInitiated',
  'ExternalWorkflowRequestDone',
]);

/**
 * 1. The final launch's view: every parent's result exactly right, every child's outcome as
 * planned. Returns the outcome of an id (asserting the launch reported it).
 */
export function assertOutcomes(reported: readonly Outcome[]): (id: string) => Outcome {
  const outcomes = new Map(reported.map((o) => [o.workflowId, o]));
  const outcome = (id: string) => {
    const o = outcomes.get(id);
    assert.ok(o, `the final launch reported ${id}`);
    return o;
  };
  assert.equal(outcomes.size, allParents().length + allChildren().length, 'one outcome per parent and per child');
  for (const p of allParents()) {
    const o = outcome(p.id);
    const expected = p.kind === 'family' ? expectedFamilyResult(p.n) : expectedCloserResult(p.policy, p.n);
    assert.deepEqual({ status: o.status, result: o.result, error: o.error }, { status: 'COMPLETED', result: expected, error: undefined }, `${p.id}: outcome`);
  }
  for (const c of allChildren()) {
    const o = outcome(c.childId);
    if (c.family !== undefined) {
      assert.deepEqual({ status: o.status, result: o.result, error: o.error }, { status: 'COMPLETED', result: expectedChildResult(c.family, c.k), error: undefined }, `${c.childId}: outcome`);
    } else if (c.policy === 'ABANDON') {
      assert.deepEqual({ status: o.status, result: o.result, error: o.error }, { status: 'COMPLETED', result: expectedAbandonedResult(c.n), error: undefined }, `${c.childId}: outcome`);
    } else {
      const [status, causeName] = c.policy === 'TERMINATE' ? ['TERMINATED', 'TerminatedFailure'] : ['CANCELED', 'CancelledFailure'];
      assert.deepEqual({ status: o.status, result: o.result, name: o.error?.name, causeName: o.error?.causeName }, { status, result: undefined, name: 'WorkflowFailedError', causeName }, `${c.childId}: outcome ${JSON.stringify(o.error)}`);
    }
  }
  return outcome;
}

/** A parent's events about its children, by kind. */
export function childEventsOf(events: readonly HistoryEvent[]) {
  return {
    initiated: eventsOf(events, 'StartChildWorkflowExecutionInitiated'),
    started: eventsOf(events, 'ChildWorkflowExecutionStarted'),
    closed: eventsOf(events, 'ChildWorkflowExecutionClosed'),
  };
}

/** [type, result] of each activity, in schedule order. */
function activityResults(events: readonly HistoryEvent[]) {
  return eventsOf(events, 'ActivityTaskScheduled').map((s) => [s.attributes.activityType, decodePayload(eventsOf(events, 'ActivityTaskCompleted').find((c) => c.attributes.seq === s.attributes.seq)!.attributes.result)]);
}

function timerSeqs(events: readonly HistoryEvent[], type: 'TimerStarted' | 'TimerFired' | 'TimerCanceled') {
  return eventsOf(events, type).map((e) => e.attributes.seq);
}

/** The last event of a workflow's history: its close. */
export function closeEventIn(histories: Histories) {
  return (id: string) => histories.get(id)!.at(-1)!;
}

/**
 * 4. A parent's history: exactly one Initiated, one Started and (for a family) one Closed event
 * per child, in that order, with the child's one run id and its result.
 */
export function assertParentHistory(p: Top, histories: Histories, runIds: ReadonlyMap<string, string>): void {
  const closeEvent = closeEventIn(histories);
  const events = histories.get(p.id)!;
  const { initiated, started, closed } = childEventsOf(events);
  assert.deepEqual(timerSeqs(events, 'TimerStarted'), [], `${p.id}: no timers`);
  assert.equal(eventsOf(events, 'WorkflowExecutionSignaled').length + eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${p.id}: no signals or cancellation`);
  assert.equal(closeEvent(p.id).type, 'WorkflowExecutionCompleted', `${p.id}: closes completed`);
  if (p.kind === 'family') {
    const ids = Array.from({ length: CHILDREN_PER_FAMILY }, (_, k) => childId(p.n, k));
    assert.deepEqual(initiated.map((e) => e.attributes.workflowId), ids, `${p.id}: one StartChildWorkflowExecutionInitiated per child, in order`);
    assert.deepEqual(started.map((e) => e.attributes.workflowId), ids, `${p.id}: one ChildWorkflowExecutionStarted per child, in order`);
    assert.deepEqual(closed.map((e) => e.attributes.workflowId).sort(), [...ids].sort(), `${p.id}: one ChildWorkflowExecutionClosed per child`);
    for (const [k, cid] of ids.entries()) {
      const i = initiated[k]!;
      const s = started.find((e) => e.attributes.seq === i.attributes.seq);
      const c = closed.find((e) => e.attributes.seq === i.attributes.seq);
      assert.ok(s && c, `${p.id}: child ${cid}: Started and Closed carry the seq of its Initiated event`);
      assert.deepEqual(
        { workflowType: i.attributes.workflowType, input: i.attributes.input.map(decodePayload), policy: i.attributes.parentClosePolicy },
        { workflowType: 'familyChild', input: [p.n, k], policy: 'TERMINATE' },
        `${p.id}: child ${cid} initiated as planned`,
      );
      assert.ok(i.eventId < s.eventId && s.eventId < c.eventId, `${p.id}: child ${cid}: Initiated < Started < Closed`);
      assert.equal(s.attributes.runId, runIds.get(cid), `${p.id}: child ${cid}: Started names the child's one run`);
      assert.equal(c.attributes.runId, runIds.get(cid), `${p.id}: child ${cid}: Closed names the child's one run`);
      assert.deepEqual({ status: c.attributes.status, result: decodePayload(c.attributes.result) }, { status: 'COMPLETED', result: expectedChildResult(p.n, k) }, `${p.id}: child ${cid}: Closed carries its result`);
      if (k > 0) assert.ok(started[k - 1]!.eventId < i.eventId, `${p.id}: child ${cid} initiated only after child ${k - 1} started`);
    }
    assert.deepEqual(activityResults(events), [['prepare', prepared(p.n)]], `${p.id}: activities`);
    assert.equal(decodePayload((closeEvent(p.id) as EventOf<'WorkflowExecutionCompleted'>).attributes.result), expectedFamilyResult(p.n), `${p.id}: result in history`);
  } else {
    const cid = closerChildId(p.policy, p.n);
    assert.deepEqual(initiated.map((e) => [e.attributes.workflowId, e.attributes.parentClosePolicy]), [[cid, p.policy]], `${p.id}: one Initiated event, with its policy`);
    assert.deepEqual(started.map((e) => [e.attributes.seq, e.attributes.workflowId, e.attributes.runId]), [[initiated[0]!.attributes.seq, cid, runIds.get(cid)]], `${p.id}: one Started event, naming the child's one run`);
    // The parent closed right after the child started, long before the child closed.
    assert.deepEqual(closed, [], `${p.id}: closed before its child, so never told of its close`);
    assert.ok(closeEvent(p.id).eventTime <= closeEvent(cid).eventTime, `${p.id}: closed before its child ${cid}`);
    assert.deepEqual(activityResults(events), [['closerWork', closerValue(p.policy, p.n)]], `${p.id}: activities`);
    assert.equal(decodePayload((closeEvent(p.id) as EventOf<'WorkflowExecutionCompleted'>).attributes.result), expectedCloserResult(p.policy, p.n), `${p.id}: result in history`);
  }
}

/** 5. A child's history: the planned input, work and end. */
export function assertChildHistory(c: Child, histories: Histories): void {
  const closeEvent = closeEventIn(histories);
  const events = histories.get(c.childId)!;
  const first = events[0] as EventOf<'WorkflowExecutionStarted'>;
  const last = closeEvent(c.childId);
  const fired = timerSeqs(events, 'TimerFired');
  const startedTimers = timerSeqs(events, 'TimerStarted');
  assert.equal(eventsOf(events, 'WorkflowExecutionSignaled').length, 0, `${c.childId}: no signals`);
  assert.equal(childEventsOf(events).initiated.length, 0, `${c.childId}: no children of its own`);
  if (c.family !== undefined) {
    assert.deepEqual({ type: first.attributes.workflowType, input: first.attributes.input.map(decodePayload) }, { type: 'familyChild', input: [c.family, c.k] }, `${c.childId}: started as planned`);
    assert.deepEqual(activityResults(events), [['childWork', childValue(c.family, c.k)]], `${c.childId}: activities`);
    assert.deepEqual({ started: startedTimers.length, fired }, { started: 1, fired: startedTimers }, `${c.childId}: one sleep, fired once`);
    assert.deepEqual(eventsOf(events, 'TimerStarted').map((e) => e.attributes.durationMs), [CHILD_SLEEP_MS], `${c.childId}: its sleep`);
    assert.equal(eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${c.childId}: not cancelled`);
    assert.ok(last.type === 'WorkflowExecutionCompleted' && decodePayload(last.attributes.result) === expectedChildResult(c.family, c.k), `${c.childId}: result in history`);
    return;
  }
  const n = c.n;
  const parentClosed = closeEvent(c.parentId).eventTime;
  if (c.policy === 'ABANDON') {
    // 5a. Abandoned: it completed on its own, after its parent had closed.
    assert.deepEqual({ type: first.attributes.workflowType, input: first.attributes.input.map(decodePayload) }, { type: 'abandonedChild', input: [n] }, `${c.childId}: started as planned`);
    assert.deepEqual(activityResults(events), [['abandonedWork', abandonedValue(n)]], `${c.childId}: activities`);
    assert.deepEqual(eventsOf(events, 'TimerStarted').map((e) => e.attributes.durationMs), [ABANDONED_SLEEP_MS], `${c.childId}: its sleep`);
    assert.deepEqual(fired, startedTimers, `${c.childId}: its sleep fired`);
    assert.equal(eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${c.childId}: not cancelled`);
    assert.ok(last.type === 'WorkflowExecutionCompleted' && decodePayload(last.attributes.result) === expectedAbandonedResult(n), `${c.childId}: result in history`);
    assert.ok(last.eventTime >= parentClosed, `${c.childId}: completed after its parent closed`);
    return;
  }
  assert.deepEqual({ type: first.attributes.workflowType, input: first.attributes.input.map(decodePayload) }, { type: 'waitingChild', input: [n] }, `${c.childId}: started as planned`);
  assert.deepEqual(fired, [], `${c.childId}: its long sleep never fired`);
  assert.ok(startedTimers.length <= 1, `${c.childId}: at most its one long sleep`);
  if (c.policy === 'TERMINATE') {
    // 5b. Terminated by its parent's close (whenever that reached it): nothing else happened to it.
    assert.ok(last.type === 'WorkflowExecutionTerminated', `${c.childId}: ends terminated, got ${last.type}`);
    assert.match(last.attributes.reason ?? '', /parentClosePolicy TERMINATE/, `${c.childId}: terminated because its parent closed`);
    assert.ok(last.eventTime >= parentClosed, `${c.childId}: terminated after its parent closed`);
    assert.deepEqual(activityResults(events), [], `${c.childId}: no activities`);
    assert.equal(eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${c.childId}: not cancelled`);
  } else {
    // 5c. Cancelled by its parent's close, once; its cleanup ran once; it ended CANCELED.
    const requests = eventsOf(events, 'WorkflowExecutionCancelRequested');
    assert.equal(requests.length, 1, `${c.childId}: exactly one cancel request`);
    assert.match(requests[0]!.attributes.reason ?? '', /parentClosePolicy REQUEST_CANCEL/, `${c.childId}: cancelled because its parent closed`);
    assert.ok(requests[0]!.eventTime >= parentClosed, `${c.childId}: cancel requested after its parent closed`);
    assert.deepEqual(timerSeqs(events, 'TimerCanceled'), startedTimers, `${c.childId}: its sleep (if it began) was cancelled`);
    assert.deepEqual(activityResults(events), [['cleanup', cleanupValue(n)]], `${c.childId}: the cleanup ran once`);
    assert.ok(last.type === 'WorkflowExecutionCanceled', `${c.childId}: ends cancelled, got ${last.type}`);
  }
}
