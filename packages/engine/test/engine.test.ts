import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatingApi, type Command, type HistoryEvent, type WorkflowTask } from '@endure/protocol';
import { SqliteStore } from '@endure/store-sqlite';
import { Engine } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'endure-engine-'));
const p = (v: unknown) => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });
const ns = 'default';
const poll = { namespace: ns, taskQueue: 'q', identity: 'test', timeoutMs: 2000 };

/** A stand-in for workflow code: schedules `n` activities one by one, then completes. */
function decide(task: WorkflowTask, n: number): Command[] {
  const done = task.events.filter((e) => e.type === 'ActivityTaskCompleted').length;
  const started = task.events.some((e) => e.type === 'WorkflowExecutionStarted');
  if (started) return [{ type: 'ScheduleActivity', seq: 1, activityId: '1', activityType: 'a', args: [p(1)], timeouts: { startToCloseTimeoutMs: 5000 }, retryPolicy: {} }];
  const seq = (task.events.find((e) => e.type === 'ActivityTaskCompleted') as Extract<HistoryEvent, { type: 'ActivityTaskCompleted' }>).attributes.seq;
  if (seq >= n) return [{ type: 'CompleteWorkflow', result: p(seq) }];
  return done ? [{ type: 'ScheduleActivity', seq: seq + 1, activityId: String(seq + 1), activityType: 'a', args: [], timeouts: { startToCloseTimeoutMs: 5000 }, retryPolicy: {} }] : [];
}

async function drive(engine: Engine, stop: () => boolean, steps: number): Promise<void> {
  const wf = (async () => {
    while (!stop()) {
      const t = await engine.pollWorkflowTask({ ...poll, timeoutMs: 50 });
      if (t) await engine.completeWorkflowTask({ taskToken: t.taskToken, commands: decide(t, steps), sawUpTo: t.lastEventId, time: Date.now() });
    }
  })();
  const act = (async () => {
    while (!stop()) {
      const t = await engine.pollActivityTask({ ...poll, timeoutMs: 50 });
      if (t) await engine.completeActivityTask({ taskToken: t.taskToken, result: p(t.seq) });
    }
  })();
  await Promise.all([wf, act]);
}

describe('Engine', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs many workflows through task queues with a run cache far smaller than the number of runs', async () => {
    const store = await SqliteStore.open(join(dir, 'cache.db'));
    const engine = await Engine.open(store, { maxCachedRuns: 5 });
    const ids = Array.from({ length: 40 }, (_, i) => `wf-${i}`);
    for (const id of ids) await engine.startWorkflow({ namespace: ns, workflowId: id, workflowType: 'w', taskQueue: 'q', input: [] });
    let closed = 0;
    const driving = drive(engine, () => closed === ids.length, 3);
    const results = await Promise.all(ids.map(async (workflowId) => {
      const r = await engine.getResult({ namespace: ns, workflowId, timeoutMs: 20_000 });
      closed++;
      return r.closeEvent;
    }));
    await driving;
    for (const e of results) assert.deepEqual(e?.type === 'WorkflowExecutionCompleted' && e.attributes.result, p(3));
    const h = await engine.getHistory({ namespace: ns, workflowId: 'wf-7' });
    assert.deepEqual(h.events.map((e) => e.eventId), h.events.map((_, i) => i + 1), 'history ids are contiguous');
    await engine.close();
    await store.close();
  });

  it('rejects stale and foreign task tokens and malformed requests with clear errors', async () => {
    const store = await SqliteStore.open(join(dir, 'tokens.db'));
    const engine = await Engine.open(store);
    await engine.startWorkflow({ namespace: ns, workflowId: 'x', workflowType: 'w', taskQueue: 'q', input: [] });
    const t = (await engine.pollWorkflowTask(poll))!;
    await engine.completeWorkflowTask({ taskToken: t.taskToken, commands: decide(t, 1), sawUpTo: t.lastEventId, time: Date.now() });
    await assert.rejects(engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [], sawUpTo: 1, time: 0 }), /no longer current/);
    await assert.rejects(engine.completeActivityTask({ taskToken: t.taskToken }), /workflow task token, not an activity task token/);
    await assert.rejects(engine.completeActivityTask({ taskToken: 'garbage' }), /taskToken: not a task token issued by this engine/);
    // Malformed requests are refused at the edge (the embedded transport, the server) that validates for the engine.
    await assert.rejects(validatingApi(engine).startWorkflow({ namespace: ns, workflowId: 'y', workflowType: 'w', taskQueue: 'q', input: 'nope' } as never), /invalid startWorkflow request: input: /);
    await assert.rejects(engine.describeWorkflow({ namespace: ns, workflowId: 'missing' }), /workflow 'missing' not found in namespace 'default'/);
    const a = (await engine.pollActivityTask(poll))!;
    await engine.completeActivityTask({ taskToken: a.taskToken, result: p(1) });
    await assert.rejects(engine.completeActivityTask({ taskToken: a.taskToken, result: p(1) }), /activity task not found/);
    await engine.close();
    await store.close();
  });

  it('refuses a completion whose commands are inconsistent, changing nothing', async () => {
    const store = await SqliteStore.open(join(dir, 'commands.db'));
    const engine = await Engine.open(store);
    await engine.startWorkflow({ namespace: ns, workflowId: 'z', workflowType: 'w', taskQueue: 'q', input: [] });
    const t = (await engine.pollWorkflowTask(poll))!;
    const timer: Command = { type: 'StartTimer', seq: 1, durationMs: 60_000 };
    await assert.rejects(engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [timer, timer], sawUpTo: t.lastEventId, time: 0 }), /commands\[1\] \(StartTimer\): timer seq 1 is already in use/);
    await assert.rejects(engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [{ type: 'CompleteWorkflow' }, timer], sawUpTo: t.lastEventId, time: 0 }), /must be the last one/);
    assert.equal((await engine.getHistory({ namespace: ns, workflowId: 'z' })).events.length, 1);
    // A timer runs from the activation's time: now, so it does not fire during the test.
    await engine.completeWorkflowTask({ taskToken: t.taskToken, commands: [timer], sawUpTo: t.lastEventId, time: Date.now() });
    assert.equal((await engine.getHistory({ namespace: ns, workflowId: 'z' })).events.length, 3);
    await engine.close();
    await store.close();
  });
});
