import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WithStartWorkflowOperation, WorkflowIdConflictPolicy, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@endure/client';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';

describe('updates', () => {
  let env: TestEnv;
  before(async () => {
    env = await TestEnv.create();
    await env.startWorker({ taskQueue: 'updates', workflowsPath: workflowsPath('updates') });
    await env.startWorker({ taskQueue: 'updates-replay', workflowsPath: workflowsPath('updates'), maxCachedWorkflows: 0 });
  });
  after(() => env.close());

  for (const taskQueue of ['updates', 'updates-replay']) {
    it(`returns the handler's result and records acceptance and completion (${taskQueue})`, async () => {
      const h = await env.client.workflow.start('updatableCart', { taskQueue, workflowId: uid() });
      assert.equal(await h.executeUpdate('addToCart', { args: ['apple'] }), 1);
      assert.equal(await h.executeUpdate({ type: 'update', name: 'addToCart' }, { args: ['pear'] }), 2);
      await h.signal('finish');
      assert.deepEqual(await h.result(), ['apple', 'pear']);
      const types = (await h.fetchHistory()).events.map((e) => e.type);
      assert.equal(types.filter((t) => t === 'WorkflowExecutionUpdateAccepted').length, 2);
      assert.equal(types.filter((t) => t === 'WorkflowExecutionUpdateCompleted').length, 2);
    });
  }

  it('a validator rejection fails the call and writes no history', async () => {
    const h = await env.client.workflow.start('updatableCart', { taskQueue: 'updates', workflowId: uid() });
    await h.executeUpdate('addToCart', { args: ['first'] }); // the workflow is running and settled
    const before = (await h.fetchHistory()).events.length;
    await assert.rejects(h.executeUpdate('addToCart', { args: [''] }), (e: unknown) => e instanceof WorkflowUpdateFailedError && /item must not be empty/.test(e.message));
    await assert.rejects(h.executeUpdate('noSuchUpdate'), /update 'noSuchUpdate' is not registered by this workflow \(registered: addToCart\)/);
    assert.equal((await h.fetchHistory()).events.length, before);
    await h.terminate();
  });

  it('deduplicates by update id: the same id returns the first result and runs the handler once', async () => {
    const h = await env.client.workflow.start('updatableCart', { taskQueue: 'updates', workflowId: uid() });
    assert.equal(await h.executeUpdate('addToCart', { args: ['a'], updateId: 'u-1' }), 1);
    assert.equal(await h.executeUpdate('addToCart', { args: ['b'], updateId: 'u-1' }), 1);
    const started = await h.startUpdate('addToCart', { args: ['c'], updateId: 'u-2', waitForStage: WorkflowUpdateStage.ACCEPTED });
    assert.equal(await started.result(), 2);
    assert.equal(await h.getUpdateHandle<number>('u-1').result(), 1);
    await h.signal('finish');
    assert.deepEqual(await h.result(), ['a', 'c']);
  });

  it('executeUpdateWithStart starts the workflow if needed, then runs the update', async () => {
    const id = uid();
    const options = { taskQueue: 'updates', workflowId: id, workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING };
    const op = new WithStartWorkflowOperation('updatableCart', options);
    assert.equal(await env.client.workflow.executeUpdateWithStart('addToCart', { args: ['x'], startWorkflowOperation: op }), 1);
    await assert.rejects(env.client.workflow.executeUpdateWithStart('addToCart', { args: ['x'], startWorkflowOperation: op }), /this WithStartWorkflowOperation was already executed/);
    const op2 = WithStartWorkflowOperation.create('updatableCart', options);
    const started = await env.client.workflow.startUpdateWithStart('addToCart', { args: ['y'], startWorkflowOperation: op2, waitForStage: WorkflowUpdateStage.ACCEPTED });
    assert.equal(await started.result(), 2);
    const h = await op2.workflowHandle();
    await h.signal('finish');
    assert.deepEqual(await h.result(), ['x', 'y']);
  });

  it('update-with-start needs a workflowIdConflictPolicy, as in Temporal', () => {
    // @ts-expect-error -- the type requires it too
    assert.throws(() => new WithStartWorkflowOperation('updatableCart', { taskQueue: 'updates', workflowId: uid() }), /workflowIdConflictPolicy is required for update-with-start/);
  });

  it('refuses an update to a closed workflow', async () => {
    const h = await env.client.workflow.start('updatableCart', { taskQueue: 'updates', workflowId: uid() });
    await h.terminate();
    await assert.rejects(h.executeUpdate('addToCart', { args: ['late'] }), /already closed \(TERMINATED\): it cannot take update 'addToCart'/);
  });
});
