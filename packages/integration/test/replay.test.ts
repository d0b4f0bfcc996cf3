import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Client } from '@endure/client';
import { UnsupportedOptionError } from '@endure/common';
import { DeterminismViolationError, ReplayError, Worker, bundleWorkflowCode, type ReplayResult } from '@endure/worker';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';
import { payloadConverter } from '../src/reversed-converter.js';

describe('replay', () => {
  let env: TestEnv;
  const taskQueue = 'replay';
  before(async () => {
    env = await TestEnv.create();
    // maxCachedWorkflows: 0 makes every task a full replay from history.
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, maxCachedWorkflows: 0 });
  });
  after(() => env.close());

  it('gives workflow code the same clock, randomness and uuids on every replay', async () => {
    const h = await env.client.workflow.start('deterministicValues', { taskQueue, workflowId: uid() });
    const r = (await h.result()) as { before: { now: number; date: number; random: number; uuid: string }; after: { now: number; random: number; uuid: string }; info: unknown };
    assert.equal(r.before.now, r.before.date);
    assert.notEqual(r.before.random, r.after.random);
    assert.notEqual(r.before.uuid, r.after.uuid);
    assert.match(r.before.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const { events } = await h.fetchHistory();
    const activations = events.filter((e) => e.type === 'WorkflowTaskCompleted');
    assert.equal(activations[0]?.type === 'WorkflowTaskCompleted' && activations[0].attributes.time, r.before.now, 'Date.now() is the activation time recorded in history');
    // The second task replayed the first activation; identical values prove it was deterministic.
    await Worker.runReplayHistory({ workflowsPath: workflowsPath('basic') }, { events });
  });

  it('replays a recorded history against the same code without complaint', async () => {
    const h = await env.client.workflow.start('sequence', { taskQueue, workflowId: uid(), args: [3] });
    await h.result();
    await Worker.runReplayHistory({ workflowsPath: workflowsPath('basic') }, await h.fetchHistory());
  });

  it('reports nondeterminism when replayed with incompatible code, naming the event and both commands', async () => {
    const fixed = await env.startWorker({ taskQueue: 'replay-orders', workflowsPath: workflowsPath('fixable-fixed'), activities: makeActivities().activities });
    const h = await env.client.workflow.start('orderWorkflow', { taskQueue: 'replay-orders', workflowId: uid(), args: ['C3'] });
    await h.result();
    await fixed.stop();
    const history = await h.fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: workflowsPath('fixable-fixed') }, history);
    await assert.rejects(
      Worker.runReplayHistory({ workflowsPath: workflowsPath('fixable-incompatible') }, history),
      (e: unknown) => e instanceof DeterminismViolationError && /event 3: history recorded ActivityTaskScheduled\(seq 1, activity 'echoActivity'\), but the workflow code now issues ScheduleActivity\(seq 1, activity 'flaky'\)/.test(e.message),
    );
  });

  it('runReplayHistories replays several histories with one bundle, yielding each outcome instead of throwing', async () => {
    const ok = await env.client.workflow.start('sequence', { taskQueue, workflowId: uid(), args: [2] });
    await ok.result();
    const fixed = await env.startWorker({ taskQueue: 'replay-many', workflowsPath: workflowsPath('fixable-fixed'), activities: makeActivities().activities });
    const changed = await env.client.workflow.start('orderWorkflow', { taskQueue: 'replay-many', workflowId: uid(), args: ['C4'] });
    await changed.result();
    await fixed.stop();
    const histories = [
      { workflowId: ok.workflowId, history: await ok.fetchHistory() },
      { workflowId: changed.workflowId, history: await changed.fetchHistory() },
    ];
    const results: ReplayResult[] = [];
    for await (const r of Worker.runReplayHistories({ workflowsPath: workflowsPath('basic') }, histories)) results.push(r);
    assert.deepEqual(results.map((r) => r.workflowId), [ok.workflowId, changed.workflowId]);
    assert.equal(results[0]!.error, undefined);
    assert.ok(results[1]!.error instanceof ReplayError, 'basic.ts has no orderWorkflow: a replay error, yielded');
  });

  it('replays with the dataConverter the worker used (its payloadConverterPath is bundled), and refuses options a replay has no use for', async () => {
    const payloadConverterPath = fileURLToPath(new URL('../src/reversed-converter.js', import.meta.url));
    await env.startWorker({ taskQueue: 'replay-converter', workflowsPath: workflowsPath('basic'), dataConverter: { payloadConverterPath } });
    const client = new Client({ connection: env.connection, dataConverter: { payloadConverter } });
    const h = await client.workflow.start('echoWorkflow', { taskQueue: 'replay-converter', workflowId: uid(), args: [{ a: 1 }] });
    await h.result();
    const history = await h.fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: workflowsPath('basic'), dataConverter: { payloadConverterPath } }, history);
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: workflowsPath('basic'), payloadConverterPath });
    await Worker.runReplayHistory({ workflowBundle }, history);
    await assert.rejects(Worker.runReplayHistory({ workflowsPath: workflowsPath('basic') }, history), ReplayError, 'the default converter cannot read json/reversed');
    await assert.rejects(
      Worker.runReplayHistory({ workflowsPath: workflowsPath('basic'), identity: 'replayer' } as never, history),
      (e: unknown) => e instanceof UnsupportedOptionError && /option 'identity' is not supported by Endure: it has no effect when replaying/.test(e.message),
    );
  });
});
