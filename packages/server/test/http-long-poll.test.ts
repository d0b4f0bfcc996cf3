// Long-polls over HTTP: pollers that go away strand nothing, and shutdown ends every wait.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Connection } from '@endure/client';
import type { WorkflowTask } from '@endure/protocol';
import { post, startTestServer, type TestServer } from './http-support/harness.js';

const start = (workflowId: string, taskQueue: string) => ({ namespace: 'default', workflowId, workflowType: 'w', taskQueue, input: [], workflowTaskTimeoutMs: 10_000 });
const poll = (taskQueue: string, identity: string, timeoutMs = 20_000) => ({ namespace: 'default', taskQueue, identity, timeoutMs });

/** Sends a poll and returns a function that drops the connection (the poller "dies"). */
function abandonedPoll(url: string, taskQueue: string, operation = 'pollWorkflowTask', extra: object = {}): () => void {
  const req = request(`${url}/v1/${operation}`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
  req.on('error', () => {});
  req.end(JSON.stringify({ ...poll(taskQueue, 'dying-poller'), ...extra }));
  return () => req.destroy();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('long-polls over HTTP', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.close());

  it('a waiting poller that disconnects does not get the next task: the live poller gets it at once', async () => {
    for (let round = 0; round < 5; round++) {
      const queue = `gone-${round}`;
      const drop = abandonedPoll(ts.url, queue);
      await sleep(50); // the poll waits in the engine
      drop();
      await sleep(50); // the server saw the connection close
      assert.equal((await post(ts.url, 'startWorkflow', start(`gone-${round}`, queue))).status, 200);
      const t0 = Date.now();
      const task = (await post(ts.url, 'pollWorkflowTask', poll(queue, 'live-poller', 8_000))).json as WorkflowTask | null;
      assert.equal(task?.workflowId, `gone-${round}`, `round ${round}: the live poller got the task`);
      assert.equal(task.attempt, 1, 'not a retry after a timeout');
      assert.ok(Date.now() - t0 < 2_000, `round ${round}: the task came in ${Date.now() - t0} ms, not after the 10 s task timeout`);
    }
  });

  it('a poller dropping just as its task arrives loses nothing: the task reaches a live poller', async () => {
    // Dropped at varying moments around the task's arrival: the poll is aborted before the task,
    // or the task is handed out and then released, or (when the answer was already sent) the
    // short workflow task timeout hands it on. In every case the live poller gets it.
    let fast = 0;
    for (let round = 0; round < 12; round++) {
      const queue = `race-${round}`;
      const drop = abandonedPoll(ts.url, queue);
      await sleep(30);
      const started = post(ts.url, 'startWorkflow', { ...start(`race-${round}`, queue), workflowTaskTimeoutMs: 1_500 });
      if (round % 3 === 0) drop();
      else if (round % 3 === 1) setImmediate(drop);
      else setTimeout(drop, round % 4);
      assert.equal((await started).status, 200);
      const t0 = Date.now();
      const task = (await post(ts.url, 'pollWorkflowTask', poll(queue, 'live-poller', 6_000))).json as WorkflowTask | null;
      assert.equal(task?.workflowId, `race-${round}`, `round ${round}: the live poller got the task`);
      if (Date.now() - t0 < 1_000) fast++;
    }
    assert.ok(fast >= 6, `most dropped polls were noticed at once (${fast} of 12)`);
  });

  it('a multi-task poller dropping as its tasks arrive loses none: a live poller gets every one', async () => {
    for (let round = 0; round < 6; round++) {
      const queue = `race-many-${round}`;
      const drop = abandonedPoll(ts.url, queue, 'pollWorkflowTasks', { maxTasks: 10 });
      await sleep(30);
      const ids = [0, 1, 2].map((i) => `race-many-${round}-${i}`);
      const started = Promise.all(ids.map((id) => post(ts.url, 'startWorkflow', { ...start(id, queue), workflowTaskTimeoutMs: 1_500 })));
      if (round % 2 === 0) setImmediate(drop);
      else setTimeout(drop, round % 3);
      for (const r of await started) assert.equal(r.status, 200);
      const got = new Set<string>();
      const t0 = Date.now();
      while (got.size < ids.length && Date.now() - t0 < 6_000) {
        const r = (await post(ts.url, 'pollWorkflowTasks', { ...poll(queue, 'live-poller', 6_000), maxTasks: 10 })).json as { tasks: WorkflowTask[] };
        for (const t of r.tasks) got.add(t.workflowId);
      }
      assert.deepEqual([...got].sort(), ids, `round ${round}: the live poller got every task`);
    }
  });

  it("aborting a transport long-poll ends the HTTP request and answers empty, like the engine", async () => {
    const connection = await Connection.connect({ address: ts.url });
    try {
      const ac = new AbortController();
      const t0 = Date.now();
      const pending = connection.engine.pollWorkflowTask(poll('aborted-q', 'w1'), ac.signal);
      setTimeout(() => ac.abort(), 100);
      assert.equal(await pending, null);
      assert.ok(Date.now() - t0 < 2_000);
      await connection.engine.startWorkflow(start('after-abort', 'aborted-q'));
      const task = await connection.engine.pollWorkflowTask(poll('aborted-q', 'w2', 5_000));
      assert.equal(task?.workflowId, 'after-abort', 'the aborted poller did not take it');
      const many = new AbortController();
      const pendingMany = connection.engine.pollActivityTasks({ ...poll('aborted-q', 'w3'), maxTasks: 8 }, many.signal);
      setTimeout(() => many.abort(), 100);
      assert.deepEqual(await pendingMany, { tasks: [] });
    } finally {
      await connection.close();
    }
  });
});

describe('shutdown during long-polls', () => {
  it('close() answers every waiting long-poll with its empty answer, then stops', async () => {
    const ts = await startTestServer();
    const r1 = await post(ts.url, 'startWorkflow', start('open-1', 'nobody'));
    assert.equal(r1.status, 200);
    const t0 = Date.now();
    const waits = Promise.all([
      post(ts.url, 'getResult', { namespace: 'default', workflowId: 'open-1', timeoutMs: 30_000 }),
      post(ts.url, 'pollActivityTask', poll('empty-q', 'w', 30_000)),
      post(ts.url, 'pollWorkflowTask', poll('empty-q', 'w', 30_000)),
      post(ts.url, 'getHistory', { namespace: 'default', workflowId: 'open-1', fromEventId: 1000, waitNewEvent: true, timeoutMs: 30_000 }),
      post(ts.url, 'pollActivityTasks', { ...poll('empty-q', 'w', 30_000), maxTasks: 8 }),
      post(ts.url, 'pollWorkflowTasks', { ...poll('empty-q', 'w', 30_000), maxTasks: 8 }),
    ]);
    await sleep(200);
    await ts.close();
    const [result, activity, workflowTask, history, activities, workflowTasks] = await waits;
    assert.deepEqual([activities.status, activities.json], [200, { tasks: [] }]);
    assert.deepEqual([workflowTasks.status, workflowTasks.json], [200, { tasks: [] }]);
    assert.ok(Date.now() - t0 < 5_000, `long-polls ended at shutdown (${Date.now() - t0} ms)`);
    assert.equal(result.status, 200);
    assert.equal((result.json as { closeEvent?: unknown }).closeEvent, undefined);
    assert.deepEqual([activity.status, activity.json], [200, null]);
    assert.deepEqual([workflowTask.status, workflowTask.json], [200, null]);
    assert.equal(history.status, 200);
    assert.deepEqual((history.json as { events: unknown[] }).events, []);
    await assert.rejects(post(ts.url, 'describeWorkflow', { namespace: 'default', workflowId: 'open-1' }), /ECONNREFUSED/);
  });
});
