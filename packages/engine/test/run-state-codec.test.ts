// The stored run state carries its version: what today's code writes reads back exactly, states
// from before versions (v1) are upgraded, a newer release's state is refused by name, and what
// no release wrote is stored-data damage, found when the state is read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoredDataCorruptError } from '@endure/storage';
import { decodeRunState, encodeRunState, RUN_STATE_VERSION, RunStateVersionError } from '../src/run-state-codec.js';
import { newRunState, type RunState } from '../src/run-state.js';
import { withRequestIds } from '../src/request-ids.js';
import { p } from './support.js';

const key = { namespace: 'default', workflowId: 'order-7', runId: 'run-1' };

/** A state with every field set, as a busy run has it. */
function richState(): RunState {
  return {
    workflowTaskTimeoutMs: 10_000,
    lastSawUpTo: 12,
    wft: { status: 'backoff', attempt: 3, lastFailure: { message: 'boom' }, nextAttemptTime: 1_700_000_000_500 },
    activities: {
      4: {
        seq: 4, activityId: '4', activityType: 'charge', taskQueue: 'q', input: [p({ amount: 5 })], timeouts: { startToCloseTimeoutMs: 1000, scheduleToCloseTimeoutMs: 60_000 },
        retryPolicy: { initialIntervalMs: 100 }, scheduledTime: 1_700_000_000_000, attempt: 2, currentAttemptScheduledTime: 1_700_000_000_200,
        lastFailure: { message: 'declined', info: { type: 'application', errorType: 'Error', nonRetryable: false } }, heartbeatDetails: [p(3)], cancelRequested: true,
      },
    },
    timers: { 5: { fireAt: 1_700_000_060_000 } },
    cancelRequested: false,
    requestId: 'start-1',
    requests: Object.assign(Object.create(null) as Record<string, number>, { 'signal-1': 1_700_000_000_100 }),
    parent: { namespace: 'default', workflowId: 'parent', runId: 'p-run', seq: 2 },
    children: { 6: { workflowId: 'order-7-child', workflowType: 'ship', taskQueue: 'q', input: [], parentClosePolicy: 'TERMINATE', status: 'started', runId: 'c-run', workflowRunTimeoutMs: 5000 } },
    externalRequests: { 7: { kind: 'signal', workflowId: 'other', signalName: 'poke', input: [p(1)] } },
    updates: { 'u-1': { stage: 'ACCEPTED' }, 'u-2': { stage: 'COMPLETED', outcome: { result: p('ok') } }, 'u-3': { stage: 'COMPLETED', outcome: { failure: { message: 'no' } } } },
    firstRunId: 'run-0',
    executionExpirationTime: 1_700_086_400_000,
    workflowRunTimeoutMs: 3_600_000,
    cronSchedule: '@every 30s',
    executionTime: 1_700_000_000_000,
    delayedBy: 'cron',
  };
}

/** A state as JSON keeps it (no undefined fields), request ids in their in-memory form. */
const asStored = (s: RunState): RunState => withRequestIds(JSON.parse(JSON.stringify(s)) as RunState);

const damaged = (why: RegExp) => (e: unknown) => e instanceof StoredDataCorruptError && /workflow order-7 run run-1 in namespace default is damaged/.test(e.message) && why.test(e.message) && /restore the database from a backup/.test(e.message);

describe('run state encoding', () => {
  it('writes its version first, and reads back what it wrote', () => {
    for (const state of [richState(), newRunState(10_000), newRunState(10_000, 'req-1')]) {
      const text = encodeRunState(state);
      assert.ok(text.startsWith(`{"v":${RUN_STATE_VERSION},"workflowTaskTimeoutMs":`), text);
      assert.equal(text.length, JSON.stringify(state).length + `"v":${RUN_STATE_VERSION},`.length, 'the version costs 6 bytes');
      assert.deepEqual(decodeRunState(key, text), asStored(state));
    }
  });

  it('reads a state written before states had a version (v1), dropping fields no longer used', () => {
    const state = richState();
    const v1 = { ...state, requests: { ...state.requests }, memo: { note: p('old') }, retiredField: 1 };
    const decoded = decodeRunState(key, JSON.stringify(v1));
    assert.deepEqual(decoded, state);
    assert.equal(Object.getPrototypeOf(decoded.requests), null, 'request ids in their in-memory form (request-ids.ts)');
    assert.ok(encodeRunState(decoded).startsWith(`{"v":${RUN_STATE_VERSION},`), 'written back at the current version');
  });

  it('refuses a state from a newer release, naming the run and what to do', () => {
    const text = `{"v":${RUN_STATE_VERSION + 1},"somethingNew":true}`;
    assert.throws(
      () => decodeRunState(key, text),
      (e: unknown) => e instanceof RunStateVersionError && e.version === RUN_STATE_VERSION + 1 && /workflow order-7 run run-1 in namespace default/.test(e.message) && /newer release/.test(e.message) && /upgrade Endure/.test(e.message),
    );
  });

  it('reports a state no release wrote as damage, naming the run and what is wrong', () => {
    const good = JSON.parse(encodeRunState(richState())) as Record<string, unknown>;
    const variant = (change: (s: Record<string, unknown>) => void) => {
      const s = structuredClone(good);
      change(s);
      return JSON.stringify(s);
    };
    const cases: [string, RegExp][] = [
      ['', /not JSON/],
      ['{"v":2,"wft":', /not JSON/],
      ['[1,2]', /not a JSON object/],
      ['"state"', /not a JSON object/],
      ['null', /not a JSON object/],
      [variant((s) => (s['v'] = 'two')), /version is "two"/],
      [variant((s) => (s['v'] = 0)), /version is 0/],
      [variant((s) => delete s['lastSawUpTo']), /state\.lastSawUpTo is missing, not an integer/],
      [variant((s) => (s['wft'] = 7)), /state\.wft is 7, not an object/],
      [variant((s) => ((s['wft'] as Record<string, unknown>)['status'] = 'running')), /state\.wft\.status is "running", not one of none, scheduled, backoff, delayed/],
      [variant((s) => (s['activities'] = { x: {} })), /state\.activities has the key "x", not a number/],
      [variant((s) => ((s['activities'] as Record<string, Record<string, unknown>>)['4']!['attempt'] = '2')), /state\.activities\.4\.attempt is "2", not an integer/],
      [variant((s) => ((s['activities'] as Record<string, Record<string, unknown>>)['4']!['input'] = 'x')), /state\.activities\.4\.input is "x", not a list/],
      [variant((s) => (s['timers'] = { 5: { fireAt: null } })), /state\.timers\.5\.fireAt is null, not a number/],
      [variant((s) => (s['children'] = { 6: { status: 'started' } })), /state\.children\.6\.workflowId is missing/],
      [variant((s) => (s['updates'] = { u: { stage: 'DONE' } })), /state\.updates\.u\.stage is "DONE"/],
      [variant((s) => (s['requests'] = { r: 'yesterday' })), /state\.requests\.r is "yesterday", not a number/],
      [variant((s) => (s['cancelRequested'] = 'no')), /state\.cancelRequested is "no", not true or false/],
      [variant((s) => (s['surprise'] = 1)), /state\.surprise is not a field of it/],
    ];
    for (const [text, why] of cases) assert.throws(() => decodeRunState(key, text), damaged(why), `${text.slice(0, 60)} → ${why}`);
  });
});
