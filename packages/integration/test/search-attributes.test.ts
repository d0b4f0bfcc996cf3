import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

/** Counts how often the echo activity ran with each input. */
function countingActivities() {
  const runs: Record<string, number> = {};
  return {
    runs,
    activities: {
      ...makeActivities().activities,
      async echoActivity(x: unknown) {
        runs[String(x)] = (runs[String(x)] ?? 0) + 1;
        return x;
      },
    },
  };
}

describe('upserting a search attribute nobody registered', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  const count = async (query: string) => (await env.connection.engine.countWorkflows({ namespace: 'default', query })).count;
  const unregistered = /search attribute 'OrderRegon' is not registered in namespace 'default'; register it with its type first: endure operator search-attribute create --name OrderRegon --type Keyword/;

  it('fails the workflow task (not the workflow) with the fix in the message; fixed code finishes it', async () => {
    const taskQueue = uid('tagging-fix');
    const acts = countingActivities();
    const broken = await env.startWorker({ taskQueue, workflowsPath: workflowsPath('tagging-broken'), activities: acts.activities });
    const h = await env.client.workflow.start('taggedOrder', { taskQueue, workflowId: uid('order'), args: ['A1'] });

    const failing = await env.waitFor(h, (d) => (d.pendingWorkflowTask?.attempt ?? 0) >= 2);
    assert.equal(failing.status.name, 'RUNNING');
    assert.match(String(failing.pendingWorkflowTask?.lastFailure?.message), unregistered);
    assert.deepEqual(failing.searchAttributes, {}, 'the refused upsert changed nothing');

    await broken.stop();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('tagging-fixed'), activities: acts.activities });
    assert.equal(await h.result(), 'reserve A1, charge A1');
    assert.deepEqual(acts.runs, { 'reserve A1': 1, 'charge A1': 1 }, 'the first activity did not run again');
    assert.deepEqual((await h.describe()).searchAttributes, { CustomKeywordField: 'eu' });
    assert.equal(await count(`WorkflowId = '${h.workflowId}' AND CustomKeywordField = 'eu' AND ExecutionStatus = 'Completed'`), 1);
  });

  it('or, left as it is, finishes once the key is registered', async () => {
    const taskQueue = uid('tagging-register');
    const acts = countingActivities();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('tagging-broken'), activities: acts.activities });
    const h = await env.client.workflow.start('taggedOrder', { taskQueue, workflowId: uid('order'), args: ['B2'] });
    const failing = await env.waitFor(h, (d) => (d.pendingWorkflowTask?.attempt ?? 0) >= 2);
    assert.match(String(failing.pendingWorkflowTask?.lastFailure?.message), unregistered);

    await env.connection.engine.addSearchAttributes({ namespace: 'default', searchAttributes: { OrderRegon: 'Keyword' } });
    assert.equal(await h.result(), 'reserve B2, charge B2');
    assert.equal(await count(`WorkflowId = '${h.workflowId}' AND OrderRegon = 'eu'`), 1);
  });
});
