import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeterminismViolationError, Worker } from '@endure/worker';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('versioning with patched() and deprecatePatch()', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  it('an old run keeps the old path after a patched deploy, a new run takes the new one, and both replay', async () => {
    const taskQueue = 'shipping';
    const v1 = await env.startWorker({ taskQueue, workflowsPath: workflowsPath('versioned-v1'), activities: makeActivities().activities });
    const old = await env.client.workflow.start('shipping', { taskQueue, workflowId: uid('old') });
    await env.waitFor(old, (d) => d.historyLength >= 3); // past the decision point and sleeping, on version 1
    await v1.stop();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('versioned-v2'), activities: makeActivities().activities, maxCachedWorkflows: 0 });
    const fresh = await env.client.workflow.start('shipping', { taskQueue, workflowId: uid('new') });
    assert.equal(await old.result(), 'ground');
    assert.equal(await fresh.result(), 'air:1');

    const oldHistory = await old.fetchHistory();
    const newHistory = await fresh.fetchHistory();
    assert.ok(!oldHistory.events.some((e) => e.type === 'MarkerRecorded'));
    assert.ok(newHistory.events.some((e) => e.type === 'MarkerRecorded'));
    for (const h of [oldHistory, newHistory]) await Worker.runReplayHistory({ workflowsPath: workflowsPath('versioned-v2') }, h);
    // Once the patch is deprecated, new-path histories (marker or not) still replay...
    await Worker.runReplayHistory({ workflowsPath: workflowsPath('versioned-v3') }, newHistory);
    // ...but an old-path history must not be replayed by code that dropped the old path.
    await assert.rejects(Worker.runReplayHistory({ workflowsPath: workflowsPath('versioned-v3') }, oldHistory), DeterminismViolationError);
    // And version 1 cannot replay a run that took the new path.
    await assert.rejects(Worker.runReplayHistory({ workflowsPath: workflowsPath('versioned-v1') }, newHistory), DeterminismViolationError);
  });
});
