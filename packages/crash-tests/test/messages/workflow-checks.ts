// What the messages crash test expects of each workflow, by kind (see src/messages/shared.ts):
// the final child's report of it, and its history.
import assert from 'node:assert/strict';
import type { Outcome } from '../../src/messages/child.js';
import { decodePayload, eventsOf, signalArgs, updateEvents, type HistoryEvent } from '../../src/common/history.js';
import {
  ITEMS,
  RELEASE_SLEEP_MS,
  SEATS,
  STEPS,
  STEP_SLEEP_MS,
  expectedCartItems,
  expectedCartResult,
  expectedFinalBookingState,
  expectedSeats,
  expectedStepperResult,
  expectedUpdateResult,
  holdName,
  pricedItem,
  releasedName,
  stepValue,
  updateId,
  type Kind,
} from '../../src/messages/shared.js';

/** Never expected: nothing but the workflow itself (bookings) fails, times out or is cancelled. */
export const FORBIDDEN_EVENTS = new Set([
  'ActivityTaskFailed',
  'ActivityTaskTimedOut',
  'ActivityTaskCancelRequested',
  'ActivityTaskCanceled',
  'TimerCanceled',
  'WorkflowExecutionFailed',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
]);

/** The final child's view of one workflow: its result exactly as planned. */
export function assertOutcome(o: Outcome): void {
  if (o.kind === 'cart') {
    assert.deepEqual({ result: o.result, error: o.error }, { result: expectedCartResult(o.n), error: undefined }, `${o.workflowId} result`);
  } else if (o.kind === 'stepper') {
    assert.deepEqual({ result: o.result, error: o.error }, { result: expectedStepperResult(o.n), error: undefined }, `${o.workflowId} result`);
    assert.deepEqual(
      o.updates,
      Array.from({ length: STEPS }, (_, k) => ({ updateId: updateId(o.n, k), viaHandle: expectedUpdateResult(o.n, k), viaExecute: expectedUpdateResult(o.n, k) })),
      `${o.workflowId}: every update's result, by handle and by re-executing the same id`,
    );
  } else {
    assert.equal(o.result, undefined, `${o.workflowId} has no result`);
    assert.deepEqual(
      { name: o.error?.name, causeName: o.error?.causeName },
      { name: 'WorkflowFailedError', causeName: 'CancelledFailure' },
      `${o.workflowId} ends cancelled: ${JSON.stringify(o.error)}`,
    );
    assert.deepEqual(o.state, expectedFinalBookingState(o.n), `${o.workflowId}: state of the closed run (query)`);
  }
}

/** The parts of a history the per-kind checks look at. */
function partsOf(events: readonly HistoryEvent[]) {
  return {
    scheduled: eventsOf(events, 'ActivityTaskScheduled'),
    completedActs: eventsOf(events, 'ActivityTaskCompleted'),
    timersStarted: eventsOf(events, 'TimerStarted'),
    types: eventsOf(events, 'ActivityTaskScheduled').map((s) => s.attributes.activityType),
    cancelRequests: eventsOf(events, 'WorkflowExecutionCancelRequested'),
    last: events[events.length - 1]!,
    signalNames: eventsOf(events, 'WorkflowExecutionSignaled').map((e) => e.attributes.signalName),
    accepted: eventsOf(events, 'WorkflowExecutionUpdateAccepted'),
    completedUpdates: eventsOf(events, 'WorkflowExecutionUpdateCompleted'),
  };
}

/**
 * Every timer fired exactly once, and the history holds exactly the messages and the work its
 * kind plans; `activityResults`: the completed activities' results, in schedule order.
 */
export function assertPlannedHistory(kind: Kind, n: number, id: string, events: readonly HistoryEvent[], activityResults: readonly unknown[]): void {
  assert.deepEqual(
    eventsOf(events, 'TimerFired').map((e) => e.attributes.seq).sort((a, b) => a - b),
    eventsOf(events, 'TimerStarted').map((e) => e.attributes.seq).sort((a, b) => a - b),
    `${id}: every timer fired exactly once`,
  );
  if (kind === 'cart') assertCartHistory(n, id, events, activityResults);
  else if (kind === 'stepper') assertStepperHistory(n, id, events, activityResults);
  else assertBookingHistory(n, id, events, activityResults);
}

/** 4a. Exactly the planned signals, each once and in order: no signal lost, none doubled. */
function assertCartHistory(n: number, id: string, events: readonly HistoryEvent[], activityResults: readonly unknown[]): void {
  const { types, timersStarted, accepted, cancelRequests, last, signalNames } = partsOf(events);
  assert.deepEqual(signalArgs(events, 'addItem'), expectedCartItems(n), `${id}: addItem signals`);
  assert.deepEqual(signalNames, [...Array<string>(ITEMS).fill('addItem'), 'checkout'], `${id}: signal sequence`);
  assert.deepEqual(types, [...Array<string>(ITEMS).fill('priceItem'), 'chargeCart'], `${id}: activities`);
  assert.deepEqual(activityResults.slice(0, ITEMS), expectedCartItems(n).map(pricedItem), `${id}: each item priced once, in order`);
  assert.deepEqual(timersStarted.length + accepted.length + cancelRequests.length, 0, `${id}: no timers, updates or cancellation`);
  assert.ok(last.type === 'WorkflowExecutionCompleted', `${id}: closes completed`);
  assert.equal(decodePayload(last.attributes.result), expectedCartResult(n), `${id}: result in history`);
}

/** 4b. Each update id: exactly one acceptance and one completion, with the handler's result. */
function assertStepperHistory(n: number, id: string, events: readonly HistoryEvent[], activityResults: readonly unknown[]): void {
  const { types, timersStarted, accepted, completedUpdates, cancelRequests, last, signalNames } = partsOf(events);
  assert.deepEqual(
    accepted.map((e) => e.attributes.updateId),
    Array.from({ length: STEPS }, (_, k) => updateId(n, k)),
    `${id}: exactly the planned updates were accepted, once each, in order`,
  );
  assert.deepEqual(
    completedUpdates.map((e) => e.attributes.updateId),
    Array.from({ length: STEPS }, (_, k) => updateId(n, k)),
    `${id}: each update completed exactly once, in order`,
  );
  for (let k = 0; k < STEPS; k++) {
    const u = updateEvents(events, updateId(n, k));
    const a = u.accepted[0]!;
    const c = u.completed[0]!;
    assert.ok(a.eventId < c.eventId, `${id}: update ${k} accepted before it completed`);
    assert.deepEqual(a.attributes.input.map(decodePayload), [k], `${id}: update ${k} input`);
    assert.equal(c.attributes.failure, undefined, `${id}: update ${k} did not fail`);
    assert.equal(decodePayload(c.attributes.result), expectedUpdateResult(n, k), `${id}: update ${k} result in history`);
  }
  assert.deepEqual(types, Array<string>(STEPS).fill('applyStep'), `${id}: activities`);
  assert.deepEqual(activityResults, Array.from({ length: STEPS }, (_, k) => stepValue(n, k)), `${id}: activity results`);
  assert.deepEqual(timersStarted.map((e) => e.attributes.durationMs), Array<number>(STEPS).fill(STEP_SLEEP_MS), `${id}: one sleep per update`);
  assert.deepEqual(signalNames.length + cancelRequests.length, 0, `${id}: no signals or cancellation`);
  assert.ok(last.type === 'WorkflowExecutionCompleted', `${id}: closes completed`);
  assert.equal(decodePayload(last.attributes.result), expectedStepperResult(n), `${id}: result in history`);
}

/**
 * 4c. The seats arrived once each; one cancel request (however often it was sent); the cleanup
 * ran after it, exactly once, and the run closed CANCELED.
 */
function assertBookingHistory(n: number, id: string, events: readonly HistoryEvent[], activityResults: readonly unknown[]): void {
  const { scheduled, completedActs, types, timersStarted, accepted, cancelRequests, last, signalNames } = partsOf(events);
  assert.deepEqual(signalArgs(events, 'reserve'), expectedSeats(n), `${id}: reserve signals`);
  assert.deepEqual(signalNames, Array<string>(SEATS).fill('reserve'), `${id}: signal sequence`);
  assert.equal(cancelRequests.length, 1, `${id}: exactly one WorkflowExecutionCancelRequested`);
  assert.deepEqual(types, ['holdSeats', 'releaseSeats'], `${id}: activities: the hold, then the cleanup, once each`);
  const hold = holdName(n, expectedSeats(n));
  assert.deepEqual(activityResults, [hold, releasedName(hold)], `${id}: activity results`);
  const cancelAt = cancelRequests[0]!.eventId;
  const holdDone = completedActs.find((c) => c.attributes.seq === scheduled[0]!.attributes.seq)!;
  assert.ok(holdDone.eventId < cancelAt, `${id}: cancelled only after the seats were held`);
  assert.ok(scheduled[1]!.eventId > cancelAt, `${id}: the cleanup activity was scheduled after the cancel request`);
  assert.deepEqual(timersStarted.map((e) => e.attributes.durationMs), [RELEASE_SLEEP_MS], `${id}: the cleanup's sleep`);
  assert.ok(timersStarted[0]!.eventId > cancelAt, `${id}: the cleanup's sleep started after the cancel request`);
  assert.equal(accepted.length, 0, `${id}: no updates`);
  assert.ok(last.type === 'WorkflowExecutionCanceled', `${id}: closes with WorkflowExecutionCanceled, got ${last.type}`);
}
