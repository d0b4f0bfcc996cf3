import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

describe('child workflows and external workflows', () => {
  let env: TestEnv;
  const taskQueue = 'family';
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('family'), activities: makeActivities().activities });
  });
  after(() => env.close());

  it('runs children and returns their results; each child is a workflow of its own', async () => {
    const id = uid('parent');
    const r = await env.client.workflow.execute('parentOfTwo', { taskQueue, workflowId: id });
    assert.deepEqual(r, ['child:a', 'child:b', `${id}-b`]);
    assert.equal((await env.client.workflow.getHandle(`${id}-a`).describe()).status.name, 'COMPLETED');
    const types = (await env.client.workflow.getHandle(id).fetchHistory()).events.map((e) => e.type);
    assert.equal(types.filter((t) => t === 'ChildWorkflowExecutionStarted').length, 2);
    assert.equal(types.filter((t) => t === 'ChildWorkflowExecutionClosed').length, 2);
  });

  it("gives the parent a ChildWorkflowFailure carrying the child's failure", async () => {
    assert.equal(await env.client.workflow.execute('parentCatchesChildFailure', { taskQueue, workflowId: uid() }), 'ChildWorkflowFailure: child broke');
  });

  for (const [policy, status] of [['ABANDON', 'RUNNING'], ['TERMINATE', 'TERMINATED'], ['REQUEST_CANCEL', 'CANCELLED']] as const) {
    it(`applies parentClosePolicy ${policy} when the parent closes`, async () => {
      const childId = uid(`child-${policy}`);
      assert.equal(await env.client.workflow.execute('parentLeavesChild', { taskQueue, workflowId: uid(), args: [childId, policy] }), 'parent done');
      const child = env.client.workflow.getHandle(childId);
      const d = await env.waitFor(child, (x) => (status === 'RUNNING' ? x.status.name === 'RUNNING' && x.historyLength >= 2 : x.status.name === status));
      assert.equal(d.status.name, status);
      if (status === 'RUNNING') await child.terminate();
    });
  }

  it('cancels a child through the scope that started it, and waits for the child to close', async () => {
    const id = uid();
    assert.equal(await env.client.workflow.execute('parentCancelsChild', { taskQueue, workflowId: id }), true);
    assert.equal((await env.client.workflow.getHandle(`${id}-child`).describe()).status.name, 'CANCELLED');
  });

  it('cancels another workflow by id', async () => {
    const target = await env.client.workflow.start('childWaits', { taskQueue, workflowId: uid('victim') });
    await env.waitFor(target, (d) => d.historyLength >= 2);
    assert.equal(await env.client.workflow.execute('cancelsOther', { taskQueue, workflowId: uid(), args: [target.workflowId] }), 'cancel requested');
    const d = await env.waitFor(target, (x) => x.status.name !== 'RUNNING');
    assert.equal(d.status.name, 'CANCELLED');
  });

  it('signals another workflow by id, and reports a signal to a missing one', async () => {
    const target = await env.client.workflow.start('cart', { taskQueue, workflowId: uid('target') });
    const r = await env.client.workflow.execute('signalsOther', { taskQueue, workflowId: uid(), args: [target.workflowId] });
    assert.match(String(r), /^sent; the second failed: workflow 'no-such-workflow' not found/);
    await env.waitFor(target, (d) => d.historyLength >= 4);
    await target.signal('checkout');
    assert.deepEqual(await target.result(), ['from-another-workflow']);
  });
});
