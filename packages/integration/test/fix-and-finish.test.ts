import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

/** Counts how often the echo activity ran with each input. */
function countingActivities() {
  const runs: Record<string, number> = {};
  const base = makeActivities().activities;
  return {
    runs,
    activities: {
      ...base,
      async echoActivity(x: unknown) {
        runs[String(x)] = (runs[String(x)] ?? 0) + 1;
        return x;
      },
    },
  };
}

describe('fix the bug, restart, and the workflow just finishes', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  it('a TypeError after two activities keeps the workflow running; fixed code completes it without re-running them', async () => {
    const taskQueue = 'orders-fix';
    const acts = countingActivities();
    const broken = await env.startWorker({ taskQueue, workflowsPath: workflowsPath('fixable-broken'), activities: acts.activities });
    const h = await env.client.workflow.start('orderWorkflow', { taskQueue, workflowId: uid('order'), args: ['A1'] });

    const failing = await env.waitFor(h, (d) => (d.pendingWorkflowTask?.attempt ?? 0) >= 2);
    assert.equal(failing.status.name, 'RUNNING');
    assert.match(String(failing.pendingWorkflowTask?.lastFailure?.message), /Cannot read properties of undefined \(reading 'id'\)/);
    assert.deepEqual(acts.runs, { 'reserve A1': 1, 'charge A1': 1 });

    await broken.stop();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('fixable-fixed'), activities: acts.activities });
    assert.equal(await h.result(), 'reserve A1, charge A1, receipt A1');
    assert.deepEqual(acts.runs, { 'reserve A1': 1, 'charge A1': 1, 'receipt A1': 1 }, 'completed activities did not run again');
  });

  it('an incompatible deploy fails the task with a nondeterminism error; the run is untouched and finishes on compatible code', async () => {
    const taskQueue = 'orders-nondeterminism';
    const acts = countingActivities();
    const broken = await env.startWorker({ taskQueue, workflowsPath: workflowsPath('fixable-broken'), activities: acts.activities });
    const h = await env.client.workflow.start('orderWorkflow', { taskQueue, workflowId: uid('order'), args: ['B2'] });
    await env.waitFor(h, (d) => (d.pendingWorkflowTask?.attempt ?? 0) >= 2);
    const historyBefore = (await h.fetchHistory()).events;
    await broken.stop();

    const incompatible = await env.startWorker({ taskQueue, workflowsPath: workflowsPath('fixable-incompatible'), activities: acts.activities });
    const d = await env.waitFor(h, (x) => /nondeterminism/.test(x.pendingWorkflowTask?.lastFailure?.message ?? ''));
    assert.match(
      String(d.pendingWorkflowTask?.lastFailure?.message),
      /nondeterminism at event 3: history recorded ActivityTaskScheduled\(seq 1, activity 'echoActivity'\), but the workflow code now issues ScheduleActivity\(seq 1, activity 'flaky'\)/,
    );
    assert.equal(d.status.name, 'RUNNING');
    assert.deepEqual((await h.fetchHistory()).events, historyBefore, 'a failed task writes nothing to history');
    await incompatible.stop();

    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('fixable-fixed'), activities: acts.activities });
    assert.equal(await h.result(), 'reserve B2, charge B2, receipt B2');
    assert.equal(acts.runs['charge B2'], 1);
  });
});
