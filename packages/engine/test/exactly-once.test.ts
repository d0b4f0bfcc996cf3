// One outcome per activity attempt and per workflow task, however the calls interleave: the
// same completion arriving twice at once (a transport retry racing the original, or two
// executions of one attempt after a restart) is recorded once, and the second caller is refused.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, HistoryEvent } from '@endure/protocol';
import { Engine } from '../src/index.js';
import { SqliteStore } from '@endure/store-sqlite';
import { nextTask, openEngine, p, tempDir } from './support.js';

const dir = tempDir();
const ns = 'default';
const poll = { namespace: ns, taskQueue: 'q', identity: 'test', timeoutMs: 2000 };
const schedule: Command = { type: 'ScheduleActivity', seq: 1, activityId: '1', activityType: 'a', args: [], timeouts: { startToCloseTimeoutMs: 60_000 }, retryPolicy: {} };

const outcomes = (events: HistoryEvent[]) => events.filter((e) => e.type.startsWith('ActivityTask') && e.type !== 'ActivityTaskScheduled');

/** Starts a workflow and schedules one activity; returns the activity task. */
async function oneActivity(engine: Engine, workflowId: string) {
  await engine.startWorkflow({ namespace: ns, workflowId, workflowType: 'w', taskQueue: 'q', input: [] });
  const t = await nextTask(engine, ns, 'q');
  await engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [schedule], sawUpTo: t.lastEventId, time: Date.now() });
  const a = await engine.pollActivityTask(poll);
  assert.ok(a);
  return a;
}

describe('exactly one outcome per attempt', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, second] of [
    ['complete + complete', 'complete'],
    ['complete + fail', 'fail'],
  ] as const) {
    it(`two concurrent outcomes for one activity attempt record one (${name}, run cached)`, async () => {
      const { engine, close } = await openEngine(join(dir, `cached-${second}.db`));
      const a = await oneActivity(engine, 'wf');
      const results = await Promise.allSettled([
        engine.completeActivityTask({ taskToken: a.taskToken, result: p('first') }),
        second === 'complete' ? engine.completeActivityTask({ taskToken: a.taskToken, result: p('second') }) : engine.failActivityTask({ taskToken: a.taskToken, failure: { message: 'x', info: { type: 'application', nonRetryable: true } } }),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
      const { events } = await engine.getHistory({ namespace: ns, workflowId: 'wf' });
      assert.equal(outcomes(events).length, 1, `one outcome, got ${outcomes(events).map((e) => `${e.eventId} ${e.type}`).join(', ')}`);
      await close();
    });
  }

  it('two concurrent completions after a restart (run not yet loaded) record one', async () => {
    const file = join(dir, 'restart.db');
    const first = await openEngine(file);
    const a = await oneActivity(first.engine, 'wf');
    await first.close();
    const { engine, close } = await openEngine(file);
    const results = await Promise.allSettled([1, 2, 3].map((i) => engine.completeActivityTask({ taskToken: a.taskToken, result: p(i) })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const { events } = await engine.getHistory({ namespace: ns, workflowId: 'wf' });
    assert.equal(outcomes(events).length, 1);
    assert.deepEqual(events.map((e) => e.eventId), events.map((_, i) => i + 1));
    await close();
  });

  it('two concurrent completions of one workflow task record one', async () => {
    const { engine, close } = await openEngine(join(dir, 'wft.db'));
    await engine.startWorkflow({ namespace: ns, workflowId: 'wf', workflowType: 'w', taskQueue: 'q', input: [] });
    const t = await nextTask(engine, ns, 'q');
    const complete = () => engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [{ type: 'CompleteWorkflow', result: p(1) }], sawUpTo: t.lastEventId, time: Date.now() });
    const results = await Promise.allSettled([complete(), complete()]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const { events } = await engine.getHistory({ namespace: ns, workflowId: 'wf' });
    assert.deepEqual(events.map((e) => e.type), ['WorkflowExecutionStarted', 'WorkflowTaskCompleted', 'WorkflowExecutionCompleted']);
    await close();
  });

  it('a signal-with-start racing a close never appends to the closed run', async () => {
    const { engine, close } = await openEngine(join(dir, 'sws.db'));
    await engine.startWorkflow({ namespace: ns, workflowId: 'wf', workflowType: 'w', taskQueue: 'q', input: [] });
    const t = await nextTask(engine, ns, 'q');
    const closing = engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [{ type: 'CompleteWorkflow', result: p(1) }], sawUpTo: t.lastEventId, time: Date.now() });
    const sws = engine.startWorkflow({ namespace: ns, workflowId: 'wf', workflowType: 'w', taskQueue: 'q', input: [], signalName: 's', signalInput: [] });
    await Promise.allSettled([closing, sws]);
    const { events } = await engine.getHistory({ namespace: ns, workflowId: 'wf', runId: t.runId });
    const closeAt = events.findIndex((e) => e.type === 'WorkflowExecutionCompleted');
    assert.equal(closeAt, events.length - 1, `the close event is last: ${events.map((e) => e.type).join(', ')}`);
    await close();
  });

  it('answers a resent outcome as the first, remembering task outcomes in memory and client changes durably', async () => {
    const file = join(dir, 'resend.db');
    const { engine, close } = await openEngine(file);
    const a = await oneActivity(engine, 'wf');
    const done = { taskToken: a.taskToken, result: p('r'), requestId: 'outcome-1' };
    await engine.completeActivityTask(done);
    await engine.completeActivityTask(done); // the resend: answered, not "not found"
    await engine.signalWorkflow({ namespace: ns, workflowId: 'wf', signalName: 's', input: [], requestId: 'signal-1' });
    await engine.signalWorkflow({ namespace: ns, workflowId: 'wf', signalName: 's', input: [], requestId: 'signal-1' });
    const { events } = await engine.getHistory({ namespace: ns, workflowId: 'wf' });
    assert.equal(outcomes(events).length, 1);
    assert.equal(events.filter((e) => e.type === 'WorkflowExecutionSignaled').length, 1);
    await close();
    // Only the client's change is in the durable state: task outcomes' ids are not rewritten at every step.
    const store = await SqliteStore.open(file);
    const record = await store.getCurrentRun(ns, 'wf');
    await store.close();
    assert.deepEqual(Object.keys((JSON.parse(record!.state) as { requests?: object }).requests ?? {}), ['signal-1']);
    // After a restart the signal's resend is still recognised.
    const again = await openEngine(file);
    await again.engine.signalWorkflow({ namespace: ns, workflowId: 'wf', signalName: 's', input: [], requestId: 'signal-1' });
    assert.equal((await again.engine.getHistory({ namespace: ns, workflowId: 'wf' })).events.filter((e) => e.type === 'WorkflowExecutionSignaled').length, 1);
    await again.close();
  });
});

describe('idempotency keys', () => {
  after(() => rmSync(keysDir, { recursive: true, force: true }));
  const keysDir = tempDir();
  const signals = async (engine: Engine) => (await engine.getHistory({ namespace: ns, workflowId: 'wf' })).events.filter((e) => e.type === 'WorkflowExecutionSignaled').length;

  it('a request id is applied once, also when it is named like an Object.prototype member, and after a restart', async () => {
    const file = join(keysDir, 'keys.db');
    const first = await openEngine(file);
    await first.engine.startWorkflow({ namespace: ns, workflowId: 'wf', workflowType: 'w', taskQueue: 'q', input: [] });
    const signal = (engine: Engine, requestId: string) => engine.signalWorkflow({ namespace: ns, workflowId: 'wf', signalName: 's', input: [], requestId });
    const ids = ['a', 'constructor', 'toString', '__proto__', 'hasOwnProperty'];
    for (const id of ids) await signal(first.engine, id);
    assert.equal(await signals(first.engine), ids.length, 'each new id is applied');
    for (const id of ids) await signal(first.engine, id);
    assert.equal(await signals(first.engine), ids.length, 'a resent id is not applied again');
    await first.close();
    const { engine, close } = await openEngine(file); // the run is loaded from the store
    for (const id of ids) await signal(engine, id);
    await signal(engine, 'valueOf');
    assert.equal(await signals(engine), ids.length + 1);
    await close();
  });
});
