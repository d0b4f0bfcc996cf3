import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeterminismViolationError, Worker } from '@endure/worker';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

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
});
