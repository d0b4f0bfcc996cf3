// Dynamic workflows and activities, and default query and update handlers, as Temporal has them:
// a workflows module's `default` export runs the types with no function of their own, an
// activity registered as `default` runs the activity types with none, and
// setDefaultQueryHandler / setDefaultUpdateHandler receive the names with no handler.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityInfo } from '@endure/activity';
import { TestEnv, uid, workflowsPath } from '../src/harness.js';

describe('dynamic workflows and activities, default handlers', () => {
  let env: TestEnv;
  const taskQueue = 'dynamic';
  const ran: string[] = [];
  before(async () => {
    env = await TestEnv.create();
    const activities = {
      // The `default` activity receives every activity type with no function of its own.
      async default(...args: unknown[]): Promise<unknown> {
        const { activityType, isLocal } = activityInfo();
        ran.push(activityType);
        return { activityType, isLocal, args };
      },
    };
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('dynamic'), activities });
    await env.startWorker({ taskQueue: 'dynamic-replay', workflowsPath: workflowsPath('dynamic'), activities, maxCachedWorkflows: 0 });
  });
  after(() => env.close());

  it('runs a type with a function of its own by that function, not by the default export', async () => {
    assert.equal(await env.client.workflow.execute('named', { taskQueue, workflowId: uid(), args: ['x'] }), 'named:x');
  });

  for (const queue of [taskQueue, 'dynamic-replay']) {
    it(`runs any other workflow type by the default export, which reads the type from workflowInfo() (${queue})`, async () => {
      const h = await env.client.workflow.start('invoiceCustomer', { taskQueue: queue, workflowId: uid(), args: ['acme', 3] });
      // Queries and updates with no handler of their own go to the default handlers.
      assert.deepEqual(await h.executeUpdate('addLine', { args: ['widget', 2] }), { update: 'addLine', args: ['widget', 2] });
      assert.equal(await h.executeUpdate('named', { args: ['y'] }), 'named update y', 'a named handler still wins over the default one');
      assert.deepEqual(await h.query('totals', 'eur'), { query: 'totals', args: ['eur'], updates: ['addLine'] });
      assert.equal(await h.query('count'), 1, 'a named query handler still wins over the default one');
      await h.signal('finish');
      const result = (await h.result()) as Record<string, unknown>;
      assert.equal(result['workflowType'], 'invoiceCustomer');
      assert.deepEqual(result['args'], ['acme', 3]);
      // Activity types with no function run in the `default` activity, which reads its type from its info.
      assert.deepEqual(result['remote'], { activityType: 'remote_invoiceCustomer', isLocal: false, args: ['acme', 3] });
      assert.deepEqual(result['local'], { activityType: 'local_invoiceCustomer', isLocal: true, args: ['acme', 3] });
      assert.deepEqual(result['updates'], ['addLine']);
    });
  }

  it('still refuses a workflow type when the module has no default export, saying so', async () => {
    await env.startWorker({ taskQueue: 'no-default', workflowsPath: workflowsPath('chain') });
    const h = await env.client.workflow.start('nosuchWorkflow', { taskQueue: 'no-default', workflowId: uid() });
    const d = await env.waitFor(h, (x) => x.pendingWorkflowTask?.lastFailure !== undefined);
    assert.match(String(d.pendingWorkflowTask?.lastFailure?.message), /workflow type 'nosuchWorkflow' is not exported by the worker's workflows module .*and the module has no default export/);
    await h.terminate();
  });

  it('still fails an unknown activity type when no `default` activity is registered', async () => {
    await env.startWorker({ taskQueue: 'no-default-activity', workflowsPath: workflowsPath('dynamic'), activities: { async other() {} } });
    const h = await env.client.workflow.start('anything', { taskQueue: 'no-default-activity', workflowId: uid() });
    await assert.rejects(h.result(), (e: Error) => {
      const cause = (e.cause as Error | undefined)?.cause as Error | undefined; // WorkflowFailedError ← ActivityFailure ← the activity's error
      return /activity 'remote_anything' is not registered on this worker/.test(String(cause?.message));
    });
  });
});
