import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';
import { payloadConverter } from '../src/reversed-converter.js';

describe('worker', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  it('uses a custom payload converter on the client, in activities and inside the sandbox', async () => {
    const taskQueue = 'converter';
    await env.startWorker({
      taskQueue,
      workflowsPath: workflowsPath('basic'),
      activities: makeActivities().activities,
      dataConverter: { payloadConverterPath: fileURLToPath(new URL('../src/reversed-converter.js', import.meta.url)) },
    });
    const client = new Client({ connection: env.connection, dataConverter: { payloadConverter } });
    const h = await client.workflow.start('sequence', { taskQueue, workflowId: uid(), args: [3] });
    assert.deepEqual(await h.result(), [0, 1, 2]);
    const { events } = await h.fetchHistory();
    const started = events[0]!;
    assert.equal(started.type === 'WorkflowExecutionStarted' && started.attributes.input[0]?.metadata['encoding'], 'json/reversed');
    const done = events.at(-1)!;
    assert.deepEqual(done.type === 'WorkflowExecutionCompleted' && done.attributes.result, { metadata: { encoding: 'json/reversed' }, data: ']2,1,0[' });
  });

  it('keeps at most maxCachedWorkflows runs in memory and replays the others correctly', async () => {
    const taskQueue = 'small-cache';
    const w = await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, maxCachedWorkflows: 2 });
    const handles = await Promise.all([0, 1, 2, 3, 4].map((i) => env.client.workflow.start('sleepy', { taskQueue, workflowId: uid(`c${i}`), args: [300] })));
    await Promise.all(handles.map((h) => env.waitFor(h, (d) => d.historyLength >= 3)));
    assert.ok(w.worker.cachedWorkflows <= 2, `cached ${w.worker.cachedWorkflows}`);
    const results = (await Promise.all(handles.map((h) => h.result()))) as { slept: number }[];
    assert.ok(results.every((r) => r.slept >= 300));
  });

  it('shuts down gracefully: a running activity finishes and reports before run() resolves', async () => {
    const taskQueue = 'graceful';
    const acts = makeActivities();
    let finished = 0;
    const w = await env.startWorker({
      taskQueue,
      workflowsPath: workflowsPath('basic'),
      activities: { ...acts.activities, echoActivity: async (x: unknown) => (await new Promise((r) => setTimeout(r, 300)), finished++, x) },
    });
    const h = await env.client.workflow.start('sequence', { taskQueue, workflowId: uid(), args: [2] });
    await env.waitFor(h, (d) => d.pendingActivities.some((a) => a.state === 'STARTED'));
    await w.stop();
    assert.equal(finished, 1);
    assert.equal(w.worker.getState(), 'STOPPED');
    const { events } = await h.fetchHistory();
    assert.equal(events.filter((e) => e.type === 'ActivityTaskCompleted').length, 1, 'the finished activity was reported before shutdown completed');
    assert.equal((await h.describe()).pendingWorkflowTask?.state, 'SCHEDULED', 'the next step waits for a worker');
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: acts.activities });
    assert.deepEqual(await h.result(), [0, 1]);
  });

  it('validates Worker.create options, naming the option', async () => {
    const { Worker } = await import('@endure/worker');
    await assert.rejects(Worker.create({ connection: env.connection, taskQueue: '' }), /taskQueue is required/);
    await assert.rejects(Worker.create({ connection: env.connection, taskQueue: 'q' }), /give workflowsPath \(or workflowBundle\) for workflows, activities, or both/);
    await assert.rejects(Worker.create({ connection: env.connection, taskQueue: 'q', activities: { a: 5 as never } }), /activities\.a is number, not a function/);
    await assert.rejects(Worker.create({ connection: env.connection, taskQueue: 'q', activities: { a: async () => 1 }, maxCachedWorkflows: -1 }), /maxCachedWorkflows must be a non-negative integer/);
  });
});
